"""my_future: "Futures" of the dev.to article on asyncio fundamentals
(seed 001): a Future gets as its result what asyncio.run(my_coroutine())
returned, and result() reads it; then the article's shorter form, the
result of asyncio.run printed directly.

asyncio.Future() is created outside any running loop, so it belongs to the
policy's default loop, which never runs: set_result and result need no
loop when nothing waits on the future."""
import asyncio


async def my_coroutine():
    await asyncio.sleep(1)
    return "Any Async Output"

my_future = asyncio.Future()
my_future.set_result(asyncio.run(my_coroutine()))
result = my_future.result()
print(result)

# Alternatively, the simplified form:
result = asyncio.run(my_coroutine())
print(result)
