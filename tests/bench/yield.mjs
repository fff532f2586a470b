// yield.mjs: the Node.js side of bench-yield. Two async functions take
// turns N times each (argument 1), once with `await null` (a microtask
// turn) and once through setImmediate (a turn of the event loop, the closer
// match to asyncio.sleep(0)). Prints "await NS" and "setImmediate NS", the
// nanoseconds per yield, each the best of RUNS runs sharing the rounds
// (the machine is shared, and a short run is more often left alone; the
// first runs also pay for the JIT's warm-up).
const N = Number(process.argv[2] || 1000000);
const RUNS = 50;

async function awaitNull (n) {
  for (let i = 0; i < n; i++) await null;
}

function immediate () {
  return new Promise((resolve) => setImmediate(resolve));
}

async function awaitImmediate (n) {
  for (let i = 0; i < n; i++) await immediate();
}

async function time (label, fn, total) {
  const n = Math.max(1, Math.floor(total / RUNS));
  let best = Infinity;
  for (let run = 0; run < RUNS; run++) {
    const start = process.hrtime.bigint();
    await Promise.all([fn(n), fn(n)]);
    const elapsed = Number(process.hrtime.bigint() - start);
    best = Math.min(best, elapsed / (2 * n));
  }
  console.log(`${label} ${best.toFixed(1)}`);
}

await time('await', awaitNull, N);
await time('setImmediate', awaitImmediate, Math.max(1, Math.floor(N / 10)));
