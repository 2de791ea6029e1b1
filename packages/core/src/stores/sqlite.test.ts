import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { describeRenewalStoreContract, describeStoreContract, expectOneBindAcross, sameIdentityBinding } from './contract';
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
    await expectOneBindAcross([one, two], 'cfca', 20);
    await one.close();
    await two.close();
  });

  it('commits calls that queue up together once (group commit), each with its own answer', async () => {
    const path = join(dir, 'group.db');
    const stores = createSqliteStores({ path });
    const issued = new Date();
    const challenge = { sessionId: 's1', purpose: 'login' as const, nonce: 'n'.repeat(43), origin: 'https://a.example', issuedAt: issued, expiresAt: new Date(issued.getTime() + 60_000) };
    await stores.challenges.put(challenge);
    // The WAL file: a 32-byte header, then frames of a 24-byte header and one 4096-byte page.
    const walFrames = (): number => Math.max(0, (statSync(`${path}-wal`).size - 32) / (24 + 4096));
    const before = walFrames();
    // One burst: 64 audit appends, 20 consumes of one challenge, 10 binds of one identity.
    const appends = Array.from({ length: 64 }, (_, i) => stores.audit.append({ type: 'login', actorAccountId: `a${i}` }));
    const consumes = Array.from({ length: 20 }, () => stores.challenges.consume('s1', 'login'));
    const binds = Array.from({ length: 10 }, (_, i) => stores.bindings.insert(binding(`b${i}`)));
    const [appended, consumed, bound] = await Promise.all([Promise.all(appends), Promise.all(consumes), Promise.allSettled(binds)]);
    expect(new Set(appended.map((e) => e.id)).size).toBe(64);
    // Single use holds inside one transaction: the first consume takes it, the others find nothing.
    expect(consumed.filter((c) => c !== null)).toEqual([{ ...challenge }]);
    expect(bound.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of bound.filter((x) => x.status === 'rejected')) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'ALREADY_BOUND' });
    // One commit writes each changed page once: 64 separate commits would add at least 64 frames.
    const frames = walFrames() - before;
    expect(frames).toBeGreaterThan(0);
    expect(frames).toBeLessThan(32);
    const again = createSqliteStores({ path });
    expect((await again.audit.list({ limit: 100 })).items).toHaveLength(64);
    expect(await again.challenges.consume('s1', 'login')).toBeNull();
    await again.close();
    await stores.close();
  });

  it('when the database refuses one call of a batch, that call fails and the others still commit', async () => {
    const path = join(dir, 'group-fault.db');
    const stores = createSqliteStores({ path });
    const raw = new DatabaseSync(path);
    // A real SQLite error in the middle of a batch that ends the transaction, as a full disk would.
    raw.exec("CREATE TRIGGER refuse BEFORE INSERT ON yizheng_audit WHEN NEW.type = 'refused' BEGIN SELECT RAISE(ROLLBACK, 'refused by trigger'); END");
    raw.close();
    const results = await Promise.allSettled([
      stores.audit.append({ type: 'login', actorAccountId: 'first' }),
      stores.bindings.insert(binding('x1')),
      stores.audit.append({ type: 'refused', actorAccountId: 'middle' }),
      stores.audit.append({ type: 'login', actorAccountId: 'last' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[2] as PromiseRejectedResult).reason)).toMatch(/refused by trigger/);
    const events = (await stores.audit.list({ limit: 10 })).items.map((e) => e.actorAccountId);
    expect(events.sort()).toEqual(['first', 'last']);
    expect(await stores.bindings.listByAccount('x1')).toHaveLength(1);
    await stores.close();
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
