import { beforeAll, describe, expect, it } from 'vitest';
import { codeOf } from '../../test-utils/errors';
import { bindCertificate } from '../binding/index';
import { isYizhengError } from '../errors/index';
import { defineProviderInfo, type CaProvider } from '../providers/index';
import { issueCrl } from '../testing/index';
import { createTrustStore } from '../trust/index';
import type { TestCertificate } from '../testing/index';
import { issueChallenge } from '../challenge/challenge';
import { createCertificateTrust } from '../trust/certificate-trust';
import { verifyLogin } from './verify-login';
import {
  DAY, ORIGIN, USCC, fakeClock, issueEnterpriseCertificate, makeCa, makeContext, signedToken,
} from '../../test-utils/login-support';

const request = { sessionId: 'session-1', origin: ORIGIN };
const actor = { accountId: 'acct-zhangsan', organizationId: 'org-1', isAdmin: false };
const target = { accountId: 'acct-zhangsan', organizationId: 'org-1', enterpriseCode: USCC };

let ca: TestCertificate;
let leaf: TestCertificate;
beforeAll(() => {
  ca = makeCa();
  leaf = issueEnterpriseCertificate(ca);
});

async function boundContext(clock = fakeClock(), extra: Parameters<typeof makeContext>[2] = {}) {
  const context = makeContext([ca], clock.now, extra);
  const token = await signedToken(leaf, context, { purpose: 'bind' });
  await bindCertificate({ ...request, actor, target, token }, context);
  return { context, clock };
}

describe('verifyLogin', () => {
  it('logs in a bound certificate and records the login', async () => {
    const { context } = await boundContext();
    const result = await verifyLogin(await signedToken(leaf, context), request, context);
    expect(result.account).toEqual({ id: 'acct-zhangsan', organizationId: 'org-1' });
    expect(result.identity.uscc).toBe(USCC);
    expect(result.expiry.state).toBe('valid');
    expect(result.warnings.map((w) => w.code)).toEqual(['PROVIDER_FALLBACK']);
    const events = await context.stores.audit.list({ accountId: 'acct-zhangsan', limit: 10 });
    expect(events.items.map((e) => e.type)).toEqual(['login', 'bind']);
  });

  it('tells an unbound certificate to bind first (NOT_BOUND)', async () => {
    const context = makeContext([ca], fakeClock().now);
    expect(await codeOf(verifyLogin(await signedToken(leaf, context), request, context))).toBe('NOT_BOUND');
  });

  it('needs a pending challenge, and each challenge works once', async () => {
    const { context } = await boundContext();
    const token = await signedToken(leaf, context);
    await verifyLogin(token, request, context);
    expect(await codeOf(verifyLogin(token, request, context))).toBe('CHALLENGE_NOT_FOUND');
    expect(await codeOf(verifyLogin(token, { ...request, sessionId: 'other' }, context))).toBe('CHALLENGE_NOT_FOUND');
  });

  it('burns the challenge on any failure', async () => {
    const { context } = await boundContext();
    const token = await signedToken(leaf, context);
    expect(await codeOf(verifyLogin({ ...token, signature: 'AA==' }, request, context))).toBe('SIGNATURE_MALFORMED');
    expect(await codeOf(verifyLogin(token, request, context))).toBe('CHALLENGE_NOT_FOUND');
  });

  it('refuses an expired challenge and one issued for another origin', async () => {
    const { context, clock } = await boundContext();
    const token = await signedToken(leaf, context);
    clock.advance(5 * 60 * 1000);
    expect(await codeOf(verifyLogin(token, request, context))).toBe('CHALLENGE_EXPIRED');
    const again = await signedToken(leaf, context);
    expect(await codeOf(verifyLogin(again, { ...request, origin: 'https://evil.example' }, context))).toBe('CHALLENGE_NOT_FOUND');
  });

  it('rejects a signature made for another site or purpose (the text names both)', async () => {
    const { context } = await boundContext();
    const otherSite = await signedToken(leaf, context, { signText: (t) => t.replace(ORIGIN, 'https://other.example.gov.cn') });
    expect(await codeOf(verifyLogin(otherSite, request, context))).toBe('SIGNATURE_INVALID');
    const bindText = await signedToken(leaf, context, { signText: (t) => t.replace('|login|', '|bind|') });
    expect(await codeOf(verifyLogin(bindText, request, context))).toBe('SIGNATURE_INVALID');
  });

  it('checks the token shape, the certificate and the provider hint', async () => {
    const { context } = await boundContext();
    expect(await codeOf(verifyLogin({ ...(await signedToken(leaf, context)), format: 'v0' }, request, context))).toBe('TOKEN_MALFORMED');
    expect(await codeOf(verifyLogin('{not json', request, context))).toBe('CHALLENGE_NOT_FOUND');
    await issueChallenge({ ...request, purpose: 'login' }, context);
    expect(await codeOf(verifyLogin('{not json', request, context))).toBe('TOKEN_MALFORMED');
    expect(await codeOf(verifyLogin({ ...(await signedToken(leaf, context)), certificate: 'AAAA' }, request, context))).toBe('CERT_MALFORMED');
    expect(await codeOf(verifyLogin({ ...(await signedToken(leaf, context)), provider: 'nope' }, request, context))).toBe('PROVIDER_UNKNOWN');
  });

  it('refuses an encryption certificate (CERT_WRONG_PURPOSE)', async () => {
    const context = makeContext([ca], fakeClock().now);
    const enc = issueEnterpriseCertificate(ca, { keyUsage: ['keyEncipherment', 'dataEncipherment'] });
    expect(await codeOf(verifyLogin(await signedToken(enc, context), request, context))).toBe('CERT_WRONG_PURPOSE');
  });

  it('refuses certificates outside their validity window, beyond the clock skew', async () => {
    const clock = fakeClock();
    const context = makeContext([ca], clock.now);
    const now = clock.now().getTime();
    const expired = issueEnterpriseCertificate(ca, { notBefore: new Date(now - 400 * DAY), notAfter: new Date(now - 10 * 60_000) });
    const future = issueEnterpriseCertificate(ca, { notBefore: new Date(now + 10 * 60_000), notAfter: new Date(now + 400 * DAY) });
    expect(await codeOf(verifyLogin(await signedToken(expired, context), request, context))).toBe('CERT_EXPIRED');
    expect(await codeOf(verifyLogin(await signedToken(future, context), request, context))).toBe('CERT_NOT_YET_VALID');
  });

  it('refuses a certificate from a CA the platform does not trust', async () => {
    const context = makeContext([ca], fakeClock().now);
    const stranger = issueEnterpriseCertificate(makeCa('Stranger CA'));
    expect(await codeOf(verifyLogin(await signedToken(stranger, context), request, context))).toBe('CERT_UNTRUSTED');
  });

  it('refuses a revoked certificate when the policy requires revocation checks', async () => {
    const clock = fakeClock();
    const crl = issueCrl({ issuer: ca, revoked: [{ serialNumber: leaf.certificate.serialNumber, revocationDate: new Date(clock.now().getTime() - DAY) }], thisUpdate: new Date(clock.now().getTime() - DAY), nextUpdate: new Date(clock.now().getTime() + 7 * DAY) });
    const trust = createCertificateTrust({
      trustStore: createTrustStore([ca.certificate]),
      revocation: { policy: 'require', crls: [crl.der], methods: ['crl'] },
    });
    const { context: bound } = await boundContext(clock);
    const context = { ...bound, trust };
    const err = await verifyLogin(await signedToken(leaf, context), request, context).catch((e: unknown) => e);
    expect(isYizhengError(err, 'CERT_REVOKED')).toBe(true);
    expect((err as Error).message).toContain('证书已作废');
  });

  it('logs in an expiring certificate with a reminder (seed 001)', async () => {
    const clock = fakeClock();
    const now = clock.now().getTime();
    const soon = issueEnterpriseCertificate(ca, { cn: '李四', notBefore: new Date(now - 300 * DAY), notAfter: new Date(now + 20 * DAY) });
    const context = makeContext([ca], clock.now);
    await bindCertificate({ ...request, actor: { ...actor, accountId: 'acct-lisi' }, target: { ...target, accountId: 'acct-lisi' }, token: await signedToken(soon, context, { purpose: 'bind' }) }, context);
    const result = await verifyLogin(await signedToken(soon, context), request, context);
    expect(result.expiry).toMatchObject({ state: 'expiring', daysLeft: 20, level: 30 });
    const warning = result.warnings.find((w) => w.code === 'CERT_EXPIRING');
    expect(warning?.message['zh-CN']).toContain('证书即将到期');
  });

  it('continues the binding with a renewed certificate and records both serials', async () => {
    const { context } = await boundContext();
    // Extended (延期) onto the same key: the same holder, so the binding continues.
    const renewed = issueEnterpriseCertificate(ca, { key: leaf.key, notBefore: new Date(leaf.certificate.notBefore.getTime() + DAY), notAfter: new Date(leaf.certificate.notAfter.getTime() + 365 * DAY) });
    expect(renewed.certificate.serialNumber).not.toBe(leaf.certificate.serialNumber);
    const result = await verifyLogin(await signedToken(renewed, context), request, context);
    expect(result.binding.certificate.serialNumber).toBe(renewed.certificate.serialNumber);
    const events = await context.stores.audit.list({ bindingId: result.binding.id, limit: 10 });
    const renew = events.items.find((e) => e.type === 'renew');
    expect(renew).toMatchObject({ previousSerial: leaf.certificate.serialNumber, certificate: { serialNumber: renewed.certificate.serialNumber } });
    // The certificate it replaced cannot take the binding back.
    expect(await codeOf(verifyLogin(await signedToken(leaf, context), request, context))).toBe('CERT_SUPERSEDED');
  });

  it('never lets another key of the same company log in to a binding whose CN only names the company', async () => {
    const clock = fakeClock();
    const context = makeContext([ca], clock.now);
    const companyKey = issueEnterpriseCertificate(ca, { cn: '厦门帝网信息科技有限公司' });
    await bindCertificate({ ...request, actor: { ...actor, isAdmin: true }, target, token: await signedToken(companyKey, context, { purpose: 'bind' }), isAdmin: true }, context);
    const secondKey = issueEnterpriseCertificate(ca, { cn: '厦门帝网信息科技有限公司', notBefore: new Date(companyKey.certificate.notBefore.getTime() + DAY) });
    expect(await codeOf(verifyLogin(await signedToken(secondKey, context), request, context))).toBe('NOT_BOUND');
    expect((await verifyLogin(await signedToken(companyKey, context), request, context)).binding.isAdmin).toBe(true);
  });

  it('finds a binding made in an accepted scope (一证通用) and only there', async () => {
    const clock = fakeClock();
    const provincial = makeContext([ca], clock.now, { scopes: { current: 'fujian' } });
    await bindCertificate({ ...request, actor, target, token: await signedToken(leaf, provincial, { purpose: 'bind' }) }, provincial);
    const city = { ...provincial, scopes: { current: 'xiamen', accepted: ['fujian'] } };
    expect((await verifyLogin(await signedToken(leaf, city), request, city)).binding.scope).toBe('fujian');
    const isolated = { ...provincial, scopes: { current: 'fuzhou' } };
    expect(await codeOf(verifyLogin(await signedToken(leaf, isolated), request, isolated))).toBe('NOT_BOUND');
  });

  it('uses the provider the page names, with its SM2 conventions, on an SM2 key', async () => {
    const sm2Ca = makeCa('SM2 Test CA', 'sm2');
    const sm2Leaf = issueEnterpriseCertificate(sm2Ca, { keyAlgorithm: 'sm2' });
    const provider: CaProvider = {
      info: defineProviderInfo({ id: 'testca', names: { 'zh-CN': '测试CA', en: 'Test CA' }, aliases: [], support: [{ label: '客服', phone: '400-000-0000' }] }),
      recognize: (c) => (c.issuer.commonName === 'SM2 Test CA' ? { confidence: 1, evidence: ['issuer CN'] } : null),
      extractIdentity: (c) => ({ entityName: c.subject.organization, uscc: USCC, source: { uscc: 'test' } }),
      signature: { sm2UserId: '1234567812345678' },
    };
    const context = makeContext([sm2Ca], fakeClock().now, { providers: [provider] });
    await bindCertificate({ ...request, actor, target, token: await signedToken(sm2Leaf, context, { purpose: 'bind', extra: { provider: 'testca' } }) }, context);
    const result = await verifyLogin(await signedToken(sm2Leaf, context, { extra: { provider: 'testca' } }), request, context);
    expect(result.providerId).toBe('testca');
    expect(result.certificate.publicKey.algorithm).toBe('sm2');
    expect(result.warnings).toEqual([]);
  });
});
