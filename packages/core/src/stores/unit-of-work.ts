/**
 * The pieces every adapter's unit of work is made of: a gate that serialises work on one connection
 * (or one in-memory state) and recognises calls made from inside a transaction, a scope that a
 * transaction's stores check before each call, and the plumbing that turns synchronous store
 * implementations (memory, node:sqlite) into the async contracts.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { isYizhengError, YizhengError } from '../errors/index';
import type { AuditLog, BindingStore, ChallengeStore, RenewalStores, RenewalStoreSet, SealedEnvelopeStore, ServiceOrderStore, Stores } from './types';

/**
 * Serialises work (a promise-chain mutex) and marks the async context of a running transaction, so a
 * call on the outer stores from inside `transaction()` fails fast instead of deadlocking on the mutex
 * (SQLite, memory) or silently running outside the transaction (PostgreSQL).
 */
export class Gate {
  readonly #inside = new AsyncLocalStorage<true>();
  #tail: Promise<unknown> = Promise.resolve();
  /** Work queued or running; 0 when the gate is idle. */
  #busy = 0;
  /** How much work has ever been queued (tells a group commit whether anything queued behind it). */
  #enqueued = 0;
  readonly #settled = (): void => {
    this.#busy--;
  };

  /** Rejects calls made from inside one of this gate's transactions. */
  assertOutside(what: string): void {
    if (this.#inside.getStore() === true) {
      throw new YizhengError('INVALID_ARGUMENT', {
        reason: `${what} was called on the stores from inside their own transaction(): use the tx argument`,
      });
    }
  }

  /** Runs `fn` after everything queued before it has settled; later calls wait for it. */
  exclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    this.#busy++;
    this.#enqueued++;
    const run = this.#tail.then(() => fn());
    this.#tail = run.then(this.#settled, this.#settled);
    return run;
  }

  /** How many pieces of work have been queued so far. */
  get enqueued(): number {
    return this.#enqueued;
  }

  /**
   * Runs the synchronous `fn` at once when nothing is queued or running (no promise chain to wait
   * on: the common case of one call at a time), else queues it as {@link exclusive} does.
   */
  now<T>(fn: () => T): Promise<T> {
    if (this.#busy !== 0) return this.exclusive(fn);
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  /** Runs `fn` marked as inside a transaction of this gate. */
  inside<T>(fn: () => Promise<T>): Promise<T> {
    return this.#inside.run(true, fn);
  }
}

/** The lifetime of one transaction: its stores refuse to work once it has settled. */
export class TxScope {
  #open = true;

  /** Throws when the transaction has already committed or rolled back. */
  check(): void {
    if (!this.#open) {
      throw new YizhengError('INVALID_ARGUMENT', {
        reason: 'a transaction’s stores were used after the transaction had finished',
      });
    }
  }

  /** Ends the scope. */
  close(): void {
    this.#open = false;
  }
}

/** Runs one store call: directly, under the gate, or inside a transaction's scope. */
export type Runner = <T>(what: string, fn: () => T | Promise<T>) => Promise<T>;

/** An async store contract with each method allowed to return its result directly. */
export type Direct<S> = {
  [K in keyof S]: S[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R | Promise<R> : never;
};

/** The store implementations an adapter provides, possibly synchronous. */
export interface DirectStoreSet {
  /** Challenge store implementation. */
  readonly challenges: Direct<ChallengeStore>;
  /** Binding store implementation. */
  readonly bindings: Direct<BindingStore>;
  /** Audit log implementation. */
  readonly audit: Direct<AuditLog>;
  /** Sealed-envelope store implementation. */
  readonly envelopes: Direct<SealedEnvelopeStore>;
  /** Service-order store implementation. */
  readonly orders: Direct<ServiceOrderStore>;
}

type AnyMethod = (...args: unknown[]) => unknown;

function wrap<S>(name: string, impl: Direct<S>, run: Runner): S {
  const source = impl as unknown as Record<string, AnyMethod>;
  const out: Record<string, AnyMethod> = {};
  let proto: object | null = impl as object;
  const keys = new Set<string>();
  while (proto !== null && proto !== Object.prototype) {
    for (const key of Object.getOwnPropertyNames(proto)) if (key !== 'constructor') keys.add(key);
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  for (const key of keys) {
    const method = source[key];
    if (typeof method !== 'function' || key.startsWith('_')) continue;
    const what = `${name}.${key}`;
    out[key] = (...args: unknown[]) => run(what, () => method.apply(impl, args));
  }
  return Object.freeze(out) as unknown as S;
}

/** Async stores over direct implementations, every call going through `run`. */
export function wrapStoreSet(impl: DirectStoreSet, run: Runner): RenewalStoreSet {
  return Object.freeze({
    challenges: wrap<ChallengeStore>('challenges', impl.challenges, run),
    bindings: wrap<BindingStore>('bindings', impl.bindings, run),
    audit: wrap<AuditLog>('audit', impl.audit, run),
    envelopes: wrap<SealedEnvelopeStore>('envelopes', impl.envelopes, run),
    orders: wrap<ServiceOrderStore>('orders', impl.orders, run),
  });
}

/** How a single-connection engine (memory, node:sqlite) begins, commits and rolls back. */
export interface SyncEngine {
  /** Which adapter. */
  readonly kind: Stores['kind'];
  /** The store implementations, all synchronous. */
  readonly impl: DirectStoreSet;
  /** Starts a transaction. */
  begin(): void;
  /** Commits it. */
  commit(): void;
  /** Rolls it back; must not throw when there is nothing to roll back. */
  rollback(): void;
  /** Runs one call outside a transaction atomically. */
  single<T>(fn: () => T): T;
  /**
   * Calls made while others are queued run together in one transaction (group commit): one commit,
   * and so one disk sync, for the batch instead of one each. For an engine whose every call is one
   * write statement plus reads, so a batch commits exactly what the calls would have one by one.
   */
  readonly groupCommit?: boolean;
  /** Creates or upgrades the schema. */
  migrate(): void;
  /** Releases the connection. */
  close(): void;
}

/** A call waiting for the next group commit. */
interface Queued {
  readonly run: () => unknown;
  /** A read (`find…`, `list…`, `get`): needs no write lock. */
  readonly read: boolean;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
}

/** Results of a batch's calls, in order: a value, or the Yizheng error the call refused with. */
type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** The most calls one transaction takes (bounds how long it holds the write lock). */
const MAX_GROUP = 128;

/** Store methods that only read (every adapter names them so). */
const READ = /^\w+\.(find|list|get)/;

/**
 * Group commit for a single-connection engine. A call joins the batch that is waiting at the end of
 * the gate's queue, or starts a new one there, so every call still runs after everything queued
 * before it (a transaction, a close, the other stores on the same file). The gate runs the batch in
 * order, up to {@link MAX_GROUP} calls per transaction, and settles each call only after its commit.
 * - A call refused with a Yizheng error keeps its answer; the transaction keeps what the call would
 *   have kept alone (nothing: refusals come before or instead of its one write, except a row that
 *   reads back corrupt, whose write autocommit would have kept too).
 * - Any other error (the database's own) may have ended the transaction: it is rolled back, that
 *   call fails with the error, and every other call of the transaction runs again alone.
 * - A failed commit fails every call of the transaction (nothing of theirs was written); a failed
 *   BEGIN (another process held the write lock past the busy timeout) fails the writes, and the
 *   reads run alone (they need no lock, as before).
 * - One call alone, or only reads, run as they would without batching.
 */
class GroupCommit {
  readonly #engine: SyncEngine;
  readonly #gate: Gate;
  /** The batch still taking calls, and the gate's enqueue count right after it was queued. */
  #open: Queued[] | null = null;
  #mark = -1;

  constructor(engine: SyncEngine, gate: Gate) {
    this.#engine = engine;
    this.#gate = gate;
  }

  add<T>(what: string, fn: () => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const q: Queued = { run: fn, read: READ.test(what), resolve: resolve as (value: unknown) => void, reject };
      // Join the waiting batch only while nothing else has been queued behind it.
      if (this.#open !== null && this.#gate.enqueued === this.#mark) {
        this.#open.push(q);
        return;
      }
      const batch = [q];
      this.#open = batch;
      void this.#gate.exclusive(() => {
        if (this.#open === batch) this.#open = null;
        for (let i = 0; i < batch.length; i += MAX_GROUP) {
          const part = batch.length <= MAX_GROUP ? batch : batch.slice(i, i + MAX_GROUP);
          try {
            this.#run(part);
          } catch (err) {
            // Not expected (every step catches its own errors); never leave a caller waiting.
            // A promise already settled ignores a second answer.
            for (const x of part) x.reject(err);
          }
        }
      });
      this.#mark = this.#gate.enqueued;
    });
  }

  #alone(q: Queued): void {
    try {
      q.resolve(this.#engine.single(q.run));
    } catch (err) {
      q.reject(err);
    }
  }

  #run(batch: Queued[]): void {
    const engine = this.#engine;
    if (batch.length === 1 || batch.every((q) => q.read)) {
      for (const q of batch) this.#alone(q);
      return;
    }
    try {
      engine.begin();
    } catch (err) {
      for (const q of batch) {
        if (q.read) this.#alone(q);
        else q.reject(err);
      }
      return;
    }
    const outcomes: Outcome[] = [];
    for (const q of batch) {
      try {
        outcomes.push({ ok: true, value: q.run() });
      } catch (err) {
        if (isYizhengError(err)) {
          outcomes.push({ ok: false, error: err });
          continue;
        }
        engine.rollback();
        q.reject(err);
        for (const other of batch) if (other !== q) this.#alone(other);
        return;
      }
    }
    try {
      engine.commit();
    } catch (err) {
      engine.rollback();
      for (const q of batch) q.reject(err);
      return;
    }
    batch.forEach((q, i) => {
      const o = outcomes[i] as Outcome;
      if (o.ok) q.resolve(o.value);
      else q.reject(o.error);
    });
  }
}

/**
 * Stores over one synchronous connection. Every call, and every transaction as a whole, runs alone:
 * a transaction holds the gate from BEGIN to COMMIT while its callback awaits, and calls from other
 * async callers queue behind it, so they never run inside someone else's open transaction. Stores
 * that share a database (two connections to one SQLite file) should share one gate.
 */
export function syncStores(engine: SyncEngine, gate: Gate = new Gate()): RenewalStores {
  let closed = false;
  const assertOpen = (): void => {
    if (closed) throw new YizhengError('INVALID_ARGUMENT', { reason: 'the stores have been closed' });
  };
  // The checks run synchronously, in the caller's context; a refusal becomes a rejection.
  const outside: Runner = <T>(what: string, fn: () => T | Promise<T>): Promise<T> => {
    try {
      gate.assertOutside(what);
      assertOpen();
    } catch (err) {
      return Promise.reject(err as Error);
    }
    // The implementations are synchronous (a promise they returned would be flattened all the same).
    return engine.groupCommit === true ? grouped.add(what, fn) : (gate.now(() => engine.single(fn)) as Promise<T>);
  };
  const grouped = new GroupCommit(engine, gate);
  const base = wrapStoreSet(engine.impl, outside);

  return Object.freeze({
    kind: engine.kind,
    ...base,
    async transaction<T>(fn: (tx: RenewalStoreSet) => Promise<T>): Promise<T> {
      gate.assertOutside('transaction');
      assertOpen();
      return gate.exclusive(async () => {
        assertOpen();
        const scope = new TxScope();
        const tx = wrapStoreSet(engine.impl, async (_what, call) => {
          scope.check();
          return call();
        });
        engine.begin();
        let result: T;
        try {
          result = await gate.inside(() => fn(tx));
          scope.close();
          engine.commit();
        } catch (err) {
          scope.close();
          engine.rollback();
          throw err;
        }
        return result;
      });
    },
    async migrate(): Promise<void> {
      gate.assertOutside('migrate');
      assertOpen();
      await gate.exclusive(() => engine.migrate());
    },
    async close(): Promise<void> {
      gate.assertOutside('close');
      if (closed) return;
      closed = true;
      await gate.exclusive(() => engine.close());
    },
  });
}

/** @internal A store set whose every call first passes `guard` (the SQL adapters refuse calls on a finished transaction this way). */
export function guarded(inner: RenewalStoreSet, guard: (what: string) => void): RenewalStoreSet {
  const wrap = <S extends object>(name: string, target: S): S =>
    new Proxy(target, {
      get(obj, key, receiver) {
        const value: unknown = Reflect.get(obj, key, receiver);
        if (typeof value !== 'function' || typeof key !== 'string') return value;
        return (...args: unknown[]) => {
          try {
            guard(`${name}.${key}`);
          } catch (err) {
            return Promise.reject(err);
          }
          return (value as (...a: unknown[]) => unknown).apply(obj, args);
        };
      },
    });
  return Object.freeze({
    challenges: wrap('challenges', inner.challenges),
    bindings: wrap('bindings', inner.bindings),
    audit: wrap('audit', inner.audit),
    envelopes: wrap('envelopes', inner.envelopes),
    orders: wrap('orders', inner.orders),
  });
}
