/**
 * Opening at 开标 with a key the server never holds: the server reads the encrypted content key,
 * the page's token driver decrypts it, the server opens the content with it.
 */
import { describe, expect, it } from 'vitest';
import { createSoftwareToken } from '../software-token/index';
import { createTestCa, issueCertificatePair, privateKeyToPem, type TestCertificatePair } from '../testing/index';
import { isYizhengError } from '../errors/index';
import { openEnvelopeWithKey, prepareEnvelopeOpening, sealEnvelope } from './envelope';

const BID = new TextEncoder().encode('投标报价：壹佰万元整');

function pairOf(keyAlgorithm: 'rsa' | 'sm2'): TestCertificatePair {
  return issueCertificatePair({ subject: 'CN=投标人, O=示例公司', issuer: createTestCa({ subject: `CN=Opening ${keyAlgorithm} CA`, keyAlgorithm }), keyAlgorithm });
}

async function driverFor(pair: TestCertificatePair) {
  const token = await createSoftwareToken({
    certificates: [{ certificate: pair.signing.pem, privateKey: privateKeyToPem(pair.signing.key), encryptionCertificate: pair.encryption.pem, encryptionPrivateKey: privateKeyToPem(pair.encryption.key) }],
  });
  const [listed] = await token.listCertificates();
  if (!listed) throw new Error('no certificate listed');
  await token.login(listed.id, '123456');
  return { token, id: listed.id };
}

describe('opening an envelope through the page key', () => {
  it.each([
    ['sm2', undefined],
    ['rsa', 'oaep'],
  ] as const)('%s: seal on the server, decrypt the content key on the page, open on the server', async (alg, padding) => {
    const pair = pairOf(alg);
    const envelope = sealEnvelope({ content: BID, recipients: [pair.encryption.pem], ...(padding && { rsa: { padding } }) });
    const request = prepareEnvelopeOpening({ envelope, certificate: pair.encryption.pem });
    expect(request.algorithm).toBe(alg === 'sm2' ? 'sm2' : 'rsa-oaep');
    const { token, id } = await driverFor(pair);
    const contentKey = await token.decrypt({ certificateId: id, ...request });
    expect(new TextDecoder().decode(openEnvelopeWithKey({ envelope, certificate: pair.encryption.pem, contentKey }))).toBe('投标报价：壹佰万元整');
  });

  it('refuses a wrong content key with a typed error, never a plaintext', () => {
    const pair = pairOf('sm2');
    const envelope = sealEnvelope({ content: BID, recipients: [pair.encryption.pem] });
    let failures = 0;
    for (let i = 0; i < 20; i++) {
      try {
        openEnvelopeWithKey({ envelope, certificate: pair.encryption.pem, contentKey: crypto.getRandomValues(new Uint8Array(16)) });
      } catch (e) {
        if (isYizhengError(e, 'ENVELOPE_DECRYPT_FAILED')) failures++;
        else throw e;
      }
    }
    // A random 16-byte key passes the CBC padding check about once in 256 tries.
    expect(failures).toBeGreaterThanOrEqual(18);
    expect(() => openEnvelopeWithKey({ envelope, certificate: pair.encryption.pem, contentKey: 'not base64!' })).toThrow(/contentKey/);
  });

  it('names the envelope not being for this certificate', () => {
    const envelope = sealEnvelope({ content: BID, recipients: [pairOf('sm2').encryption.pem] });
    expect(() => prepareEnvelopeOpening({ envelope, certificate: pairOf('sm2').encryption.pem })).toThrow(expect.objectContaining({ code: 'ENVELOPE_NOT_FOR_THIS_KEY' }));
  });
});
