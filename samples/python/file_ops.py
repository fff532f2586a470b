"""file_ops: "File Operations (aiofiles)" of seed 003. aiofiles is not in
the standard library; it runs file calls on a thread pool, which is what
asyncio.to_thread does here (and libuv's file requests in
samples/file_ops.c)."""
import asyncio
import os
import sys
import tempfile


async def read_file(filename):
    def read():
        with open(filename, mode='r') as f:
            return f.read()
    return await asyncio.to_thread(read)


async def write_file(filename, content):
    def write():
        with open(filename, mode='w') as f:
            f.write(content)
    await asyncio.to_thread(write)


async def main(path):
    print("Writing notes.txt")
    await write_file(path, "async file I/O with braid\nsecond line\n")
    text = await read_file(path)
    print("Read back:\n" + text, end="")
    os.unlink(path)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(os.path.join(sys.argv[1], "notes.txt")))
    else:
        with tempfile.TemporaryDirectory(prefix="braid-file-ops-") as d:
            asyncio.run(main(os.path.join(d, "notes.txt")))
