import { describe, expect, it } from 'vitest';
import { verifySignature } from '@yizheng/core/crypto';
import { createSofBackend, createSofJsonEmulator, createSoftwareToken, tokenDriverChecks, type TokenDriverHarness } from '@yizheng/core/software-token';
import { createTestCa, issueCertificate, privateKeyToPem } from '@yizheng/core/testing';
import type { FetchLike } from '@yizheng/core/client';
import { createCmcaDriver } from './index';

const ca = createTestCa({ subject: 'CN=CMCA Test CA, O=中国移动, C=CN', keyAlgorithm: 'rsa' });
const leaf = issueCertificate({ subject: 'CN=王五, O=示例采购代理有限公司, C=CN', issuer: ca, keyUsage: ['digitalSignature', 'nonRepudiation'] });

const CERTS = [{ certificate: leaf.pem, privateKey: privateKeyToPem(leaf.key) }];

// CMCA's client emulated over a WebSocket (in memory), with an RSA key, in the default wire: the SDK's
// documented SOF-over-JSON shape (CMCA's own wire format is unknown).
const harness: TokenDriverHarness = {
  certificates: CERTS,
  provider: 'cmca',
  async start(token) {
    const emulator = createSofJsonEmulator(createSofBackend(token));
    const driver = createCmcaDriver({ url: 'ws://127.0.0.1:8766/sof', WebSocket: emulator.WebSocket, pinLength: { min: 6, max: 16 }, timeoutMs: 300, interactiveTimeoutMs: 300 });
    return { driver, tamper: (fault) => (emulator.tamperNext(fault), true), stop: async () => undefined };
  },
  notRunning: () => createCmcaDriver({ url: 'ws://127.0.0.1:1/sof' }),
  verify: ({ certificate, text, signature }) => verifySignature({ certificate, data: text, signature: signature.signature, format: signature.format }),
};

describe('CMCA SOF driver against an emulated client (WebSocket)', () => {
  for (const check of tokenDriverChecks(harness)) it(check.name, check.run);

  it('names CMCA in CLIENT_NOT_RUNNING, over a real (refused) WebSocket', async () => {
    const driver = harness.notRunning();
    expect(driver.id).toBe('cmca-sof');
    await expect(driver.listCertificates()).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING', details: { client: '中国移动CA证书客户端', url: 'ws://127.0.0.1:1/sof' } });
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
    const driver = createCmcaDriver({
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
