import { describe, expect, it } from 'vitest';
import { bindCertificate } from '../binding/index';
import { isYizhengError } from '../errors/index';
import { verifyLogin } from '../login/verify-login';
import { ORIGIN, OTHER_USCC, fakeClock, issueEnterpriseCertificate, makeContext, signedToken } from '../../test-utils/login-support';
import { createTestCa } from '../testing/index';
import { CA_DIRECTORY, createProviderRegistry, defineProviderInfo, findCaInDirectory, type CaDirectoryEntry } from './index';

const cwca = createTestCa({ subject: 'CN=CWCA SM2 CA, O=西部安全认证中心有限责任公司, C=CN' });
const unknown = createTestCa({ subject: 'CN=Some Other CA, O=某某认证中心, C=CN' });

describe('CA directory', () => {
  it('lists the CAs platforms accept, each with a hotline, every issuer name marked with how it is known', () => {
    expect(CA_DIRECTORY.map((e) => e.info.names['zh-CN'])).toEqual([
      '汇信CA', '天谷CA', '新疆CA', '西部CA', '广西CA', '云南CA', '北京CA', '重庆CA', '四川CA', '天威CA（天威诚信）', 'CFCA（中国金融认证中心）', '吉林安信CA', 'AHCA（安徽CA）',
    ]);
    for (const e of CA_DIRECTORY) {
      expect(e.info.support.length, e.info.id).toBeGreaterThan(0);
      expect(e.issuerNames.length, e.info.id).toBeGreaterThan(0);
      for (const n of e.issuerNames) expect(['verified', 'field', 'assumed', 'configured']).toContain(n.basis);
    }
  });

  it('names a CA only when exactly one entry matches the issuer', () => {
    const leaf = issueEnterpriseCertificate(cwca);
    expect(findCaInDirectory(leaf.certificate)?.info.id).toBe('cwca');
    expect(findCaInDirectory(issueEnterpriseCertificate(unknown).certificate)).toBeUndefined();
    const both = createTestCa({ subject: 'CN=CWCA and GXCA cross CA, C=CN' });
    expect(findCaInDirectory(issueEnterpriseCertificate(both).certificate)).toBeUndefined();
  });

  it('makes the generic fallback carry the CA\'s names and hotline, with the generic id and keys', async () => {
    const clock = fakeClock();
    const context = makeContext([cwca], clock.now);
    const leaf = issueEnterpriseCertificate(cwca);
    const match = context.providers.identify(leaf.certificate);
    expect(match).toMatchObject({ fallback: true, directoryEntry: { info: { id: 'cwca' } } });
    expect(match.provider.info.id).toBe('generic');
    expect(match.provider.info.support.map((s) => s.phone)).toEqual(['400-860-0271']);
    const request = { sessionId: 'session-1', origin: ORIGIN };
    const account = { accountId: 'a', organizationId: 'o', enterpriseCode: OTHER_USCC };
    const err = await bindCertificate({ ...request, actor: { ...account, isAdmin: false }, target: account, token: await signedToken(leaf, context, { purpose: 'bind' }) }, context).catch((e: unknown) => e);
    expect(isYizhengError(err, 'ENTERPRISE_CODE_MISMATCH')).toBe(true);
    expect(JSON.stringify((err as { details: unknown }).details)).toContain('400-860-0271');
    // Bound with the right code, it logs in under the generic id and says which CA it took it for.
    const own = { ...account, enterpriseCode: '91350200556207664B' };
    const binding = await bindCertificate({ ...request, actor: { ...own, isAdmin: false }, target: own, token: await signedToken(leaf, context, { purpose: 'bind' }) }, context);
    expect(binding.providerId).toBe('generic');
    expect(binding.identityKey.startsWith('v2|generic|')).toBe(true);
    const result = await verifyLogin(await signedToken(leaf, context), request, context);
    const warning = result.warnings.find((w) => w.code === 'PROVIDER_FALLBACK');
    expect(warning?.message['zh-CN']).toContain('西部CA');
    expect(warning?.details).toMatchObject({ ca: 'cwca' });
  });

  it('takes a platform\'s own entries, and can be turned off', () => {
    const mine: CaDirectoryEntry = {
      info: defineProviderInfo({ id: 'myca', names: { 'zh-CN': '某某CA', en: 'My CA' }, aliases: [], support: [{ label: '热线', phone: '400-000-0001' }] }),
      issuerNames: [{ contains: '某某认证中心', basis: 'configured' }],
    };
    const leaf = issueEnterpriseCertificate(unknown).certificate;
    expect(createProviderRegistry([], { directory: [...CA_DIRECTORY, mine] }).identify(leaf).provider.info.names['zh-CN']).toBe('某某CA');
    expect(createProviderRegistry([], { directory: [] }).identify(issueEnterpriseCertificate(cwca).certificate).directoryEntry).toBeUndefined();
  });
});
