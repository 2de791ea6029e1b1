/**
 * The BJCA XTX driver's decrypt (`SOF_PriKeyDecrypt`) against the emulated BJCA证书应用环境 over a
 * software token holding the SM2 encryption key of a 双证书 pair.
 */
import { describe, expect, it } from 'vitest';
import { createSoftwareToken } from '@yizheng/core/software-token';
import { createTestCa, issueCertificatePair, privateKeyToPem } from '@yizheng/core/testing';
import { sm2Encrypt } from '../../../core/src/envelope/sm2-cipher';
import { startXtxEmulator } from './emulator';
import { createBjcaDriver } from './index';

const ca = createTestCa({ subject: 'CN=BJCA Test SM2 CA, O=BJCA, C=CN', keyAlgorithm: 'sm2' });
const pair = issueCertificatePair({ subject: 'CN=张三, O=厦门帝网信息科技有限公司, C=CN', issuer: ca });
const CERT_ID = 'SM2SIGN-0f3a9c/BJ1903260001';
const PAGE = 'https://bid.example.gov.cn/kaibiao';
const KEY = Uint8Array.from({ length: 16 }, (_, i) => 0x30 + i);
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

async function withRig(body: (rig: { driver: ReturnType<typeof createBjcaDriver>; emulator: Awaited<ReturnType<typeof startXtxEmulator>> }) => Promise<void>): Promise<void> {
  const token = await createSoftwareToken({
    certificates: [{ id: CERT_ID, certificate: pair.signing.pem, privateKey: privateKeyToPem(pair.signing.key), encryptionCertificate: pair.encryption.pem, encryptionPrivateKey: privateKeyToPem(pair.encryption.key) }],
    signatureFormat: 'der',
  });
  const emulator = await startXtxEmulator(token);
  const driver = createBjcaDriver({ url: emulator.url, legacyUrls: [], timeoutMs: 1000, interactiveTimeoutMs: 1000, pageUrl: PAGE });
  try {
    await body({ driver, emulator });
  } finally {
    await driver.close?.();
    await emulator.stop();
  }
}

describe('BJCA XTX decrypt (SOF_PriKeyDecrypt)', () => {
  it('decrypts a ciphertext made to the listed encryption certificate, sending SOF_PriKeyDecrypt(certId, inData) with the token', async () => {
    await withRig(async ({ driver, emulator }) => {
      const [cert] = await driver.listCertificates();
      expect(cert?.encryptionCertificate).toBe(b64(pair.encryption.der));
      const ciphertext = b64(sm2Encrypt(pair.encryption.key.publicKeyBits, KEY));
      await driver.login(CERT_ID, '123456');
      expect(await driver.decrypt?.({ certificateId: CERT_ID, ciphertext, algorithm: 'sm2' })).toBe(b64(KEY));
      expect(emulator.requests.at(-1)).toMatchObject({ xtx_func_name: 'SOF_PriKeyDecrypt', func: 'SOF_PriKeyDecrypt', param_1: CERT_ID, param_2: ciphertext, param: [CERT_ID, ciphertext], token: 'xtx-token-1' });
    });
  });

  it("an empty value is read with SOF_GetLastError / SOF_GetLastErrMsg: not logged in, another key's ciphertext, an unknown certId", async () => {
    await withRig(async ({ driver, emulator }) => {
      const ciphertext = b64(sm2Encrypt(pair.encryption.key.publicKeyBits, KEY));
      await expect(driver.decrypt?.({ certificateId: CERT_ID, ciphertext })).rejects.toMatchObject({ code: 'CLIENT_REPORTED_ERROR', details: { fn: 'SOF_PriKeyDecrypt', vendorCode: 6, vendorText: '用户未登录' } });
      await driver.login(CERT_ID, '123456');
      const toSigningKey = b64(sm2Encrypt(pair.signing.key.publicKeyBits, KEY));
      await expect(driver.decrypt?.({ certificateId: CERT_ID, ciphertext: toSigningKey })).rejects.toMatchObject({ code: 'CLIENT_REPORTED_ERROR', details: { vendorCode: 7, vendorText: '解密失败' } });
      await expect(driver.decrypt?.({ certificateId: 'OTHER/BJ0000', ciphertext })).rejects.toMatchObject({ code: 'CERT_NOT_FOUND' });
      emulator.failNext('SOF_PriKeyDecrypt', 3, '用户取消操作');
      await expect(driver.decrypt?.({ certificateId: CERT_ID, ciphertext })).rejects.toMatchObject({ code: 'USER_CANCELLED' });
      expect(await driver.decrypt?.({ certificateId: CERT_ID, ciphertext })).toBe(b64(KEY));
    });
  });

  it('refuses a ciphertext that is not base64 before the client sees it; a reply that is not base64 is CLIENT_PROTOCOL_ERROR', async () => {
    await withRig(async ({ driver, emulator }) => {
      await driver.login(CERT_ID, '123456');
      const before = emulator.requests.length;
      await expect(driver.decrypt?.({ certificateId: CERT_ID, ciphertext: 'not base64!' })).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR' });
      // At most 1 KiB of ciphertext (1368 base64 characters unpadded are 1026 bytes), and a certificate id.
      await expect(driver.decrypt?.({ certificateId: CERT_ID, ciphertext: 'A'.repeat(1368) })).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR' });
      await expect(driver.decrypt?.({ certificateId: CERT_ID, ciphertext: `${'A'.repeat(1364)}AAA=` })).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR' });
      await expect(driver.decrypt?.({ certificateId: undefined as unknown as string, ciphertext: 'AAAA' })).rejects.toMatchObject({ code: 'CERT_NOT_FOUND' });
      expect(emulator.requests.length).toBe(before);
      emulator.tamper('missing-fields');
      await expect(driver.decrypt?.({ certificateId: CERT_ID, ciphertext: b64(sm2Encrypt(pair.encryption.key.publicKeyBits, KEY)) })).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR' });
    });
  });
});
