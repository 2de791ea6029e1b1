/**
 * Shared set-up for the login and binding tests: a real test CA, real certificates and signatures, the
 * memory stores and the real trust validation. Not exported from the package.
 */
import { utf8Extension, createTestCa, issueCertificate, type TestCertificate, type TestExtension, type TestKey, type TestKeyAlgorithm } from '../src/testing/index';
import { createProviderRegistry, type CaProvider } from '../src/providers/index';
import { createMemoryStores, type Stores } from '../src/stores/index';
import { createTrustStore } from '../src/trust/index';
import { issueChallenge } from '../src/challenge/challenge';
import type { YizhengContext } from '../src/context/context';
import { createCertificateTrust } from '../src/trust/certificate-trust';

export const ORIGIN = 'https://bid.example.gov.cn';
export const USCC = '91350200556207664B';
export const ORG_CODE = '55620766-4';
export const OTHER_USCC = '91110108551385082Q';
export const DAY = 86_400_000;

/** A controllable clock. */
export function fakeClock(start = new Date('2026-06-01T08:00:00Z')): { now: () => Date; advance: (ms: number) => void } {
  let t = start.getTime();
  return { now: () => new Date(t), advance: (ms) => void (t += ms) };
}

/** An enterprise signing certificate (USCC in the GM/T 0015 extension) issued by `ca`. */
export function issueEnterpriseCertificate(
  ca: TestCertificate,
  options: {
    cn?: string;
    uscc?: string;
    notBefore?: Date;
    notAfter?: Date;
    keyUsage?: Parameters<typeof issueCertificate>[0]['keyUsage'];
    keyAlgorithm?: TestKeyAlgorithm;
    /** Reuse a key: a renewal onto the same key. */
    key?: TestKey;
    extKeyUsage?: readonly string[];
    /** Extra subject attributes after CN, e.g. `OU=…`. */
    subjectExtra?: string;
    /** Further extensions (a personal ID number, …). */
    extensions?: readonly TestExtension[];
  } = {},
): TestCertificate {
  return issueCertificate({
    subject: `CN=${options.cn ?? '张三'}, ${options.subjectExtra !== undefined ? `${options.subjectExtra}, ` : ''}O=厦门帝网信息科技有限公司, C=CN`,
    issuer: ca,
    ...(options.keyAlgorithm && { keyAlgorithm: options.keyAlgorithm }),
    ...(options.key && { key: options.key }),
    ...(options.extKeyUsage && { extKeyUsage: options.extKeyUsage }),
    extensions: [utf8Extension('1.2.156.10260.4.1.4', options.uscc ?? USCC), ...(options.extensions ?? [])],
    ...(options.notBefore && { notBefore: options.notBefore }),
    ...(options.notAfter && { notAfter: options.notAfter }),
    ...(options.keyUsage !== undefined && { keyUsage: options.keyUsage }),
  });
}

/**
 * The encryption certificate (加密证书) of an enterprise key: as {@link issueEnterpriseCertificate}
 * (same subject layout, its own key), with keyEncipherment + dataEncipherment + keyAgreement.
 */
export function issueEnterpriseEncryptionCertificate(
  ca: TestCertificate,
  options: Omit<Parameters<typeof issueEnterpriseCertificate>[1] & object, 'keyUsage'> = {},
): TestCertificate {
  return issueEnterpriseCertificate(ca, { ...options, keyUsage: ['keyEncipherment', 'dataEncipherment', 'keyAgreement'] });
}

/** A context over memory stores trusting `anchors`. */
export function makeContext(
  anchors: readonly TestCertificate[],
  clock: () => Date,
  extra: Partial<Omit<YizhengContext, 'providers'>> & { providers?: readonly CaProvider[] } = {},
): YizhengContext & { stores: Stores } {
  const { providers, ...rest } = extra;
  return {
    stores: createMemoryStores({ clock }),
    providers: createProviderRegistry(providers ?? []),
    // Test CAs publish no CRL or OCSP responder: the tests that need revocation pass their own trust.
    trust: createCertificateTrust({ trustStore: createTrustStore(anchors.map((a) => a.certificate)), revocation: { policy: 'off' } }),
    clock,
    ...rest,
  };
}

/** Issues a challenge for the session and returns the token the page would post, signed by `cert`. */
export async function signedToken(
  cert: TestCertificate,
  context: YizhengContext,
  options: {
    sessionId?: string;
    purpose?: 'login' | 'bind';
    signText?: (text: string) => string;
    extra?: Record<string, unknown>;
    /** The key's encryption certificate, sent as `encryptionCertificate`. */
    encryption?: TestCertificate;
  } = {},
): Promise<Record<string, unknown>> {
  const challenge = await issueChallenge(
    { sessionId: options.sessionId ?? 'session-1', origin: ORIGIN, purpose: options.purpose ?? 'login' },
    context,
  );
  const text = options.signText ? options.signText(challenge.text) : challenge.text;
  return {
    format: 'yizheng:1',
    certificate: Buffer.from(cert.der).toString('base64'),
    signature: Buffer.from(cert.key.sign(new TextEncoder().encode(text))).toString('base64'),
    ...(options.encryption && { encryptionCertificate: Buffer.from(options.encryption.der).toString('base64') }),
    ...options.extra,
  };
}

/** A CA for a test file (EC P-256 unless asked). */
export function makeCa(name = 'Yizheng Test CA', keyAlgorithm: TestKeyAlgorithm = 'ec'): TestCertificate {
  return createTestCa({ subject: `CN=${name}, O=一证测试, C=CN`, keyAlgorithm });
}
