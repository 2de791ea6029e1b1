/**
 * Who a certificate speaks for: one holder, of one company, vouched for by one CA. Each attack here
 * succeeded against the identity key of Yizheng 0.x (provider, company code and subject CN).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../../test-utils/errors';
import { bindCertificate } from '../binding/index';
import { deriveLegacyIdentityKey } from '../identity/key';
import { isYizhengError, type YizhengError } from '../errors/index';
import { createGenericProvider, defineProviderInfo, extensionStrategy, extractIdentityWith, gmt0015Strategy, subjectNameStrategy, type CaProvider } from '../providers/index';
import { createMemoryStores, createSqliteStores, type Stores } from '../stores/index';
import { createTestCa, issueCertificate, utf8Extension, type TestCertificate } from '../testing/index';
import { createTrustStore } from '../trust/index';
import { checkLegacyBindingMoves } from '../../test-utils/legacy-scenario';
import { verifyLogin } from './verify-login';
import { createCertificateTrust } from '../trust/certificate-trust';
import { DAY, ORIGIN, OTHER_USCC, USCC, fakeClock, issueEnterpriseCertificate, makeCa, makeContext, signedToken } from '../../test-utils/login-support';

const request = { sessionId: 'session-1', origin: ORIGIN };
const PERSONAL_ID = '11010519491231002X';
const OTHER_ID = '440106199001011235';
const personalIdExtension = (id: string) => utf8Extension('1.2.156.10260.4.1.1', id);

function account(id: string, code = USCC) {
  return {
    actor: { accountId: id, organizationId: `org-${code}`, isAdmin: false },
    target: { accountId: id, organizationId: `org-${code}`, enterpriseCode: code },
  };
}

async function bind(cert: TestCertificate, context: ReturnType<typeof makeContext>, accountId: string, code = USCC) {
  return bindCertificate({ ...request, ...account(accountId, code), token: await signedToken(cert, context, { purpose: 'bind' }) }, context);
}

async function login(cert: TestCertificate, context: ReturnType<typeof makeContext>) {
  return verifyLogin(await signedToken(cert, context), request, context);
}

async function failure(promise: Promise<unknown>): Promise<YizhengError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  if (!isYizhengError(err)) throw new Error(`expected a YizhengError, got ${String(err)}`);
  return err;
}

describe('attack 1: a same-name colleague of the same company and CA', () => {
  it('cannot log in to the first holder\'s account, and does not lock the holder out', async () => {
    const ca = makeCa();
    const clock = fakeClock();
    const context = makeContext([ca], clock.now);
    const now = clock.now().getTime();
    const holder = issueEnterpriseCertificate(ca, { cn: '张伟', notBefore: new Date(now - 30 * DAY) });
    await bind(holder, context, 'acct-zhangwei');
    // Same USCC, same CN, same CA, its own key, issued later: 0.x took it for a renewal.
    const colleague = issueEnterpriseCertificate(ca, { cn: '张伟', notBefore: new Date(now - DAY) });
    const err = await failure(login(colleague, context));
    expect(err.code).toBe('NOT_BOUND');
    expect(err.details['reason']).toBe('renewed-with-new-key');
    expect(err.message).toBe('证书已更换，请使用账号密码登录后重新关联。');
    expect(err.localizedMessage('en')).toContain('replaced');
    expect((await login(holder, context)).account.id).toBe('acct-zhangwei');
  });

  it('keeps two holders with vouched ID numbers apart, and continues one holder re-keyed under the same ID number', async () => {
    const ca = makeCa();
    const clock = fakeClock();
    const context = makeContext([ca], clock.now);
    const now = clock.now().getTime();
    const holder = issueEnterpriseCertificate(ca, { cn: '王伟', notBefore: new Date(now - 30 * DAY), extensions: [personalIdExtension(PERSONAL_ID)] });
    await bind(holder, context, 'acct-wangwei');
    const colleague = issueEnterpriseCertificate(ca, { cn: '王伟', notBefore: new Date(now - DAY), extensions: [personalIdExtension(OTHER_ID)] });
    expect(await codeOf(login(colleague, context))).toBe('NOT_BOUND');
    // The CA renewed the holder onto a new key: the same vouched ID number, so the binding continues.
    const renewed = issueEnterpriseCertificate(ca, { cn: '王伟', notBefore: new Date(now - 2 * DAY), extensions: [personalIdExtension(PERSONAL_ID)] });
    const result = await login(renewed, context);
    expect(result.account.id).toBe('acct-wangwei');
    expect(result.binding.certificate.serialNumber).toBe(renewed.certificate.serialNumber);
    expect(await codeOf(login(holder, context))).toBe('CERT_SUPERSEDED');
  });

  it('does not carry a holder\'s binding over to another company (same person, same CA, new employer)', async () => {
    const ca = makeCa();
    const context = makeContext([ca], fakeClock().now);
    const atA = issueEnterpriseCertificate(ca, { extensions: [personalIdExtension(PERSONAL_ID)] });
    await bind(atA, context, 'acct-a');
    const atB = issueEnterpriseCertificate(ca, { uscc: OTHER_USCC, extensions: [personalIdExtension(PERSONAL_ID)] });
    const err = await failure(login(atB, context));
    expect(err.code).toBe('NOT_BOUND');
    expect(err.details['reason']).toBeUndefined();
  });

  it('continues a renewal onto the same key and refuses the older certificate', async () => {
    const ca = makeCa();
    const clock = fakeClock();
    const context = makeContext([ca], clock.now);
    const now = clock.now().getTime();
    const bound = issueEnterpriseCertificate(ca, { notBefore: new Date(now - 300 * DAY), notAfter: new Date(now + 20 * DAY) });
    await bind(bound, context, 'acct-1');
    const extended = issueEnterpriseCertificate(ca, { key: bound.key, notBefore: new Date(now - DAY), notAfter: new Date(now + 385 * DAY) });
    expect((await login(extended, context)).binding.certificate.sha256).toBe(extended.certificate.sha256);
    expect(await codeOf(login(bound, context))).toBe('CERT_SUPERSEDED');
  });
});

describe('attack 2: another trusted CA with the same names', () => {
  it('never merges into a binding under the generic provider', async () => {
    const caA = makeCa('Province CA');
    // Another CA, even one that copies the first CA's name: a different key, so a different issuing CA.
    const caB = makeCa('Province CA');
    const caC = makeCa('City CA');
    const context = makeContext([caA, caB, caC], fakeClock().now);
    const holder = issueEnterpriseCertificate(caA);
    await bind(holder, context, 'acct-1');
    for (const other of [caB, caC]) {
      const twin = issueEnterpriseCertificate(other, { key: holder.key, notBefore: new Date(holder.certificate.notBefore.getTime() + DAY) });
      const err = await failure(login(twin, context));
      expect(err.code).toBe('NOT_BOUND');
      // Nothing about the other CA's bindings is revealed either.
      expect(err.details['reason']).toBeUndefined();
    }
    expect((await login(holder, context)).account.id).toBe('acct-1');
  });
});

describe('attack 3: free text against what the CA vouched for', () => {
  it('binds a company-A certificate with company B\'s USCC in its OU to A only', async () => {
    const ca = makeCa();
    const context = makeContext([ca], fakeClock().now);
    const cert = issueEnterpriseCertificate(ca, { uscc: '55620766-4', subjectExtra: `OU=${OTHER_USCC}` });
    expect(await codeOf(bind(cert, context, 'acct-b', OTHER_USCC))).toBe('ENTERPRISE_CODE_MISMATCH');
    const bound = await bind(cert, context, 'acct-a', USCC);
    expect(bound.enterpriseCode).toBe('556207664');
  });

  it('never binds a personal certificate to a company through a USCC in its OU', async () => {
    const ca = makeCa();
    const context = makeContext([ca], fakeClock().now);
    const personal = issueCertificate({
      subject: `CN=张三, OU=${USCC}, C=CN`,
      issuer: ca,
      extensions: [personalIdExtension(PERSONAL_ID)],
    });
    expect(await codeOf(bind(personal, context, 'acct-a', USCC))).toBe('IDENTITY_NOT_FOUND');
  });

  it('refuses a certificate whose vouched places name two companies (ENTERPRISE_CODE_CONFLICT)', async () => {
    const ca = makeCa();
    const context = makeContext([ca], fakeClock().now);
    const torn = issueEnterpriseCertificate(ca, { extensions: [utf8Extension('1.2.156.10260.4.4', OTHER_USCC)] });
    const err = await failure(bind(torn, context, 'acct-a'));
    expect(err.code).toBe('ENTERPRISE_CODE_CONFLICT');
    expect(err.message).toContain(OTHER_USCC);
    expect(err.localizedRemedy('zh-CN')).toContain('CA');
  });
});

describe('what the errors reveal', () => {
  it('masks ID numbers in a conflict, and says "replaced" only for a company the CA vouched for', async () => {
    const ca = makeCa();
    // A CA that writes the holder's ID number in its own extension as well as in GM/T 0015's.
    const twoPlaces: CaProvider = {
      info: defineProviderInfo({ id: 'idca', names: { 'zh-CN': '身份CA', en: 'ID CA' }, aliases: [], support: [{ label: '客服', phone: '400-000-0000' }] }),
      recognize: () => ({ confidence: 1, evidence: ['test'] }),
      extractIdentity: (c) => extractIdentityWith(c, [extensionStrategy('1.2.3.1', { as: 'personalId' }), gmt0015Strategy(), subjectNameStrategy()]),
    };
    const idContext = makeContext([ca], fakeClock().now, { providers: [twoPlaces] });
    const two = issueEnterpriseCertificate(ca, { extensions: [personalIdExtension(PERSONAL_ID), utf8Extension('1.2.3.1', OTHER_ID)] });
    const err = await failure(login(two, idContext));
    expect(err.code).toBe('ENTERPRISE_CODE_CONFLICT');
    expect(JSON.stringify(err.toJSON())).not.toContain(PERSONAL_ID);
    expect(err.message).toContain('110***********002X');
    const context = makeContext([ca], fakeClock().now);
    // A company named only in free text (OU) is the holder's choice: no hint that it is bound.
    const ouOnly = (cn: string) => issueCertificate({ subject: `CN=${cn}, OU=${USCC}, O=某公司, C=CN`, issuer: ca });
    await bind(ouOnly('甲'), context, 'acct-ou');
    const probe = await failure(login(ouOnly('乙'), context));
    expect([probe.code, probe.details['reason']]).toEqual(['NOT_BOUND', undefined]);
  });

  it('derives no 0.x key a store could not have held (control characters, overlong names)', () => {
    const ca = makeCa();
    const nul = issueEnterpriseCertificate(ca, { cn: '张\u0000伟' });
    const identity = createGenericProvider().extractIdentity(nul.certificate);
    expect(deriveLegacyIdentityKey('generic', identity, nul.certificate)).toBeUndefined();
    expect(deriveLegacyIdentityKey('generic', identity, issueEnterpriseCertificate(ca, { cn: '张伟' }).certificate)).toBe(`generic|uscc:${USCC}|cn:张伟`);
  });
});

describe('attack 6: a certificate for another purpose', () => {
  it('refuses a TLS server certificate, accepts clientAuth, and a provider-declared usage only for that provider', async () => {
    const ca = makeCa();
    const context = makeContext([ca], fakeClock().now);
    const server = issueEnterpriseCertificate(ca, { extKeyUsage: ['serverAuth'] });
    const err = await failure(login(server, context));
    expect(err.code).toBe('CERT_WRONG_PURPOSE');
    expect(err.details).toMatchObject({ reason: 'extended-key-usage', extKeyUsage: 'serverAuth' });
    expect(err.message).toContain('serverAuth');
    const client = issueEnterpriseCertificate(ca, { extKeyUsage: ['serverAuth', 'clientAuth'] });
    await bind(client, context, 'acct-1');
    expect((await login(client, context)).account.id).toBe('acct-1');

    const mail = issueEnterpriseCertificate(ca, { extKeyUsage: ['emailProtection'] });
    expect(await codeOf(login(mail, context))).toBe('CERT_WRONG_PURPOSE');
    const generic = createGenericProvider();
    const declaring: CaProvider = {
      info: defineProviderInfo({ id: 'mailca', names: { 'zh-CN': '邮件CA', en: 'Mail CA' }, aliases: [], support: [{ label: '客服', phone: '400-000-0000' }] }),
      recognize: () => ({ confidence: 1, evidence: ['test'] }),
      extractIdentity: (c) => extractIdentityWith(c, [gmt0015Strategy(), subjectNameStrategy()]),
      loginKeyPurposes: ['1.3.6.1.5.5.7.3.4'],
    };
    const mailContext = makeContext([ca], fakeClock().now, { providers: [declaring, generic] });
    await bind(mail, mailContext, 'acct-mail');
    expect((await login(mail, mailContext)).account.id).toBe('acct-mail');
  });
});

describe('bindings stored under the 0.x key', () => {
  const cases: [string, (clock: () => Date) => Stores][] = [
    ['memory', (clock) => createMemoryStores({ clock })],
    ['sqlite', (clock) => createSqliteStores({ clock })],
  ];
  for (const [name, open] of cases) {
    it(`move to the current key on the first login with the exact bound certificate, and only then (${name})`, async () => {
      await checkLegacyBindingMoves((clock) => open(clock));
    });
  }
});

describe('property: certificates that differ in key or issuing CA never share an account', () => {
  const cas = [makeCa('Shared Name CA'), makeCa('Shared Name CA'), makeCa('Other CA')];
  const stores: [string, (clock: () => Date) => Stores][] = [
    ['memory', (clock) => createMemoryStores({ clock })],
    ['sqlite', (clock) => createSqliteStores({ clock })],
  ];
  for (const [name, open] of stores) {
    it(`holds on ${name}`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            first: fc.nat({ max: 2 }),
            second: fc.nat({ max: 2 }),
            sameKey: fc.boolean(),
            cn: fc.constantFrom('张伟', '王伟', '厦门帝网信息科技有限公司'),
            laterDays: fc.integer({ min: -5, max: 5 }),
          }).filter((p) => !(p.sameKey && p.first === p.second)),
          async ({ first, second, sameKey, cn, laterDays }) => {
            const clock = fakeClock();
            const now = clock.now().getTime();
            const context = { ...makeContext(cas, clock.now), stores: open(clock.now) };
            try {
              const caA = cas[first] as TestCertificate;
              const caB = cas[second] as TestCertificate;
              const a = issueEnterpriseCertificate(caA, { cn, notBefore: new Date(now - 30 * DAY) });
              const b = issueEnterpriseCertificate(caB, {
                cn,
                notBefore: new Date(now - 30 * DAY + laterDays * DAY),
                ...(sameKey && { key: a.key }),
              });
              await bind(a, context, 'acct-a');
              const asB = await login(b, context).then((r) => r.account.id, (e: unknown) => (isYizhengError(e) ? e.code : 'other'));
              expect(asB).not.toBe('acct-a');
              await bind(b, context, 'acct-b');
              expect((await login(a, context)).account.id).toBe('acct-a');
              expect((await login(b, context)).account.id).toBe('acct-b');
            } finally {
              await context.stores.close();
            }
          },
        ),
        { numRuns: 25 },
      );
    });
  }
});

describe('trust of the issuing CA', () => {
  it('keys the same certificate identically under any trust object (the issuing CA comes from the certificate)', async () => {
    const root = createTestCa({ subject: 'CN=Root, C=CN' });
    const issuing = issueCertificate({ subject: 'CN=Issuing, C=CN', issuer: root, ca: true });
    const leaf = issueEnterpriseCertificate(issuing);
    const clock = fakeClock();
    const context = makeContext([root], clock.now, {
      trust: createCertificateTrust({ trustStore: createTrustStore([root.certificate]), intermediates: [issuing.certificate], revocation: { policy: 'off' } }),
    });
    const bound = await bind(leaf, context, 'acct-1');
    const other = { ...context, trust: createCertificateTrust({ trustStore: createTrustStore([issuing.certificate]), revocation: { policy: 'off' } }) };
    expect((await login(leaf, other)).binding.id).toBe(bound.id);
  });
});
