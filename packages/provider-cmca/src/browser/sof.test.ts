import { describe, expect, it } from 'vitest';
import { verifySignature } from '@yizheng/core';
import { createSofBackend, createSofJsonEmulator, tokenDriverChecks, type TokenDriverHarness } from '@yizheng/core/software-token';
import { createTestCa, issueCertificate, privateKeyToPem } from '@yizheng/core/testing';
import { createCmcaDriver } from './index';

const ca = createTestCa({ subject: 'CN=CMCA Test CA, O=中国移动, C=CN', keyAlgorithm: 'rsa' });
const leaf = issueCertificate({ subject: 'CN=王五, O=示例采购代理有限公司, C=CN', issuer: ca, keyUsage: ['digitalSignature', 'nonRepudiation'] });

// CMCA's client emulated over a WebSocket (in memory), with an RSA key: the assumed SOF-over-JSON protocol.
const harness: TokenDriverHarness = {
  certificates: [{ certificate: leaf.pem, privateKey: privateKeyToPem(leaf.key) }],
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
});
