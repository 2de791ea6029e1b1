/**
 * Starts and drives the bid-opening benchmark's login nodes (lib/login-node.mjs), one child process
 * each. Every child started here is killed when the benchmark process exits, whatever happens.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('./login-node.mjs', import.meta.url));
const live = new Set();
let exitHook = false;

function killAll() {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

class Node {
  constructor(env) {
    this.child = fork(WORKER, [], {
      env: { ...process.env, YZ_BID_NODE: JSON.stringify(env) },
      // Only --expose-gc from the parent's flags (an --eval or --input-type would break the child).
      execArgv: process.execArgv.filter((arg) => arg === '--expose-gc'),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    live.add(this.child);
    this.waiters = new Map();
    this.child.on('message', (message) => {
      if (message.event === 'error') this.fail(new Error(`login node failed: ${message.message}`));
      else this.waiters.get(message.event)?.resolve(message);
    });
    this.child.once('exit', (code, signal) => {
      live.delete(this.child);
      this.fail(new Error(`login node exited (${signal ?? code})`));
    });
  }

  fail(err) {
    for (const w of this.waiters.values()) w.reject(err);
    this.waiters.clear();
    this.failed ??= err;
  }

  /** Resolves with the next message of `event`, or rejects when the node fails or exits or `timeoutMs` passes. */
  wait(event, timeoutMs) {
    if (this.failed !== undefined) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`login node: no '${event}' within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.set(event, {
        resolve: (m) => { clearTimeout(timer); this.waiters.delete(event); resolve(m); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
    });
  }

  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    try {
      this.child.send({ op: 'close' });
    } catch {
      // The channel is already closed.
    }
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    this.child.kill('SIGKILL');
  }
}

/**
 * Starts `count` nodes on `env` (`{ store, caDer, poolSize }`) and waits until each has opened its
 * store. Returns `{ burst(files, concurrency), stop() }`: `burst` loads one logins file per node
 * (and lets each run its warm-up logins), then starts all of them at once and resolves `{ wallMs, parts }` (wall time from the start
 * message to the last node done, and each node's `{ latencies, wallMs, failures, firstError }`).
 */
export async function startNodes(count, env) {
  if (!exitHook) {
    process.once('exit', killAll);
    exitHook = true;
  }
  const nodes = [];
  try {
    for (let i = 0; i < count; i++) nodes.push(new Node(env));
    await Promise.all(nodes.map((n) => n.wait('ready', 60_000)));
  } catch (err) {
    await Promise.all(nodes.map((n) => n.stop()));
    throw err;
  }
  return {
    async burst(files, concurrency) {
      const loaded = nodes.map((n) => n.wait('loaded', 120_000));
      nodes.forEach((n, i) => n.child.send({ op: 'load', file: files[i], concurrency }));
      await Promise.all(loaded);
      const done = nodes.map((n) => n.wait('done', 600_000));
      const t0 = performance.now();
      for (const n of nodes) n.child.send({ op: 'go', concurrency });
      const parts = await Promise.all(done);
      return { wallMs: performance.now() - t0, parts };
    },
    stop: () => Promise.all(nodes.map((n) => n.stop())),
  };
}
