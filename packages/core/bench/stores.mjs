/**
 * Benchmark: the binding stores.
 *
 * (a) SQLite, a WAL file in a temp dir: insert (one binding, autocommit), bind (a transaction with the
 *     binding and its audit event), lookup by identity;
 * (b) PostgreSQL, the same when DATABASE_URL is set (or scripts/postgres.sh wrote .tools/pg/url)
 *     and the server answers (probed first; otherwise skipped with a note naming the URL and the
 *     command that starts it), sequentially and with 16 callers at once on a pool of 16, in a
 *     throwaway schema;
 * (c) SQLite with 1,000,000 bindings (bulk-loaded with one prepared statement in one transaction,
 *     expiry dates spread over two years):
 *     the time to page through every expiring binding with listExpiring (1,000 and 10,000 per page),
 *     and through a 30-day window. The goal for the full pass is under 5 s.
 *
 * Run through scripts/bench.mjs (`pnpm bench`), which imports the built package.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@yizheng/core/stores';
import { dropPostgresSchema, findServer } from './lib/servers.mjs';

const DAY = 86_400_000;
const T0 = Date.parse('2025-06-01T00:00:00Z');
const BIG = 1_000_000;

const facts = (i) => ({
  serialNumber: `SN${i.toString(16).toUpperCase()}`,
  sha256: (i.toString(16) + 'ab'.repeat(32)).slice(0, 64),
  subjectDn: `CN=示例科技有限公司${i},O=示例科技有限公司${i},C=CN`,
  issuerDn: 'CN=Test SM2 CA,O=Test CA,C=CN',
  notBefore: new Date(T0 - 30 * DAY),
  notAfter: new Date(T0 + (i % 730) * DAY + (i % 86_400) * 1000),
  keyId: `LOCK-${i}`,
});

const binding = (i, prefix) => ({
  id: `${prefix}-${i}`,
  identityKey: `bjca:${prefix}:${i}`,
  providerId: 'bjca',
  accountId: `acct-${i % 5000}`,
  organizationId: `org-${i % 2000}`,
  enterpriseCode: '91350200556207664B',
  entityName: `示例科技有限公司${i}`,
  certificate: facts(i),
  isAdmin: i % 10 === 0,
  permissions: ['bind', 'tender.submit'],
  boundAt: new Date(T0),
  boundBy: `acct-${i % 5000}`,
});

function result(name, ops, ms, extra = {}) {
  return { name, opsPerSec: Math.round((ops * 1000) / ms), ms: Math.round(ms), ops, ...extra };
}

async function timed(fn) {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Insert, bind-with-audit and lookup throughput for one stores object. */
async function crud(label, stores, n, concurrency = 1) {
  const prefix = randomBytes(4).toString('hex');
  const run = async (count, op) => {
    let next = 0;
    const worker = async () => {
      while (next < count) await op(next++);
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  const suffix = concurrency > 1 ? ` ×${concurrency}` : '';
  const insertMs = await timed(() => run(n, (i) => stores.bindings.insert(binding(i, `${prefix}i`))));
  const bindMs = await timed(() =>
    run(n, (i) =>
      stores.transaction(async (tx) => {
        const b = await tx.bindings.insert(binding(i, `${prefix}b`));
        await tx.audit.append({ type: 'bind', actorAccountId: b.boundBy, bindingId: b.id });
      }),
    ),
  );
  const lookups = n * 4;
  const lookupMs = await timed(() =>
    run(lookups, async (i) => {
      const found = await stores.bindings.findByIdentity('default', `bjca:${prefix}i:${i % n}`);
      if (found === null) throw new Error('lookup missed');
    }),
  );
  return [
    result(`${label} insert${suffix}`, n, insertMs),
    result(`${label} bind + audit (transaction)${suffix}`, n, bindMs),
    result(`${label} findByIdentity${suffix}`, lookups, lookupMs),
  ];
}

/** Loads `count` bindings straight into the SQLite file, one prepared statement, one transaction. */
function bulkLoad(path, count) {
  const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
  const db = new DatabaseSync(path);
  db.exec('PRAGMA cache_size = -262144'); // 256 MiB for the indexes while loading
  const insert = db.prepare(
    `INSERT INTO yizheng_bindings (id, scope, identity_key, provider_id, account_id, organization_id, enterprise_code,
       entity_name, serial_number, sha256, subject_dn, issuer_dn, not_before, not_after, key_id, is_admin, permissions,
       bound_at, bound_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const permissions = JSON.stringify(['bind', 'tender.submit']);
  // Expiry dates spread evenly over two years, generated in key order so the clustered table loads
  // by appending (the order of loading does not change how the pages are read afterwards).
  const step = Math.floor((730 * DAY) / count);
  db.exec('BEGIN');
  for (let i = 0; i < count; i++) {
    const f = { ...facts(i), notAfter: new Date(T0 + i * step) };
    insert.run(
      `big-${i.toString().padStart(7, '0')}`,
      'default',
      `bjca:big:${i}`,
      'bjca',
      `acct-${i % 5000}`,
      `org-${i % 2000}`,
      '91350200556207664B',
      `示例科技有限公司${i}`,
      f.serialNumber,
      f.sha256,
      f.subjectDn,
      f.issuerDn,
      f.notBefore.getTime(),
      f.notAfter.getTime(),
      f.keyId,
      i % 10 === 0 ? 1 : 0,
      permissions,
      T0,
      `acct-${i % 5000}`,
      T0,
    );
  }
  db.exec('COMMIT');
  db.exec('ANALYZE');
  db.close();
}

async function pageAll(stores, query) {
  let cursor = null;
  let count = 0;
  let pages = 0;
  let last = -Infinity;
  do {
    const page = await stores.bindings.listExpiring({ ...query, cursor });
    for (const b of page.items) {
      const t = b.certificate.notAfter.getTime();
      if (t < last) throw new Error('listExpiring out of order');
      last = t;
    }
    count += page.items.length;
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== null);
  return { count, pages };
}

export async function run() {
  const { createSqliteStores, createPostgresStores } = core;
  if (typeof createSqliteStores !== 'function') {
    return { name: 'stores', results: [], note: 'stores are not exported from @yizheng/core/stores: nothing measured' };
  }
  const notes = [];
  const results = [];
  const dir = mkdtempSync(join(tmpdir(), 'yizheng-bench-'));
  try {
    // (a) SQLite CRUD.
    const sqlite = createSqliteStores({ path: join(dir, 'crud.db') });
    results.push(...(await crud('sqlite', sqlite, 5000)));
    await sqlite.close();

    // (b) PostgreSQL CRUD.
    const { url, note } = await findServer('postgres');
    if (url === undefined) {
      notes.push(note);
    } else {
      const schema = `yz_bench_${randomBytes(4).toString('hex')}`;
      const stores = createPostgresStores({ connectionString: url, schema, poolSize: 16 });
      try {
        await stores.migrate();
        results.push(...(await crud('postgres', stores, 1000)));
        results.push(...(await crud('postgres', stores, 4000, 16)));
      } catch (err) {
        notes.push(`PostgreSQL failed: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        await stores.close().catch(() => {});
        const failed = await dropPostgresSchema(url, schema);
        if (failed !== null) notes.push(`PostgreSQL: could not drop schema ${schema}: ${failed}`);
      }
    }

    // (c) Paging through 1,000,000 bindings on SQLite.
    const path = join(dir, 'big.db');
    await createSqliteStores({ path }).close();
    const loadMs = await timed(() => bulkLoad(path, BIG));
    results.push(result('sqlite bulk load (one transaction)', BIG, loadMs));
    const big = createSqliteStores({ path });
    for (const limit of [1000, 10_000]) {
      let pass;
      const ms = await timed(async () => {
        pass = await pageAll(big, { before: new Date(T0 + 1000 * DAY), limit });
      });
      if (pass.count !== BIG) throw new Error(`paged ${pass.count} of ${BIG}`);
      results.push(result(`sqlite page all 1M expiring, ${limit}/page`, pass.count, ms, { pages: pass.pages, goalMs: 5000 }));
    }
    let window;
    const windowMs = await timed(async () => {
      window = await pageAll(big, { after: new Date(T0), before: new Date(T0 + 30 * DAY), limit: 1000 });
    });
    results.push(result('sqlite page a 30-day window of 1M', window.count, windowMs, { pages: window.pages }));
    await big.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { name: 'stores', results, ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
}
