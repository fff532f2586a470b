"""semaphore_bounded: the "Semaphores" section of the asyncio guide
(seed 003): ten bounded operations through Semaphore(3), so at most three
run at once. The guide leaves operation() undefined: here operation i sleeps
0.05 * (i + 1) s (distinct deadlines, so the order never rests on a tie)
and returns i * i; each start and end is printed with how many run.

The tasks are named as in the C program (create_task(..., name=...))
so that traces read well; the output is unchanged."""
import asyncio

running = 0


async def operation(i):
    global running
    running += 1
    print(f"operation {i} starts ({running} running)")
    await asyncio.sleep(0.05 * (i + 1))
    running -= 1
    print(f"operation {i} ends")
    return i * i


async def main():
    # Limit concurrent operations
    sem = asyncio.Semaphore(3)

    async def bounded_operation(i):
        async with sem:
            return await operation(i)

    tasks = [asyncio.create_task(bounded_operation(i),
                                 name=f"bounded_operation{i}")
             for i in range(10)]
    return await asyncio.gather(*tasks)

if __name__ == "__main__":
    print("results:", asyncio.run(main()))
