/**
 * Ready-made fake tokens over real test-CA certificates: an RSA signing certificate, a P-256
 * signing / encryption pair and an SM2 signing certificate, with their keys. Test-only.
 */
import { createTestCa, issueCertificate, issueCertificatePair, utf8Extension, type TestCertificate } from '@yizheng/core/testing';
import { FakePkcs11, type FakeObject, type FakeTokenOptions } from './fake-pkcs11';

/** The vendor SM2 mechanism id the fake offers (an arbitrary vendor-range value, for tests only). */
export const FAKE_SM2_MECHANISM = 0x8000_5301;
/** The fake token's PIN. */
export const FAKE_PIN = '246810';
/** The fake token's serial. */
export const FAKE_SERIAL = 'FAKE0001';

/** The certificates a {@link fakeTokenSet} puts on its token. */
export interface FakeTokenSet {
  /** The CA that issued them. */
  readonly ca: TestCertificate;
  /** RSA-2048 signing certificate, CKA_ID 01. */
  readonly rsa: TestCertificate;
  /** P-256 signing certificate, CKA_ID 02. */
  readonly ecSigning: TestCertificate;
  /** P-256 encryption certificate of the same subject, CKA_ID 03. */
  readonly ecEncryption: TestCertificate;
  /** SM2 signing certificate, CKA_ID 04. */
  readonly sm2: TestCertificate;
  /** Certificate ids as the module lists them. */
  readonly ids: { readonly rsa: string; readonly ecSigning: string; readonly ecEncryption: string; readonly sm2: string };
  /** Makes a fake module holding the token, with the given overrides. */
  module(overrides?: Partial<FakeTokenOptions>): FakePkcs11;
}

let cached: Omit<FakeTokenSet, 'module' | 'ids'> | undefined;

function certs(): Omit<FakeTokenSet, 'module' | 'ids'> {
  if (cached) return cached;
  const ca = createTestCa({ subject: 'CN=Yizheng Fake Token CA, O=一证测试, C=CN' });
  const uscc = [utf8Extension('1.2.156.10260.4.1.4', '91350200556207664B')];
  const rsa = issueCertificate({
    subject: 'CN=张三, O=厦门帝网信息科技有限公司, C=CN',
    issuer: ca,
    keyAlgorithm: 'rsa',
    keyUsage: ['digitalSignature', 'nonRepudiation'],
    extensions: uscc,
  });
  const pair = issueCertificatePair({ subject: 'CN=李四, O=厦门帝网信息科技有限公司, C=CN', issuer: ca, keyAlgorithm: 'ec', extensions: uscc });
  const sm2 = issueCertificate({
    subject: 'CN=赵六, O=厦门帝网信息科技有限公司, C=CN',
    issuer: ca,
    keyAlgorithm: 'sm2',
    keyUsage: ['digitalSignature', 'nonRepudiation'],
    extensions: uscc,
  });
  cached = { ca, rsa, ecSigning: pair.signing, ecEncryption: pair.encryption, sm2 };
  return cached;
}

function objects(id: number, label: string, cert: TestCertificate): FakeObject[] {
  const keyId = Uint8Array.of(id);
  return [
    { kind: 'certificate', id: keyId, label, der: cert.der },
    { kind: 'privateKey', id: keyId, label, key: cert.key },
  ];
}

/** A fake token (serial {@link FAKE_SERIAL}, PIN {@link FAKE_PIN}) with the standard certificates. */
export function fakeTokenSet(): FakeTokenSet {
  const c = certs();
  const id = (n: string): string => `${FAKE_SERIAL}/${n}`;
  return {
    ...c,
    ids: { rsa: id('01'), ecSigning: id('02'), ecEncryption: id('03'), sm2: id('04') },
    module(overrides = {}) {
      return new FakePkcs11([
        {
          label: 'Fake UKey',
          serial: FAKE_SERIAL,
          pin: FAKE_PIN,
          sm2Mechanism: FAKE_SM2_MECHANISM,
          objects: [
            ...objects(1, '张三 RSA', c.rsa),
            ...objects(2, '李四 签名', c.ecSigning),
            ...objects(3, '李四 加密', c.ecEncryption),
            ...objects(4, '赵六 SM2', c.sm2),
            { kind: 'certificate', id: Uint8Array.of(0xca), label: 'CA', der: c.ca.der },
          ],
          ...overrides,
        },
      ]);
    },
  };
}
