#!/usr/bin/env python3
"""bench-pingpong.py: what recording costs an asyncio program.

Two tasks play sleep(0) ping-pong (every step is one yield: the busiest
a loop gets, and the most events per second a trace takes), untraced and
traced by `python3 -m braid`, in separate processes, alternating, ROUNDS
times each. Each process times its ping-pong itself (wall clock, and the
main thread's CPU time), so interpreter start-up and the trace's closing
are left out; the best of the rounds counts. Prints

    bench python-pingpong-untraced SECONDS s
    bench python-pingpong-traced SECONDS s
    bench python-tracing-ratio RATIO x        (traced / untraced, wall)
    bench python-tracing-cpu-ratio RATIO x    (the same, main thread CPU)

    bench-pingpong.py [STEPS_PER_TASK [ROUNDS]]
"""
import os
import subprocess
import sys
import tempfile

PLAYERS = """
import asyncio, sys, time
steps = int(sys.argv[1])
async def player():
    for _ in range(steps):
        await asyncio.sleep(0)
async def main():
    wall, cpu = time.perf_counter(), time.thread_time()
    await asyncio.gather(player(), player())
    print(time.perf_counter() - wall, time.thread_time() - cpu)
asyncio.run(main())
"""


def run(command, env):
    out = subprocess.run(command, env=env, capture_output=True, text=True,
                         check=True, timeout=600)
    wall, cpu = out.stdout.split()
    return float(wall), float(cpu)


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    python = os.environ.get("BRAID_PYTHON", sys.executable)
    with tempfile.TemporaryDirectory(prefix="braid-bench-") as tmp:
        program = os.path.join(tmp, "pingpong.py")
        with open(program, "w") as f:
            f.write(PLAYERS)
        env = dict(os.environ)
        env.pop("BRAID_CLOCK", None)
        env["PYTHONPATH"] = os.environ["BRAID_PYTHONPATH"]
        trace = os.path.join(tmp, "pingpong.braid")
        untraced, traced = [], []
        for _ in range(rounds):
            untraced.append(run([python, program, str(steps)], env))
            traced.append(run([python, "-m", "braid", "-o", trace, program,
                               str(steps)], env))
        events = os.path.getsize(trace)
    u_wall = min(w for w, _ in untraced)
    t_wall = min(w for w, _ in traced)
    u_cpu = min(c for _, c in untraced)
    t_cpu = min(c for _, c in traced)
    print(f"# {2 * steps} steps (sleep(0) yields) per run, best of {rounds};"
          f" the last trace took {events / 1e6:.1f} MB")
    print(f"bench python-pingpong-untraced {u_wall:.3f} s")
    print(f"bench python-pingpong-traced {t_wall:.3f} s")
    print(f"bench python-tracing-ratio {t_wall / u_wall:.2f} x")
    print(f"bench python-tracing-cpu-ratio {t_cpu / u_cpu:.2f} x")


if __name__ == "__main__":
    main()
