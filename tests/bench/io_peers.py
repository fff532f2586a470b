"""io_peers.py: the CPython side of bench-io-peers, against peer-server.

  io_peers.py http URL TOTAL INFLIGHT SECONDS
      TOTAL GETs of URL through one aiohttp ClientSession, INFLIGHT at a
      time (a warm-up of INFLIGHT requests first, untimed). Prints
      "rate R" (requests per second) and "done N".
  io_peers.py echo PORT uvloop|asyncio CONNS ROUNDS SECONDS
      CONNS connections to the echo server on 127.0.0.1:PORT, each sending
      64 bytes and reading them back, ROUNDS round trips in all. Prints
      "rate R" (round trips per second) and "done N".

Every loop stops after its count or after SECONDS, whichever comes first;
a missing module prints "skip REASON" and exits 0.
"""
import asyncio
import sys
import time

MESSAGE = b"x" * 64


async def http_main(url, total, inflight, seconds):
    import aiohttp

    deadline = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(limit=inflight)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def get():
            async with session.get(url) as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(f"status {response.status}")

        await asyncio.gather(*(get() for _ in range(inflight)))
        left = [total]

        async def worker():
            done = 0
            while left[0] > 0 and time.monotonic() < deadline:
                left[0] -= 1
                await get()
                done += 1
            return done

        start = time.perf_counter()
        done = sum(await asyncio.gather(*(worker() for _ in range(inflight))))
        elapsed = time.perf_counter() - start
    print(f"rate {done / elapsed:.1f}")
    print(f"done {done}")


async def echo_main(port, conns, rounds, seconds):
    deadline = time.monotonic() + seconds
    streams = [await asyncio.open_connection("127.0.0.1", port)
               for _ in range(conns)]
    left = [rounds]

    async def pinger(reader, writer):
        done = 0
        while left[0] > 0 and time.monotonic() < deadline:
            left[0] -= 1
            writer.write(MESSAGE)
            # braid_stream_write waits for the drain too.
            await writer.drain()
            await reader.readexactly(len(MESSAGE))
            done += 1
        return done

    start = time.perf_counter()
    done = sum(await asyncio.gather(*(pinger(r, w) for r, w in streams)))
    elapsed = time.perf_counter() - start
    for _, writer in streams:
        writer.close()
    print(f"rate {done / elapsed:.1f}")
    print(f"done {done}")


def main(argv):
    if len(argv) == 6 and argv[1] == "http":
        try:
            import aiohttp  # noqa: F401
        except ImportError:
            print("skip python3-aiohttp is not installed")
            return 0
        asyncio.run(http_main(argv[2], int(argv[3]), int(argv[4]),
                              float(argv[5])))
        return 0
    if len(argv) == 7 and argv[1] == "echo" and argv[3] in ("uvloop",
                                                             "asyncio"):
        if argv[3] == "uvloop":
            try:
                import uvloop
            except ImportError:
                print("skip python3-uvloop is not installed")
                return 0
            uvloop.install()
        asyncio.run(echo_main(int(argv[2]), int(argv[4]), int(argv[5]),
                              float(argv[6])))
        return 0
    print(f"usage: {argv[0]} http URL TOTAL INFLIGHT SECONDS | "
          "echo PORT uvloop|asyncio CONNS ROUNDS SECONDS", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
