/**
 * Opening an envelope's content key on the page (开标): Debian's Chromium loads the software token
 * (bundled from sources by core's driver harness) holding 双证书 pairs, RSA and SM2; the server side
 * (Node) encrypts a content key to the encryption certificate the page lists (RSA-OAEP SHA-256 with
 * crypto.publicEncrypt, SM2 with sm2Encrypt); the page decrypts it through the driver after a login.
 */
import { constants, publicEncrypt, randomBytes, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, openDriverPage, type DriverPage } from '../../test-utils/driver-chromium';
import { sm2Encrypt } from '../envelope/sm2-cipher';
import { createTestCa, issueCertificatePair, privateKeyToPem, type TestCertificatePair } from '../testing/index';
import type { TokenCertificate } from '../client/token-driver';

const chromium = findChromium();
const pairOf = (keyAlgorithm: 'rsa' | 'sm2'): TestCertificatePair =>
  issueCertificatePair({ subject: `CN=投标人 ${keyAlgorithm}, O=示例投标公司, C=CN`, issuer: createTestCa({ subject: `CN=Envelope ${keyAlgorithm} CA`, keyAlgorithm }), keyAlgorithm });
const rsa = pairOf('rsa');
const sm2 = pairOf('sm2');
const entry = (id: string, pair: TestCertificatePair) => ({
  id,
  certificate: pair.signing.pem,
  privateKey: privateKeyToPem(pair.signing.key),
  encryptionCertificate: pair.encryption.pem,
  encryptionPrivateKey: privateKeyToPem(pair.encryption.key),
});

describe.skipIf(chromium.skip !== null)(chromium.skip ?? 'software token decrypt in Chromium', () => {
  let page: DriverPage;
  beforeAll(async () => {
    page = await openDriverPage({ entry: new URL('./index.ts', import.meta.url), factory: 'createSoftwareToken' });
  }, 60_000);
  afterAll(() => page?.close());

  it('decrypts a server-made RSA-OAEP (SHA-256) and an SM2 ciphertext to the listed encryption certificates', async () => {
    const driver = await page.driver({ certificates: [entry('rsa-1', rsa), entry('sm2-1', sm2)] });
    try {
      const listed = await driver.listCertificates();
      const encryptionOf = (id: string): Buffer => Buffer.from(listed.find((c: TokenCertificate) => c.id === id)?.encryptionCertificate ?? '', 'base64');
      expect(encryptionOf('rsa-1').equals(Buffer.from(rsa.encryption.der))).toBe(true);
      expect(encryptionOf('sm2-1').equals(Buffer.from(sm2.encryption.der))).toBe(true);

      const contentKey = randomBytes(16);
      const rsaCiphertext = publicEncrypt({ key: new X509Certificate(encryptionOf('rsa-1')).publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, contentKey).toString('base64');
      const sm2Ciphertext = Buffer.from(sm2Encrypt(sm2.encryption.key.publicKeyBits, contentKey)).toString('base64');

      await expect(driver.call('decrypt', [{ certificateId: 'rsa-1', ciphertext: rsaCiphertext }])).rejects.toMatchObject({ code: 'TOKEN_LOGIN_REQUIRED' });
      await driver.login('rsa-1', '123456');
      expect(await driver.call('decrypt', [{ certificateId: 'rsa-1', ciphertext: rsaCiphertext, algorithm: 'rsa-oaep' }])).toBe(contentKey.toString('base64'));
      expect(await driver.call('decrypt', [{ certificateId: 'sm2-1', ciphertext: sm2Ciphertext }])).toBe(contentKey.toString('base64'));
      // PKCS#1 v1.5 is not in WebCrypto.
      const pkcs1 = publicEncrypt({ key: new X509Certificate(encryptionOf('rsa-1')).publicKey, padding: constants.RSA_PKCS1_PADDING }, contentKey).toString('base64');
      await expect(driver.call('decrypt', [{ certificateId: 'rsa-1', ciphertext: pkcs1, algorithm: 'rsa-pkcs1' }])).rejects.toMatchObject({ code: 'MECHANISM_UNSUPPORTED' });
      // A ciphertext made to the signing certificate does not open with the encryption key.
      const toSigning = Buffer.from(sm2Encrypt(sm2.signing.key.publicKeyBits, contentKey)).toString('base64');
      await expect(driver.call('decrypt', [{ certificateId: 'sm2-1', ciphertext: toSigning }])).rejects.toMatchObject({ code: 'CLIENT_REPORTED_ERROR' });
    } finally {
      await driver.close();
    }
  }, 60_000);
});
