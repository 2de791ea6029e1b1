import { describe, expect, it } from 'vitest';
import { YizhengError } from '../errors/index';
import {
  createProfileProvider,
  extensionStrategy,
  gmt0015Strategy,
  subjectNameStrategy,
  type CaProvider,
} from '../providers/index';
import { createTestCa, issueCertificate, issueCertificatePair, utf8Extension } from '../testing/index';
import {
  PLANTED_USCC,
  driverErrorProblems,
  foreignRecognitionProblems,
  freeTextCertificates,
  freeTextProblems,
  identityProblems,
  infoProblems,
  lookAlikeCertificates,
  mutantCertificates,
  neutralCertificates,
  ownRecognitionProblems,
  registryProblems,
  robustnessProblems,
  runProviderConformance,
  signatureConventionProblems,
  signatureSampleProblems,
} from './index';

const KIT_UID = '1.2.3.77.1';

function naiveProfile() {
  return {
    info: { id: 'careful', names: { 'zh-CN': '谨慎CA', en: 'Careful CA' }, aliases: [], support: [{ label: '客服', phone: '400-000-0000' }] },
    recognition: { issuer: [{ attribute: 'CN', equals: 'Careful CA', basis: 'assumed' as const }] },
  };
}
const ca = createTestCa({ subject: 'CN=Kit SM2 CA, O=Kit Trust, C=CN', keyAlgorithm: 'sm2' });
const pair = issueCertificatePair({
  subject: 'CN=张三, O=厦门帝网信息科技有限公司, C=CN',
  issuer: ca,
  keyAlgorithm: 'sm2',
  policies: ['1.2.3.77.2.1'],
  extensions: [utf8Extension(KIT_UID, 'JJ91350200556207664B')],
});
const identity = {
  entityName: '厦门帝网信息科技有限公司',
  uscc: '91350200556207664B',
  orgCode: '556207664',
  vendorUid: 'JJ91350200556207664B',
  source: { vendorUid: `extension:${KIT_UID}`, uscc: `extension:${KIT_UID}`, orgCode: `extension:${KIT_UID}`, entityName: 'subject:O' },
};
const kit = createProfileProvider({
  info: { id: 'kit', names: { 'zh-CN': '测试CA', en: 'Kit CA' }, aliases: ['KIT'], support: [{ label: '客服', phone: '400-000-0000' }] },
  recognition: { issuer: [{ attribute: 'O', equals: 'Kit Trust', basis: 'verified' }], policyArcs: [{ arc: '1.2.3.77.2' }] },
  identity: [extensionStrategy(KIT_UID, { vendorUid: true }), gmt0015Strategy(), subjectNameStrategy()],
  signature: { formats: ['der'] },
});
const other = createProfileProvider({
  info: { id: 'other', names: { 'zh-CN': '其他CA', en: 'Other CA' }, aliases: [], support: [] },
  recognition: { issuer: [{ attribute: 'O', equals: 'Other Trust' }] },
  identity: [gmt0015Strategy(), subjectNameStrategy()],
});
const otherCert = issueCertificate({ subject: 'CN=李四', issuer: createTestCa({ subject: 'CN=Other CA, O=Other Trust, C=CN' }) });
const text = 'yizheng:1|login|https://bid.example.gov.cn|bm9uY2U|2026-06-01T08:05:00.000Z';

runProviderConformance(kit, {
  own: [
    { name: 'kit signing certificate', certificate: pair.signing.pem, identity },
    { name: 'kit encryption certificate', certificate: pair.encryption.der, identity },
  ],
  foreign: [{ name: 'other CA certificate', certificate: otherCert.certificate }],
  others: [other],
  signatures: [{ name: 'an SM2 signature', certificate: pair.signing.certificate, data: text, signature: pair.signing.key.sign(new TextEncoder().encode(text)), format: 'der' }],
  driverErrors: () => [new YizhengError('PIN_INCORRECT', { retriesZh: '还有2次机会。', retriesEn: '2 tries left.', remaining: 2, source: 'exact', finalTry: false, locked: false }), new YizhengError('CLIENT_NOT_RUNNING', { client: 'Kit' })],
  mutations: 100,
});

describe('the conformance checks catch broken providers', () => {
  const own = { name: 'kit signing certificate', certificate: pair.signing.certificate };

  it('a provider that throws, recognises everything or returns junk', () => {
    const greedy: CaProvider = { ...kit, recognize: () => ({ confidence: 0.2, evidence: ['anything'] }) };
    expect(foreignRecognitionProblems(greedy, { name: 'x', certificate: otherCert.certificate })).toEqual(['recognises foreign x (confidence 0.2: anything)']);
    const throwing: CaProvider = { ...kit, recognize: () => { throw new Error('boom'); }, extractIdentity: () => { throw new Error('bang'); } };
    expect(robustnessProblems(throwing, own)).toEqual([
      'recognize threw on kit signing certificate: Error: boom',
      'extractIdentity threw on kit signing certificate: Error: bang',
    ]);
    expect(ownRecognitionProblems({ ...kit, recognize: () => ({ confidence: 2, evidence: [] }) }, own)).toEqual([
      'confidence 2 for kit signing certificate is not in (0, 1]',
      'recognition of kit signing certificate gives no evidence lines',
    ]);
    const sloppy: CaProvider = { ...kit, extractIdentity: () => ({ entityName: 'x', uscc: '91350200556207664C', orgCode: '55620766-4', source: {} }) };
    expect(identityProblems(sloppy, own, identity)).toEqual([
      'uscc of kit signing certificate has no source',
      'orgCode of kit signing certificate has no source',
      'uscc "91350200556207664C" of kit signing certificate is not a valid normalised USCC',
      'orgCode "55620766-4" of kit signing certificate is not a valid 9-character organisation code without hyphen',
    ]);
    expect(identityProblems(kit, own, { ...identity, vendorUid: 'X' })).toEqual([
      'vendorUid of kit signing certificate: expected "X", got "JJ91350200556207664B"',
    ]);
  });

  it('names in one language only, undialable numbers, a losing registry, wrong conventions, unmapped driver errors', () => {
    const english = { ...kit, info: { ...kit.info, names: { 'zh-CN': 'Kit', en: 'Kit CA' }, support: [{ label: ' ', phone: '400-000' }] } };
    expect(infoProblems(english)).toEqual([
      'info: the zh-CN name "Kit" has no Chinese characters',
      'info: the support number 400-000 has no label',
      'info: "400-000" has 6 digits, not a phone number',
    ]);
    const bully: CaProvider = { ...other, recognize: () => ({ confidence: 1, evidence: ['mine'] }) };
    expect(registryProblems(kit, [bully], [own])).toEqual([
      'the registry picks other for kit signing certificate (order other, kit)',
      'the registry picks other for kit signing certificate (order kit, other)',
    ]);
    expect(signatureConventionProblems({ ...kit, signature: { sm2UserId: '用户' } })).toEqual([
      'sm2UserId "用户" is not printable ASCII: clients disagree on how to encode anything else',
    ]);
    expect(signatureSampleProblems(kit, { name: 's', certificate: pair.signing.certificate, data: 'other text', signature: pair.signing.key.sign(new TextEncoder().encode(text)) })).toEqual([
      "s does not verify with the provider's conventions",
    ]);
    expect(signatureSampleProblems(kit, { name: 's', certificate: pair.signing.certificate, data: text, signature: '', format: 'cms' })).toEqual([
      's is in cms, which the provider does not declare (der)',
    ]);
    expect(driverErrorProblems([new Error('raw'), new YizhengError('CERT_EXPIRED', {} as never), new YizhengError('PIN_INCORRECT', {} as never)])).toEqual([
      'error 0 is not a YizhengError: Error: raw',
      expect.stringMatching(/^error 1 has code CERT_EXPIRED, not a client code/),
      'error 2 (PIN_INCORRECT) has no valid details.remaining (a count or null)',
      'error 2 (PIN_INCORRECT) has no details.source (exact, flags or unknown)',
    ]);
    expect(driverErrorProblems([])).toEqual(['the driver error hook produced no errors to check']);
  });

  it('a provider that takes a code from free text over a vouched one', () => {
    // Reads OU as if the CA vouched for it, ahead of the GM/T 0015 extensions.
    const naive = createProfileProvider({
      info: { id: 'naive', names: { 'zh-CN': '天真CA', en: 'Naive CA' }, aliases: [], support: [{ label: '客服', phone: '400-000-0000' }] },
      recognition: { issuer: [{ attribute: 'CN', equals: 'Naive CA', basis: 'assumed' }] },
      identity: [{ name: 'OU as a code', find: (c) => c.subject.getAll('OU').map((v) => ({ field: 'uscc' as const, value: v, source: 'subject:OU' })) }, gmt0015Strategy()],
    });
    const problems = freeTextCertificates().flatMap((c) => freeTextProblems(naive, c, PLANTED_USCC));
    expect(problems.length).toBeGreaterThanOrEqual(2);
    expect(problems[0]).toContain('took the USCC from free text (subject:OU)');
    const careful = createProfileProvider({ ...naiveProfile(), identity: [gmt0015Strategy(), subjectNameStrategy()] });
    expect(freeTextCertificates().flatMap((c) => freeTextProblems(careful, c, PLANTED_USCC))).toEqual([]);
  });

  it('brings its own neutral, look-alike and mutant certificates', () => {
    expect(neutralCertificates().length).toBeGreaterThanOrEqual(10);
    const lookAlikes = lookAlikeCertificates(pair.signing.certificate);
    expect(lookAlikes.length).toBeGreaterThanOrEqual(8);
    expect(lookAlikes.every((c) => c.certificate.issuer.equals(pair.signing.certificate.issuer))).toBe(true);
    expect(mutantCertificates(pair.signing.certificate, 50).length).toBeGreaterThan(0);
    expect(mutantCertificates(pair.signing.certificate, 50).map((m) => m.name)).toEqual(mutantCertificates(pair.signing.certificate, 50).map((m) => m.name));
  });
});
