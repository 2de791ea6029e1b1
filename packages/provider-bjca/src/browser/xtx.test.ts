import { describe, expect, it } from 'vitest';
import { verifySignature } from '@yizheng/core';
import { createSofBackend, createSoftwareToken, tokenDriverChecks, type TokenDriverHarness } from '@yizheng/core/software-token';
import { createTestCa, issueCertificatePair, privateKeyToPem } from '@yizheng/core/testing';
import { startXtxEmulator } from './emulator';
import { BJCA_XTX_URLS, createBjcaDriver } from './index';

const ca = createTestCa({ subject: 'CN=BJCA Test SM2 CA, O=BJCA, C=CN', keyAlgorithm: 'sm2' });
const pair = issueCertificatePair({ subject: 'CN=张三, O=厦门帝网信息科技有限公司, C=CN', issuer: ca });
const certificates = [{ certificate: pair.signing.pem, privateKey: privateKeyToPem(pair.signing.key), encryptionCertificate: pair.encryption.pem }];

const harness: TokenDriverHarness = {
  certificates,
  provider: 'bjca',
  async start(token) {
    const emulator = await startXtxEmulator(createSofBackend(token));
    const driver = createBjcaDriver({ url: emulator.url, timeoutMs: 400, interactiveTimeoutMs: 400, pageUrl: 'https://bid.example.gov.cn/login' });
    return { driver, tamper: emulator.tamper, stop: emulator.stop };
  },
  notRunning: () => createBjcaDriver({ url: 'ws://127.0.0.1:1/xtxapp/' }),
  verify: ({ certificate, text, signature }) => verifySignature({ certificate, data: text, signature: signature.signature, format: signature.format }),
};

describe('BJCA XTX driver against an emulated BJCA证书应用环境', () => {
  for (const check of tokenDriverChecks(harness)) it(check.name, check.run);

  it('speaks XTX: call_cmd_id, xtx_func_name, param, URL, and the login token afterwards', async () => {
    const token = await createSoftwareToken({ certificates, signatureFormat: 'der' });
    const emulator = await startXtxEmulator(createSofBackend(token));
    const driver = createBjcaDriver({ url: emulator.url, pageUrl: 'https://bid.example.gov.cn/login' });
    try {
      const [cert] = await driver.listCertificates();
      expect(cert).toMatchObject({ id: 'cert-1', label: '张三', provider: 'bjca', encryptionCertificate: Buffer.from(pair.encryption.der).toString('base64') });
      await driver.login('cert-1', '123456');
      const signature = await driver.sign('cert-1', 'yizheng:1|login|x');
      expect(signature.format).toBe('auto');
      expect(Buffer.from(signature.signature, 'base64')[0]).toBe(0x30); // DER SEQUENCE, as BJCA clients return for SM2
      expect(emulator.requests[0]).toEqual({ call_cmd_id: 'i_1', xtx_func_name: 'SOF_GetUserList', param: [], URL: 'https://bid.example.gov.cn/login' });
      const sign = emulator.requests.find((r) => r['xtx_func_name'] === 'SOF_SignData');
      expect(sign).toMatchObject({ param: ['cert-1', 'yizheng:1|login|x'], token: 'xtx-session-1' });
      expect(await driver.getPinStatus?.('cert-1')).toEqual({ remaining: 6, source: 'exact', finalTry: false, locked: false, mustChange: false });
    } finally {
      await driver.close?.();
      await emulator.stop();
    }
  });

  it('checks the 6–16 PIN length before the key sees it', async () => {
    const driver = createBjcaDriver({ url: 'ws://127.0.0.1:1/xtxapp/' });
    await expect(driver.login('cert-1', '12345')).rejects.toMatchObject({ code: 'PIN_LEN_RANGE', details: { min: 6, max: 16 } });
    await expect(driver.login('cert-1', '12345678901234567')).rejects.toMatchObject({ code: 'PIN_LEN_RANGE' });
  });

  it('connects to wss://127.0.0.1:21061/xtxapp/ from an https page, ws://...:21051 otherwise', async () => {
    const urls: string[] = [];
    class Recorder {
      readyState = 3;
      constructor(url: string) {
        urls.push(url);
        throw new Error('refused');
      }
      send(): void {}
      close(): void {}
      addEventListener(): void {}
    }
    await expect(createBjcaDriver({ WebSocket: Recorder }).listCertificates()).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING', details: { client: 'BJCA证书应用环境' } });
    const location = { protocol: 'https:', href: 'https://bid.example.gov.cn/' };
    Object.assign(globalThis, { location });
    try {
      await expect(createBjcaDriver({ WebSocket: Recorder }).listCertificates()).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING' });
    } finally {
      Reflect.deleteProperty(globalThis, 'location');
    }
    expect(urls).toEqual([BJCA_XTX_URLS.http, BJCA_XTX_URLS.https]);
  });
});
