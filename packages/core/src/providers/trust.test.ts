import { describe, expect, it } from 'vitest';
import { isYizhengError } from '../errors/index';
import { createCertificateTrust } from '../trust/certificate-trust';
import { createTestCa, issueCertificate } from '../testing/index';
import { createTrustStore, type RevocationPolicy } from '../trust/index';
import type { CaProvider } from './contract';
import { createProfileProvider } from './define';
import { subjectNameStrategy } from './strategies';
import { providerTrustAnchors } from './trust';

const root = createTestCa({ subject: 'CN=Kit Root, O=Kit Trust, C=CN' });
const leaf = issueCertificate({ subject: 'CN=张三, O=某某科技有限公司, C=CN', issuer: root });

function kit(revocation?: RevocationPolicy, anchors = true): CaProvider {
  return createProfileProvider({
    info: { id: 'kit', names: { 'zh-CN': '测试CA', en: 'Kit CA' }, aliases: [], support: [] },
    recognition: { issuer: [{ equals: 'Kit Trust' }] },
    identity: [subjectNameStrategy()],
    trust: { ...(anchors && { anchors: [root.pem] }), ...(revocation !== undefined && { revocation }) },
  });
}

async function outcome(provider: CaProvider, revocation: Parameters<typeof createCertificateTrust>[0]['revocation']): Promise<string> {
  const trust = createCertificateTrust({ trustStore: createTrustStore(providerTrustAnchors([provider])), revocation });
  try {
    const { warnings } = await trust.validate(leaf.certificate, { provider, at: new Date() });
    return warnings.map((w) => w.code).join(',') || 'ok';
  } catch (err) {
    return isYizhengError(err) ? err.code : String(err);
  }
}

describe('provider trust hooks', () => {
  it('labels the anchors a provider declares with its id', () => {
    expect(providerTrustAnchors([kit(), kit(undefined, false)])).toEqual([{ certificate: root.certificate, provider: 'kit' }]);
  });

  it("applies a provider's revocation policy when it is stricter than the platform's default, never weaker", async () => {
    // The leaf names no CRL or OCSP URL: no answer can be had.
    const prefer = { policy: 'prefer' as const, methods: ['crl' as const] };
    expect(await outcome(kit(), prefer)).toBe('REVOCATION_SOFT_FAIL');
    expect(await outcome(kit('require'), prefer)).toBe('REVOCATION_UNAVAILABLE');
    expect(await outcome(kit('off'), { ...prefer, policy: 'require' })).toBe('REVOCATION_UNAVAILABLE');
    expect(await outcome(kit('off'), prefer)).toBe('REVOCATION_SOFT_FAIL');
    // The platform's own entry for the provider is final.
    expect(await outcome(kit('require'), { ...prefer, providers: { kit: 'off' } })).toBe('ok');
    // A platform default of 'off' does not lower a provider's 'require'; only the per-provider entry can.
    expect(await outcome(kit('require'), { policy: 'off' })).toBe('REVOCATION_UNAVAILABLE');
    expect(await outcome(kit(), { policy: 'off' })).toBe('ok');
  });
});
