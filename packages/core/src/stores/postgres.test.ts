/**
 * The store contract against a real PostgreSQL server: DATABASE_URL, or the URL scripts/postgres.sh
 * wrote to .tools/pg/url. Each test gets a fresh schema, dropped afterwards. Under CI (CI=true) a
 * missing or unreachable server fails the run instead of skipping it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test-utils/vectors';
import { isYizhengError } from '../errors/index';
import { codeOf, failure } from '../../test-utils/errors';
import { bindCertificate } from '../binding/index';
import { checkLegacyBindingMoves } from '../../test-utils/legacy-scenario';
import { ORIGIN, USCC, fakeClock, makeCa, makeContext, signedToken } from '../../test-utils/login-support';
import { verifyLogin } from '../login/verify-login';
import { defineProviderInfo, type CaProvider } from '../providers/index';
import { issueCertificate, utf8Extension } from '../testing/index';
import { describeRenewalStoreContract, describeStoreContract, expectOneBindAcross, sameIdentityBinding } from './contract';
import { createPostgresStores } from './postgres';
import type { RenewalStores, StoreOptions } from './types';

const urlFile = join(REPO_ROOT, '.tools/pg/url');
const explicit = process.env['DATABASE_URL'] || undefined;
const url = explicit ?? (existsSync(urlFile) ? readFileSync(urlFile, 'utf8').trim() : undefined);
const ci = process.env['CI'] === 'true';

async function reachable(connectionString: string): Promise<string | null> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const problem = url === undefined ? 'no DATABASE_URL and no .tools/pg/url' : await reachable(url);
if (problem !== null) {
  const why = `PostgreSQL store tests need a server (${problem}): run \`bash scripts/postgres.sh\` or set DATABASE_URL`;
  // An explicit DATABASE_URL that does not answer is an error everywhere; CI must never skip.
  if (ci || explicit !== undefined) throw new Error(why);
  console.warn(`[yizheng] ${why}. SKIPPED.`);
}
const enabled = problem === null && url !== undefined;

const pool = enabled ? new pg.Pool({ connectionString: url, max: 10 }) : null;
afterAll(async () => {
  await pool?.end();
});

const schemaName = (): string => `yz_test_${randomBytes(6).toString('hex')}`;

async function freshStores(options: StoreOptions): Promise<RenewalStores> {
  if (pool === null) throw new Error('no pool');
  const schema = schemaName();
  const stores = createPostgresStores({ ...options, pool, schema });
  await stores.migrate();
  return {
    ...stores,
    async close() {
      await stores.close();
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    },
  };
}

if (enabled) describeStoreContract('postgres', freshStores);
if (enabled) describeRenewalStoreContract('postgres', freshStores);

describe.skipIf(!enabled)('postgres: bindings stored under the 0.x identity key', () => {
  it('move to the current key on the first login with the exact bound certificate, and only then', async () => {
    await checkLegacyBindingMoves((clock) => freshStores({ clock }));
  });
});

describe.skipIf(!enabled)('postgres: texts from the page and from certificates', () => {
  it('refuses page texts with NUL or unpaired surrogates before the challenge is consumed', async () => {
    const ca = makeCa();
    const clock = fakeClock();
    const stores = await freshStores({ clock: clock.now });
    const context = { ...makeContext([ca], clock.now), stores };
    try {
      const request = { sessionId: 'session-1', origin: ORIGIN };
      const actor = { accountId: 'acct-1', organizationId: 'org-1', isAdmin: true };
      const target = { accountId: 'acct-1', organizationId: 'org-1', enterpriseCode: USCC };
      const holder = issueCertificate({
        subject: [['C', 'CN'], ['O', '厦门帝网信息科技有限公司'], ['CN', '张三']],
        issuer: ca,
        extensions: [utf8Extension('1.2.156.10260.4.1.4', USCC)],
      });
      const token = await signedToken(holder, context, { purpose: 'bind' });
      // Before: a raw driver error 22021 (a 500) after the challenge was consumed.
      const bad = [
        { keyId: 'KEY\0' }, { keyId: 'KEY\ud800' }, { permissions: ['bid.submit', 'x\0'] },
        { target: { ...target, accountId: 'acct\0' } }, { target: { ...target, organizationId: '\udc00' } },
        { actor: { ...actor, accountId: 'acct-1\0' } },
      ];
      for (const over of bad) {
        expect(await codeOf(bindCertificate({ ...request, actor, target, token, ...over }, context)), JSON.stringify(over)).toBe('INVALID_ARGUMENT');
      }
      // The challenge was not burnt: the same token still binds.
      const binding = await bindCertificate({ ...request, actor, target, token, keyId: 'KEY-\u{1F511}' }, context);
      expect(binding.certificate.keyId).toBe('KEY-\u{1F511}');
      expect(await stores.bindings.findById(binding.id)).toEqual(binding);
      // A provider name with NUL is a malformed token, never an unknown provider echoed into details and logs.
      const named = await signedToken(holder, context, { extra: { provider: 'generic\0' } });
      expect(await codeOf(verifyLogin(named, request, context))).toBe('TOKEN_MALFORMED');
    } finally {
      await stores.close();
    }
  });

  it('binds a CA-issued certificate whose subject holds NUL: DN strings keep it escaped (RFC 4514 \\00), names cleaned', async () => {
    const ca = makeCa();
    const clock = fakeClock();
    const stores = await freshStores({ clock: clock.now });
    const context = { ...makeContext([ca], clock.now), stores };
    try {
      const request = { sessionId: 'session-1', origin: ORIGIN };
      const actor = { accountId: 'acct-1', organizationId: 'org-1', isAdmin: false };
      const target = { accountId: 'acct-1', organizationId: 'org-1', enterpriseCode: USCC };
      const holder = issueCertificate({
        subject: [['C', 'CN'], ['O', '厦门帝网信息科技有限公司\0'], ['CN', '张\0三']],
        issuer: ca,
        extensions: [utf8Extension('1.2.156.10260.4.1.4', USCC)],
      });
      expect(holder.certificate.subject.commonName).toBe('张\0三');
      const binding = await bindCertificate({ ...request, actor, target, token: await signedToken(holder, context, { purpose: 'bind' }) }, context);
      expect(binding.certificate.subjectDn).toBe('CN=张\\00三, O=厦门帝网信息科技有限公司\\00, C=CN');
      expect(binding.entityName).toBe('厦门帝网信息科技有限公司');
      expect(await stores.bindings.findById(binding.id)).toEqual(binding);
      const login = await verifyLogin(await signedToken(holder, context), request, context);
      expect(login.binding.id).toBe(binding.id);
      // A platform's own provider that hands the raw O over as the entity name: the store refuses it
      // with INVALID_ARGUMENT naming the field (before: a raw driver error 22021), storing nothing.
      const raw: CaProvider = {
        info: defineProviderInfo({ id: 'rawca', names: { 'zh-CN': '测试CA', en: 'Test CA' }, aliases: [], support: [] }),
        recognize: () => ({ confidence: 1, evidence: ['test'] }),
        extractIdentity: (c) => ({ entityName: c.subject.organization, uscc: USCC, source: { uscc: 'test' } }),
      };
      const rawContext = { ...makeContext([ca], clock.now, { providers: [raw] }), stores };
      const other = { accountId: 'acct-2', organizationId: 'org-1', enterpriseCode: USCC };
      const token = await signedToken(holder, rawContext, { purpose: 'bind', extra: { provider: 'rawca' } });
      const err = await failure(bindCertificate({ ...request, actor: { ...actor, accountId: 'acct-2' }, target: other, token }, rawContext));
      expect([err.code, err.details['reason']]).toEqual(['INVALID_ARGUMENT', 'entityName must not contain NUL characters or unpaired UTF-16 surrogates']);
      expect(await stores.bindings.listByAccount('acct-2')).toEqual([]);
    } finally {
      await stores.close();
    }
  });
});

const binding = (accountId: string) => sameIdentityBinding('huixin', accountId);

describe.skipIf(!enabled)('postgres adapter', () => {
  it('binds once across separate pools (as separate processes would), on several connections at once', async () => {
    if (url === undefined || pool === null) throw new Error('unreachable');
    const schema = schemaName();
    const pools = [new pg.Pool({ connectionString: url, max: 5 }), new pg.Pool({ connectionString: url, max: 5 })];
    const stores = pools.map((p) => createPostgresStores({ pool: p, schema }));
    try {
      // Concurrent migrations serialise on an advisory lock.
      await expectOneBindAcross(stores, 'huixin');
      expect(pools.every((p) => p.totalCount > 1)).toBe(true);
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('makes and ends its own pool from a connection string, lazily', async () => {
    if (url === undefined || pool === null) throw new Error('unreachable');
    const schema = schemaName();
    const unused = createPostgresStores({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });
    await unused.close();
    const stores = createPostgresStores({ connectionString: url, schema, poolSize: 3 });
    try {
      await stores.migrate();
      const b = await stores.bindings.insert(binding('a1'));
      expect(await stores.bindings.findById(b.id)).toEqual(b);
      const versions = await pool.query(`SELECT version FROM "${schema}".yizheng_schema_migrations`);
      expect(versions.rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
    } finally {
      await stores.close();
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  });

  it('uses the expiry index for keyset pages', async () => {
    if (pool === null) throw new Error('unreachable');
    const schema = schemaName();
    const stores = createPostgresStores({ pool, schema });
    try {
      await stores.migrate();
      const client = await pool.connect();
      try {
        await client.query(
          `INSERT INTO "${schema}".yizheng_bindings SELECT 'id-' || i, 'default', 'k' || i, 'p', 'a' || i, 'o', 'c', 'n', 's', 'h',
             'CN=s', 'CN=i', now(), now() + (i % 1000) * interval '1 day', NULL, false, '{}', now(), 'a', now()
           FROM generate_series(1, 20000) AS i`,
        );
        await client.query(`ANALYZE "${schema}".yizheng_bindings`);
        const plan = await client.query(
          `EXPLAIN SELECT * FROM "${schema}".yizheng_bindings WHERE (not_after, id) > (now() + interval '100 days', 'x'::text COLLATE "C")
             AND (NULL::timestamptz IS NULL OR not_after >= NULL::timestamptz) AND not_after < now() + interval '900 days'
           ORDER BY not_after, id LIMIT 1001`,
        );
        const text = plan.rows.map((r: Record<string, string>) => Object.values(r).join('')).join('\n');
        expect(text, text).toMatch(/Index (Only )?Scan using yizheng_bindings_expiry/);
        expect(text).not.toMatch(/Sort/);
      } finally {
        client.release();
      }
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  });

  it('refuses a key that another connection binds while the move waits for it, inside and outside a transaction', async () => {
    if (pool === null) throw new Error('unreachable');
    for (const inTransaction of [false, true]) {
      const schema = schemaName();
      const stores = createPostgresStores({ pool, schema });
      try {
        await stores.migrate();
        const mine = await stores.bindings.insert(binding('a1'));
        let release = (): void => undefined;
        const released = new Promise<void>((r) => {
          release = r;
        });
        let inserted = (): void => undefined;
        const insertedYet = new Promise<void>((r) => {
          inserted = r;
        });
        const binder = stores.transaction(async (tx) => {
          const held = await tx.bindings.insert({ ...binding('a2'), identityKey: 'huixin:v2' });
          inserted();
          await released;
          return held;
        });
        await insertedYet;
        // The move's NOT EXISTS does not see the uncommitted holder: its UPDATE waits on the unique
        // index for the binder, then fails it once the binder commits.
        const move = (): Promise<unknown> =>
          inTransaction
            ? stores.transaction(async (tx) => {
                const outcome = await tx.bindings.updateIdentityKey(mine.id, mine.identityKey, 'huixin:v2').catch((err: unknown) => err);
                // The transaction is still usable.
                await tx.audit.append({ id: 'after', type: 'rekey-refused', actorAccountId: 'a1' });
                return outcome;
              })
            : stores.bindings.updateIdentityKey(mine.id, mine.identityKey, 'huixin:v2').catch((err: unknown) => err);
        const outcome = move();
        for (let i = 0; ; i++) {
          const waiting = await pool.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
            [`UPDATE "${schema}".yizheng_bindings AS b SET identity_key%`],
          );
          if ((waiting.rows[0] as { n: number }).n > 0) break;
          if (i > 500) throw new Error('the move never waited for the binder');
          await new Promise((r) => setTimeout(r, 10));
        }
        release();
        const held = await binder;
        const err = await outcome;
        expect(isYizhengError(err, 'ALREADY_BOUND'), String(err)).toBe(true);
        expect((err as { details: unknown }).details).toMatchObject({ bindingId: held.id, identityKey: 'huixin:v2' });
        expect(await stores.bindings.findById(mine.id)).toEqual(mine);
        expect((await stores.audit.list({ limit: 10 })).items.map((e) => e.id)).toEqual(inTransaction ? ['after'] : []);
      } finally {
        await stores.close();
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      }
    }
  });

  it('refuses a schema name it would have to quote', () => {
    if (pool === null) throw new Error('unreachable');
    expect(() => createPostgresStores({ pool, schema: 'bad"; DROP' })).toThrow(/schema/);
  });
});
