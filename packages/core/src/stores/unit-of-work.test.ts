import { describe, expect, it } from 'vitest';
import { YizhengError } from '../errors/index';
import { syncStores, type DirectStoreSet, type SyncEngine } from './unit-of-work';

/**
 * An engine over a plain array, for the faults a real database does not produce on demand: a commit
 * or a BEGIN that fails (a full disk, an I/O error, another process holding the lock too long).
 */
function arrayEngine(faults: { begin?: boolean; commit?: boolean }) {
  let committed: string[] = [];
  let pending: string[] | null = null;
  const log: string[] = [];
  const write = (v: string): string => {
    if (v === 'refuse') throw new YizhengError('INVALID_ARGUMENT', { reason: 'refused' });
    // The database's own failure, which ends the transaction (as SQLite's RAISE(ROLLBACK) or a full disk does).
    if (v === 'fail') {
      pending = null;
      throw new Error('database or disk is full');
    }
    log.push(`write ${v}`);
    (pending ?? committed).push(v);
    return v;
  };
  const audit = {
    append: (e: { actorAccountId: string }) => write(e.actorAccountId),
    list: () => ({ items: [...committed], nextCursor: null }),
  };
  const engine: SyncEngine = {
    kind: 'sqlite',
    impl: { challenges: {}, bindings: {}, audit, envelopes: {}, orders: {} } as unknown as DirectStoreSet,
    begin: () => {
      log.push('begin');
      if (faults.begin === true) throw new Error('database is locked');
      pending = [...committed];
    },
    commit: () => {
      log.push('commit');
      if (faults.commit === true) throw new Error('disk I/O error');
      committed = pending ?? committed;
      pending = null;
    },
    rollback: () => {
      log.push('rollback');
      pending = null;
    },
    single: (fn) => fn(),
    groupCommit: true,
    migrate: () => undefined,
    close: () => undefined,
  };
  return { engine, log, committed: () => committed };
}

const append = (stores: ReturnType<typeof syncStores>, id: string) => stores.audit.append({ type: 'login', actorAccountId: id });

describe('group commit', () => {
  it('runs a burst in one transaction; a refused call keeps its own error', async () => {
    const { engine, log, committed } = arrayEngine({});
    const stores = syncStores(engine);
    const results = await Promise.allSettled(['a', 'refuse', 'b'].map((id) => append(stores, id)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(log).toEqual(['begin', 'write a', 'write b', 'commit']);
    expect(committed()).toEqual(['a', 'b']);
  });

  it('runs one call alone without a transaction', async () => {
    const { engine, log, committed } = arrayEngine({});
    const stores = syncStores(engine);
    await append(stores, 'a');
    await append(stores, 'b');
    expect(log).toEqual(['write a', 'write b']);
    expect(committed()).toEqual(['a', 'b']);
  });

  it('fails every call of the batch when the commit fails, and answers none of them as written', async () => {
    const { engine, log, committed } = arrayEngine({ commit: true });
    const stores = syncStores(engine);
    const results = await Promise.allSettled(['a', 'b', 'c'].map((id) => append(stores, id)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/disk I\/O error/);
    expect(log).toEqual(['begin', 'write a', 'write b', 'write c', 'commit', 'rollback']);
    expect(committed()).toEqual([]);
  });

  it('fails the writes of the batch when the transaction cannot begin; its reads still run', async () => {
    const { engine, committed } = arrayEngine({ begin: true });
    const stores = syncStores(engine);
    const results = await Promise.allSettled([append(stores, 'a'), stores.audit.list({ limit: 10 }), append(stores, 'b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'rejected']);
    expect(String((results[2] as PromiseRejectedResult).reason)).toMatch(/database is locked/);
    expect(committed()).toEqual([]);
  });

  it('runs a burst of reads without a transaction (reads take no write lock)', async () => {
    const { engine, log } = arrayEngine({ begin: true });
    const stores = syncStores(engine);
    const pages = await Promise.all([stores.audit.list({ limit: 10 }), stores.audit.list({ limit: 10 })]);
    expect(pages).toHaveLength(2);
    expect(log).toEqual([]);
  });

  it('when the database fails one call, rolls the batch back and runs every other call alone', async () => {
    const { engine, log, committed } = arrayEngine({});
    const stores = syncStores(engine);
    const results = await Promise.allSettled(['a', 'fail', 'b', 'refuse', 'c'].map((id) => append(stores, id)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/disk is full/);
    expect((results[3] as PromiseRejectedResult).reason).toMatchObject({ code: 'INVALID_ARGUMENT' });
    // The batch's write of 'a' went with the rollback; each call then ran alone, once.
    expect(log).toEqual(['begin', 'write a', 'rollback', 'write a', 'write b', 'write c']);
    expect(committed()).toEqual(['a', 'b', 'c']);
  });

  it('keeps the order of the gate: a call made after a transaction was asked for runs after it', async () => {
    const { engine, log } = arrayEngine({});
    const stores = syncStores(engine);
    const first = append(stores, 'first');
    const tx = stores.transaction(async (t) => {
      await t.audit.append({ type: 'login', actorAccountId: 'in-tx' });
    });
    const after = append(stores, 'after');
    await Promise.all([first, tx, after]);
    expect(log).toEqual(['write first', 'begin', 'write in-tx', 'commit', 'write after']);
  });

  it('runs every call accepted before close(), however many, before closing', async () => {
    const { engine, committed } = arrayEngine({});
    const stores = syncStores(engine);
    const calls = Array.from({ length: 200 }, (_, i) => append(stores, `e${i}`));
    const closed = stores.close();
    const results = await Promise.allSettled(calls);
    await closed;
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(committed()).toHaveLength(200);
    await expect(append(stores, 'late')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('takes at most 128 calls per commit and commits the rest next', async () => {
    const { engine, log, committed } = arrayEngine({});
    const stores = syncStores(engine);
    await Promise.all(Array.from({ length: 300 }, (_, i) => append(stores, `e${i}`)));
    expect(log.filter((l) => !l.startsWith('write'))).toEqual(['begin', 'commit', 'begin', 'commit', 'begin', 'commit']);
    expect(committed()).toEqual(Array.from({ length: 300 }, (_, i) => `e${i}`));
  });
});
