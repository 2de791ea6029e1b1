import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifySignature } from '@yizheng/core/crypto';
import { signChallenge, type QrCodePrompt } from '@yizheng/core/client';
import { createSoftwareToken } from '@yizheng/core/software-token';
import { createTestCa, issueCertificate, privateKeyToPem } from '@yizheng/core/testing';
import { startMobileService, type MobileService } from './mobile-emulator';
import { createHuixinMobileDriver, type HuixinMobileDriverOptions } from './index';

const ca = createTestCa({ subject: 'CN=Huixin Mobile Test CA, O=浙江汇信, C=CN', keyAlgorithm: 'sm2' });
const leaf = issueCertificate({ subject: 'CN=赵六, O=浙江示例科技有限公司, C=CN', issuer: ca });
const TEXT = 'yizheng:1|login|https://bid.example.gov.cn|bm9uY2U|2026-06-01T08:05:00.000Z';

let service: MobileService;
let prompts: QrCodePrompt[];
beforeEach(async () => {
  const phone = await createSoftwareToken({ certificates: [{ certificate: leaf.pem, privateKey: privateKeyToPem(leaf.key) }], signatureFormat: 'der', requireLogin: false });
  service = await startMobileService(phone);
  prompts = [];
});
afterEach(() => service.stop());

function driver(phone: { onScan?: (id: string) => void; onConfirm?: (id: string) => void } = {}, extra: Partial<HuixinMobileDriverOptions> = {}) {
  return createHuixinMobileDriver({
    endpoint: `${service.endpoint}/`,
    pollIntervalMs: 100,
    timeoutMs: 2000,
    requestTimeoutMs: 500,
    onQrCode: (prompt) => {
      prompts.push(prompt);
      phone.onScan?.(prompt.sessionId);
    },
    onConfirm: ({ certId }) => phone.onConfirm?.(certId),
    ...extra,
  });
}

const later = (fn: () => unknown) => setTimeout(() => void fn(), 150);

describe('Huixin mobile certificate driver (QR code) against an emulated service', () => {
  it('shows the QR code, pairs on the scan, and signs once the user confirms on the phone', async () => {
    const d = driver({ onScan: (id) => later(() => service.scan(id)), onConfirm: (id) => later(() => service.confirm(id)) });
    expect(d.pinEntry).toBe('client');
    const [cert] = await d.listCertificates();
    expect(prompts.map((p) => p.payload)).toEqual(['huixin-mobile://bind?session=s1']);
    expect(prompts[0]?.expiresAt).toBeInstanceOf(Date);
    expect(cert).toMatchObject({ id: 's1', label: '赵六', provider: 'huixin', certificate: Buffer.from(leaf.der).toString('base64') });
    if (!cert) throw new Error('no certificate');
    await d.login(cert.id, '');
    const token = await signChallenge(d, cert, TEXT);
    expect(token).toMatchObject({ format: 'yizheng:1', signatureFormat: 'der', provider: 'huixin' });
    expect(verifySignature({ certificate: token.certificate, data: TEXT, signature: token.signature, format: token.signatureFormat })).toBe(true);
    expect(await d.listCertificates()).toEqual([cert]); // still paired: no second QR code
    expect(prompts).toHaveLength(1);
  });

  it('declining on the phone is USER_CANCELLED', async () => {
    await expect(driver({ onScan: (id) => later(() => service.decline(id)) }).listCertificates()).rejects.toMatchObject({ code: 'USER_CANCELLED' });
    const d = driver({ onScan: (id) => later(() => service.scan(id)), onConfirm: (id) => later(() => service.decline(id)) });
    const [cert] = await d.listCertificates();
    await expect(d.sign(cert?.id ?? '', TEXT)).rejects.toMatchObject({ code: 'USER_CANCELLED' });
  });

  it('an expired, unanswered or forgotten QR code is QR_CODE_EXPIRED', async () => {
    await expect(driver({ onScan: (id) => later(() => service.expire(id)) }).listCertificates()).rejects.toMatchObject({ code: 'QR_CODE_EXPIRED' });
    await expect(driver({}, { timeoutMs: 300 }).listCertificates()).rejects.toMatchObject({ code: 'QR_CODE_EXPIRED' });
    await expect(driver({ onScan: (id) => later(() => service.drop(id)) }).listCertificates()).rejects.toMatchObject({ code: 'QR_CODE_EXPIRED' });
  });

  it("the page's abort ends the wait at once (USER_CANCELLED)", async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = driver({ onScan: () => setTimeout(() => controller.abort(), 50) }).listCertificates({ signal: controller.signal });
    await expect(pending).rejects.toMatchObject({ code: 'USER_CANCELLED' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('an unreachable service is CLIENT_NOT_RUNNING; a sign for another certificate CERT_NOT_FOUND', async () => {
    const d = createHuixinMobileDriver({ endpoint: 'http://127.0.0.1:1', onQrCode: () => undefined });
    await expect(d.listCertificates()).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING', details: { client: '汇信CA移动证书服务' } });
    await expect(d.sign('s9', TEXT)).rejects.toMatchObject({ code: 'CERT_NOT_FOUND' });
  });

  it.each(['not-json', 'missing-fields', 'http-500', 'silent'] as const)('a faulty answer (%s) is CLIENT_PROTOCOL_ERROR', async (fault) => {
    service.tamper(fault);
    await expect(driver().listCertificates()).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR' });
  });
});
