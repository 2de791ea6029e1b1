/**
 * 开标 through BJCA's client in a real browser: Debian's Chromium loads the BJCA driver (bundled from
 * sources) and decrypts, through the XTX emulator on loopback, an SM2 content key the server (Node)
 * encrypted to the encryption certificate the page listed.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSoftwareToken } from '@yizheng/core/software-token';
import { createTestCa, issueCertificatePair, privateKeyToPem } from '@yizheng/core/testing';
import { sm2Encrypt } from '../../../core/src/envelope/sm2-cipher';
import { findChromium, openDriverPage, type DriverPage } from '../../../core/test-utils/driver-chromium';
import { startXtxEmulator } from './emulator';

const chromium = findChromium();
const ca = createTestCa({ subject: 'CN=BJCA Test SM2 CA, O=BJCA, C=CN', keyAlgorithm: 'sm2' });
const pair = issueCertificatePair({ subject: 'CN=张三, O=厦门帝网信息科技有限公司, C=CN', issuer: ca });
const CERT_ID = 'SM2SIGN-0f3a9c/BJ1903260001';

describe.skipIf(chromium.skip !== null)(chromium.skip ?? 'BJCA XTX decrypt in Chromium', () => {
  let page: DriverPage;
  beforeAll(async () => {
    page = await openDriverPage({ entry: new URL('./index.ts', import.meta.url), factory: 'createBjcaDriver' });
  }, 60_000);
  afterAll(() => page?.close());

  it('the page decrypts a server-made SM2 ciphertext with SOF_PriKeyDecrypt after a login', async () => {
    const token = await createSoftwareToken({
      certificates: [{ id: CERT_ID, certificate: pair.signing.pem, privateKey: privateKeyToPem(pair.signing.key), encryptionCertificate: pair.encryption.pem, encryptionPrivateKey: privateKeyToPem(pair.encryption.key) }],
      signatureFormat: 'der',
    });
    const emulator = await startXtxEmulator(token);
    const driver = await page.driver({ url: emulator.url, legacyUrls: [], timeoutMs: 3000, interactiveTimeoutMs: 3000 });
    try {
      const [listed] = await driver.listCertificates();
      expect(Buffer.from(listed?.encryptionCertificate ?? '', 'base64').equals(Buffer.from(pair.encryption.der))).toBe(true);
      const contentKey = randomBytes(16);
      const ciphertext = Buffer.from(sm2Encrypt(pair.encryption.key.publicKeyBits, contentKey)).toString('base64');
      await driver.login(CERT_ID, '123456');
      expect(await driver.call('decrypt', [{ certificateId: CERT_ID, ciphertext, algorithm: 'sm2' }])).toBe(contentKey.toString('base64'));
      expect(emulator.requests.at(-1)).toMatchObject({ xtx_func_name: 'SOF_PriKeyDecrypt', param: [CERT_ID, ciphertext] });
    } finally {
      await driver.close();
      await emulator.stop();
    }
  }, 60_000);
});
