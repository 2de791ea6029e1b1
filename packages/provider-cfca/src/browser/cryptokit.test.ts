import { describe, expect, it } from 'vitest';
import { verifySignature } from '@yizheng/core';
import { createSoftwareToken } from '@yizheng/core/software-token';
import { createTestCa, issueCertificate, privateKeyToPem, type TestKeyAlgorithm } from '@yizheng/core/testing';
import { emulateCryptoKit, type PinDialog } from './emulator';
import { createCfcaDriver } from './index';

const TEXT = 'yizheng:1|login|https://bid.example.gov.cn|bm9uY2U|2026-06-01T08:05:00.000Z';

async function setup(algorithm: TestKeyAlgorithm = 'sm2', typePin: PinDialog = () => '111111', options: { timeoutMs?: number } = {}) {
  const ca = createTestCa({ subject: `CN=CFCA ${algorithm} Test CA, O=CFCA, C=CN`, keyAlgorithm: algorithm });
  const cert = issueCertificate({ subject: 'CN=CFCA@厦门帝网信息科技有限公司@N91350200556207664B@1, OU=Organizational-1', issuer: ca });
  const token = await createSoftwareToken({
    certificates: [{ certificate: cert.pem, privateKey: privateKeyToPem(cert.key), id: cert.certificate.serialNumber }],
    pin: '111111',
    maxTries: 3,
    signatureFormat: 'cms',
    requireLogin: false,
  });
  const kit = emulateCryptoKit(token, { typePin, certType: algorithm === 'sm2' ? 'SM2' : 'RSA' });
  const driver = createCfcaDriver({ cryptoKit: kit, ...(options.timeoutMs && { timeoutMs: options.timeoutMs, interactiveTimeoutMs: options.timeoutMs }) });
  return { cert, token, kit, driver, certId: cert.certificate.serialNumber };
}

describe('CFCA CryptoKit driver against an emulated extension', () => {
  it.each(['sm2', 'rsa', 'ec'] as const)('lists the selected %s certificate and signs detached CMS that verifies', async (algorithm) => {
    const { cert, kit, driver, certId } = await setup(algorithm);
    expect(driver.pinEntry).toBe('client');
    const [listed] = await driver.listCertificates();
    expect(listed).toEqual({ id: certId, label: 'CFCA@厦门帝网信息科技有限公司@N91350200556207664B@1', certificate: Buffer.from(cert.der).toString('base64'), provider: 'cfca' });
    await driver.login(certId, ''); // nothing to do: the CSP asks for the PIN when signing
    const signature = await driver.sign(certId, TEXT);
    expect(signature.format).toBe('cms');
    expect(kit.signCalls).toEqual([{ hash: algorithm === 'sm2' ? 'SM3' : 'SHA-256', attached: false }]);
    expect(verifySignature({ certificate: listed?.certificate, data: TEXT, signature: signature.signature, format: 'cms' })).toBe(true);
  });

  it("a wrong PIN in the CSP's dialog is PIN_INCORRECT with unknown tries; the last one PIN_LOCKED", async () => {
    const { driver, certId } = await setup('sm2', () => '000000');
    await driver.listCertificates();
    const error = await driver.sign(certId, TEXT).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PIN_INCORRECT', details: { remaining: null, source: 'unknown', retriesZh: '剩余尝试次数未知。' } });
    await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'PIN_INCORRECT' });
    await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'PIN_LOCKED' });
  });

  it('cancelling the PIN dialog is USER_CANCELLED, as is the text 取消 and the page abort', async () => {
    const { kit, driver, certId } = await setup('sm2', () => null);
    await driver.listCertificates();
    await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'USER_CANCELLED' });
    kit.failNext({ errorcode: -1, result: '用户取消了操作' });
    await expect(driver.listCertificates()).rejects.toMatchObject({ code: 'USER_CANCELLED' });
    await expect(driver.sign(certId, TEXT, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'USER_CANCELLED' });
  });

  it('no key: an empty list, TOKEN_NOT_PRESENT; pulled out while signing: DEVICE_REMOVED; unknown: CERT_NOT_FOUND', async () => {
    let pull = (): void => undefined;
    const { token, driver, certId } = await setup('sm2', () => {
      pull();
      return '111111';
    });
    await driver.listCertificates();
    pull = () => token.remove();
    await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'DEVICE_REMOVED' });
    pull = () => undefined;
    expect(await driver.listCertificates()).toEqual([]);
    await expect(driver.login(certId, '')).rejects.toMatchObject({ code: 'TOKEN_NOT_PRESENT' });
    token.insert();
    await expect(driver.login('0123', '')).rejects.toMatchObject({ code: 'CERT_NOT_FOUND' });
  });

  it('a missing extension or native host is CLIENT_NOT_RUNNING', async () => {
    await expect(createCfcaDriver({ cryptoKit: () => undefined }).listCertificates()).rejects.toMatchObject({
      code: 'CLIENT_NOT_RUNNING',
      details: { client: 'CFCA CryptoKit 浏览器扩展' },
    });
    const { kit } = await setup();
    const noHost = { ...kit, init: () => Promise.reject({ errorcode: 1, result: 'Specified native messaging host not found.' }) };
    await expect(createCfcaDriver({ cryptoKit: noHost }).listCertificates()).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING' });
  });

  it.each(['not-json', 'missing-fields', 'silent'] as const)('a faulty answer (%s) is CLIENT_PROTOCOL_ERROR, and the driver recovers', async (fault) => {
    const { kit, driver, certId } = await setup('sm2', () => '111111', { timeoutMs: 200 });
    await driver.listCertificates();
    kit.tamper(fault);
    await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR' });
    expect((await driver.sign(certId, TEXT)).format).toBe('cms');
  });

  it('maps other CSP codes: algorithm, unknown errors', async () => {
    const { kit, driver } = await setup();
    kit.failNext({ errorcode: 0x80090008 | 0, result: 'Invalid algorithm specified.' });
    await expect(driver.listCertificates()).rejects.toMatchObject({ code: 'MECHANISM_UNSUPPORTED' });
    kit.failNext({ errorcode: 7, result: 'something else' });
    await expect(driver.listCertificates()).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR', details: { errorcode: 7 } });
  });
});
