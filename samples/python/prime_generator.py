"""prime_generator: the "Async generator" section of "Async programming in
Python with asyncio" (seed 002): an async generator of primes, consumed with
`async for`, runs alongside a task checking email every 2 seconds.

Changes from the article, so the output is the same on every run and in C:
random.random() is replaced by a small linear congruential generator (the C
twin computes the same numbers), and the arguments scale the run down for
the tests: [n_prime [emails [interval]]], the article's 3000 10 2 by
default. (With the defaults, how many primes are printed between two emails
depends on the machine's speed in Python; braid's virtual clock does not.)

The tasks are named as in the C program (create_task(..., name=...))
so that traces read well; the output is unchanged."""
import asyncio
import sys

state = 8


def next_random():
    """A linear congruential generator in [0, 1)."""
    global state
    state = (state * 1103515245 + 12345) % 2147483648
    return state / 2147483648


async def is_prime(n):
    if n < 2:
        return True
    for i in range(2, n):
        # allow event_loop to run other coroutine
        await asyncio.sleep(0)
        if n % i == 0:
            return False
    return True


async def prime_generator(n_prime):
    counter = 0
    n = 0
    while counter < n_prime:
        n += 1
        # wait for is_prime to finish
        prime = await is_prime(n)
        if prime:
            yield n
            counter += 1


async def check_email(limit, interval):
    for i in range(limit):
        if next_random() > 0.8:
            print('1 new email')
        else:
            print('0 new email')
        await asyncio.sleep(interval)


async def print_prime(n):
    async for prime in prime_generator(n):
        print('new prime number found:', prime)


def main(n_prime=3000, emails=10, interval=2.0):
    loop = asyncio.new_event_loop()
    prime = loop.create_task(print_prime(n_prime), name='prime')
    email = loop.create_task(check_email(emails, interval),
                             name='email')
    loop.run_until_complete(asyncio.wait([prime, email]))
    loop.close()


if __name__ == "__main__":
    args = sys.argv[1:]
    main(int(args[0]) if len(args) > 0 else 3000,
         int(args[1]) if len(args) > 1 else 10,
         float(args[2]) if len(args) > 2 else 2.0)
