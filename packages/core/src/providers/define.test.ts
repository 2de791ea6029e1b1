import { describe, expect, it } from 'vitest';
import { reasonOf } from '../../test-utils/errors';
import { createTestCa, issueCertificate } from '../testing/index';
import type { CaProvider } from './contract';
import { createProfileProvider, defineProvider } from './define';
import { checkRecognitionProfile, recognizeByProfile } from './recognition';

const info = { id: 'kit', names: { 'zh-CN': '测试CA', en: 'Kit CA' }, aliases: ['KIT'], support: [{ label: '客服', phone: '400-000-0000' }] };
const base: CaProvider = {
  info,
  recognize: () => ({ confidence: 0.5, evidence: ['x'] }),
  extractIdentity: () => ({ entityName: undefined, source: {} }),
};

describe('defineProvider', () => {
  it('freezes a valid provider and keeps recognition within the contract', () => {
    const p = defineProvider({ ...base, recognize: () => ({ confidence: 3, evidence: ['a', 7 as unknown as string] }) });
    expect(Object.isFrozen(p)).toBe(true);
    const cert = issueCertificate({ subject: 'CN=x' }).certificate;
    expect(p.recognize(cert)).toEqual({ confidence: 1, evidence: ['a'] });
    expect(defineProvider({ ...base, recognize: () => ({ confidence: 0, evidence: [] }) }).recognize(cert)).toBeNull();
    expect(defineProvider({ ...base, recognize: () => ({ confidence: Number.NaN, evidence: [] }) }).recognize(cert)).toBeNull();
  });

  it('rejects bad signature conventions, trust hooks and factory slots at load time', () => {
    expect(reasonOf(() => defineProvider({ ...base, signature: { formats: ['pem' as 'der'] } }))).toMatch(/unknown signature format "pem"/);
    expect(reasonOf(() => defineProvider({ ...base, signature: { formats: ['der', 'der'] } }))).toMatch(/twice/);
    expect(reasonOf(() => defineProvider({ ...base, signature: { sm2UserId: '' } }))).toMatch(/sm2UserId/);
    expect(reasonOf(() => defineProvider({ ...base, signature: { sm2UserId: 'x'.repeat(8192) } }))).toMatch(/8191/);
    expect(reasonOf(() => defineProvider({ ...base, signature: { signedData: 'hex' as 'utf8' } }))).toMatch(/signedData/);
    expect(reasonOf(() => defineProvider({ ...base, trust: { revocation: 'maybe' as 'off' } }))).toMatch(/revocation policy/);
    const leaf = issueCertificate({ subject: 'CN=leaf' });
    expect(reasonOf(() => defineProvider({ ...base, trust: { anchors: [leaf.pem] } }))).toMatch(/not a CA/);
    expect(reasonOf(() => defineProvider({ ...base, extractIdentity: undefined as unknown as CaProvider['extractIdentity'] }))).toMatch(/extractIdentity/);
    expect(reasonOf(() => defineProvider({ ...base, browserDriver: 'ws://' as unknown as () => never }))).toMatch(/browserDriver/);
    expect(reasonOf(() => defineProvider({ ...base, info: { ...info, id: 'Bad Id' } }))).toMatch(/lower-case/);
  });

  it('parses trust anchors once', () => {
    const root = createTestCa({ subject: 'CN=Kit Root' });
    const p = defineProvider({ ...base, trust: { anchors: [root.pem], revocation: 'require' } });
    expect(p.trust?.anchors?.[0]).toBe(root.certificate);
    expect(p.trust?.revocation).toBe('require');
  });
});

describe('recognition profiles', () => {
  const ca = createTestCa({ subject: 'CN=Kit SM2 CA, OU=KIT, O=Kit Trust, C=CN' });
  const leaf = issueCertificate({
    subject: 'CN=x@张三@N1@1, OU=Organizational-1',
    issuer: ca,
    policies: ['1.2.3.99.7'],
    crlDistributionPoints: ['http://crl.kit.example.cn/1.crl'],
    extensions: [{ oid: '1.2.3.50.1', value: Uint8Array.of(0x05, 0x00) }],
  }).certificate;

  it('adds one line of evidence per matching rule, with how it is known', () => {
    const r = recognizeByProfile(leaf, {
      issuer: [{ attribute: 'OU', equals: 'kit', basis: 'verified' }, { startsWith: 'Kit SM2' }, { attribute: 'CN', contains: 'nope' }],
      policyArcs: [{ arc: '1.2.3.99' }],
      extensionArcs: [{ arc: '1.2.3.50', basis: 'field' }],
      authorityKeyIds: [{ keyId: (ca.certificate.subjectKeyIdentifier ?? '').toUpperCase().replace(/(..)/g, '$1:').slice(0, -1), basis: 'configured' }],
      urlHosts: [{ host: 'kit.example.cn' }],
      subject: [{ description: 'CN in the @ layout', test: (s) => (s.commonName ?? '').includes('@') }],
    });
    expect(r?.evidence).toEqual([
      'issuer OU = "KIT" (verified)',
      'issuer CN "Kit SM2 CA" starts with "Kit SM2" (assumed)',
      'policy 1.2.3.99.7 under arc 1.2.3.99 (assumed)',
      'extension 1.2.3.50.1 under the vendor arc 1.2.3.50 (field)',
      `authorityKeyIdentifier ${ca.certificate.subjectKeyIdentifier ?? ''} (configured)`,
      'CRL/OCSP/caIssuers host crl.kit.example.cn (assumed)',
      'subject CN in the @ layout (assumed)',
    ]);
    expect(r?.confidence).toBeGreaterThan(0.99);
    expect(r?.confidence).toBeLessThanOrEqual(1);
  });

  it('ignores supporting subject rules alone, and rules that throw', () => {
    expect(recognizeByProfile(leaf, { subject: [{ description: 'always', test: () => true }] })).toBeNull();
    expect(recognizeByProfile(leaf, { subject: [{ description: 'bug', test: () => { throw new Error('bug'); } }], issuer: [{ equals: 'Kit Trust', weight: 0.3 }] })).toEqual({
      confidence: 0.3,
      evidence: ['issuer O = "Kit Trust" (assumed)'],
    });
    expect(recognizeByProfile(leaf, { policyArcs: [{ arc: '1.2.3.9' }] })).toBeNull();
  });

  it('rejects a malformed profile when the provider is built', () => {
    expect(reasonOf(() => checkRecognitionProfile({ issuer: [{ equals: 'A', contains: 'B' }] }))).toMatch(/exactly one/);
    expect(reasonOf(() => checkRecognitionProfile({ policyArcs: [{ arc: '1.2. 3' }] }))).toMatch(/dotted OID/);
    expect(reasonOf(() => checkRecognitionProfile({ authorityKeyIds: [{ keyId: 'xyz' }] }))).toMatch(/hex/);
    expect(reasonOf(() => checkRecognitionProfile({ urlHosts: [{ host: 'http://x' }] }))).toMatch(/host/);
    expect(reasonOf(() => checkRecognitionProfile({ issuer: [{ equals: 'A', weight: 2 }] }))).toMatch(/weight/);
    expect(reasonOf(() => createProfileProvider({ info, recognition: {}, identity: [{} as never] }))).toMatch(/strategies/);
  });
});
