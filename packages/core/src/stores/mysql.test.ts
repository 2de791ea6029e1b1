/**
 * The store contract against a real MySQL or MariaDB server: MYSQL_URL, or the URL scripts/mariadb.sh
 * wrote to .tools/mariadb/url. Each test gets a fresh database (yz_test_…), dropped afterwards. Under
 * CI (CI=true) a missing or unreachable server fails the run instead of skipping it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test-utils/vectors';
import { isYizhengError } from '../errors/index';
import { checkLegacyBindingMoves } from '../../test-utils/legacy-scenario';
import { describeRenewalStoreContract, describeStoreContract, expectOneBindAcross, sameIdentityBinding } from './contract';
import { createMysqlStores, mysqlHash } from './mysql';
import type { RenewalStores, StoreOptions } from './types';

const urlFile = join(REPO_ROOT, '.tools/mariadb/url');
const explicit = process.env['MYSQL_URL'] || undefined;
const url = explicit ?? (existsSync(urlFile) ? readFileSync(urlFile, 'utf8').trim() : undefined);
const ci = process.env['CI'] === 'true';

async function reachable(uri: string): Promise<string | null> {
  try {
    const conn = await mysql.createConnection({ uri, connectTimeout: 5000 });
    try {
      await conn.query('SELECT 1');
      return null;
    } finally {
      await conn.end().catch(() => undefined);
    }
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

const problem = url === undefined ? 'no MYSQL_URL and no .tools/mariadb/url' : await reachable(url);
if (problem !== null) {
  const why = `MySQL/MariaDB store tests need a server (${problem}): run \`bash scripts/mariadb.sh\` or set MYSQL_URL`;
  // An explicit MYSQL_URL that does not answer is an error everywhere; CI must never skip.
  if (ci || explicit !== undefined) throw new Error(why);
  console.warn(`[yizheng] ${why}. SKIPPED.`);
}
const enabled = problem === null && url !== undefined;

const pool = enabled ? mysql.createPool({ uri: url, connectionLimit: 10 }) : null;
afterAll(async () => {
  await pool?.end();
});

const databaseName = (): string => `yz_test_${randomBytes(6).toString('hex')}`;

async function drop(database: string): Promise<void> {
  await pool?.query(`DROP DATABASE IF EXISTS \`${database}\``);
}

async function freshStores(options: StoreOptions): Promise<RenewalStores> {
  if (pool === null) throw new Error('no pool');
  const database = databaseName();
  const stores = createMysqlStores({ ...options, pool, database });
  await stores.migrate();
  return {
    ...stores,
    async close() {
      await stores.close();
      await drop(database);
    },
  };
}

if (enabled) describeStoreContract('mysql', freshStores);
if (enabled) describeRenewalStoreContract('mysql', freshStores);

describe.skipIf(!enabled)('mysql: bindings stored under the 0.x identity key', () => {
  it('move to the current key on the first login with the exact bound certificate, and only then', async () => {
    await checkLegacyBindingMoves((clock) => freshStores({ clock }));
  });
});

const binding = (accountId: string) => sameIdentityBinding('huixin', accountId);

describe.skipIf(!enabled)('mysql adapter', () => {
  it('binds once across separate pools (as separate processes would), on several connections at once', async () => {
    if (url === undefined || pool === null) throw new Error('unreachable');
    const database = databaseName();
    const pools = [mysql.createPool({ uri: url, connectionLimit: 5 }), mysql.createPool({ uri: url, connectionLimit: 5 })];
    const stores = pools.map((p) => createMysqlStores({ pool: p, database }));
    try {
      // Concurrent migrations serialise on a named lock.
      await expectOneBindAcross(stores, 'huixin');
    } finally {
      await drop(database);
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('consumes a challenge once across separate pools', async () => {
    if (url === undefined || pool === null) throw new Error('unreachable');
    const database = databaseName();
    const pools = [mysql.createPool({ uri: url, connectionLimit: 5 }), mysql.createPool({ uri: url, connectionLimit: 5 })];
    const stores = pools.map((p) => createMysqlStores({ pool: p, database }));
    try {
      await stores[0]?.migrate();
      const c = {
        sessionId: '会话-1',
        purpose: 'login' as const,
        nonce: randomBytes(32).toString('base64url'),
        origin: 'https://bid.example.gov.cn',
        issuedAt: new Date(),
        expiresAt: new Date(Date.now() + 300_000),
      };
      await stores[1]?.challenges.put(c);
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => stores[i % 2]?.challenges.consume('会话-1', 'login')));
      expect(results.filter((r) => r !== null)).toEqual([c]);
    } finally {
      await drop(database);
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('makes and ends its own pool from a URI, lazily; records the schema version; keeps Chinese text, UTC times and exact keys', async () => {
    if (url === undefined || pool === null) throw new Error('unreachable');
    const database = databaseName();
    const unused = createMysqlStores({ uri: 'mysql://nobody@127.0.0.1:1/none' });
    await unused.close();
    const stores = createMysqlStores({ uri: url, database, poolSize: 3 });
    try {
      await stores.migrate();
      await stores.migrate();
      const b = await stores.bindings.insert({ ...binding('a1'), entityName: '厦门帝网信息科技有限公司', boundAt: new Date('2025-03-01T23:59:59.999Z') });
      expect(await stores.bindings.findById(b.id)).toEqual(b);
      expect((await stores.bindings.findById(b.id))?.boundAt.toISOString()).toBe('2025-03-01T23:59:59.999Z');
      // Trailing spaces and case count (a binary no-pad collation).
      await stores.bindings.insert({ ...binding('a2'), identityKey: `${b.identityKey} ` });
      await stores.bindings.insert({ ...binding('a3'), identityKey: b.identityKey.toUpperCase() });
      expect(await stores.bindings.findById(`${b.id} `)).toBeNull();
      expect(await stores.bindings.findByIdentityPrefix('default', 'huixin:', 10)).toHaveLength(2);
      const [versions] = await pool.query(`SELECT version FROM \`${database}\`.yizheng_schema_migrations`);
      expect(versions).toEqual([{ version: 1 }]);
      // The generated hash columns hold what the adapter computes.
      const [rows] = await pool.query(`SELECT id_hash FROM \`${database}\`.yizheng_bindings WHERE id = ?`, [b.id]);
      expect((rows as { id_hash: Buffer }[])[0]?.id_hash).toEqual(mysqlHash(b.id));
      // Years DATETIME cannot hold are refused up front.
      const err = await stores.bindings.insert({ ...binding('a4'), identityKey: 'x', boundAt: new Date('0999-12-31T00:00:00Z') }).catch((e: unknown) => e);
      expect(isYizhengError(err, 'INVALID_ARGUMENT')).toBe(true);
    } finally {
      await stores.close();
      await drop(database);
    }
  });

  it('refuses a database name it would have to quote, and a missing uri', () => {
    if (pool === null) throw new Error('unreachable');
    expect(() => createMysqlStores({ pool, database: 'bad`; DROP' })).toThrow(/database/);
    expect(() => createMysqlStores({ uri: '' })).toThrow(/uri/);
  });
});
