/**
 * The challenge part of the store contract against a real Redis server: REDIS_URL, or the URL
 * scripts/redis.sh wrote to .tools/redis/url. Each test gets its own key prefix, deleted afterwards.
 * Under CI (CI=true) a missing or unreachable server fails the run instead of skipping it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test-utils/vectors';
import { isYizhengError } from '../errors/index';
import { createMemoryStores } from './memory';
import { createRedisChallengeStore, withChallengeStore, type RedisChallengeStore } from './redis';
import type { PendingChallenge } from './types';

const urlFile = join(REPO_ROOT, '.tools/redis/url');
const explicit = process.env['REDIS_URL'] || undefined;
const url = explicit ?? (existsSync(urlFile) ? readFileSync(urlFile, 'utf8').trim() : undefined);
const ci = process.env['CI'] === 'true';

async function reachable(target: string): Promise<string | null> {
  const client = createClient({ url: target, socket: { connectTimeout: 5000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    client.destroy();
  }
}

const problem = url === undefined ? 'no REDIS_URL and no .tools/redis/url' : await reachable(url);
if (problem !== null) {
  const why = `Redis challenge store tests need a server (${problem}): run \`bash scripts/redis.sh\` or set REDIS_URL`;
  // An explicit REDIS_URL that does not answer is an error everywhere; CI must never skip.
  if (ci || explicit !== undefined) throw new Error(why);
  console.warn(`[yizheng] ${why}. SKIPPED.`);
}
const enabled = problem === null && url !== undefined;

// Two clients, as two application nodes would have.
const clients = enabled ? [createClient({ url }), createClient({ url })] : [];
for (const c of clients) c.on('error', () => undefined);
await Promise.all(clients.map((c) => c.connect()));
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
});

const T0 = Date.parse('2025-03-01T08:00:00.000Z');
const prefixes: string[] = [];
afterEach(async () => {
  const client = clients[0];
  if (client === undefined) return;
  for (const prefix of prefixes.splice(0)) {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) if (keys.length > 0) await client.del(keys);
  }
});

/** A store on node `n` (0 or 1) under a fresh prefix, or under `prefix`. */
function store(n = 0, prefix?: string): RedisChallengeStore {
  const keyPrefix = prefix ?? `yz-test:${randomBytes(6).toString('hex')}:`;
  prefixes.push(keyPrefix);
  const client = clients[n];
  if (client === undefined) throw new Error('no client');
  return createRedisChallengeStore({ client, keyPrefix });
}

function challenge(over: Partial<PendingChallenge> = {}): PendingChallenge {
  return {
    sessionId: 's1',
    purpose: 'login',
    nonce: randomBytes(32).toString('base64url'),
    origin: 'https://bid.example.gov.cn',
    issuedAt: new Date(T0),
    expiresAt: new Date(T0 + 300_000),
    ...over,
  };
}

async function invalid(promise: Promise<unknown>): Promise<void> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isYizhengError(err, 'INVALID_ARGUMENT'), String(err)).toBe(true);
}

// The challenge tests of describeStoreContract, against the Redis store.
describe.skipIf(!enabled)('store contract: redis challenges', () => {
  it('gives a challenge back once, then null', async () => {
    const s = store();
    const c = challenge();
    await s.put(c);
    expect(await s.consume('s1', 'login')).toEqual(c);
    expect(await s.consume('s1', 'login')).toBeNull();
    expect(await s.consume('nobody', 'bind')).toBeNull();
  });

  it('keeps one pending challenge per session and purpose: a new put replaces the old', async () => {
    const s = store();
    const first = challenge();
    const second = challenge({ issuedAt: new Date(T0 + 1000), expiresAt: new Date(T0 + 301_000) });
    const bind = challenge({ purpose: 'bind' });
    await s.put(first);
    await s.put(bind);
    await s.put(second);
    expect(await s.consume('s1', 'login')).toEqual(second);
    expect(await s.consume('s1', 'login')).toBeNull();
    expect(await s.consume('s1', 'bind')).toEqual(bind);
  });

  it('returns (and removes) an expired challenge so the caller can report it as expired', async () => {
    const s = store();
    const c = challenge({ issuedAt: new Date(T0 - 600_000), expiresAt: new Date(T0 - 300_000) });
    await s.put(c);
    const got = await s.consume('s1', 'login');
    expect(got?.expiresAt.getTime()).toBeLessThan(T0);
    expect(await s.consume('s1', 'login')).toBeNull();
  });

  it('purges only expired challenges and counts them', async () => {
    const s = store();
    await s.put(challenge({ sessionId: 'old1', expiresAt: new Date(T0 - 1), issuedAt: new Date(T0 - 1000) }));
    await s.put(challenge({ sessionId: 'old2', expiresAt: new Date(T0), issuedAt: new Date(T0 - 1000) }));
    await s.put(challenge({ sessionId: 'live' }));
    expect(await s.purgeExpired(new Date(T0))).toBe(2);
    expect(await s.purgeExpired(new Date(T0))).toBe(0);
    expect(await s.consume('old1', 'login')).toBeNull();
    expect(await s.consume('live', 'login')).not.toBeNull();
  });

  it('rejects malformed challenges', async () => {
    const s = store();
    await invalid(s.put(challenge({ nonce: 'short' })));
    await invalid(s.put(challenge({ expiresAt: new Date(T0 - 1) })));
    await invalid(s.put({ ...challenge(), purpose: 'sign' as 'login' }));
    await invalid(s.consume('', 'login'));
    for (const bad of ['a\0b', 'x\ud800']) {
      await invalid(s.put(challenge({ sessionId: bad })));
      await invalid(s.put(challenge({ origin: bad })));
      await invalid(s.consume(bad, 'login'));
    }
    await invalid(s.purgeExpired(new Date(Number.NaN)));
    expect(await s.consume('s1', 'login')).toBeNull();
  });

  it('hands a challenge consumed by 50 callers at once to exactly one of them', async () => {
    const s = store();
    const c = challenge({ sessionId: 'race' });
    await s.put(c);
    const results = await Promise.all(Array.from({ length: 50 }, () => s.consume('race', 'login')));
    const winners = results.filter((r) => r !== null);
    expect(winners).toHaveLength(1);
    expect(winners[0]?.nonce).toBe(c.nonce);
  });
});

describe.skipIf(!enabled)('redis challenge store', () => {
  it('hands a challenge issued on one node to exactly one of 40 consumers on two nodes', async () => {
    const prefix = `yz-test:${randomBytes(6).toString('hex')}:`;
    const nodes = [store(0, prefix), store(1, prefix)];
    const c = challenge({ sessionId: '会话:1 ', issuedAt: new Date(), expiresAt: new Date(Date.now() + 300_000) });
    await nodes[0]?.put(c);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => nodes[i % 2]?.consume('会话:1 ', 'login')));
    expect(results.filter((r) => r !== null)).toEqual([c]);
  });

  it('expires by Redis TTL: until expiresAt plus keepExpiredMs', async () => {
    const client = clients[0];
    if (client === undefined) throw new Error('unreachable');
    const prefix = `yz-test:${randomBytes(6).toString('hex')}:`;
    prefixes.push(prefix);
    const s = createRedisChallengeStore({ client, keyPrefix: prefix, keepExpiredMs: 0 });
    const now = Date.now();
    await s.put(challenge({ sessionId: 'ttl', issuedAt: new Date(now), expiresAt: new Date(now + 60_000) }));
    const ttl = await client.pTTL(`${prefix}login:ttl`);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await s.put(challenge({ sessionId: 'short', issuedAt: new Date(now - 1000), expiresAt: new Date(Date.now() + 50) }));
    await new Promise((r) => setTimeout(r, 150));
    expect(await s.consume('short', 'login')).toBeNull();
    // The default keeps an expired challenge for 10 minutes, so it can be reported as expired.
    const kept = store(0, prefix);
    await kept.put(challenge({ sessionId: 'kept', issuedAt: new Date(now - 1000), expiresAt: new Date(now - 500) }));
    expect(await client.pTTL(`${prefix}login:kept`)).toBeGreaterThan(590_000);
  });

  it('keeps platforms apart by key prefix', async () => {
    const a = store();
    const b = store();
    await a.put(challenge());
    expect(await b.consume('s1', 'login')).toBeNull();
    expect(await a.consume('s1', 'login')).not.toBeNull();
  });

  it('makes and closes its own client from a URL, lazily', async () => {
    if (url === undefined) throw new Error('unreachable');
    const unused = createRedisChallengeStore({ url: 'redis://127.0.0.1:1' });
    await unused.close();
    const prefix = `yz-test:${randomBytes(6).toString('hex')}:`;
    prefixes.push(prefix);
    const own = createRedisChallengeStore({ url, keyPrefix: prefix });
    const c = challenge();
    await own.put(c);
    expect(await store(1, prefix).consume('s1', 'login')).toEqual(c);
    await own.close();
    await invalid(own.consume('s1', 'login'));
    expect(() => createRedisChallengeStore({ url: '' })).toThrow(/url/);
    expect(() => createRedisChallengeStore({ url, keepExpiredMs: -1 })).toThrow(/keepExpiredMs/);
  });

  it('serves the challenges of SQL (here: memory) stores through withChallengeStore, inside transactions too', async () => {
    const redis = store();
    const stores = withChallengeStore(createMemoryStores(), redis);
    try {
      expect(stores.kind).toBe('memory');
      await stores.challenges.put(challenge({ purpose: 'bind' }));
      const binding = await stores.transaction(async (tx) => {
        expect(await tx.challenges.consume('s1', 'bind')).not.toBeNull();
        await tx.envelopes.record({
          projectId: 'p', bidId: 'b', accountId: 'a', organizationId: 'o',
          recipient: { sha256: 'ab'.repeat(32), serialNumber: '01', issuerDn: 'CN=ca' },
          sealedAt: new Date(T0), opensAt: new Date(T0 + 1000),
        });
        return tx.bindings.insert({
          identityKey: 'bjca:SF1', providerId: 'bjca', accountId: 'a', organizationId: 'o', enterpriseCode: '91350200556207664B',
          entityName: '示例科技有限公司', boundBy: 'a',
          certificate: { serialNumber: '01', sha256: 'ab', subjectDn: 'CN=x', issuerDn: 'CN=ca', notBefore: new Date(0), notAfter: new Date(T0) },
        });
      });
      expect(await stores.bindings.findById(binding.id)).toEqual(binding);
      // Consumed in Redis: gone for every node.
      expect(await redis.consume('s1', 'bind')).toBeNull();
      // A rolled-back transaction does not give a consumed challenge back.
      await stores.challenges.put(challenge({ purpose: 'bind' }));
      await expect(
        stores.transaction(async (tx) => {
          await tx.challenges.consume('s1', 'bind');
          throw new Error('injected');
        }),
      ).rejects.toThrow('injected');
      expect(await stores.challenges.consume('s1', 'bind')).toBeNull();
    } finally {
      await stores.close();
    }
  });
});
