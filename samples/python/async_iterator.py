"""async_iterator: the "Async Iterators" and "Async Generators" sections of
the asyncio guide (seed 003): the same rows streamed by a class with
__aiter__/__anext__ and by an async generator, record_streamer. The guide
leaves coroutine() undefined: here it sleeps 0.1 s and returns the number
of calls so far times 10."""
import asyncio

calls = 0


async def coroutine():
    global calls
    await asyncio.sleep(0.1)
    calls += 1
    return calls * 10


class AsyncIterator:
    def __init__(self, max_rows=100):
        self._current_row = 0
        self._max_rows = max_rows

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self._current_row < self._max_rows:
            row = (self._current_row, await coroutine())
            self._current_row += 1
            return row
        raise StopAsyncIteration


async def record_streamer(max_rows):
    current_row = 0
    while current_row < max_rows:
        row = (current_row, await coroutine())
        current_row += 1
        yield row


async def main():
    async for row in AsyncIterator(3):
        print("iterator row", row)
    async for row in record_streamer(3):
        print("generator row", row)
    print("coroutine calls:", calls)

if __name__ == "__main__":
    asyncio.run(main())
