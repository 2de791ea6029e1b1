/**
 * The BJCA driver in a real browser: Debian's Chromium loads the page entry (bundled from sources by
 * core's driver harness) and talks to the XTX emulator on loopback, as a login page talks to
 * BJCA证书应用环境. One case per thing a user meets.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '@yizheng/core/crypto';
import { createSoftwareToken, type SoftwareToken } from '@yizheng/core/software-token';
import { createTestCa, issueCertificatePair, privateKeyToPem } from '@yizheng/core/testing';
import { findChromium, openDriverPage, type DriverPage, type DriverPageError, type PageDriver } from '../../../core/test-utils/driver-chromium';
import { startXtxEmulator, type XtxEmulator } from './emulator';

const chromium = findChromium();
const ca = createTestCa({ subject: 'CN=BJCA Test SM2 CA, O=BJCA, C=CN', keyAlgorithm: 'sm2' });
const pair = issueCertificatePair({ subject: 'CN=张三, O=厦门帝网信息科技有限公司, C=CN', issuer: ca });
/** A certId as BJCA's client writes them: `<container>/<device serial>`. */
const CERT_ID = 'SM2SIGN-0f3a9c/BJ1903260001';
const certificates = [{ certificate: pair.signing.pem, privateKey: privateKeyToPem(pair.signing.key), encryptionCertificate: pair.encryption.pem, id: CERT_ID }];
const TEXT = 'yizheng:1|login|https://bid.example.gov.cn|bm9uY2U|2026-06-01T08:05:00.000Z';

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  return typeof address === 'object' && address ? address.port : 1;
}

describe.skipIf(chromium.skip !== null)(chromium.skip ?? 'BJCA XTX driver in Chromium against the emulated client', () => {
  let page: DriverPage;
  let hook: (() => boolean) | undefined;

  beforeAll(async () => {
    page = await openDriverPage({ entry: new URL('./index.ts', import.meta.url), factory: 'createBjcaDriver' });
  }, 60_000);
  afterAll(() => page?.close());

  /** A fresh key (PIN 123456, 3 tries), emulator and page driver. */
  async function rig(
    body: (r: { driver: PageDriver; emulator: XtxEmulator; token: SoftwareToken; certId: string }) => Promise<void>,
    options: { timeoutMs?: number } = {},
  ): Promise<void> {
    hook = undefined;
    const token = await createSoftwareToken({ certificates, maxTries: 3, pinLength: { min: 6, max: 16 }, signatureFormat: 'der', confirm: () => hook?.() ?? true });
    const emulator = await startXtxEmulator(token);
    const driver = await page.driver({ url: emulator.url, legacyUrls: [], timeoutMs: options.timeoutMs ?? 2000, interactiveTimeoutMs: options.timeoutMs ?? 2000 });
    try {
      await body({ driver, emulator, token, certId: CERT_ID });
    } finally {
      await driver.close();
      await emulator.stop();
    }
  }

  const calls = (e: XtxEmulator): unknown[] => e.requests.map((r) => r['xtx_func_name']);

  it('lists the certificates with the encryption certificate and the key serial', () =>
    rig(async ({ driver, emulator, certId }) => {
      const list = await driver.listCertificates();
      expect(list).toEqual([
        {
          id: certId,
          label: '张三',
          certificate: Buffer.from(pair.signing.der).toString('base64'),
          encryptionCertificate: Buffer.from(pair.encryption.der).toString('base64'),
          provider: 'bjca',
          keyId: 'BJ1903260001',
        },
      ]);
      expect(emulator.requests[0]).toEqual({
        call_cmd_id: 'i_1',
        CLSID: '3F367B74-92D9-4C5E-AB93-234F8A91D5E6',
        xtx_func_name: 'SOF_GetUserList',
        func: 'SOF_GetUserList',
        URL: `${page.origin}/`,
        param: [],
      });
      expect(calls(emulator)).toEqual(['SOF_GetUserList', 'SOF_ExportUserCert', 'SOF_ExportExChangeUserCert']);
    }));

  it('logs in with the right PIN and signs; the token goes back with the signature and not after the logout', () =>
    rig(async ({ driver, emulator, certId }) => {
      await driver.listCertificates();
      await driver.login(certId, '123456');
      const signature = await driver.sign(certId, TEXT);
      expect(verifySignature({ certificate: pair.signing.pem, data: TEXT, signature: signature.signature, format: signature.format })).toBe(true);
      expect(emulator.requests.at(-1)).toMatchObject({ xtx_func_name: 'SOF_SignData', param_1: certId, param_2: TEXT, token: 'xtx-token-1' });
      await driver.logout(certId);
      await driver.getPinStatus(certId);
      expect(emulator.requests.at(-1)).toMatchObject({ xtx_func_name: 'SOF_GetPinRetryCount' });
      expect(emulator.requests.at(-1)).not.toHaveProperty('token');
    }));

  it('a wrong PIN is PIN_INCORRECT with the tries left, from SOF_GetPinRetryCount and never SOF_GetLastError', () =>
    rig(async ({ driver, emulator, certId }) => {
      await expect(driver.login(certId, '654321')).rejects.toMatchObject({
        code: 'PIN_INCORRECT',
        details: { remaining: 2, source: 'exact', locked: false },
        messages: { 'zh-CN': expect.stringContaining('还有2次机会') as unknown },
      });
      // A fresh driver's first PIN call waits for a well-formed reply (the user list) before the PIN goes out.
      expect(calls(emulator)).toEqual(['SOF_GetUserList', 'SOF_Login', 'SOF_GetPinRetryCount']);
      expect(calls(emulator)).not.toContain('SOF_GetLastError');
      await driver.login(certId, '123456');
    }));

  it('the last wrong PIN is PIN_LOCKED: 请联系BJCA进行解锁', () =>
    rig(async ({ driver, certId }) => {
      await expect(driver.login(certId, '654321')).rejects.toMatchObject({ code: 'PIN_INCORRECT' });
      await expect(driver.login(certId, '654321')).rejects.toMatchObject({ code: 'PIN_INCORRECT', details: { remaining: 1, finalTry: true } });
      const locked = driver.login(certId, '654321');
      await expect(locked).rejects.toMatchObject({ code: 'PIN_LOCKED', details: { remaining: 0, locked: true, reason: 'contact-ca', ca: 'BJCA' } });
      const error = (await locked.then(() => undefined, (e: unknown) => e)) as DriverPageError;
      expect(`${error.messages?.['zh-CN']} ${error.remedies?.['zh-CN']}`).toContain('请联系BJCA进行解锁');
      await expect(driver.login(certId, '123456')).rejects.toMatchObject({ code: 'PIN_LOCKED' });
    }));

  it('an unknown certificate is CERT_NOT_FOUND (BJCA answers -8 tries)', () =>
    rig(async ({ driver, certId }) => {
      await driver.listCertificates();
      const unknown = `other-container/BJ1903260001`;
      await expect(driver.login(unknown, '123456')).rejects.toMatchObject({ code: 'CERT_NOT_FOUND', details: { certId: unknown, retryCount: -8 } });
      await driver.login(certId, '123456');
    }));

  it("the user cancelling BJCA's dialog, or the page's cancel button, is USER_CANCELLED", () =>
    rig(async ({ driver, emulator, certId }) => {
      await driver.listCertificates();
      await driver.login(certId, '123456');
      hook = () => false;
      await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'USER_CANCELLED', details: { fn: 'SOF_SignData', vendorCode: 3, vendorText: '用户取消操作' } });
      hook = undefined;
      emulator.tamper('silent');
      const pending = driver.begin('sign', [certId, TEXT]);
      await new Promise((r) => setTimeout(r, 100));
      await pending.abort();
      expect(await pending.settled).toMatchObject({ ok: false, error: { code: 'USER_CANCELLED' } });
      expect((await driver.sign(certId, TEXT)).signature).not.toBe('');
    }));

  it('a client that is not running (3.x port, then the 2.x ports) is CLIENT_NOT_RUNNING', async () => {
    const [a, b] = [await closedPort(), await closedPort()];
    const driver = await page.driver({ url: `ws://127.0.0.1:${a}/xtxapp/`, legacyUrls: [`ws://127.0.0.1:${b}/`] });
    await expect(driver.listCertificates()).rejects.toMatchObject({
      code: 'CLIENT_NOT_RUNNING',
      details: { client: 'BJCA证书应用环境', tried: [`ws://127.0.0.1:${a}/xtxapp/`, `ws://127.0.0.1:${b}/`] },
      messages: { 'zh-CN': '未检测到BJCA证书应用环境，请确认已安装并启动。' },
    });
    await driver.close();
  });

  it('the key pulled out while signing is DEVICE_REMOVED', () =>
    rig(async ({ driver, emulator, token, certId }) => {
      await driver.listCertificates();
      await driver.login(certId, '123456');
      hook = () => {
        token.remove();
        return true;
      };
      await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'DEVICE_REMOVED', details: { fn: 'SOF_SignData', certId } });
      expect(calls(emulator).slice(-4)).toEqual(['SOF_SignData', 'SOF_GetLastError', 'SOF_GetLastErrMsg', 'SOF_GetUserList']);
    }));

  it('a malformed reply is CLIENT_PROTOCOL_ERROR, and the driver recovers', () =>
    rig(async ({ driver, emulator, certId }) => {
      emulator.tamper('not-json');
      await expect(driver.login(certId, '123456')).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR' });
      emulator.tamper('missing-fields');
      await expect(driver.login(certId, '123456')).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR', details: { reason: expect.stringContaining('neither retValue nor retVal') as unknown } });
      await driver.login(certId, '123456');
    }));

  it('a reply with both retVal and retValue is read by retValue, as the vendor script reads it', () =>
    rig(async ({ driver, emulator, certId }) => {
      emulator.setReply('both');
      const [cert] = await driver.listCertificates();
      expect(cert?.certificate).toBe(Buffer.from(pair.signing.der).toString('base64'));
      await driver.login(certId, '123456');
      expect(await driver.getPinStatus(certId)).toMatchObject({ remaining: 3, source: 'exact' });
      await expect(driver.login(certId, '654321')).rejects.toMatchObject({ code: 'PIN_INCORRECT', details: { remaining: 2 } });
      await driver.login(certId, '123456');
      const signature = await driver.sign(certId, TEXT);
      expect(verifySignature({ certificate: pair.signing.pem, data: TEXT, signature: signature.signature, format: signature.format })).toBe(true);
    }));
  it('falls back to a 2.x port in turn, and to /synctl (CORS from the page) when asked', async () => {
    const token = await createSoftwareToken({ certificates, signatureFormat: 'der' });
    const legacy = await startXtxEmulator(token, { dialect: '2.x' });
    const modern = await startXtxEmulator(token);
    const [a, b] = [await closedPort(), await closedPort()];
    const viaLegacy = await page.driver({ url: `ws://127.0.0.1:${a}/xtxapp/`, legacyUrls: [`ws://127.0.0.1:${b}/`, legacy.url] });
    const viaSynctl = await page.driver({ url: `ws://127.0.0.1:${a}/xtxapp/`, legacyUrls: [], synctl: modern.synctlUrl });
    try {
      for (const driver of [viaLegacy, viaSynctl]) {
        expect((await driver.listCertificates()).map((c) => c.id)).toEqual([CERT_ID]);
        await driver.login(CERT_ID, '123456');
        const signature = await driver.sign(CERT_ID, TEXT);
        expect(verifySignature({ certificate: pair.signing.pem, data: TEXT, signature: signature.signature, format: signature.format })).toBe(true);
      }
      expect(legacy.requests[0]).toMatchObject({ cookie: '', xtx_func_name: 'SOF_GetUserList' });
      expect(modern.requests.at(-1)).toMatchObject({ func: 'SOF_SignData', token: 'xtx-token-1', url: `${page.origin}/` });
    } finally {
      await viaLegacy.close();
      await viaSynctl.close();
      await legacy.stop();
      await modern.stop();
    }
  });
});
