/**
 * The store contract, as one test suite every adapter runs: `describeStoreContract('sqlite', factory)`.
 * It covers every operation, the transaction's all-or-nothing promise (with injected failures), and
 * concurrency: a challenge consumed by 50 callers at once is consumed once, an identity bound by 50
 * callers at once is bound once. A platform writing its own adapter can run it too.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { isYizhengError } from '../errors/index';
import type {
  Binding,
  CertificateFacts,
  NewBinding,
  NewSealedEnvelope,
  PendingChallenge,
  RenewalStores,
  SealedEnvelope,
  ServiceOrder,
  StoreOptions,
  Stores,
} from './types';

/** Creates fresh, empty, migrated stores for one test. `close()` is called after the test. */
export type StoreFactory = (options: StoreOptions) => Promise<Stores> | Stores;

/** As {@link StoreFactory}, for stores with sealed envelopes and service orders. */
export type RenewalStoreFactory = (options: StoreOptions) => Promise<RenewalStores> | RenewalStores;

const T0 = Date.parse('2025-03-01T08:00:00.000Z');
const DAY = 86_400_000;

function nonce(): string {
  return randomBytes(32).toString('base64url');
}

function challenge(over: Partial<PendingChallenge> = {}): PendingChallenge {
  return {
    sessionId: 's1',
    purpose: 'login',
    nonce: nonce(),
    origin: 'https://bid.example.gov.cn',
    issuedAt: new Date(T0),
    expiresAt: new Date(T0 + 300_000),
    ...over,
  };
}

function facts(over: Partial<CertificateFacts> = {}): CertificateFacts {
  return {
    serialNumber: '1A2B3C',
    sha256: 'ab'.repeat(32),
    subjectDn: 'CN=示例科技有限公司,O=示例科技有限公司,C=CN',
    issuerDn: 'CN=Test SM2 CA,O=Test CA,C=CN',
    notBefore: new Date(T0 - 30 * DAY),
    notAfter: new Date(T0 + 335 * DAY),
    keyId: 'LOCK-0001',
    ...over,
  };
}

function binding(n: number | string, over: Partial<NewBinding> = {}): NewBinding {
  return {
    identityKey: `bjca:SF${n}`,
    providerId: 'bjca',
    accountId: `acct-${n}`,
    organizationId: 'org-1',
    enterpriseCode: '91350200556207664B',
    entityName: '示例科技有限公司',
    certificate: facts({ serialNumber: `SN${n}` }),
    boundBy: `acct-${n}`,
    ...over,
  };
}

/**
 * For tests beside the contract: two or more stores objects on one database (separate pools or
 * connections, as separate processes would have) migrate at once, then `count` transactions spread
 * over them each append an audit event and bind the same identity. Exactly one commits; every other
 * one fails with `ALREADY_BOUND`, its audit event rolled back with it.
 */
export async function expectOneBindAcross(stores: readonly Stores[], providerId: string, count = 40): Promise<void> {
  await Promise.all([...stores, ...stores].map((s) => s.migrate()));
  const results = await Promise.allSettled(
    Array.from({ length: count }, (_, i) =>
      (stores[i % stores.length] as Stores).transaction(async (tx) => {
        await tx.audit.append({ type: 'bind', actorAccountId: `a${i}` });
        await new Promise((r) => setTimeout(r, 2));
        return tx.bindings.insert(sameIdentityBinding(providerId, `a${i}`));
      }),
    ),
  );
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  expect(results.filter((r) => r.status === 'rejected' && isYizhengError(r.reason, 'ALREADY_BOUND'))).toHaveLength(count - 1);
  expect((await (stores[0] as Stores).audit.list({ limit: 100 })).items).toHaveLength(1);
}

/**
 * For tests beside the contract: a binding to `accountId` of one fixed identity under `providerId`,
 * with minimal certificate facts, so that every call binds the same identity.
 */
export function sameIdentityBinding(providerId: string, accountId: string): NewBinding {
  return {
    identityKey: `${providerId}:91350200556207664B`,
    providerId,
    accountId,
    organizationId: 'o1',
    enterpriseCode: '91350200556207664B',
    entityName: '示例公司',
    certificate: {
      serialNumber: '01',
      sha256: 'ab',
      subjectDn: 'CN=x',
      issuerDn: 'CN=ca',
      notBefore: new Date(0),
      notAfter: new Date(86_400_000),
    },
    boundBy: accountId,
  };
}

/** Resolves when `fn` rejects with a YizhengError of `code`, to that error. */
async function rejectsWith(promise: Promise<unknown>, code: string): Promise<{ details: Readonly<Record<string, unknown>> }> {
  try {
    await promise;
  } catch (err) {
    if (isYizhengError(err) && err.code === code) return err;
    throw err;
  }
  throw new Error(`expected a ${code} rejection, but it resolved`);
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Registers the contract suite for one adapter. */
export function describeStoreContract(name: string, factory: StoreFactory): void {
  describe(`store contract: ${name}`, () => {
    let now = T0;
    const clock = (): Date => new Date(now);
    const opened: Stores[] = [];
    const open = async (): Promise<Stores> => {
      now = T0;
      const s = await factory({ clock });
      opened.push(s);
      return s;
    };
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    describe('challenges', () => {
      it('gives a challenge back once, then null', async () => {
        const s = await open();
        const c = challenge();
        await s.challenges.put(c);
        expect(await s.challenges.consume('s1', 'login')).toEqual(c);
        expect(await s.challenges.consume('s1', 'login')).toBeNull();
        expect(await s.challenges.consume('nobody', 'bind')).toBeNull();
      });

      it('keeps one pending challenge per session and purpose: a new put replaces the old', async () => {
        const s = await open();
        const first = challenge();
        const second = challenge({ issuedAt: new Date(T0 + 1000), expiresAt: new Date(T0 + 301_000) });
        const bind = challenge({ purpose: 'bind' });
        await s.challenges.put(first);
        await s.challenges.put(bind);
        await s.challenges.put(second);
        expect(await s.challenges.consume('s1', 'login')).toEqual(second);
        expect(await s.challenges.consume('s1', 'login')).toBeNull();
        expect(await s.challenges.consume('s1', 'bind')).toEqual(bind);
      });

      it('returns (and removes) an expired challenge so the caller can report it as expired', async () => {
        const s = await open();
        const c = challenge({ issuedAt: new Date(T0 - 600_000), expiresAt: new Date(T0 - 300_000) });
        await s.challenges.put(c);
        const got = await s.challenges.consume('s1', 'login');
        expect(got?.expiresAt.getTime()).toBeLessThan(T0);
        expect(await s.challenges.consume('s1', 'login')).toBeNull();
      });

      it('purges only expired challenges and counts them', async () => {
        const s = await open();
        await s.challenges.put(challenge({ sessionId: 'old1', expiresAt: new Date(T0 - 1) , issuedAt: new Date(T0 - 1000) }));
        await s.challenges.put(challenge({ sessionId: 'old2', expiresAt: new Date(T0), issuedAt: new Date(T0 - 1000) }));
        await s.challenges.put(challenge({ sessionId: 'live' }));
        expect(await s.challenges.purgeExpired(new Date(T0))).toBe(2);
        expect(await s.challenges.purgeExpired(new Date(T0))).toBe(0);
        expect(await s.challenges.consume('old1', 'login')).toBeNull();
        expect(await s.challenges.consume('live', 'login')).not.toBeNull();
      });

      it('rejects malformed challenges', async () => {
        const s = await open();
        await rejectsWith(s.challenges.put(challenge({ nonce: 'short' })), 'INVALID_ARGUMENT');
        await rejectsWith(s.challenges.put(challenge({ expiresAt: new Date(T0 - 1) })), 'INVALID_ARGUMENT');
        await rejectsWith(s.challenges.put({ ...challenge(), purpose: 'sign' as 'login' }), 'INVALID_ARGUMENT');
        await rejectsWith(s.challenges.consume('', 'login'), 'INVALID_ARGUMENT');
      });

      it('hands a challenge consumed by 50 callers at once to exactly one of them', async () => {
        const s = await open();
        const c = challenge({ sessionId: 'race' });
        await s.challenges.put(c);
        const results = await Promise.all(Array.from({ length: 50 }, () => s.challenges.consume('race', 'login')));
        const winners = results.filter((r) => r !== null);
        expect(winners).toHaveLength(1);
        expect(winners[0]?.nonce).toBe(c.nonce);
      });
    });

    describe('bindings', () => {
      it('inserts with defaults and finds by id and by identity', async () => {
        const s = await open();
        const b = await s.bindings.insert(binding(1));
        expect(b).toMatchObject({
          scope: 'default',
          identityKey: 'bjca:SF1',
          accountId: 'acct-1',
          isAdmin: false,
          permissions: [],
          boundBy: 'acct-1',
        });
        expect(b.id).toMatch(/\S/);
        expect(b.boundAt.getTime()).toBe(T0);
        expect(b.updatedAt.getTime()).toBe(T0);
        expect(b.certificate).toEqual(facts({ serialNumber: 'SN1' }));
        expect(await s.bindings.findById(b.id)).toEqual(b);
        expect(await s.bindings.findByIdentity('default', 'bjca:SF1')).toEqual(b);
        expect(await s.bindings.findByIdentity('3502', 'bjca:SF1')).toBeNull();
        expect(await s.bindings.findById('missing')).toBeNull();
      });

      it('stores given ids, scopes, flags and a certificate without a key id', async () => {
        const s = await open();
        const { keyId: _drop, ...noKey } = facts();
        const b = await s.bindings.insert(
          binding(2, {
            id: 'b-2',
            scope: '3502',
            isAdmin: true,
            permissions: ['tender.submit', 'bind', 'tender.submit'],
            boundAt: new Date(T0 - DAY),
            certificate: noKey,
          }),
        );
        expect(b).toMatchObject({ id: 'b-2', scope: '3502', isAdmin: true, permissions: ['bind', 'tender.submit'] });
        expect(b.boundAt.getTime()).toBe(T0 - DAY);
        expect(b.certificate.keyId).toBeUndefined();
        const found = await s.bindings.findById('b-2');
        expect(found).toEqual(b);
        expect(found !== null && 'keyId' in found.certificate).toBe(false);
      });

      it('refuses a second binding of one identity with ALREADY_BOUND naming the holder', async () => {
        const s = await open();
        const first = await s.bindings.insert(binding(1));
        const err = await rejectsWith(s.bindings.insert(binding(1, { accountId: 'someone-else' })), 'ALREADY_BOUND');
        expect(err.details).toMatchObject({ accountId: 'acct-1', bindingId: first.id, scope: 'default', identityKey: 'bjca:SF1' });
        // The same account binding it again is refused too; another scope is independent.
        await rejectsWith(s.bindings.insert(binding(1)), 'ALREADY_BOUND');
        const other = await s.bindings.insert(binding(1, { scope: '3502' }));
        expect(other.scope).toBe('3502');
      });

      it('refuses a duplicate binding id', async () => {
        const s = await open();
        await s.bindings.insert(binding(1, { id: 'same' }));
        await rejectsWith(s.bindings.insert(binding(2, { id: 'same' })), 'INVALID_ARGUMENT');
        expect(await s.bindings.findByIdentity('default', 'bjca:SF2')).toBeNull();
      });

      it('rejects malformed bindings', async () => {
        const s = await open();
        await rejectsWith(s.bindings.insert(binding(1, { identityKey: '' })), 'INVALID_ARGUMENT');
        await rejectsWith(s.bindings.insert(binding(1, { certificate: facts({ notAfter: new Date(NaN) }) })), 'INVALID_ARGUMENT');
        await rejectsWith(s.bindings.insert(binding(1, { permissions: [''] })), 'INVALID_ARGUMENT');
        expect(await s.bindings.findByIdentity('default', 'bjca:SF1')).toBeNull();
      });

      it('binds one identity exactly once when 50 accounts try at the same moment', async () => {
        const s = await open();
        const results = await Promise.allSettled(
          Array.from({ length: 50 }, (_, i) => s.bindings.insert(binding('race', { accountId: `acct-${i}`, boundBy: `acct-${i}` }))),
        );
        const won = results.filter((r): r is PromiseFulfilledResult<Binding> => r.status === 'fulfilled');
        expect(won).toHaveLength(1);
        const winner = won[0]?.value;
        for (const r of results) {
          if (r.status === 'fulfilled') continue;
          expect(isYizhengError(r.reason, 'ALREADY_BOUND')).toBe(true);
          expect((r.reason as { details: { accountId: string } }).details.accountId).toBe(winner?.accountId);
        }
        expect(await s.bindings.findByIdentity('default', 'bjca:SFrace')).toEqual(winner);
      });

      it('lists by account and by organisation, oldest first', async () => {
        const s = await open();
        await s.bindings.insert(binding(1, { accountId: 'a', boundAt: new Date(T0 + 2), id: 'x1' }));
        await s.bindings.insert(binding(2, { accountId: 'a', boundAt: new Date(T0 + 1), id: 'x2' }));
        await s.bindings.insert(binding(3, { accountId: 'b', boundAt: new Date(T0), id: 'x3' }));
        await s.bindings.insert(binding(4, { accountId: 'c', organizationId: 'org-2', id: 'x4' }));
        expect((await s.bindings.listByAccount('a')).map((b) => b.id)).toEqual(['x2', 'x1']);
        expect((await s.bindings.listByOrganization('org-1')).map((b) => b.id)).toEqual(['x3', 'x2', 'x1']);
        expect((await s.bindings.listByOrganization('org-2')).map((b) => b.id)).toEqual(['x4']);
        expect(await s.bindings.listByAccount('nobody')).toEqual([]);
      });

      it('refreshes certificate facts, guarded by the expected serial', async () => {
        const s = await open();
        const b = await s.bindings.insert(binding(1));
        now = T0 + DAY;
        const renewed = facts({ serialNumber: 'SN1-RENEWED', notAfter: new Date(T0 + 700 * DAY), keyId: 'LOCK-0002' });
        const updated = await s.bindings.updateCertificateFacts(b.id, renewed, 'SN1');
        expect(updated?.certificate).toEqual(renewed);
        expect(updated?.updatedAt.getTime()).toBe(T0 + DAY);
        expect(updated?.boundAt.getTime()).toBe(T0);
        expect(await s.bindings.findById(b.id)).toEqual(updated);

        const err = await rejectsWith(s.bindings.updateCertificateFacts(b.id, facts(), 'SN1'), 'BINDING_CHANGED');
        expect(err.details).toMatchObject({ bindingId: b.id, expectedSerial: 'SN1', actualSerial: 'SN1-RENEWED' });
        expect((await s.bindings.findById(b.id))?.certificate.serialNumber).toBe('SN1-RENEWED');

        const { keyId: _drop, ...noKey } = facts({ serialNumber: 'SN1-FIXED' });
        const fixed = await s.bindings.updateCertificateFacts(b.id, noKey);
        expect(fixed?.certificate).toEqual(noKey);
        expect(await s.bindings.updateCertificateFacts('missing', facts())).toBeNull();
        expect(await s.bindings.updateCertificateFacts('missing', facts(), 'SN1')).toBeNull();
      });

      it('stores the encryption certificate facts, keeps them on a refresh without them, replaces them with new ones', async () => {
        const s = await open();
        const enc = facts({ serialNumber: 'ENC1', sha256: 'cd'.repeat(32), subjectDn: 'CN=加密证书,C=CN', keyId: 'IGNORED' });
        const { keyId: _ignored, ...encStored } = enc;
        const b = await s.bindings.insert(binding(1, { encryptionCertificate: enc }));
        expect(b.encryptionCertificate).toEqual(encStored);
        expect(await s.bindings.findById(b.id)).toEqual(b);
        expect((await s.bindings.findByIdentity('default', b.identityKey))?.encryptionCertificate).toEqual(encStored);
        const plain = await s.bindings.insert(binding(2));
        expect(plain.encryptionCertificate).toBeUndefined();
        expect(await s.bindings.findById(plain.id)).toEqual(plain);
        expect('encryptionCertificate' in ((await s.bindings.findById(plain.id)) ?? {})).toBe(false);

        const kept = await s.bindings.updateCertificateFacts(b.id, facts({ serialNumber: 'SN1-R' }), 'SN1');
        expect(kept?.encryptionCertificate).toEqual(encStored);
        const enc2 = facts({ serialNumber: 'ENC2', sha256: 'ef'.repeat(32), notBefore: new Date(T0), notAfter: new Date(T0 + 700 * DAY) });
        const { keyId: _k2, ...enc2Stored } = enc2;
        const replaced = await s.bindings.updateCertificateFacts(b.id, facts({ serialNumber: 'SN1-R2' }), 'SN1-R', enc2);
        expect(replaced?.encryptionCertificate).toEqual(enc2Stored);
        expect(await s.bindings.findById(b.id)).toEqual(replaced);
        const added = await s.bindings.updateCertificateFacts(plain.id, facts({ serialNumber: 'SN2' }), 'SN2', enc);
        expect(added?.encryptionCertificate).toEqual(encStored);
        expect((await s.bindings.listByAccount(plain.accountId))[0]?.encryptionCertificate).toEqual(encStored);

        await rejectsWith(s.bindings.insert(binding(3, { encryptionCertificate: facts({ sha256: '' }) })), 'INVALID_ARGUMENT');
        await rejectsWith(s.bindings.updateCertificateFacts(b.id, facts(), undefined, facts({ subjectDn: 'a\u0000b' })), 'INVALID_ARGUMENT');
        expect((await s.bindings.findById(b.id))?.encryptionCertificate).toEqual(enc2Stored);
      });

      it('sets the admin flag and permissions', async () => {
        const s = await open();
        const b = await s.bindings.insert(binding(1));
        now = T0 + 5000;
        const updated = await s.bindings.setPermissions(b.id, { isAdmin: true, permissions: ['z', 'a', 'z'] });
        expect(updated).toMatchObject({ isAdmin: true, permissions: ['a', 'z'] });
        expect(updated?.updatedAt.getTime()).toBe(T0 + 5000);
        expect(await s.bindings.findById(b.id)).toEqual(updated);
        expect(await s.bindings.setPermissions(b.id, { isAdmin: false, permissions: [] })).toMatchObject({
          isAdmin: false,
          permissions: [],
        });
        expect(await s.bindings.setPermissions('missing', { isAdmin: true, permissions: [] })).toBeNull();
        await rejectsWith(s.bindings.setPermissions(b.id, { isAdmin: 'yes' as unknown as boolean, permissions: [] }), 'INVALID_ARGUMENT');
      });

      it('deletes a binding, freeing its identity for another account', async () => {
        const s = await open();
        const b = await s.bindings.insert(binding(1));
        expect(await s.bindings.delete(b.id)).toEqual(b);
        expect(await s.bindings.delete(b.id)).toBeNull();
        expect(await s.bindings.findById(b.id)).toBeNull();
        const again = await s.bindings.insert(binding(1, { accountId: 'acct-2' }));
        expect(again.accountId).toBe('acct-2');
      });

      it('returns copies: changing a returned binding changes nothing stored', async () => {
        const s = await open();
        const b = await s.bindings.insert(binding(1));
        b.certificate.notAfter.setTime(0);
        (b.permissions as string[]).push('hacked');
        const found = await s.bindings.findById(b.id);
        expect(found?.certificate.notAfter.getTime()).toBe(T0 + 335 * DAY);
        expect(found?.permissions).toEqual([]);
      });
    });

    describe('updateIdentityKey', () => {
      it('moves a binding to a new key: the old key no longer finds it, the new one does', async () => {
        const s = await open();
        const b = await s.bindings.insert(binding(1));
        now = T0 + DAY;
        const moved = await s.bindings.updateIdentityKey(b.id, 'bjca:SF1', 'bjca:v2:SF1');
        expect(moved).toEqual({ ...b, identityKey: 'bjca:v2:SF1', updatedAt: new Date(T0 + DAY) });
        expect(await s.bindings.findById(b.id)).toEqual(moved);
        expect(await s.bindings.findByIdentity('default', 'bjca:v2:SF1')).toEqual(moved);
        expect(await s.bindings.findByIdentity('default', 'bjca:SF1')).toBeNull();
        expect(await s.bindings.listByAccount('acct-1')).toEqual([moved]);
        expect((await s.bindings.listExpiring({ before: new Date(T0 + 1000 * DAY), limit: 10 })).items).toEqual([moved]);
        // The old key is free again.
        const other = await s.bindings.insert(binding(1, { accountId: 'acct-2' }));
        expect(other.identityKey).toBe('bjca:SF1');
        // Moving onto its own key is no conflict: it only bumps updatedAt.
        now = T0 + 2 * DAY;
        const same = await s.bindings.updateIdentityKey(b.id, 'bjca:v2:SF1', 'bjca:v2:SF1');
        expect(same).toEqual({ ...b, identityKey: 'bjca:v2:SF1', updatedAt: new Date(T0 + 2 * DAY) });
      });

      it('resolves to null for a stale fromKey or a missing binding, changing nothing', async () => {
        const s = await open();
        const b = await s.bindings.insert(binding(1));
        const moved = await s.bindings.updateIdentityKey(b.id, 'bjca:SF1', 'bjca:v2:SF1');
        now = T0 + DAY;
        expect(await s.bindings.updateIdentityKey(b.id, 'bjca:SF1', 'bjca:v3:SF1')).toBeNull();
        expect(await s.bindings.findById(b.id)).toEqual(moved);
        expect(await s.bindings.findByIdentity('default', 'bjca:v3:SF1')).toBeNull();
        expect(await s.bindings.updateIdentityKey('missing', 'bjca:SF1', 'bjca:v3:SF1')).toBeNull();
        expect(await s.bindings.findByIdentity('default', 'bjca:v3:SF1')).toBeNull();
      });

      it('refuses a key already bound in the scope with ALREADY_BOUND naming the holder, changing nothing', async () => {
        const s = await open();
        const mover = await s.bindings.insert(binding(1));
        const holder = await s.bindings.insert(binding(2));
        const elsewhere = await s.bindings.insert(binding(3, { scope: '3502', identityKey: 'bjca:v2:SF1' }));
        now = T0 + DAY;
        const err = await rejectsWith(s.bindings.updateIdentityKey(mover.id, 'bjca:SF1', 'bjca:SF2'), 'ALREADY_BOUND');
        expect(err.details).toMatchObject({ accountId: 'acct-2', bindingId: holder.id, scope: 'default', identityKey: 'bjca:SF2' });
        expect(await s.bindings.findById(mover.id)).toEqual(mover);
        expect(await s.bindings.findById(holder.id)).toEqual(holder);
        expect(await s.bindings.findByIdentity('default', 'bjca:SF2')).toEqual(holder);
        // A stale fromKey wins over the conflict: there is nothing to move.
        expect(await s.bindings.updateIdentityKey(mover.id, 'bjca:OLD', 'bjca:SF2')).toBeNull();
        // The same key in another scope is no conflict.
        const moved = await s.bindings.updateIdentityKey(mover.id, 'bjca:SF1', 'bjca:v2:SF1');
        expect(moved?.identityKey).toBe('bjca:v2:SF1');
        expect(await s.bindings.findById(elsewhere.id)).toEqual(elsewhere);
      });

      it('lets exactly one of 20 concurrent moves of one binding succeed', async () => {
        const s = await open();
        const b = await s.bindings.insert(binding(1));
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => s.bindings.updateIdentityKey(b.id, 'bjca:SF1', `bjca:v2:SF1-${i}`)),
        );
        const won = results.filter((r): r is Binding => r !== null);
        expect(won).toHaveLength(1);
        const winner = won[0] as Binding;
        expect(await s.bindings.findById(b.id)).toEqual(winner);
        for (let i = 0; i < 20; i++) {
          const key = `bjca:v2:SF1-${i}`;
          expect(await s.bindings.findByIdentity('default', key)).toEqual(key === winner.identityKey ? winner : null);
        }
        expect(await s.bindings.findByIdentity('default', 'bjca:SF1')).toBeNull();
      });

      it('rolls a move back with its transaction', async () => {
        const s = await open();
        const b = await s.bindings.insert(binding(1));
        now = T0 + DAY;
        await expect(
          s.transaction(async (tx) => {
            const moved = await tx.bindings.updateIdentityKey(b.id, 'bjca:SF1', 'bjca:v2:SF1');
            expect(moved?.identityKey).toBe('bjca:v2:SF1');
            expect(await tx.bindings.findByIdentity('default', 'bjca:v2:SF1')).toEqual(moved);
            expect(await tx.bindings.findByIdentity('default', 'bjca:SF1')).toBeNull();
            await tx.audit.append({ type: 'rekey', actorAccountId: 'acct-1', bindingId: b.id });
            throw new Error('injected');
          }),
        ).rejects.toThrow('injected');
        expect(await s.bindings.findById(b.id)).toEqual(b);
        expect(await s.bindings.findByIdentity('default', 'bjca:SF1')).toEqual(b);
        expect(await s.bindings.findByIdentity('default', 'bjca:v2:SF1')).toBeNull();
        expect((await s.audit.list({ limit: 10 })).items).toEqual([]);
        // Both keys behave as before: the old one is held, the new one free.
        await rejectsWith(s.bindings.insert(binding(1, { accountId: 'acct-2' })), 'ALREADY_BOUND');
        await s.bindings.insert(binding(1, { identityKey: 'bjca:v2:SF1', accountId: 'acct-2' }));
      });

      it('commits a move in a transaction, which stays usable after a caught ALREADY_BOUND or null', async () => {
        const s = await open();
        const b = await s.bindings.insert(binding(1));
        const holder = await s.bindings.insert(binding(2));
        const result = await s.transaction(async (tx) => {
          const err = await rejectsWith(tx.bindings.updateIdentityKey(b.id, 'bjca:SF1', 'bjca:SF2'), 'ALREADY_BOUND');
          expect(err.details).toMatchObject({ bindingId: holder.id });
          expect(await tx.bindings.updateIdentityKey(b.id, 'bjca:STALE', 'bjca:v2:SF1')).toBeNull();
          const moved = await tx.bindings.updateIdentityKey(b.id, 'bjca:SF1', 'bjca:v2:SF1');
          await tx.audit.append({ id: 'rekeyed', type: 'rekey', actorAccountId: 'acct-1', bindingId: b.id });
          return moved;
        });
        expect(result?.identityKey).toBe('bjca:v2:SF1');
        expect(await s.bindings.findByIdentity('default', 'bjca:v2:SF1')).toEqual(result);
        expect(await s.bindings.findById(holder.id)).toEqual(holder);
        expect((await s.audit.list({ limit: 10 })).items.map((e) => e.id)).toEqual(['rekeyed']);
      });

      it('refuses a key a concurrent transaction binds once it commits, leaving the mover’s transaction usable', async () => {
        const s = await open();
        const b = await s.bindings.insert(binding(1));
        const inserted = deferred();
        const release = deferred();
        const binder = s.transaction(async (tx) => {
          const held = await tx.bindings.insert(binding(2, { identityKey: 'bjca:v2:SF1' }));
          inserted.resolve();
          await release.promise;
          return held;
        });
        await inserted.promise;
        const mover = s.transaction(async (tx) => {
          const err = await rejectsWith(tx.bindings.updateIdentityKey(b.id, 'bjca:SF1', 'bjca:v2:SF1'), 'ALREADY_BOUND');
          await tx.audit.append({ id: 'refused', type: 'rekey-refused', actorAccountId: 'acct-1', details: { ...err.details } });
          return err.details;
        });
        // Give the mover time to reach the database (where it waits for the binder) before the binder commits.
        await new Promise((r) => setTimeout(r, 50));
        release.resolve();
        const held = await binder;
        expect(await mover).toMatchObject({ bindingId: held.id, accountId: 'acct-2', identityKey: 'bjca:v2:SF1' });
        expect(await s.bindings.findById(b.id)).toEqual(b);
        expect((await s.audit.list({ limit: 10 })).items.map((e) => e.id)).toEqual(['refused']);
      });

      it('rejects invalid arguments', async () => {
        const s = await open();
        const b = await s.bindings.insert(binding(1));
        const bad = (v: unknown): string => v as string;
        await rejectsWith(s.bindings.updateIdentityKey('', 'bjca:SF1', 'k'), 'INVALID_ARGUMENT');
        await rejectsWith(s.bindings.updateIdentityKey(bad(7), 'bjca:SF1', 'k'), 'INVALID_ARGUMENT');
        await rejectsWith(s.bindings.updateIdentityKey(b.id, '', 'k'), 'INVALID_ARGUMENT');
        await rejectsWith(s.bindings.updateIdentityKey(b.id, bad(null), 'k'), 'INVALID_ARGUMENT');
        await rejectsWith(s.bindings.updateIdentityKey(b.id, 'bjca:SF1', ''), 'INVALID_ARGUMENT');
        await rejectsWith(s.bindings.updateIdentityKey(b.id, 'bjca:SF1', bad(undefined)), 'INVALID_ARGUMENT');
        await rejectsWith(s.bindings.updateIdentityKey(b.id, 'bjca:SF1', 'k'.repeat(4097)), 'INVALID_ARGUMENT');
        await rejectsWith(s.bindings.updateIdentityKey(b.id, 'x'.repeat(4097), 'k'), 'INVALID_ARGUMENT');
        // Invalid arguments are refused even when there would be nothing to move.
        await rejectsWith(s.bindings.updateIdentityKey('missing', 'bjca:SF1', ''), 'INVALID_ARGUMENT');
        expect(await s.bindings.findById(b.id)).toEqual(b);
        // The longest allowed key is fine.
        const long = 'k'.repeat(4096);
        expect((await s.bindings.updateIdentityKey(b.id, 'bjca:SF1', long))?.identityKey).toBe(long);
      });
    });

    describe('findByIdentityPrefix', () => {
      const ids = (list: readonly Binding[]): string[] => list.map((b) => b.id);

      async function seed(s: Stores, keys: readonly (readonly [id: string, key: string, boundAt?: number, scope?: string])[]): Promise<void> {
        for (const [id, identityKey, at, scope] of keys) {
          await s.bindings.insert(
            binding(id, { id, identityKey, boundAt: new Date(T0 + (at ?? 0)), ...(scope === undefined ? {} : { scope }) }),
          );
        }
      }

      it('finds the scope’s bindings with exactly that prefix, oldest first (ties by id), up to limit', async () => {
        const s = await open();
        await seed(s, [
          ['p3', 'cfca:ACME:3', 3],
          ['p1', 'cfca:ACME:1', 1],
          ['p0', 'cfca:ACME:0', 1],
          ['p2', 'cfca:ACME:2', 2],
          ['lower', 'cfca:acme:4', 0],
          ['longer', 'cfca:ACMEX', 0],
          ['shorter', 'cfca:ACM', 0],
          ['other-ca', 'bjca:ACME:5', 0],
          ['other-scope', 'cfca:ACME:6', 0, '3502'],
        ]);
        expect(ids(await s.bindings.findByIdentityPrefix('default', 'cfca:ACME:', 10))).toEqual(['p0', 'p1', 'p2', 'p3']);
        expect(ids(await s.bindings.findByIdentityPrefix('default', 'cfca:ACME:', 2))).toEqual(['p0', 'p1']);
        expect(ids(await s.bindings.findByIdentityPrefix('default', 'cfca:ACME:', 1))).toEqual(['p0']);
        expect(ids(await s.bindings.findByIdentityPrefix('default', 'cfca:ACME', 10))).toEqual(['longer', 'p0', 'p1', 'p2', 'p3']);
        expect(ids(await s.bindings.findByIdentityPrefix('default', 'cfca:', 100))).toEqual([
          'longer',
          'lower',
          'shorter',
          'p0',
          'p1',
          'p2',
          'p3',
        ]);
        expect(ids(await s.bindings.findByIdentityPrefix('3502', 'cfca:ACME:', 10))).toEqual(['other-scope']);
        expect(ids(await s.bindings.findByIdentityPrefix('default', 'cfca:ACME:2', 10))).toEqual(['p2']);
        expect(await s.bindings.findByIdentityPrefix('default', 'cfca:ACME:22', 10)).toEqual([]);
        expect(await s.bindings.findByIdentityPrefix('nowhere', 'cfca:', 10)).toEqual([]);
        // Full bindings, as stored.
        expect(await s.bindings.findByIdentityPrefix('default', 'cfca:ACME:3', 10)).toEqual([await s.bindings.findById('p3')]);
      });

      it('is case-sensitive and takes %, _, \\ and [ literally', async () => {
        const s = await open();
        await seed(s, [
          ['upper', 'cfca:ABC:1'],
          ['lower', 'cfca:abc:2'],
          ['percent', 'x%y:1'],
          ['under', 'x_y:2'],
          ['plain', 'xAy:3'],
          ['short', 'xy:4'],
          ['slash', 'x\\y:5'],
          ['bracket', 'x[y]:6'],
        ]);
        expect(ids(await s.bindings.findByIdentityPrefix('default', 'cfca:ABC', 10))).toEqual(['upper']);
        expect(ids(await s.bindings.findByIdentityPrefix('default', 'cfca:abc', 10))).toEqual(['lower']);
        expect(await s.bindings.findByIdentityPrefix('default', 'CFCA:', 10)).toEqual([]);
        expect(ids(await s.bindings.findByIdentityPrefix('default', 'x%', 10))).toEqual(['percent']);
        expect(ids(await s.bindings.findByIdentityPrefix('default', 'x_', 10))).toEqual(['under']);
        expect(ids(await s.bindings.findByIdentityPrefix('default', 'x\\', 10))).toEqual(['slash']);
        expect(ids(await s.bindings.findByIdentityPrefix('default', 'x[', 10))).toEqual(['bracket']);
        expect(await s.bindings.findByIdentityPrefix('default', '%', 10)).toEqual([]);
        expect(await s.bindings.findByIdentityPrefix('default', '_', 10)).toEqual([]);
        expect(ids(await s.bindings.findByIdentityPrefix('default', 'x', 10)).sort()).toEqual(
          ['bracket', 'percent', 'plain', 'short', 'slash', 'under'].sort(),
        );
      });

      it('matches whole characters beyond ASCII, astral ones included', async () => {
        const s = await open();
        await seed(s, [
          ['han', 'cfca:示例:1', 1],
          ['han2', 'cfca:示例科技:2', 2],
          ['next-han', 'cfca:示侉:3', 3],
          ['bmp-max', 'u:\uffffA', 4],
          ['astral', 'u:\u{1F600}', 5],
          ['astral2', 'u:\u{1F600}\u{1F601}', 6],
          ['top', 'v:\u{10FFFF}', 7],
          ['top2', 'v:\u{10FFFF}\u{10FFFF}x', 8],
          ['after-top', 'v;', 9],
        ]);
        expect(ids(await s.bindings.findByIdentityPrefix('default', 'cfca:示例', 10))).toEqual(['han', 'han2']);
        expect(ids(await s.bindings.findByIdentityPrefix('default', 'u:', 10))).toEqual(['bmp-max', 'astral', 'astral2']);
        expect(ids(await s.bindings.findByIdentityPrefix('default', 'u:\uffff', 10))).toEqual(['bmp-max']);
        expect(ids(await s.bindings.findByIdentityPrefix('default', 'u:\u{1F600}', 10))).toEqual(['astral', 'astral2']);
        expect(ids(await s.bindings.findByIdentityPrefix('default', 'v:\u{10FFFF}', 10))).toEqual(['top', 'top2']);
        expect(ids(await s.bindings.findByIdentityPrefix('default', 'v:\u{10FFFF}\u{10FFFF}', 10))).toEqual(['top2']);
      });

      it('sees moves and rolled-back inserts as they are', async () => {
        const s = await open();
        await seed(s, [['a', 'bjca:OLD:1']]);
        await s.bindings.updateIdentityKey('a', 'bjca:OLD:1', 'bjca:NEW:1');
        expect(await s.bindings.findByIdentityPrefix('default', 'bjca:OLD', 10)).toEqual([]);
        expect(ids(await s.bindings.findByIdentityPrefix('default', 'bjca:NEW', 10))).toEqual(['a']);
        await expect(
          s.transaction(async (tx) => {
            await tx.bindings.insert(binding('b', { id: 'b', identityKey: 'bjca:NEW:2' }));
            expect(ids(await tx.bindings.findByIdentityPrefix('default', 'bjca:NEW', 10))).toEqual(['a', 'b']);
            throw new Error('injected');
          }),
        ).rejects.toThrow('injected');
        expect(ids(await s.bindings.findByIdentityPrefix('default', 'bjca:NEW', 10))).toEqual(['a']);
      });

      it('rejects invalid arguments', async () => {
        const s = await open();
        const bad = (v: unknown): never => v as never;
        await rejectsWith(s.bindings.findByIdentityPrefix('default', '', 10), 'INVALID_ARGUMENT');
        await rejectsWith(s.bindings.findByIdentityPrefix('default', bad(null), 10), 'INVALID_ARGUMENT');
        await rejectsWith(s.bindings.findByIdentityPrefix('default', bad(5), 10), 'INVALID_ARGUMENT');
        await rejectsWith(s.bindings.findByIdentityPrefix('default', 'k'.repeat(4097), 10), 'INVALID_ARGUMENT');
        await rejectsWith(s.bindings.findByIdentityPrefix('', 'k', 10), 'INVALID_ARGUMENT');
        await rejectsWith(s.bindings.findByIdentityPrefix(bad(undefined), 'k', 10), 'INVALID_ARGUMENT');
        for (const limit of [0, -1, 101, 1.5, Number.NaN, Infinity, bad('10'), bad(null), bad(undefined)]) {
          await rejectsWith(s.bindings.findByIdentityPrefix('default', 'k', limit), 'INVALID_ARGUMENT');
        }
        expect(await s.bindings.findByIdentityPrefix('default', 'k', 100)).toEqual([]);
        expect(await s.bindings.findByIdentityPrefix('default', 'k'.repeat(4096), 1)).toEqual([]);
      });
    });

    describe('listExpiring', () => {
      async function seed(s: Stores, count: number): Promise<Binding[]> {
        const all: Binding[] = [];
        for (let i = 0; i < count; i++) {
          // Ties on notAfter (every third shares a day) exercise the id tie-break.
          const notAfter = new Date(T0 + Math.floor(i / 3) * DAY);
          all.push(await s.bindings.insert(binding(i, { id: `id-${String(i).padStart(3, '0')}`, certificate: facts({ notAfter }) })));
        }
        return all;
      }

      const key = (b: Binding): string => `${b.certificate.notAfter.toISOString()}|${b.id}`;

      it('pages through [after, before) in (notAfter, id) order without gaps or repeats', async () => {
        const s = await open();
        const all = await seed(s, 40);
        const before = new Date(T0 + 10 * DAY); // days 0..9 → 30 bindings
        const after = new Date(T0 + 2 * DAY); // from day 2 → 24 bindings
        const expected = all
          .filter((b) => b.certificate.notAfter < before && b.certificate.notAfter >= after)
          .sort((a, b) => (key(a) < key(b) ? -1 : 1))
          .map((b) => b.id);
        expect(expected).toHaveLength(24);
        for (const limit of [1, 5, 7, 24, 25, 1000]) {
          const seen: string[] = [];
          let cursor: string | null = null;
          let pages = 0;
          do {
            const page: Awaited<ReturnType<Stores['bindings']['listExpiring']>> = await s.bindings.listExpiring({ before, after, cursor, limit });
            expect(page.items.length).toBeLessThanOrEqual(limit);
            seen.push(...page.items.map((b) => b.id));
            cursor = page.nextCursor;
            pages++;
          } while (cursor !== null && pages < 100);
          expect(seen, `limit ${limit}`).toEqual(expected);
          expect(pages).toBe(Math.max(1, Math.ceil(24 / limit)));
        }
      });

      it('returns full bindings, an empty last page only when nothing matches, and no cursor at the end', async () => {
        const s = await open();
        const all = await seed(s, 6);
        const page = await s.bindings.listExpiring({ before: new Date(T0 + 100 * DAY), limit: 10 });
        expect(page.items).toEqual(all);
        expect(page.nextCursor).toBeNull();
        expect(await s.bindings.listExpiring({ before: new Date(T0), limit: 10 })).toEqual({ items: [], nextCursor: null });
      });

      it('keeps its place while bindings are added and removed between pages', async () => {
        const s = await open();
        await seed(s, 9);
        const before = new Date(T0 + 100 * DAY);
        const first = await s.bindings.listExpiring({ before, limit: 4 });
        expect(first.items.map((b) => b.id)).toEqual(['id-000', 'id-001', 'id-002', 'id-003']);
        await s.bindings.delete('id-004');
        await s.bindings.insert(binding('late', { id: 'id-0000', certificate: facts({ notAfter: new Date(T0) }) })); // before the cursor
        await s.bindings.insert(binding('new', { id: 'id-0035', certificate: facts({ notAfter: new Date(T0 + DAY) }) })); // after it
        const rest = await s.bindings.listExpiring({ before, limit: 100, cursor: first.nextCursor });
        expect(rest.items.map((b) => b.id)).toEqual(['id-0035', 'id-005', 'id-006', 'id-007', 'id-008']);
      });

      it('rejects bad limits and cursors', async () => {
        const s = await open();
        const before = new Date(T0);
        await rejectsWith(s.bindings.listExpiring({ before, limit: 0 }), 'INVALID_ARGUMENT');
        await rejectsWith(s.bindings.listExpiring({ before, limit: 10_001 }), 'INVALID_ARGUMENT');
        await rejectsWith(s.bindings.listExpiring({ before, limit: 1.5 }), 'INVALID_ARGUMENT');
        await rejectsWith(s.bindings.listExpiring({ before, limit: 10, cursor: 'garbage' }), 'INVALID_ARGUMENT');
        const audit = await s.audit.list({ limit: 1 });
        expect(audit.nextCursor).toBeNull();
      });
    });

    describe('audit log', () => {
      it('appends with defaults and lists newest first, filtered and paged', async () => {
        const s = await open();
        const e1 = await s.audit.append({ type: 'bind', actorAccountId: 'admin', targetAccountId: 'emp', bindingId: 'b1' });
        expect(e1.at.getTime()).toBe(T0);
        expect(e1.id).toMatch(/\S/);
        now = T0 + 1;
        const e2 = await s.audit.append({
          id: 'ev-2',
          type: 'renew',
          actorAccountId: 'emp',
          bindingId: 'b1',
          certificate: { serialNumber: 'SN2', sha256: 'cd'.repeat(32) },
          previousSerial: 'SN1',
          details: { via: 'login', days: 365, nested: { ok: true }, list: [1, 'two'] },
        });
        const e3 = await s.audit.append({ type: 'login', actorAccountId: 'other', at: new Date(T0 - DAY) });
        const e4 = await s.audit.append({ type: 'permissions', actorAccountId: 'admin', bindingId: 'b2' });

        expect((await s.audit.list({ limit: 10 })).items).toEqual([e4, e3, e2, e1]);
        expect((await s.audit.list({ limit: 10, accountId: 'emp' })).items).toEqual([e2, e1]);
        expect((await s.audit.list({ limit: 10, accountId: 'admin' })).items).toEqual([e4, e1]);
        expect((await s.audit.list({ limit: 10, bindingId: 'b1' })).items).toEqual([e2, e1]);
        expect((await s.audit.list({ limit: 10, bindingId: 'b1', accountId: 'admin' })).items).toEqual([e1]);
        expect((await s.audit.list({ limit: 10, accountId: 'nobody' })).items).toEqual([]);

        const p1 = await s.audit.list({ limit: 3 });
        expect(p1.items).toEqual([e4, e3, e2]);
        const p2 = await s.audit.list({ limit: 3, cursor: p1.nextCursor });
        expect(p2).toEqual({ items: [e1], nextCursor: null });
        const q1 = await s.audit.list({ limit: 1, accountId: 'admin' });
        const q2 = await s.audit.list({ limit: 1, accountId: 'admin', cursor: q1.nextCursor });
        expect([...q1.items, ...q2.items]).toEqual([e4, e1]);
        expect(q2.nextCursor).toBeNull();
      });

      it('stores details as JSON and refuses duplicate ids', async () => {
        const s = await open();
        const e = await s.audit.append({ id: 'dup', type: 'bind', actorAccountId: 'a', details: { when: new Date(T0) } });
        expect(e.details).toEqual({ when: new Date(T0).toISOString() });
        await rejectsWith(s.audit.append({ id: 'dup', type: 'unbind', actorAccountId: 'a' }), 'INVALID_ARGUMENT');
        await rejectsWith(s.audit.append({ type: '', actorAccountId: 'a' }), 'INVALID_ARGUMENT');
        await rejectsWith(s.audit.list({ limit: 5, cursor: 'nope' }), 'INVALID_ARGUMENT');
        expect((await s.audit.list({ limit: 10 })).items).toEqual([e]);
      });
    });

    describe('transactions', () => {
      it('commits a binding and its audit event together and returns the callback’s value', async () => {
        const s = await open();
        const result = await s.transaction(async (tx) => {
          const b = await tx.bindings.insert(binding(1));
          await tx.audit.append({ type: 'bind', actorAccountId: 'acct-1', bindingId: b.id });
          return b.id;
        });
        expect((await s.bindings.findById(result))?.accountId).toBe('acct-1');
        expect((await s.audit.list({ limit: 10, bindingId: result })).items).toHaveLength(1);
      });

      it('rolls back everything when the callback throws, and rethrows its error', async () => {
        const s = await open();
        const boom = new Error('injected failure after both writes');
        await expect(
          s.transaction(async (tx) => {
            await tx.challenges.consume('s1', 'bind');
            await tx.bindings.insert(binding(1, { id: 'doomed' }));
            await tx.audit.append({ id: 'ev-doomed', type: 'bind', actorAccountId: 'acct-1', bindingId: 'doomed' });
            throw boom;
          }),
        ).rejects.toBe(boom);
        expect(await s.bindings.findById('doomed')).toBeNull();
        expect(await s.bindings.findByIdentity('default', 'bjca:SF1')).toBeNull();
        expect((await s.audit.list({ limit: 10 })).items).toEqual([]);
        // The identity is free and the id reusable: nothing half-written remains.
        await s.bindings.insert(binding(1, { id: 'doomed', accountId: 'acct-2' }));
      });

      it('rolls back the binding when the audit append fails', async () => {
        const s = await open();
        await s.audit.append({ id: 'taken', type: 'login', actorAccountId: 'x' });
        await rejectsWith(
          s.transaction(async (tx) => {
            await tx.bindings.insert(binding(1, { id: 'b1' }));
            await tx.audit.append({ id: 'taken', type: 'bind', actorAccountId: 'acct-1', bindingId: 'b1' });
          }),
          'INVALID_ARGUMENT',
        );
        expect(await s.bindings.findById('b1')).toBeNull();
        expect((await s.audit.list({ limit: 10 })).items.map((e) => e.id)).toEqual(['taken']);
      });

      it('restores every step of a failed rebind: unbind, bind to another account, refresh, permissions', async () => {
        const s = await open();
        const old = await s.bindings.insert(binding(1, { id: 'old', isAdmin: true, permissions: ['p'] }));
        const keep = await s.bindings.insert(binding(2, { id: 'keep' }));
        await s.challenges.put(challenge({ purpose: 'bind' }));
        await expect(
          s.transaction(async (tx) => {
            expect(await tx.challenges.consume('s1', 'bind')).not.toBeNull();
            await tx.bindings.delete('old');
            await tx.bindings.insert(binding(1, { id: 'new', accountId: 'acct-9' }));
            await tx.bindings.updateCertificateFacts('keep', facts({ serialNumber: 'CHANGED' }));
            await tx.bindings.setPermissions('keep', { isAdmin: true, permissions: ['all'] });
            await tx.challenges.put(challenge({ sessionId: 's2' }));
            await tx.audit.append({ type: 'rebind', actorAccountId: 'acct-9', bindingId: 'new', previousSerial: 'SN1' });
            expect((await tx.bindings.findByIdentity('default', 'bjca:SF1'))?.id).toBe('new');
            throw new Error('injected');
          }),
        ).rejects.toThrow('injected');
        expect(await s.bindings.findById('old')).toEqual(old);
        expect(await s.bindings.findById('keep')).toEqual(keep);
        expect(await s.bindings.findById('new')).toBeNull();
        expect(await s.challenges.consume('s1', 'bind')).not.toBeNull();
        expect(await s.challenges.consume('s2', 'login')).toBeNull();
        expect((await s.audit.list({ limit: 10 })).items).toEqual([]);
        const page = await s.bindings.listExpiring({ before: new Date(T0 + 1000 * DAY), limit: 10 });
        expect(page.items.map((b) => b.id).sort()).toEqual(['keep', 'old']);
      });

      it('stays usable after a caught ALREADY_BOUND or BINDING_CHANGED', async () => {
        const s = await open();
        const held = await s.bindings.insert(binding(1));
        await s.transaction(async (tx) => {
          const err = await rejectsWith(tx.bindings.insert(binding(1, { accountId: 'acct-2' })), 'ALREADY_BOUND');
          await rejectsWith(tx.bindings.updateCertificateFacts(held.id, facts(), 'WRONG'), 'BINDING_CHANGED');
          await tx.audit.append({ id: 'refused', type: 'bind-refused', actorAccountId: 'acct-2', details: { ...err.details } });
        });
        expect((await s.audit.list({ limit: 10 })).items[0]?.details).toMatchObject({ accountId: 'acct-1', bindingId: held.id });
      });

      it('lets exactly one of 50 concurrent bind transactions commit, with exactly one audit event', async () => {
        const s = await open();
        const results = await Promise.allSettled(
          Array.from({ length: 50 }, (_, i) =>
            s.transaction(async (tx) => {
              // The event first: the losers must roll it back.
              await tx.audit.append({ type: 'bind', actorAccountId: `acct-${i}` });
              return tx.bindings.insert(binding('race', { accountId: `acct-${i}` }));
            }),
          ),
        );
        const won = results.filter((r) => r.status === 'fulfilled');
        expect(won).toHaveLength(1);
        expect(results.filter((r) => r.status === 'rejected' && isYizhengError(r.reason, 'ALREADY_BOUND'))).toHaveLength(49);
        const events = (await s.audit.list({ limit: 100 })).items;
        expect(events).toHaveLength(1);
        const holder = await s.bindings.findByIdentity('default', 'bjca:SFrace');
        expect(events[0]?.actorAccountId).toBe(holder?.accountId);
      });

      it('never shows another caller an uncommitted write', async () => {
        const s = await open();
        const inserted = deferred();
        const release = deferred();
        const tx = s.transaction(async (t) => {
          await t.bindings.insert(binding(1, { id: 'pending' }));
          inserted.resolve();
          await release.promise;
          throw new Error('rolled back');
        });
        await inserted.promise;
        const read = s.bindings.findById('pending');
        release.resolve();
        await expect(tx).rejects.toThrow('rolled back');
        expect(await read).toBeNull();
      });

      it('refuses the outer stores, nested transactions and a finished tx inside or after a transaction', async () => {
        const s = await open();
        let leaked: Parameters<Parameters<Stores['transaction']>[0]>[0] | undefined;
        await s.transaction(async (tx) => {
          leaked = tx;
          await rejectsWith(s.bindings.findById('x'), 'INVALID_ARGUMENT');
          await rejectsWith(s.transaction(async () => undefined), 'INVALID_ARGUMENT');
          await tx.audit.append({ id: 'inside', type: 'login', actorAccountId: 'a' });
        });
        if (leaked === undefined) throw new Error('transaction did not run');
        await rejectsWith(leaked.audit.append({ type: 'login', actorAccountId: 'a' }), 'INVALID_ARGUMENT');
        expect((await s.audit.list({ limit: 10 })).items.map((e) => e.id)).toEqual(['inside']);
      });

      it('runs later calls normally after a failed transaction', async () => {
        const s = await open();
        await expect(s.transaction(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
        await s.bindings.insert(binding(1));
        expect(await s.transaction(async (tx) => (await tx.bindings.findByIdentity('default', 'bjca:SF1'))?.accountId)).toBe('acct-1');
      });
    });

    describe('texts no store can hold', () => {
      // NUL: PostgreSQL's text and jsonb refuse it (a raw driver error 22021 / 22P05), SQLite and memory
      // keep it. An unpaired surrogate has no UTF-8 form: the drivers would store U+FFFD instead. Every
      // store refuses both with INVALID_ARGUMENT before anything is written, whatever text carries them.
      const BAD = ['a\0b', '\0', 'x\ud800', '\udc00y', 'z\udc00\ud800'];

      it('refuses them in challenges, bindings and their queries, storing nothing', async () => {
        const s = await open();
        for (const bad of BAD) {
          await rejectsWith(s.challenges.put(challenge({ sessionId: bad })), 'INVALID_ARGUMENT');
          await rejectsWith(s.challenges.put(challenge({ origin: bad })), 'INVALID_ARGUMENT');
          await rejectsWith(s.challenges.consume(bad, 'login'), 'INVALID_ARGUMENT');
          const texts: Partial<NewBinding>[] = [
            { id: bad }, { scope: bad }, { identityKey: bad }, { providerId: bad }, { accountId: bad }, { organizationId: bad },
            { enterpriseCode: bad }, { entityName: bad }, { boundBy: bad }, { permissions: ['ok', bad] },
            { certificate: facts({ keyId: bad }) }, { certificate: facts({ subjectDn: `CN=${bad}` }) },
            { certificate: facts({ issuerDn: bad }) }, { certificate: facts({ serialNumber: bad }) }, { certificate: facts({ sha256: bad }) },
          ];
          for (const over of texts) {
            const err = await rejectsWith(s.bindings.insert(binding(1, over)), 'INVALID_ARGUMENT');
            expect(String(err.details['reason']), JSON.stringify(over)).toMatch(/NUL|surrogate/);
          }
        }
        expect(await s.challenges.consume('s1', 'login')).toBeNull();
        expect(await s.bindings.findByIdentity('default', 'bjca:SF1')).toBeNull();
        expect(await s.bindings.listByOrganization('org-1')).toEqual([]);
      });

      it('refuses them in every lookup and update of a stored binding, changing nothing', async () => {
        const s = await open();
        const b = await s.bindings.insert(binding(1));
        for (const bad of BAD) {
          await rejectsWith(s.bindings.findById(bad), 'INVALID_ARGUMENT');
          await rejectsWith(s.bindings.findByIdentity(bad, 'bjca:SF1'), 'INVALID_ARGUMENT');
          await rejectsWith(s.bindings.findByIdentity('default', `bjca:${bad}`), 'INVALID_ARGUMENT');
          await rejectsWith(s.bindings.findByIdentityPrefix('default', `bjca:${bad}`, 10), 'INVALID_ARGUMENT');
          await rejectsWith(s.bindings.listByAccount(bad), 'INVALID_ARGUMENT');
          await rejectsWith(s.bindings.listByOrganization(bad), 'INVALID_ARGUMENT');
          await rejectsWith(s.bindings.updateCertificateFacts(b.id, facts({ keyId: bad })), 'INVALID_ARGUMENT');
          await rejectsWith(s.bindings.updateCertificateFacts(b.id, facts(), bad), 'INVALID_ARGUMENT');
          await rejectsWith(s.bindings.setPermissions(b.id, { isAdmin: true, permissions: [bad] }), 'INVALID_ARGUMENT');
          await rejectsWith(s.bindings.updateIdentityKey(b.id, 'bjca:SF1', `bjca:${bad}`), 'INVALID_ARGUMENT');
          await rejectsWith(s.bindings.delete(bad), 'INVALID_ARGUMENT');
          // A forged cursor cannot smuggle one in either.
          const cursor = Buffer.from(JSON.stringify(['e', T0, bad]), 'utf8').toString('base64url');
          await rejectsWith(s.bindings.listExpiring({ before: new Date(T0 + 1000 * DAY), limit: 10, cursor }), 'INVALID_ARGUMENT');
        }
        expect(await s.bindings.findById(b.id)).toEqual(b);
      });

      it('refuses them in audit events, their JSON details (keys and values) and queries', async () => {
        const s = await open();
        for (const bad of BAD) {
          await rejectsWith(s.audit.append({ type: `login${bad}`, actorAccountId: 'a' }), 'INVALID_ARGUMENT');
          await rejectsWith(s.audit.append({ type: 'login', actorAccountId: bad }), 'INVALID_ARGUMENT');
          await rejectsWith(s.audit.append({ type: 'login', actorAccountId: 'a', targetAccountId: bad }), 'INVALID_ARGUMENT');
          await rejectsWith(s.audit.append({ type: 'login', actorAccountId: 'a', bindingId: bad }), 'INVALID_ARGUMENT');
          await rejectsWith(s.audit.append({ type: 'login', actorAccountId: 'a', previousSerial: bad }), 'INVALID_ARGUMENT');
          await rejectsWith(s.audit.append({ type: 'login', actorAccountId: 'a', certificate: { serialNumber: bad, sha256: 'ab' } }), 'INVALID_ARGUMENT');
          await rejectsWith(s.audit.append({ type: 'login', actorAccountId: 'a', details: { note: bad } }), 'INVALID_ARGUMENT');
          await rejectsWith(s.audit.append({ type: 'login', actorAccountId: 'a', details: { nested: { list: ['ok', bad] } } }), 'INVALID_ARGUMENT');
          await rejectsWith(s.audit.append({ type: 'login', actorAccountId: 'a', details: { [bad]: 1 } }), 'INVALID_ARGUMENT');
          await rejectsWith(s.audit.list({ limit: 10, accountId: bad }), 'INVALID_ARGUMENT');
          await rejectsWith(s.audit.list({ limit: 10, bindingId: bad }), 'INVALID_ARGUMENT');
        }
        expect((await s.audit.list({ limit: 10 })).items).toEqual([]);
      });

      it('keeps characters beyond the BMP (well-formed surrogate pairs), control characters and U+FFFD as given', async () => {
        const s = await open();
        const text = '\u{1F511}\u{20000}\ufffd\u0001\t';
        const b = await s.bindings.insert(
          binding(text, { entityName: text, permissions: [text], certificate: facts({ keyId: text, subjectDn: `CN=${text}` }) }),
        );
        expect(await s.bindings.findById(b.id)).toEqual(b);
        expect(b.certificate.keyId).toBe(text);
        expect(await s.bindings.findByIdentity('default', `bjca:SF${text}`)).toEqual(b);
        const e = await s.audit.append({ type: 'login', actorAccountId: text, details: { [text]: text } });
        expect((await s.audit.list({ limit: 10, accountId: text })).items).toEqual([e]);
        expect(e.details).toEqual({ [text]: text });
      });
    });

    describe('lifecycle', () => {
      it('migrates idempotently, keeping data', async () => {
        const s = await open();
        await s.bindings.insert(binding(1));
        await s.migrate();
        await s.migrate();
        expect(await s.bindings.findByIdentity('default', 'bjca:SF1')).not.toBeNull();
      });

      it('refuses calls after close', async () => {
        const s = await factory({ clock });
        await s.close();
        await s.close();
        await rejectsWith(s.bindings.findById('x'), 'INVALID_ARGUMENT');
        await rejectsWith(s.transaction(async () => undefined), 'INVALID_ARGUMENT');
      });
    });
  });
}

const SHA_A = 'a1'.repeat(32);
const SHA_B = 'b2'.repeat(32);

function envelope(n: number | string, over: Partial<NewSealedEnvelope> = {}): NewSealedEnvelope {
  return {
    id: `env-${n}`,
    projectId: 'ZFCG-2025-001',
    bidId: `bid-${n}`,
    accountId: 'acct-1',
    organizationId: 'org-1',
    recipient: { sha256: SHA_A, serialNumber: 'ENC01', issuerDn: 'CN=Test SM2 CA,O=Test CA,C=CN', providerId: 'bjca' },
    opensAt: new Date(T0 + 10 * DAY),
    ...over,
  };
}

/** Every page of a keyset listing, checking the cursors. */
async function allPages<T>(fetch: (cursor: string | null) => Promise<{ items: readonly T[]; nextCursor: string | null }>): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 1000; i++) {
    const page: { items: readonly T[]; nextCursor: string | null } = await fetch(cursor);
    all.push(...page.items);
    if (page.nextCursor === null) return all;
    cursor = page.nextCursor;
  }
  throw new Error('listing did not end');
}

/**
 * Registers the contract suite for the sealed-envelope and service-order stores of one adapter:
 * every operation, paging, transactions, and concurrency (of concurrent state changes of one record
 * exactly one applies).
 */
export function describeRenewalStoreContract(name: string, factory: RenewalStoreFactory): void {
  describe(`renewal store contract: ${name}`, () => {
    let now = T0;
    const clock = (): Date => new Date(now);
    const opened: RenewalStores[] = [];
    const open = async (): Promise<RenewalStores> => {
      now = T0;
      const s = await factory({ clock });
      opened.push(s);
      return s;
    };
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    describe('sealed envelopes', () => {
      it('records a sealed envelope with defaults and gets it back', async () => {
        const s = await open();
        const { id: _id, ...rest } = envelope(1);
        const e = await s.envelopes.record(rest);
        expect(e).toEqual({ ...rest, id: e.id, sealedAt: new Date(T0), status: 'sealed' });
        expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(await s.envelopes.get(e.id)).toEqual(e);
        expect(await s.envelopes.get('missing')).toBeNull();
        const given = await s.envelopes.record(
          envelope(2, { sealedAt: new Date(T0 - DAY), recipient: { sha256: SHA_B, serialNumber: 'ENC02', issuerDn: '' } }),
        );
        expect(given.recipient).toEqual({ sha256: SHA_B, serialNumber: 'ENC02', issuerDn: '' });
        expect(await s.envelopes.get('env-2')).toEqual(given);
      });

      it('refuses a duplicate id and malformed envelopes, storing nothing', async () => {
        const s = await open();
        await s.envelopes.record(envelope(1));
        await rejectsWith(s.envelopes.record(envelope(1, { bidId: 'other' })), 'INVALID_ARGUMENT');
        const bad: Partial<Record<keyof NewSealedEnvelope, unknown>>[] = [
          { opensAt: new Date(T0) },
          { opensAt: new Date(T0 - DAY) },
          { opensAt: new Date(Number.NaN) },
          { projectId: '' },
          { accountId: 'a\0' },
          { recipient: null },
          { recipient: { sha256: '', serialNumber: 'x', issuerDn: 'x' } },
          { recipient: { sha256: SHA_A, serialNumber: 'x', issuerDn: '\ud800' } },
        ];
        for (const over of bad) {
          await rejectsWith(s.envelopes.record({ ...envelope('bad'), ...over } as NewSealedEnvelope), 'INVALID_ARGUMENT');
        }
        expect(await s.envelopes.get('env-bad')).toBeNull();
      });

      it('opens or withdraws a sealed envelope once; later calls resolve to null', async () => {
        const s = await open();
        await s.envelopes.record(envelope(1));
        await s.envelopes.record(envelope(2));
        now = T0 + 10 * DAY;
        const o = await s.envelopes.markOpened('env-1');
        expect(o).toMatchObject({ id: 'env-1', status: 'opened', openedAt: new Date(T0 + 10 * DAY) });
        expect(o?.withdrawnAt).toBeUndefined();
        expect(await s.envelopes.get('env-1')).toEqual(o);
        expect(await s.envelopes.markOpened('env-1')).toBeNull();
        expect(await s.envelopes.withdraw('env-1')).toBeNull();
        const w = await s.envelopes.withdraw('env-2', new Date(T0 + DAY));
        expect(w).toMatchObject({ status: 'withdrawn', withdrawnAt: new Date(T0 + DAY) });
        expect(w?.openedAt).toBeUndefined();
        expect(await s.envelopes.markOpened('env-2')).toBeNull();
        expect(await s.envelopes.markOpened('missing')).toBeNull();
        await rejectsWith(s.envelopes.markOpened(''), 'INVALID_ARGUMENT');
        await rejectsWith(s.envelopes.withdraw('env-2', new Date(Number.NaN)), 'INVALID_ARGUMENT');
      });

      it('lists the still-sealed envelopes of one recipient by (opensAt, id), past opening times included', async () => {
        const s = await open();
        await s.envelopes.record(envelope('c', { opensAt: new Date(T0 + 5 * DAY) }));
        await s.envelopes.record(envelope('b', { opensAt: new Date(T0 + 5 * DAY) }));
        await s.envelopes.record(envelope('a', { opensAt: new Date(T0 + 9 * DAY) }));
        await s.envelopes.record(envelope('past', { sealedAt: new Date(T0 - 9 * DAY), opensAt: new Date(T0 - DAY) }));
        await s.envelopes.record(envelope('opened'));
        await s.envelopes.record(envelope('withdrawn'));
        await s.envelopes.record(envelope('other', { recipient: { sha256: SHA_B, serialNumber: 'X', issuerDn: 'CN=ca' } }));
        await s.envelopes.markOpened('env-opened');
        await s.envelopes.withdraw('env-withdrawn');
        const ids = (page: { items: readonly SealedEnvelope[] }): string[] => page.items.map((e) => e.id);
        expect(ids(await s.envelopes.listOpenByRecipient(SHA_A, { limit: 100 }))).toEqual(['env-past', 'env-b', 'env-c', 'env-a']);
        expect(ids(await s.envelopes.listOpenByRecipient(SHA_A, { limit: 100, opensAfter: new Date(T0) }))).toEqual(['env-b', 'env-c', 'env-a']);
        expect(ids(await s.envelopes.listOpenByRecipient(SHA_A, { limit: 100, opensAfter: new Date(T0 + 5 * DAY) }))).toEqual(['env-a']);
        expect(ids(await s.envelopes.listOpenByRecipient(SHA_B, { limit: 100 }))).toEqual(['env-other']);
        expect(ids(await s.envelopes.listOpenByRecipient('c3'.repeat(32), { limit: 100 }))).toEqual([]);
        const first = await s.envelopes.listOpenByRecipient(SHA_A, { limit: 2 });
        expect(ids(first)).toEqual(['env-past', 'env-b']);
        const paged = await allPages((cursor) => s.envelopes.listOpenByRecipient(SHA_A, { limit: 1, cursor }));
        expect(paged.map((e) => e.id)).toEqual(['env-past', 'env-b', 'env-c', 'env-a']);
        const last = await s.envelopes.listOpenByRecipient(SHA_A, { limit: 4 });
        expect(last.nextCursor).toBeNull();
      });

      it('pages an account’s envelopes in every status by (sealedAt, id), and rejects bad queries', async () => {
        const s = await open();
        for (let i = 0; i < 7; i++) {
          await s.envelopes.record(envelope(i, { sealedAt: new Date(T0 + (i % 3) * 60_000) }));
        }
        await s.envelopes.record(envelope('x', { accountId: 'acct-2' }));
        await s.envelopes.markOpened('env-3');
        const all = await allPages((cursor) => s.envelopes.listByAccount('acct-1', { limit: 3, cursor }));
        expect(all.map((e) => e.id)).toEqual(['env-0', 'env-3', 'env-6', 'env-1', 'env-4', 'env-2', 'env-5']);
        expect(all.find((e) => e.id === 'env-3')?.status).toBe('opened');
        expect((await s.envelopes.listByAccount('acct-2', { limit: 10 })).items.map((e) => e.id)).toEqual(['env-x']);
        await rejectsWith(s.envelopes.listByAccount('acct-1', { limit: 0 }), 'INVALID_ARGUMENT');
        await rejectsWith(s.envelopes.listByAccount('acct-1', { limit: 10_001 }), 'INVALID_ARGUMENT');
        await rejectsWith(s.envelopes.listByAccount('acct-1', { limit: 1, cursor: 'garbage' }), 'INVALID_ARGUMENT');
        const openCursor = (await s.envelopes.listOpenByRecipient(SHA_A, { limit: 1 })).nextCursor;
        // A cursor of one listing is refused by another.
        await rejectsWith(s.envelopes.listByAccount('acct-1', { limit: 1, cursor: openCursor }), 'INVALID_ARGUMENT');
        await rejectsWith(s.envelopes.listOpenByRecipient('', { limit: 1 }), 'INVALID_ARGUMENT');
        await rejectsWith(s.envelopes.listOpenByRecipient(SHA_A, { limit: 1, opensAfter: 'tomorrow' as unknown as Date }), 'INVALID_ARGUMENT');
      });

      it('returns copies: changing a returned envelope changes nothing stored', async () => {
        const s = await open();
        const e = await s.envelopes.record(envelope(1));
        (e.opensAt as Date).setTime(0);
        (e.recipient as { sha256: string }).sha256 = 'changed';
        expect((await s.envelopes.get('env-1'))?.opensAt).toEqual(new Date(T0 + 10 * DAY));
        expect((await s.envelopes.get('env-1'))?.recipient.sha256).toBe(SHA_A);
      });

      it('opens an envelope for exactly one of 20 concurrent callers (open and withdraw racing)', async () => {
        const s = await open();
        await s.envelopes.record(envelope('race'));
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? s.envelopes.markOpened('env-race') : s.envelopes.withdraw('env-race'))),
        );
        const won = results.filter((r) => r !== null);
        expect(won).toHaveLength(1);
        expect(await s.envelopes.get('env-race')).toEqual(won[0]);
      });
    });

    describe('service orders', () => {
      it('creates orders in their kind’s initial state, with defaults and optional fields', async () => {
        const s = await open();
        const renewal = await s.orders.create({ kind: 'renewal', accountId: 'acct-1', organizationId: 'org-1' });
        expect(renewal).toEqual({
          id: renewal.id,
          kind: 'renewal',
          state: 'created',
          accountId: 'acct-1',
          organizationId: 'org-1',
          createdAt: new Date(T0),
          updatedAt: new Date(T0),
        });
        expect(await s.orders.get(renewal.id)).toEqual(renewal);
        const freeze = await s.orders.create({
          id: 'o-freeze',
          kind: 'freeze',
          accountId: 'acct-1',
          organizationId: 'org-1',
          providerId: 'bjca',
          certificate: { serialNumber: 'SN1', sha256: SHA_A },
          reference: 'CA-2025-0001',
          createdAt: new Date(T0 - DAY),
        });
        expect(freeze).toMatchObject({ state: 'frozen', providerId: 'bjca', certificate: { serialNumber: 'SN1', sha256: SHA_A }, reference: 'CA-2025-0001' });
        expect(await s.orders.get('o-freeze')).toEqual(freeze);
        expect(await s.orders.get('missing')).toBeNull();
        await rejectsWith(s.orders.create({ id: 'o-freeze', kind: 'repair', accountId: 'a', organizationId: 'o' }), 'INVALID_ARGUMENT');
        for (const bad of [{ kind: 'extend' }, { accountId: '' }, { reference: 'x\0' }, { certificate: { serialNumber: 'x' } }, { createdAt: new Date(Number.NaN) }]) {
          await rejectsWith(s.orders.create({ id: 'o-bad', kind: 'repair', accountId: 'a', organizationId: 'o', ...bad } as never), 'INVALID_ARGUMENT');
        }
        expect(await s.orders.get('o-bad')).toBeNull();
      });

      it('moves a renewal from created to paid (已续费，未延期) to extended, refusing stale and disallowed changes', async () => {
        const s = await open();
        const o = await s.orders.create({ id: 'o1', kind: 'renewal', accountId: 'acct-1', organizationId: 'org-1' });
        const invalid = await rejectsWith(s.orders.transition('o1', { event: 'extend', expectedState: 'created' }), 'ORDER_TRANSITION_INVALID');
        expect(invalid.details).toMatchObject({ orderId: 'o1', kind: 'renewal', state: 'created', event: 'extend' });
        now = T0 + 60_000;
        const paid = await s.orders.transition('o1', { event: 'pay', expectedState: 'created' });
        expect(paid).toEqual({ ...o, state: 'paid', updatedAt: new Date(T0 + 60_000) });
        expect(await s.orders.get('o1')).toEqual(paid);
        const stale = await rejectsWith(s.orders.transition('o1', { event: 'cancel', expectedState: 'created' }), 'ORDER_CHANGED');
        expect(stale.details).toEqual({ orderId: 'o1', expectedState: 'created', actualState: 'paid' });
        const extended = await s.orders.transition('o1', { event: 'extend', expectedState: 'paid', at: new Date(T0 + DAY) });
        expect(extended).toMatchObject({ state: 'extended', updatedAt: new Date(T0 + DAY), createdAt: new Date(T0) });
        await rejectsWith(s.orders.transition('o1', { event: 'cancel', expectedState: 'extended' }), 'ORDER_TRANSITION_INVALID');
        expect((await s.orders.get('o1'))?.state).toBe('extended');
        expect(await s.orders.transition('missing', { event: 'pay', expectedState: 'created' })).toBeNull();
        await rejectsWith(s.orders.transition('o1', { event: 'renew' as never, expectedState: 'paid' }), 'INVALID_ARGUMENT');
        await rejectsWith(s.orders.transition('o1', { event: 'pay', expectedState: 'open' as never }), 'INVALID_ARGUMENT');
      });

      it('freezes and unfreezes back and forth', async () => {
        const s = await open();
        await s.orders.create({ id: 'f', kind: 'freeze', accountId: 'a', organizationId: 'o' });
        expect((await s.orders.transition('f', { event: 'unfreeze', expectedState: 'frozen' }))?.state).toBe('unfrozen');
        expect((await s.orders.transition('f', { event: 'freeze', expectedState: 'unfrozen' }))?.state).toBe('frozen');
        await rejectsWith(s.orders.transition('f', { event: 'freeze', expectedState: 'frozen' }), 'ORDER_TRANSITION_INVALID');
      });

      it('pages an account’s orders newest first, filtered by kind and state', async () => {
        const s = await open();
        const kinds = ['renewal', 'repair', 'renewal', 'issue', 'renewal', 'freeze'] as const;
        for (const [i, kind] of kinds.entries()) {
          now = T0 + Math.floor(i / 2) * 60_000;
          await s.orders.create({ id: `o${i}`, kind, accountId: 'acct-1', organizationId: 'org-1' });
        }
        await s.orders.create({ id: 'other', kind: 'renewal', accountId: 'acct-2', organizationId: 'org-1' });
        await s.orders.transition('o0', { event: 'pay', expectedState: 'created' });
        await s.orders.transition('o4', { event: 'pay', expectedState: 'created' });
        const ids = (list: readonly ServiceOrder[]): string[] => list.map((o) => o.id);
        const all = await allPages((cursor) => s.orders.listByAccount('acct-1', { limit: 4, cursor }));
        expect(ids(all)).toEqual(['o5', 'o4', 'o3', 'o2', 'o1', 'o0']);
        const paidRenewals = await allPages((cursor) => s.orders.listByAccount('acct-1', { kind: 'renewal', state: 'paid', limit: 1, cursor }));
        expect(ids(paidRenewals)).toEqual(['o4', 'o0']);
        expect(ids((await s.orders.listByAccount('acct-1', { kind: 'renewal', limit: 10 })).items)).toEqual(['o4', 'o2', 'o0']);
        expect(ids((await s.orders.listByAccount('acct-1', { state: 'frozen', limit: 10 })).items)).toEqual(['o5']);
        await rejectsWith(s.orders.listByAccount('acct-1', { kind: 'other' as never, limit: 10 }), 'INVALID_ARGUMENT');
        await rejectsWith(s.orders.listByAccount('acct-1', { limit: 1, cursor: 'x' }), 'INVALID_ARGUMENT');
      });

      it('lets exactly one of 20 concurrent transitions from one state apply; the others get ORDER_CHANGED', async () => {
        const s = await open();
        await s.orders.create({ id: 'race', kind: 'renewal', accountId: 'a', organizationId: 'o' });
        const results = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) => s.orders.transition('race', { event: i % 2 === 0 ? 'pay' : 'cancel', expectedState: 'created' })),
        );
        const won = results.filter((r) => r.status === 'fulfilled');
        expect(won).toHaveLength(1);
        expect(results.filter((r) => r.status === 'rejected' && isYizhengError(r.reason, 'ORDER_CHANGED'))).toHaveLength(19);
        const final = await s.orders.get('race');
        expect(won[0]?.status === 'fulfilled' ? won[0].value : null).toEqual(final);
      });
    });

    describe('transactions', () => {
      it('commits or rolls back envelopes, orders, bindings and audit events together', async () => {
        const s = await open();
        await s.envelopes.record(envelope('keep'));
        await expect(
          s.transaction(async (tx) => {
            await tx.envelopes.record(envelope('doomed'));
            expect(await tx.envelopes.markOpened('env-keep')).not.toBeNull();
            await tx.orders.create({ id: 'o-doomed', kind: 'repair', accountId: 'a', organizationId: 'o' });
            await tx.bindings.insert(binding(1, { id: 'b-doomed' }));
            await tx.audit.append({ id: 'ev-doomed', type: 'renew', actorAccountId: 'a' });
            throw new Error('injected');
          }),
        ).rejects.toThrow('injected');
        expect(await s.envelopes.get('env-doomed')).toBeNull();
        expect((await s.envelopes.get('env-keep'))?.status).toBe('sealed');
        expect(await s.orders.get('o-doomed')).toBeNull();
        expect(await s.bindings.findById('b-doomed')).toBeNull();
        expect((await s.audit.list({ limit: 10 })).items).toEqual([]);

        const order = await s.transaction(async (tx) => {
          const o = await tx.orders.create({ id: 'o1', kind: 'renewal', accountId: 'a', organizationId: 'o' });
          // Errors thrown on purpose leave the transaction usable.
          await rejectsWith(tx.orders.transition('o1', { event: 'extend', expectedState: 'created' }), 'ORDER_TRANSITION_INVALID');
          await rejectsWith(tx.orders.transition('o1', { event: 'extend', expectedState: 'paid' }), 'ORDER_CHANGED');
          await rejectsWith(tx.envelopes.record(envelope('keep')), 'INVALID_ARGUMENT');
          await tx.envelopes.withdraw('env-keep');
          return tx.orders.transition(o.id, { event: 'pay', expectedState: 'created' });
        });
        expect(await s.orders.get('o1')).toEqual(order);
        expect((await s.envelopes.get('env-keep'))?.status).toBe('withdrawn');
      });

      it('refuses the outer envelope and order stores inside a transaction', async () => {
        const s = await open();
        await s.transaction(async () => {
          await rejectsWith(s.envelopes.get('x'), 'INVALID_ARGUMENT');
          await rejectsWith(s.orders.get('x'), 'INVALID_ARGUMENT');
        });
      });
    });

    describe('lifecycle', () => {
      it('migrates idempotently, keeping envelopes and orders', async () => {
        const s = await open();
        await s.envelopes.record(envelope(1));
        await s.orders.create({ id: 'o1', kind: 'issue', accountId: 'a', organizationId: 'o' });
        await s.migrate();
        await s.migrate();
        expect(await s.envelopes.get('env-1')).not.toBeNull();
        expect(await s.orders.get('o1')).not.toBeNull();
      });
    });
  });
}
