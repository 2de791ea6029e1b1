/**
 * The CryptoKit driver in Debian's Chromium: the page entry bundled with an emulated CryptoKit
 * (test-support/page.ts) reached through real DOM events on the page's document (the Firefox /
 * Safari form) and through a `chrome.runtime.sendMessage` stand-in (the Chrome / Edge form), over a
 * software token signing real CMS that the server side verifies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '@yizheng/core/crypto';
import { createTestCa, issueCertificate, privateKeyToPem } from '@yizheng/core/testing';
import { findChromium, openDriverPage, type DriverPage, type PageDriver } from '../../../core/test-utils/driver-chromium';

const TEXT = 'yizheng:1|login|https://bid.example.gov.cn|bm9uY2U|2026-06-01T08:05:00.000Z';
const chromium = findChromium();

describe.skipIf(chromium.skip !== null)(chromium.skip ?? 'CFCA CryptoKit driver in Chromium', () => {
  const ca = createTestCa({ subject: 'CN=CFCA SM2 Test CA, O=CFCA, C=CN', keyAlgorithm: 'sm2' });
  const cert = issueCertificate({ subject: 'CN=CFCA@厦门帝网信息科技有限公司@N91350200556207664B@1, OU=Organizational-1', issuer: ca });
  const key = { certificate: cert.pem, privateKey: privateKeyToPem(cert.key), id: cert.certificate.serialNumber };
  const certId = key.id;
  let page: DriverPage;

  beforeAll(async () => {
    page = await openDriverPage({ entry: new URL('./test-support/page.ts', import.meta.url), factory: 'createEmulatedCfcaDriver' });
  }, 60_000);
  afterAll(() => page?.close());

  /** Runs `body` in the page with `r` the emulator's rig. */
  const steer = (body: string): Promise<unknown> => page.evaluate(`const r = mod.rig(); ${body}`);

  describe.each(['events', 'runtime'] as const)('over %s', (via) => {
    let driver: PageDriver;
    const open = async (more: Record<string, unknown> = {}): Promise<PageDriver> => {
      await driver?.close().catch(() => undefined);
      driver = await page.driver({ ...key, via, ...more });
      return driver;
    };

    it('lists the certificate', async () => {
      await open();
      expect(await driver.info()).toMatchObject({ id: 'cfca-cryptokit', pinEntry: 'client' });
      expect(await driver.listCertificates()).toEqual([{ id: certId, label: 'CFCA@厦门帝网信息科技有限公司@N91350200556207664B@1', certificate: Buffer.from(cert.der).toString('base64'), provider: 'cfca' }]);
      expect(await steer('return r.kit.requests.slice(0, 3)')).toEqual(['connect', 'checkHost', 'SelectCertificate']);
      expect(await steer('return r.kit.lastVia')).toBe(via); // found by the driver itself (transport auto)
    }, 30_000);

    it("the right PIN in the CSP's dialog: a detached CMS signature the server verifies", async () => {
      await open();
      await driver.login(certId, '');
      const signature = await driver.sign(certId, TEXT);
      expect(signature.format).toBe('cms');
      expect(verifySignature({ certificate: cert.pem, data: TEXT, signature: signature.signature, format: 'cms' })).toBe(true);
      expect(await steer('return r.kit.signCalls')).toEqual([{ hash: 'SM3', attached: false }]);
    }, 30_000);

    it('a wrong PIN: PIN_INCORRECT, tries left unknown', async () => {
      await open();
      await steer("r.pins.push('000000')");
      await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({
        code: 'PIN_INCORRECT',
        message: '校验失败，UKey密码错误。剩余尝试次数未知。',
        details: { remaining: null, source: 'unknown', vendorText: '用户口令错误' },
      });
      expect((await driver.sign(certId, TEXT)).format).toBe('cms'); // the right PIN next time
    }, 30_000);

    it('the third wrong PIN locks: PIN_LOCKED, also for the right PIN afterwards', async () => {
      await open();
      await steer("r.pins.push('000000', '000000', '000000')");
      await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'PIN_INCORRECT' });
      await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'PIN_INCORRECT' });
      await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'PIN_LOCKED', message: '密码已被锁死，UKey暂时无法使用。' });
      await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'PIN_LOCKED' });
    }, 30_000);

    it('an unknown certificate: CERT_NOT_FOUND', async () => {
      await open();
      await expect(driver.login('0123456789', '')).rejects.toMatchObject({ code: 'CERT_NOT_FOUND' });
    }, 30_000);

    it("cancelling the CSP's dialog, or the page's abort: USER_CANCELLED", async () => {
      await open();
      await steer('r.pins.push(null)');
      await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'USER_CANCELLED', details: { vendorText: '用户取消了操作' } });
      await steer("r.kit.tamper('silent')");
      const pending = driver.begin('sign', [certId, TEXT]);
      await pending.abort();
      expect(await pending.settled).toMatchObject({ ok: false, error: { code: 'USER_CANCELLED' } });
    }, 30_000);

    it('the client not running: the extension missing, then the host missing', async () => {
      await open();
      await steer('r.kit.extension = false');
      await expect(driver.listCertificates()).rejects.toMatchObject({
        code: 'CLIENT_NOT_RUNNING',
        message: '未检测到CFCA CryptoKit浏览器扩展。',
        details: { reason: 'extension-missing' },
        remedies: { 'zh-CN': '请安装并启用CA机构提供的浏览器扩展后刷新页面。' },
      });
      await steer('r.kit.extension = true; r.kit.host = false');
      await expect(driver.listCertificates()).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING', message: '未检测到CFCA CryptoKit本地程序。', details: { reason: 'host-missing' } });
      await steer('r.kit.host = true');
      expect(await driver.listCertificates()).toHaveLength(1);
    }, 30_000);

    it('the key pulled out while the PIN dialog is open: DEVICE_REMOVED, then no certificate', async () => {
      await open();
      await driver.login(certId, '');
      await steer("r.pins.push('pull')");
      await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'DEVICE_REMOVED' });
      expect(await driver.listCertificates()).toEqual([]);
      await expect(driver.login(certId, '')).rejects.toMatchObject({ code: 'TOKEN_NOT_PRESENT' });
    }, 30_000);

    it('a malformed reply: CLIENT_PROTOCOL_ERROR, and the driver recovers', async () => {
      await open({ timeoutMs: 500, interactiveTimeoutMs: 500 });
      await driver.login(certId, '');
      await steer(`r.kit.tamper('not-json', '${via}')`);
      await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR' });
      await steer(`r.kit.tamper('${via === 'events' ? 'wrong-id' : 'missing-fields'}', '${via}')`);
      await expect(driver.login(certId, '')).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR' });
      await driver.login(certId, '');
    }, 30_000);
  });
});
