/**
 * The key's encryption certificate (双证书) at binding and login, the warning when a renewal changed it
 * with bids still sealed to the old one, and `CERT_NOT_YET_VALID` after an extension.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { codeOf, failure } from '../../test-utils/errors';
import { bindCertificate } from '../binding/index';
import { certificateFacts } from '../context/lookup';
import { issueCertificate, utf8Extension, type TestCertificate } from '../testing/index';
import { createMemoryStores, type Stores } from '../stores/index';
import { verifyLogin } from './verify-login';
import {
  DAY, ORIGIN, OTHER_USCC, USCC, fakeClock, issueEnterpriseCertificate, issueEnterpriseEncryptionCertificate, makeCa, makeContext, signedToken,
} from '../../test-utils/login-support';

const request = { sessionId: 'session-1', origin: ORIGIN };
const actor = { accountId: 'acct-zhangsan', organizationId: 'org-1', isAdmin: false };
const target = { accountId: 'acct-zhangsan', organizationId: 'org-1', enterpriseCode: USCC };
const personalId = (id: string) => utf8Extension('1.2.156.10260.4.1.1', id);

let ca: TestCertificate;
let signing: TestCertificate;
let encryption: TestCertificate;
beforeAll(() => {
  ca = makeCa();
  signing = issueEnterpriseCertificate(ca);
  encryption = issueEnterpriseEncryptionCertificate(ca);
});

async function bind(context: ReturnType<typeof makeContext>, cert: TestCertificate, enc?: TestCertificate) {
  const token = await signedToken(cert, context, { purpose: 'bind', ...(enc && { encryption: enc }) });
  return bindCertificate({ ...request, actor, target, token }, context);
}

async function login(context: ReturnType<typeof makeContext>, cert: TestCertificate, enc?: TestCertificate) {
  return verifyLogin(await signedToken(cert, context, enc ? { encryption: enc } : {}), request, context);
}

describe('the encryption certificate at binding', () => {
  it('keeps its facts with the binding, and records it in the audit log', async () => {
    const context = makeContext([ca], fakeClock().now);
    const binding = await bind(context, signing, encryption);
    expect(binding.encryptionCertificate).toEqual(certificateFacts(encryption.certificate));
    expect(binding.certificate.sha256).toBe(signing.certificate.sha256);
    expect((await context.stores.bindings.findById(binding.id))?.encryptionCertificate).toEqual(certificateFacts(encryption.certificate));
    const events = await context.stores.audit.list({ bindingId: binding.id, limit: 10 });
    expect(events.items[0]?.details).toMatchObject({ encryptionCertificate: { sha256: encryption.certificate.sha256 } });
    // Without one the binding simply has none.
    const other = makeContext([ca], fakeClock().now);
    expect((await bind(other, signing)).encryptionCertificate).toBeUndefined();
  });

  it('refuses an encryption certificate that is not the partner of the signing one, and binds nothing', async () => {
    const clock = fakeClock();
    const now = clock.now().getTime();
    const otherCa = makeCa();
    // A certificate claiming the CA's name and key id, but not signed by it.
    const forged = issueCertificate({
      subject: 'CN=张三, O=厦门帝网信息科技有限公司, C=CN',
      issuer: otherCa,
      issuerName: 'CN=Yizheng Test CA, O=一证测试, C=CN',
      authorityKeyIdentifier: Buffer.from(ca.certificate.subjectKeyIdentifier ?? '', 'hex'),
      keyUsage: ['keyEncipherment', 'dataEncipherment'],
      extensions: [utf8Extension('1.2.156.10260.4.1.4', USCC)],
    });
    expect(forged.certificate.issuer.toString()).toBe(signing.certificate.issuer.toString());
    expect(forged.certificate.authorityKeyIdentifier).toBe(signing.certificate.authorityKeyIdentifier);
    const cases: [TestCertificate, string][] = [
      [issueEnterpriseEncryptionCertificate(ca, { uscc: OTHER_USCC }), 'holder'],
      [issueEnterpriseEncryptionCertificate(ca, { cn: '李四' }), 'holder'],
      [issueEnterpriseEncryptionCertificate(makeCa()), 'issuer'],
      [forged, 'issuer'],
      [issueEnterpriseCertificate(ca), 'key-usage'],
      [issueEnterpriseEncryptionCertificate(ca, { notBefore: new Date(now - 400 * DAY), notAfter: new Date(now - DAY) }), 'expired'],
      [issueEnterpriseEncryptionCertificate(ca, { notBefore: new Date(now + DAY), notAfter: new Date(now + 400 * DAY) }), 'not-yet-valid'],
    ];
    for (const [enc, mismatch] of cases) {
      const context = makeContext([ca], clock.now);
      const err = await failure(bind(context, signing, enc));
      expect(err.code, mismatch).toBe('CERT_WRONG_PURPOSE');
      expect(err.details, mismatch).toMatchObject({ reason: 'encryption-certificate-mismatch', mismatch, serialNumber: enc.certificate.serialNumber });
      expect(err.localizedMessage('zh-CN')).toContain('加密证书');
      expect(err.localizedMessage('en')).toContain('encryption certificate');
      expect(err.localizedRemedy('zh-CN')).toContain('双证书');
      expect(await context.stores.bindings.listByAccount(actor.accountId)).toEqual([]);
    }
  });

  it('compares vouched ID numbers when both certificates carry one, else the subject', async () => {
    const clock = fakeClock();
    const holder = issueEnterpriseCertificate(ca, { cn: '王伟', extensions: [personalId('11010519491231002X')] });
    const same = issueEnterpriseEncryptionCertificate(ca, { cn: '王伟', extensions: [personalId('11010519491231002X')] });
    const namesake = issueEnterpriseEncryptionCertificate(ca, { cn: '王伟', extensions: [personalId('440106199001011235')] });
    const context = makeContext([ca], clock.now);
    expect(await failure(bind(context, holder, namesake))).toMatchObject({ code: 'CERT_WRONG_PURPOSE', details: { mismatch: 'holder' } });
    expect((await bind(context, holder, same)).encryptionCertificate?.sha256).toBe(same.certificate.sha256);
  });

  it('refuses a token whose encryptionCertificate is not a string', async () => {
    const context = makeContext([ca], fakeClock().now);
    const token = await signedToken(signing, context, { purpose: 'bind', extra: { encryptionCertificate: 42 } });
    expect(await codeOf(bindCertificate({ ...request, actor, target, token }, context))).toBe('TOKEN_MALFORMED');
  });
});

describe('the encryption certificate at login', () => {
  it('checks it, keeps the stored facts when the page sends none, and adds them when it does', async () => {
    const context = makeContext([ca], fakeClock().now);
    await bind(context, signing);
    expect((await login(context, signing)).binding.encryptionCertificate).toBeUndefined();
    const added = await login(context, signing, encryption);
    expect(added.binding.encryptionCertificate).toEqual(certificateFacts(encryption.certificate));
    expect(added.warnings.map((w) => w.code)).not.toContain('ENCRYPTION_CERTIFICATE_CHANGED');
    expect((await login(context, signing)).binding.encryptionCertificate).toEqual(certificateFacts(encryption.certificate));
    const err = await failure(login(context, signing, issueEnterpriseEncryptionCertificate(ca, { uscc: OTHER_USCC })));
    expect(err.details).toMatchObject({ reason: 'encryption-certificate-mismatch', mismatch: 'holder' });
    expect((await context.stores.bindings.listByAccount(actor.accountId))[0]?.encryptionCertificate?.sha256).toBe(encryption.certificate.sha256);
  });

  it('warns after a renewal changed it, naming the bids still sealed to the old one', async () => {
    const clock = fakeClock();
    const now = clock.now().getTime();
    const stores = createMemoryStores({ clock: clock.now });
    const context = makeContext([ca], clock.now, { stores });
    await bind(context, signing, encryption);
    const recipient = { sha256: encryption.certificate.sha256, serialNumber: encryption.certificate.serialNumber, issuerDn: encryption.certificate.issuer.toString() };
    const sealed = { accountId: actor.accountId, organizationId: 'org-1', recipient, sealedAt: new Date(now - DAY) };
    await stores.envelopes.record({ ...sealed, id: 'e1', projectId: 'P1', bidId: 'B1', opensAt: new Date(now + 3 * DAY) });
    await stores.envelopes.record({ ...sealed, id: 'e2', projectId: 'P2', bidId: 'B2', opensAt: new Date(now + 5 * DAY) });
    await stores.envelopes.record({ ...sealed, id: 'e3', projectId: 'P3', bidId: 'B3', opensAt: new Date(now + 6 * DAY) });
    await stores.envelopes.markOpened('e3', new Date(now));
    // Another account's bid sealed to the same (public) certificate: none of this holder's business.
    await stores.envelopes.record({ ...sealed, accountId: 'acct-lisi', id: 'e0', projectId: 'P0', bidId: 'B0', opensAt: new Date(now + DAY) });

    // Extended (延期) onto the same signing key; the CA issued the encryption certificate on a new key.
    const times = { notBefore: new Date(signing.certificate.notBefore.getTime() + DAY), notAfter: new Date(signing.certificate.notAfter.getTime() + 365 * DAY) };
    const renewed = issueEnterpriseCertificate(ca, { key: signing.key, ...times });
    const newEncryption = issueEnterpriseEncryptionCertificate(ca, times);
    const result = await login(context, renewed, newEncryption);
    expect(result.binding.encryptionCertificate).toEqual(certificateFacts(newEncryption.certificate));
    const warning = result.warnings.find((w) => w.code === 'ENCRYPTION_CERTIFICATE_CHANGED');
    expect(warning?.message['zh-CN']).toContain('2份投标文件使用原加密证书加密，可能无法解密，请联系CA机构恢复原加密密钥');
    expect(warning?.message.en).toContain('2 bids were encrypted to the previous encryption certificate');
    expect(warning?.details).toMatchObject({
      previousSha256: encryption.certificate.sha256,
      sha256: newEncryption.certificate.sha256,
      count: 2,
      envelopes: [{ id: 'e1', bidId: 'B1' }, { id: 'e2', bidId: 'B2' }],
    });
    const events = await context.stores.audit.list({ bindingId: result.binding.id, limit: 10 });
    expect(events.items.find((e) => e.type === 'renew')?.details).toMatchObject({
      encryptionCertificate: { sha256: newEncryption.certificate.sha256 },
      previousEncryptionCertificate: { sha256: encryption.certificate.sha256 },
    });
    // The next login with the same certificates has nothing new to say.
    expect((await login(context, renewed, newEncryption)).warnings.map((w) => w.code)).not.toContain('ENCRYPTION_CERTIFICATE_CHANGED');
  });

  it('does not warn when no bid is sealed to the old one, nor with stores that keep no sealed bids', async () => {
    const clock = fakeClock();
    const times = { notBefore: new Date(signing.certificate.notBefore.getTime() + DAY), notAfter: new Date(signing.certificate.notAfter.getTime() + 365 * DAY) };
    const renewed = issueEnterpriseCertificate(ca, { key: signing.key, ...times });
    const newEncryption = issueEnterpriseEncryptionCertificate(ca, times);
    const context = makeContext([ca], clock.now);
    await bind(context, signing, encryption);
    const result = await login(context, renewed, newEncryption);
    expect(result.warnings.map((w) => w.code)).not.toContain('ENCRYPTION_CERTIFICATE_CHANGED');
    expect(result.binding.encryptionCertificate?.sha256).toBe(newEncryption.certificate.sha256);

    // A platform's own adapter without sealed-bid records.
    const renewalStores = createMemoryStores({ clock: clock.now });
    const stores: Stores = {
      kind: renewalStores.kind,
      challenges: renewalStores.challenges,
      bindings: renewalStores.bindings,
      audit: renewalStores.audit,
      transaction: (fn) => renewalStores.transaction(fn),
      migrate: () => renewalStores.migrate(),
      close: () => renewalStores.close(),
    };
    const withoutEnvelopes = makeContext([ca], clock.now, { stores });
    const recipient = { sha256: encryption.certificate.sha256, serialNumber: encryption.certificate.serialNumber, issuerDn: encryption.certificate.issuer.toString() };
    await renewalStores.envelopes.record({ id: 'e1', projectId: 'P1', bidId: 'B1', accountId: actor.accountId, organizationId: 'org-1', recipient, opensAt: new Date(clock.now().getTime() + DAY) });
    await bind(withoutEnvelopes, signing, encryption);
    const again = await login(withoutEnvelopes, renewed, newEncryption);
    expect(again.warnings.map((w) => w.code)).not.toContain('ENCRYPTION_CERTIFICATE_CHANGED');
  });
});

describe('CERT_NOT_YET_VALID after an extension', () => {
  it('says "renewed-not-yet-valid" to the holder of a bound identity whose successor certificate is not valid yet', async () => {
    const clock = fakeClock();
    const now = clock.now().getTime();
    const context = makeContext([ca], clock.now);
    await bind(context, signing);
    const extended = issueEnterpriseCertificate(ca, { key: signing.key, notBefore: new Date(now + 6 * 60 * 60_000), notAfter: new Date(now + 800 * DAY) });
    const err = await failure(login(context, extended));
    expect(err.code).toBe('CERT_NOT_YET_VALID');
    expect(err.details).toMatchObject({ reason: 'renewed-not-yet-valid', notBefore: extended.certificate.notBefore.toISOString() });
    expect(err.localizedMessage('zh-CN')).toContain("延期或修复后的证书可能在约一个工作日内显示'证书未生效'");
    expect(err.localizedMessage('en')).toContain('After an extension or repair');
    expect(err.localizedRemedy('zh-CN')).toContain('联系CA机构确认生效时间');
  });

  it('says nothing of bindings to a caller that did not prove the key, nor for an unbound identity', async () => {
    const clock = fakeClock();
    const now = clock.now().getTime();
    const context = makeContext([ca], clock.now);
    await bind(context, signing);
    const later = { notBefore: new Date(now + 6 * 60 * 60_000), notAfter: new Date(now + 800 * DAY) };
    const extended = issueEnterpriseCertificate(ca, { key: signing.key, ...later });
    const plainReason = `有效期从 ${later.notBefore.toISOString()} 开始`;
    // A bad signature: the plain error.
    const forged = await signedToken(extended, context, { signText: (t) => `${t}x` });
    expect((await failure(verifyLogin(forged, request, context))).details['reason']).toBe(plainReason);
    // The same key certified by a CA the platform does not trust: the plain error, not CERT_UNTRUSTED.
    const stranger = issueEnterpriseCertificate(makeCa(), { key: signing.key, ...later });
    const untrusted = await failure(login(context, stranger));
    expect(untrusted.code).toBe('CERT_NOT_YET_VALID');
    expect(untrusted.details['reason']).toBe(plainReason);
    // Another holder, not bound.
    const unbound = issueEnterpriseCertificate(ca, { cn: '李四', ...later });
    expect((await failure(login(context, unbound))).details['reason']).toBe(plainReason);
    // A bind never asks.
    const other = makeContext([ca], clock.now);
    expect((await failure(bind(other, extended))).details['reason']).toBe(plainReason);
  });
});
