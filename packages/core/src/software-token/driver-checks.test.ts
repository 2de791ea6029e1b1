import { describe, expect, it } from 'vitest';
import { clientError } from '../client/errors';
import type { TokenDriver } from '../client/token-driver';
import { verifySignature } from '../crypto/index';
import { createTestCa, issueCertificate, privateKeyToPem } from '../testing/index';
import { tokenDriverChecks, type TokenDriverHarness } from './index';

const leaf = issueCertificate({ subject: 'CN=张三', issuer: createTestCa() });

function harness(wrap: (token: TokenDriver) => TokenDriver = (t) => t): TokenDriverHarness {
  return {
    certificates: [{ certificate: leaf.pem, privateKey: privateKeyToPem(leaf.key) }],
    // The software token is its own "client": no wire, so no reply faults.
    start: async (token) => ({ driver: wrap(token), tamper: () => false, stop: async () => undefined }),
    notRunning: () => ({
      id: 'absent',
      listCertificates: () => Promise.reject(clientError('CLIENT_NOT_RUNNING', { client: 'none' })),
      login: () => Promise.reject(clientError('CLIENT_NOT_RUNNING', { client: 'none' })),
      sign: () => Promise.reject(clientError('CLIENT_NOT_RUNNING', { client: 'none' })),
    }),
    verify: ({ certificate, text, signature }) => verifySignature({ certificate, data: text, signature: signature.signature, format: signature.format }),
  };
}

describe('tokenDriverChecks', () => {
  describe('the software token passes them', () => {
    for (const check of tokenDriverChecks(harness())) it(check.name, check.run);
  });

  it('catch a driver that loses the tries left or swallows a locked PIN', async () => {
    const lossy = harness((token) => ({
      ...token,
      login: (certId, pin) => token.login(certId, pin).catch(() => Promise.reject(clientError('CLIENT_PROTOCOL_ERROR', { reason: 'lost' }))),
    }));
    const failures: string[] = [];
    for (const check of tokenDriverChecks(lossy)) await check.run().catch((e: Error) => failures.push(e.message));
    expect(failures).toContain('expected PIN_INCORRECT, got CLIENT_PROTOCOL_ERROR');
    expect(failures).toContain('first wrong PIN: expected PIN_INCORRECT, got CLIENT_PROTOCOL_ERROR');
  });
});
