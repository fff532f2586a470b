"""kill_child.py: a traced asyncio program whose child, a braid C program
(argv[1]), is killed -9 once it has printed its first line; the parent then
goes on and ends normally. Its trace must stay intact beside the child's
cut-off one (test-exits.py)."""
import asyncio
import signal
import sys


async def main():
    child = await asyncio.create_subprocess_exec(
        sys.argv[1], stdout=asyncio.subprocess.PIPE)
    first = await child.stdout.readline()
    print("child said", first.decode().strip() != "")
    child.send_signal(signal.SIGKILL)
    print("child ended", await child.wait())
    await asyncio.sleep(0.01)
    print("parent done")


asyncio.run(main())
