import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { describeRenewalStoreContract, sameIdentityBinding, describeStoreContract } from './contract';
import { createSqliteStores, SQLITE_MIGRATIONS } from './sqlite';

const dir = mkdtempSync(join(tmpdir(), 'yizheng-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

describeStoreContract('sqlite :memory:', (options) => createSqliteStores(options));
describeStoreContract('sqlite file', (options) => createSqliteStores({ ...options, path: join(dir, `contract-${n++}.db`) }));
describeRenewalStoreContract('sqlite :memory:', (options) => createSqliteStores(options));
describeRenewalStoreContract('sqlite file', (options) => createSqliteStores({ ...options, path: join(dir, `renewal-${n++}.db`) }));
describeStoreContract('sqlite file, synchronous normal', (options) => createSqliteStores({ ...options, path: join(dir, `normal-${n++}.db`), synchronous: 'normal' }));

const binding = (accountId: string) => sameIdentityBinding('cfca', accountId);

describe('sqlite adapter', () => {
  it('keeps data in its file across connections and records the schema version', async () => {
    const path = join(dir, 'persist.db');
    const a = createSqliteStores({ path });
    const b = await a.bindings.insert(binding('a1'));
    await a.close();
    const again = createSqliteStores({ path });
    expect(await again.bindings.findById(b.id)).toEqual(b);
    await again.close();
    const raw = new DatabaseSync(path);
    expect(raw.prepare('SELECT version FROM yizheng_schema_migrations').all()).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
    expect(raw.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    raw.close();
  });

  it('refuses a synchronous level other than full and normal', () => {
    expect(() => createSqliteStores({ path: join(dir, 'bad-sync.db'), synchronous: 'off' as 'full' })).toThrow(/synchronous must be 'full' or 'normal'/);
  });

  it('binds one identity once across two connections to one file', async () => {
    const path = join(dir, 'two.db');
    const one = createSqliteStores({ path });
    const two = createSqliteStores({ path });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? one : two).transaction(async (tx) => {
          await tx.audit.append({ type: 'bind', actorAccountId: `a${i}` });
          return tx.bindings.insert(binding(`a${i}`));
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await one.audit.list({ limit: 100 })).items).toHaveLength(1);
    await one.close();
    await two.close();
  });

  it('reads keyset pages in clustered (notAfter, id) order, without a sort', async () => {
    const path = join(dir, 'plan.db');
    await createSqliteStores({ path }).close();
    const raw = new DatabaseSync(path);
    const plan = raw
      .prepare(
        'EXPLAIN QUERY PLAN SELECT * FROM yizheng_bindings WHERE (not_after, id) > (?, ?) AND not_after >= ? AND not_after < ? ORDER BY not_after, id LIMIT ?',
      )
      .all(0, '', 0, 1, 10)
      .map((r) => String(r['detail']))
      .join('\n');
    expect(plan).toMatch(/USING PRIMARY KEY/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
    raw.close();
  });

  it('finds identity prefixes with a range on the (scope, identity_key) index', async () => {
    const path = join(dir, 'prefix-plan.db');
    await createSqliteStores({ path }).close();
    const raw = new DatabaseSync(path);
    const plan = raw
      .prepare(
        'EXPLAIN QUERY PLAN SELECT * FROM yizheng_bindings WHERE scope = ? AND identity_key >= ? AND identity_key < ? ORDER BY bound_at, id LIMIT ?',
      )
      .all('default', 'a', 'b', 10)
      .map((r) => String(r['detail']))
      .join('\n');
    expect(plan).toMatch(/USING INDEX yizheng_bindings_identity \(scope=\? AND identity_key>\? AND identity_key<\?\)/);
    raw.close();
  });

  it('upgrades a database of schema version 1, keeping its bindings and adding envelopes and orders', async () => {
    const path = join(dir, 'upgrade.db');
    const raw = new DatabaseSync(path);
    raw.exec('CREATE TABLE yizheng_schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    raw.exec(SQLITE_MIGRATIONS[0]?.sql ?? '');
    raw.prepare('INSERT INTO yizheng_schema_migrations VALUES (1, ?, 0)').run(SQLITE_MIGRATIONS[0]?.name ?? '');
    // A binding as version 1 wrote it (without the encryption certificate's columns of step 3).
    const b = { ...binding('a1'), id: 'b1', scope: 'default', isAdmin: false, permissions: [], boundAt: new Date(1000), updatedAt: new Date(1000) };
    const c = b.certificate;
    raw
      .prepare(
        `INSERT INTO yizheng_bindings (id, scope, identity_key, provider_id, account_id, organization_id, enterprise_code, entity_name,
           serial_number, sha256, subject_dn, issuer_dn, not_before, not_after, key_id, is_admin, permissions, bound_at, bound_by, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, '[]', 1000, ?, 1000)`,
      )
      .run(b.id, b.scope, b.identityKey, b.providerId, b.accountId, b.organizationId, b.enterpriseCode, b.entityName,
        c.serialNumber, c.sha256, c.subjectDn, c.issuerDn, c.notBefore.getTime(), c.notAfter.getTime(), b.boundBy);
    raw.close();
    const old = createSqliteStores({ path, migrate: false });
    await expect(old.envelopes.get('x')).rejects.toThrow(/no such table/);
    await old.close();
    const upgraded = createSqliteStores({ path });
    expect(await upgraded.bindings.findById(b.id)).toEqual(b);
    const enc = { ...c, serialNumber: 'ENC', sha256: 'ef'.repeat(32) };
    const withEnc = await upgraded.bindings.updateCertificateFacts(b.id, c, undefined, enc);
    expect(withEnc?.encryptionCertificate).toEqual(enc);
    const order = await upgraded.orders.create({ kind: 'renewal', accountId: 'a1', organizationId: 'o1' });
    expect(await upgraded.orders.get(order.id)).toEqual(order);
    await upgraded.close();
  });

  it('can open without migrating, and migrate later', async () => {
    const stores = createSqliteStores({ migrate: false });
    await expect(stores.bindings.findById('x')).rejects.toThrow(/no such table/);
    await stores.migrate();
    expect(await stores.bindings.findById('x')).toBeNull();
    await stores.close();
  });
});
