import { describe, expect, it } from 'vitest';
import { verifySignature } from '@yizheng/core/crypto';
import { createSofBackend, createSofJsonEmulator, createSoftwareToken, tokenDriverChecks, type TokenDriverHarness } from '@yizheng/core/software-token';
import { createTestCa, issueCertificatePair, privateKeyToPem } from '@yizheng/core/testing';
import type { FetchLike } from '@yizheng/core/client';
import { createHuixinDriver } from './index';

const ca = createTestCa({ subject: 'CN=Huixin Test SM2 CA, O=浙江汇信, C=CN', keyAlgorithm: 'sm2' });
const pair = issueCertificatePair({ subject: 'CN=李四, O=浙江示例科技有限公司, C=CN', issuer: ca });
const CERTS = [{ certificate: pair.signing.pem, privateKey: privateKeyToPem(pair.signing.key), encryptionCertificate: pair.encryption.pem }];
const URL = 'http://127.0.0.1:8765/sof'; // answered in memory by the emulator's fetch

// Huixin's client emulated over HTTP (one POST per SOF call) in the default wire: the SDK's documented
// SOF-over-JSON shape (Huixin's own wire format is unknown).
const harness: TokenDriverHarness = {
  certificates: CERTS,
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

  it('posts { fn, args } as text/plain with the standard names, maps function names, and names Huixin in CLIENT_NOT_RUNNING', async () => {
    const token = await createSoftwareToken({ certificates: CERTS, signatureFormat: 'der' });
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
  it("runs the README's vendor-wire example: a request builder, a reply parser and the vendor's codes", async () => {
    const token = await createSoftwareToken({ certificates: CERTS, signatureFormat: 'der', confirm: () => false });
    const backend = createSofBackend(token, { errorCodes: 'gdca' });
    // A made-up vendor wire: { method, params } in, { errno, data, errmsg } out.
    const fetch: FetchLike = async (_url, init) => {
      const { method, params } = JSON.parse(String(init?.body)) as { method: string; params: unknown[] };
      const r = await backend.call(method, params);
      return new Response(JSON.stringify(r.ok ? { errno: 0, data: r.value } : { errno: r.code, errmsg: r.text }));
    };
    const driver = createHuixinDriver({
      url: 'http://127.0.0.1:8765/x',
      fetch,
      protocol: {
        request: ({ name, args }) => ({ method: name, params: args }),
        reply: (body) =>
          body['errno'] === 0
            ? { ok: true, value: body['data'] }
            : { ok: false, code: body['errno'] as number, text: String(body['errmsg'] ?? '') },
      },
      errorCodes: { 0x0b000447: 'USER_CANCELLED', 0x0b000448: 'DEVICE_REMOVED' },
      pinLength: { min: 6, max: 16 },
    });
    expect(await driver.listCertificates()).toHaveLength(1);
    await driver.login('cert-1', '123456');
    await expect(driver.sign('cert-1', 'x')).rejects.toMatchObject({ code: 'USER_CANCELLED', details: { vendorCode: 0x0b000447, vendorText: '用户取消操作' } });
    await expect(driver.login('cert-1', '000000')).rejects.toMatchObject({ code: 'PIN_INCORRECT', details: { remaining: 5 } });
  });
});
