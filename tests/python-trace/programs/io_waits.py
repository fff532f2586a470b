"""Waits on I/O and on a thread: a loopback echo server and its client
(asyncio streams), then a blocking call in asyncio.to_thread."""
import asyncio
import time


async def handle(reader, writer):
    line = await reader.readline()
    writer.write(line)
    await writer.drain()
    writer.close()
    await writer.wait_closed()


async def client(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"hello\n")
    await writer.drain()
    echo = await reader.readline()
    print("echo:", echo.decode().strip())
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    await asyncio.create_task(client(port), name="client")
    server.close()
    await server.wait_closed()
    await asyncio.create_task(asyncio.to_thread(time.sleep, 0.05),
                              name="sleeper")
    print("thread done")


asyncio.run(main())
