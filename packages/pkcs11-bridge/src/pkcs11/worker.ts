/**
 * PKCS#11 calls in a worker thread. `pkcs11js` calls are synchronous: a PIN pad's C_Login waits until
 * the user types on the reader, and a slow token answers when it answers; in the calling thread that
 * would stop the event loop (the bridge would answer no page, no approval, no refusal) for as long.
 * Here the library is loaded in its own thread and every call is a message, answered in order.
 *
 * The worker's code is a plain script (no import of this package), so it runs the same from the
 * built package and from the sources.
 *
 * @internal
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { PKCS11_FUNCTIONS, type Pkcs11AsyncApi } from './api';

/**
 * What the worker loads: a vendor library through `pkcs11js`, or (tests) an ES module whose
 * `createPkcs11Api(options)` returns an object shaped like `pkcs11js`, so that a test double can
 * block its thread as a PIN pad does.
 */
export type Pkcs11WorkerLibrary =
  | { readonly kind: 'pkcs11js'; readonly path: string }
  | { readonly kind: 'script'; readonly url: string; readonly options?: unknown };

interface WorkerError {
  readonly name: string;
  readonly message: string;
  readonly code?: number;
}

type WorkerAnswer = { readonly id: number; readonly ok: true; readonly result?: unknown } | { readonly id: number; readonly ok: false; readonly error: WorkerError };

const WORKER_SOURCE = `'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const FUNCTIONS = new Set(${JSON.stringify(PKCS11_FUNCTIONS)});
function incoming(v) {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (Array.isArray(v)) return v.map(incoming);
  if (v !== null && typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v)) o[k] = incoming(v[k]);
    return o;
  }
  return v;
}
function outgoing(v) {
  if (v instanceof Uint8Array) return new Uint8Array(v);
  if (Array.isArray(v)) return v.map(outgoing);
  if (v !== null && typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v)) o[k] = outgoing(v[k]);
    return o;
  }
  return v;
}
function errorOf(err) {
  const e = err !== null && typeof err === 'object' ? err : { message: String(err) };
  return {
    name: typeof e.name === 'string' ? e.name : 'Error',
    message: typeof e.message === 'string' ? e.message : String(err),
    ...(typeof e.code === 'number' ? { code: e.code } : {}),
  };
}
let lib = null;
const ready = (async () => {
  const library = workerData.library;
  if (library.kind === 'pkcs11js') {
    const pkcs11js = require(workerData.pkcs11js);
    const Ctor = pkcs11js.PKCS11 || (pkcs11js.default && pkcs11js.default.PKCS11);
    if (typeof Ctor !== 'function') throw new Error('pkcs11js did not load (is its native addon built? run pnpm install)');
    lib = new Ctor();
    lib.load(library.path);
  } else {
    const m = await import(library.url);
    lib = await m.createPkcs11Api(library.options);
  }
})();
parentPort.on('message', (msg) => {
  ready.then(
    () => {
      try {
        if (msg.fn === '$ready') {
          parentPort.postMessage({ id: msg.id, ok: true });
        } else if (msg.fn === '$close') {
          if (lib !== null && typeof lib.close === 'function') lib.close();
          parentPort.postMessage({ id: msg.id, ok: true });
        } else {
          if (!FUNCTIONS.has(msg.fn)) throw new TypeError('not a PKCS#11 function: ' + String(msg.fn));
          const result = lib[msg.fn](...incoming(msg.args));
          parentPort.postMessage({ id: msg.id, ok: true, result: outgoing(result) });
        }
      } catch (err) {
        parentPort.postMessage({ id: msg.id, ok: false, error: errorOf(err) });
      }
    },
    (err) => parentPort.postMessage({ id: msg.id, ok: false, error: errorOf(err) }),
  );
});
`;

/** Where `pkcs11js` is installed, for the worker to load it (from the built package or the sources). */
function resolvePkcs11js(): string {
  const from = typeof __filename === 'string' ? __filename : import.meta.url;
  return createRequire(from).resolve('pkcs11js');
}

/** Buffers as the worker reads them back into Buffers, each copied alone (not a whole pool slab). */
function detach(value: unknown): unknown {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map(detach);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, detach(v)]));
  return value;
}

/** What comes back: Uint8Arrays as Buffers (handles, attribute values, signatures). */
function revive(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (Array.isArray(value)) return value.map(revive);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
  return value;
}

/** The worker's error as the calling thread sees it: same name and message, the CKR_ value as `code`. */
function reviveError(e: WorkerError): Error {
  const err = e.name === 'TypeError' ? new TypeError(e.message) : new Error(e.message);
  err.name = e.name;
  if (typeof e.code === 'number') Object.assign(err, { code: e.code });
  return err;
}

/**
 * Starts a worker thread holding the library and answers once it is loaded. Calls are answered in
 * the order they were made; the thread keeps the process alive only while a call is waiting.
 *
 * @throws {Error} when the library does not load (the caller turns it into CLIENT_NOT_RUNNING).
 */
export async function startPkcs11Worker(library: Pkcs11WorkerLibrary): Promise<Pkcs11AsyncApi> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { library, pkcs11js: library.kind === 'pkcs11js' ? resolvePkcs11js() : null },
  });
  worker.unref();
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: unknown) => void }>();
  let nextId = 1;
  let stopped: Error | null = null;
  const stop = (err: Error): void => {
    stopped ??= err;
    for (const p of pending.values()) p.reject(stopped);
    pending.clear();
  };
  worker.on('message', (answer: WorkerAnswer) => {
    const p = pending.get(answer.id);
    if (p === undefined) return;
    pending.delete(answer.id);
    if (pending.size === 0) worker.unref();
    if (answer.ok) p.resolve(revive(answer.result));
    else p.reject(reviveError(answer.error));
  });
  worker.on('error', (err) => stop(err));
  worker.on('exit', (code) => stop(new Error(`the PKCS#11 worker thread stopped (exit code ${code})`)));
  const call = (fn: string, args: readonly unknown[]): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (stopped !== null) {
        reject(stopped);
        return;
      }
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, fn, args: detach(args) });
    });
  try {
    await call('$ready', []);
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  const api: Record<string, unknown> = {
    async close() {
      try {
        await call('$close', []);
      } catch {
        // unloading is best effort
      } finally {
        await worker.terminate();
      }
    },
  };
  for (const fn of PKCS11_FUNCTIONS) api[fn] = (...args: unknown[]) => call(fn, args);
  return api as Pkcs11AsyncApi;
}
