// io-peers.mjs: the Node.js side of bench-io-peers, against peer-server,
// with the same arguments and output as io_peers.py:
//
//   node io-peers.mjs http URL TOTAL INFLIGHT SECONDS
//       TOTAL GETs through the http module and one keep-alive Agent of
//       INFLIGHT sockets, INFLIGHT at a time (a warm-up of INFLIGHT first).
//   node io-peers.mjs echo PORT node CONNS ROUNDS SECONDS
//       CONNS net connections, 64-byte round trips, ROUNDS in all.
//
// Prints "rate R" (per second) and "done N"; every loop stops after its
// count or after SECONDS.
import http from 'node:http';
import net from 'node:net';

const MESSAGE = Buffer.alloc(64, 'x');

function get (agent, url) {
  return new Promise((resolve, reject) => {
    http.get(url, { agent }, (res) => {
      res.on('data', () => {});
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
        else resolve();
      });
      res.on('error', reject);
    }).on('error', reject);
  });
}

async function httpMain (url, total, inflight, seconds) {
  const deadline = Date.now() + seconds * 1000;
  const agent = new http.Agent({ keepAlive: true, maxSockets: inflight });
  await Promise.all(Array.from({ length: inflight }, () => get(agent, url)));
  let left = total;
  async function worker () {
    let done = 0;
    while (left > 0 && Date.now() < deadline) {
      left--;
      await get(agent, url);
      done++;
    }
    return done;
  }
  const start = process.hrtime.bigint();
  const counts = await Promise.all(Array.from({ length: inflight }, worker));
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  agent.destroy();
  const done = counts.reduce((a, b) => a + b, 0);
  console.log(`rate ${(done / elapsed).toFixed(1)}`);
  console.log(`done ${done}`);
}

// connection: a socket to the echo server whose roundTrip() sends MESSAGE
// and resolves once as many bytes have come back.
function connection (port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let pending = 0;
    let wake = null;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => {
      pending -= chunk.length;
      if (pending <= 0 && wake) {
        const w = wake;
        wake = null;
        w();
      }
    });
    socket.on('error', reject);
    socket.on('connect', () => resolve({
      socket,
      roundTrip () {
        pending += MESSAGE.length;
        return new Promise((done) => {
          wake = done;
          socket.write(MESSAGE);
        });
      }
    }));
  });
}

async function echoMain (port, conns, rounds, seconds) {
  const deadline = Date.now() + seconds * 1000;
  const sockets = [];
  for (let i = 0; i < conns; i++) sockets.push(await connection(port));
  let left = rounds;
  async function pinger (c) {
    let done = 0;
    while (left > 0 && Date.now() < deadline) {
      left--;
      await c.roundTrip();
      done++;
    }
    return done;
  }
  const start = process.hrtime.bigint();
  const counts = await Promise.all(sockets.map(pinger));
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  for (const c of sockets) c.socket.destroy();
  const done = counts.reduce((a, b) => a + b, 0);
  console.log(`rate ${(done / elapsed).toFixed(1)}`);
  console.log(`done ${done}`);
}

const a = process.argv.slice(2);
if (a.length === 5 && a[0] === 'http') {
  await httpMain(a[1], Number(a[2]), Number(a[3]), Number(a[4]));
} else if (a.length === 6 && a[0] === 'echo' && a[2] === 'node') {
  await echoMain(Number(a[1]), Number(a[3]), Number(a[4]), Number(a[5]));
} else {
  console.error('usage: io-peers.mjs http URL TOTAL INFLIGHT SECONDS | echo PORT node CONNS ROUNDS SECONDS');
  process.exit(2);
}
