"""ensure_future: the "Coroutine", "Event loop" and "Future" sections of
"Async programming in Python with asyncio" (seed 002): calling an async
function runs nothing and only makes a coroutine; `await` runs it and gives
its result; loop.create_task and asyncio.ensure_future add coroutines to a
new loop as tasks (futures), and ensure_future hands a future back
unchanged; run_until_complete(future) runs the loop, and every task added
to it progresses meanwhile; then the loop is closed.

The article's my_task only passes; here it prints and returns its argument
doubled so that the run shows when each runs. The article's ensure_future
uses "the default loop"; in Python 3.11 that is get_event_loop(), which
outside a running loop is not the loop made here, so the loop is passed
explicitly."""
import asyncio


async def my_task(args):
    print('my_task', args, 'runs')
    return args * 2


async def awaiting_task(args):
    result = await my_task(args)
    print(f'await my_task({args}) returned {result}')
    return result


loop = asyncio.new_event_loop()
my_coroutine = my_task(1)
print('coroutine created: nothing ran yet')
future1 = loop.create_task(my_coroutine, name='future1')
future2 = asyncio.ensure_future(my_task(2), loop=loop)
future2.set_name('future2')
future3 = loop.create_task(awaiting_task(3), name='future3')
print('ensure_future(future1) is future1:',
      asyncio.ensure_future(future1) is future1)
print('tasks created: nothing ran yet')
loop.run_until_complete(future1)
for future in (future1, future2, future3):
    print(future.get_name(), 'done:', future.done(),
          'result:', future.result())
loop.close()
