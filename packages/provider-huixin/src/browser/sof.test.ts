import { describe, expect, it } from 'vitest';
import { verifySignature } from '@yizheng/core';
import { createSofBackend, createSofJsonEmulator, createSoftwareToken, tokenDriverChecks, type TokenDriverHarness } from '@yizheng/core/software-token';
import { createTestCa, issueCertificatePair, privateKeyToPem } from '@yizheng/core/testing';
import { createHuixinDriver } from './index';

const ca = createTestCa({ subject: 'CN=Huixin Test SM2 CA, O=浙江汇信, C=CN', keyAlgorithm: 'sm2' });
const pair = issueCertificatePair({ subject: 'CN=李四, O=浙江示例科技有限公司, C=CN', issuer: ca });
const certificates = [{ certificate: pair.signing.pem, privateKey: privateKeyToPem(pair.signing.key), encryptionCertificate: pair.encryption.pem }];
const URL = 'http://127.0.0.1:8765/sof'; // answered in memory by the emulator's fetch

// Huixin's client emulated over HTTP (one POST per SOF call): the assumed SOF-over-JSON protocol.
const harness: TokenDriverHarness = {
  certificates,
  provider: 'huixin',
  async start(token) {
    const emulator = createSofJsonEmulator(createSofBackend(token));
    const driver = createHuixinDriver({ url: URL, fetch: emulator.fetch, pinLength: { min: 6, max: 16 }, timeoutMs: 300, interactiveTimeoutMs: 300 });
    // HTTP pairs each reply with its request: a wrong id cannot happen on this wire.
    return { driver, tamper: (fault) => fault !== 'wrong-id' && (emulator.tamperNext(fault), true), stop: async () => undefined };
  },
  notRunning: () => createHuixinDriver({ url: 'http://127.0.0.1:1/sof' }),
  verify: ({ certificate, text, signature }) => verifySignature({ certificate, data: text, signature: signature.signature, format: signature.format }),
};

describe('Huixin SOF driver against an emulated client (HTTP)', () => {
  for (const check of tokenDriverChecks(harness)) it(check.name, check.run);

  it('posts { fn, args } as text/plain, maps function names, and names Huixin in CLIENT_NOT_RUNNING', async () => {
    const token = await createSoftwareToken({ certificates, signatureFormat: 'der' });
    const emulator = createSofJsonEmulator(createSofBackend(token));
    const seen: { url: string; contentType: string | null; body: unknown }[] = [];
    const driver = createHuixinDriver({
      url: URL,
      functionNames: { SOF_GetUserList: 'GetUserList' },
      fetch: async (url, init) => {
        const body = JSON.parse(String(init?.body)) as { fn: string; args: unknown[] };
        seen.push({ url, contentType: new Headers(init?.headers).get('content-type'), body });
        return emulator.fetch(url, { ...init, body: JSON.stringify({ ...body, fn: body.fn === 'GetUserList' ? 'SOF_GetUserList' : body.fn }) });
      },
    });
    expect((await driver.listCertificates()).map((c) => [c.label, c.provider])).toEqual([['李四', 'huixin']]);
    expect(seen[0]).toEqual({ url: URL, contentType: 'text/plain;charset=UTF-8', body: { fn: 'GetUserList', args: [] } });
    expect(driver.id).toBe('huixin-sof');
    await expect(harness.notRunning().listCertificates()).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING', details: { client: '汇信CA证书客户端' } });
  });
});
