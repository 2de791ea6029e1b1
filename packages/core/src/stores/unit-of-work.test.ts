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
    (pending ?? committed).push(v);
    return v;
  };
  const audit = { append: (e: { actorAccountId: string }) => write(e.actorAccountId) };
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
    expect(log).toEqual(['begin', 'commit']);
    expect(committed()).toEqual(['a', 'b']);
  });

  it('runs one call alone without a transaction', async () => {
    const { engine, log, committed } = arrayEngine({});
    const stores = syncStores(engine);
    await append(stores, 'a');
    await append(stores, 'b');
    expect(log).toEqual([]);
    expect(committed()).toEqual(['a', 'b']);
  });

  it('fails every call of the batch when the commit fails, and answers none of them as written', async () => {
    const { engine, log, committed } = arrayEngine({ commit: true });
    const stores = syncStores(engine);
    const results = await Promise.allSettled(['a', 'b', 'c'].map((id) => append(stores, id)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/disk I\/O error/);
    expect(log).toEqual(['begin', 'commit', 'rollback']);
    expect(committed()).toEqual([]);
  });

  it('fails every call of the batch when the transaction cannot begin', async () => {
    const { engine, committed } = arrayEngine({ begin: true });
    const stores = syncStores(engine);
    const results = await Promise.allSettled(['a', 'b'].map((id) => append(stores, id)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/database is locked/);
    expect(committed()).toEqual([]);
  });

  it('takes at most 128 calls per commit and commits the rest next', async () => {
    const { engine, log, committed } = arrayEngine({});
    const stores = syncStores(engine);
    await Promise.all(Array.from({ length: 300 }, (_, i) => append(stores, `e${i}`)));
    expect(log).toEqual(['begin', 'commit', 'begin', 'commit', 'begin', 'commit']);
    expect(committed()).toEqual(Array.from({ length: 300 }, (_, i) => `e${i}`));
  });
});
