/**
 * SOF decryption (`withSofDecrypt`, `SOF_PriKeyDecrypt`) against the emulated clients over a software
 * token holding an encryption key: the default JSON shape, GDCA's and the XTX preset, in memory.
 */
import { constants, createPublicKey, publicEncrypt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sm2Encrypt } from '../envelope/sm2-cipher';
import { createSofBackend, createSofWireEmulator, createSoftwareToken, type SofWireShape } from '../software-token/index';
import { createTestCa, issueCertificatePair, privateKeyToPem, type TestCertificatePair } from '../testing/index';
import { createSofDriver, createSofJsonCarrier, type SofProtocol } from './index';
import { gdcaProtocol, namedFieldsProtocol, xtxProtocol } from './sof-presets';
import { withSofDecrypt } from './sof-decrypt';

const KEY = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const codeOf = (p: Promise<unknown>): Promise<unknown> => p.then(() => 'no error', (e: { code?: string }) => e.code ?? e);
const pairOf = (keyAlgorithm: 'rsa' | 'sm2'): TestCertificatePair =>
  issueCertificatePair({ subject: 'CN=投标人', issuer: createTestCa({ subject: `CN=SOF ${keyAlgorithm} CA`, keyAlgorithm }), keyAlgorithm });
const sm2 = pairOf('sm2');
const rsa = pairOf('rsa');

async function rig(pair: TestCertificatePair, shape: SofWireShape, protocol?: SofProtocol) {
  const token = await createSoftwareToken({
    certificates: [{ certificate: pair.signing.pem, privateKey: privateKeyToPem(pair.signing.key), encryptionCertificate: pair.encryption.pem, encryptionPrivateKey: privateKeyToPem(pair.encryption.key) }],
    signatureFormat: 'der',
  });
  const emulator = createSofWireEmulator(createSofBackend(token, { errorCodes: shape === 'gdca' ? 'gdca' : 'standard' }), shape);
  const carrier = createSofJsonCarrier({ url: 'http://127.0.0.1:9/sof', client: '测试客户端', fetch: emulator.fetch, ...(protocol && { protocol }) });
  const driver = withSofDecrypt(createSofDriver({ id: 'sof', carrier, timeoutMs: 500, interactiveTimeoutMs: 500 }), carrier, { timeoutMs: 500 });
  return { token, emulator, driver };
}

const cases: [SofWireShape, () => SofProtocol | undefined][] = [
  ['json', () => undefined],
  ['gdca', () => gdcaProtocol()],
  ['xtx', () => xtxProtocol({ pageUrl: 'https://bid.example.gov.cn/' })],
  // The preset's default parameter names do not name SOF_PriKeyDecrypt's InData yet: given here.
  ['named', () => namedFieldsProtocol({ params: { SOF_PriKeyDecrypt: ['ContainerName', 'InData'] } })],
];

describe.each(cases)('SOF_PriKeyDecrypt through the %s shape', (shape, protocol) => {
  it('decrypts an SM2 ciphertext made to the encryption certificate, after login; the request names SOF_PriKeyDecrypt', async () => {
    const { driver, emulator } = await rig(sm2, shape, protocol());
    const [listed] = await driver.listCertificates();
    expect(listed?.encryptionCertificate).toBe(b64(sm2.encryption.der));
    const ciphertext = b64(sm2Encrypt(sm2.encryption.key.publicKeyBits, KEY));
    await driver.login('cert-1', '123456');
    expect(await driver.decrypt({ certificateId: 'cert-1', ciphertext })).toBe(b64(KEY));
    expect(JSON.stringify(emulator.requests.at(-1))).toContain('SOF_PriKeyDecrypt');
  });

  it('without a login, or for another key, it fails as the client says; an unknown certificate is CERT_NOT_FOUND', async () => {
    const { driver, token, emulator } = await rig(sm2, shape, protocol());
    const ciphertext = b64(sm2Encrypt(sm2.encryption.key.publicKeyBits, KEY));
    const before = await codeOf(driver.decrypt({ certificateId: 'cert-1', ciphertext }));
    // The json shape names the meaning; the others only have a code (SOR_UnknownErr) for it.
    expect(before).toBe(shape === 'json' ? 'TOKEN_LOGIN_REQUIRED' : 'CLIENT_REPORTED_ERROR');
    await driver.login('cert-1', '123456');
    expect(await codeOf(driver.decrypt({ certificateId: 'cert-1', ciphertext: b64(sm2Encrypt(sm2.signing.key.publicKeyBits, KEY)) }))).toBe('CLIENT_REPORTED_ERROR');
    expect(await codeOf(driver.decrypt({ certificateId: 'cert-1', ciphertext: '**' }))).toBe('CLIENT_PROTOCOL_ERROR');
    // At most 1 KiB of ciphertext goes to the client (1368 base64 characters unpadded are 1026 bytes).
    const sent = emulator.requests.length;
    expect(await codeOf(driver.decrypt({ certificateId: 'cert-1', ciphertext: 'A'.repeat(1368) }))).toBe('CLIENT_PROTOCOL_ERROR');
    expect(await codeOf(driver.decrypt({ certificateId: 'cert-1', ciphertext: `${'A'.repeat(1364)}AAA=` }))).toBe('CLIENT_PROTOCOL_ERROR');
    expect(emulator.requests.length).toBe(sent);
    expect(await codeOf(driver.decrypt({ certificateId: 'cert-1', ciphertext: `${'A'.repeat(1364)}AA==` }))).toBe('CLIENT_REPORTED_ERROR'); // 1024 bytes: the client's answer
    expect(await codeOf(driver.decrypt({ certificateId: 'cert-9', ciphertext }))).toBe('CERT_NOT_FOUND');
    token.remove();
    expect(await codeOf(driver.decrypt({ certificateId: 'cert-1', ciphertext }))).toBe('TOKEN_NOT_PRESENT');
  });
});

describe('SOF decrypt with an RSA key', () => {
  it('the call takes no algorithm: the emulated client decrypts RSA-OAEP (SHA-256), its key\'s scheme', async () => {
    const { driver } = await rig(rsa, 'json');
    await driver.login('cert-1', '123456');
    const publicKey = createPublicKey({ key: Buffer.from(rsa.encryption.key.spki), format: 'der', type: 'spki' });
    const ciphertext = b64(publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, KEY));
    expect(await driver.decrypt({ certificateId: 'cert-1', ciphertext, algorithm: 'rsa-pkcs1' })).toBe(b64(KEY));
  });

  it("the page's abort before the call is USER_CANCELLED", async () => {
    const { driver } = await rig(rsa, 'json');
    expect(await codeOf(driver.decrypt({ certificateId: 'cert-1', ciphertext: 'AAAA' }, { signal: AbortSignal.abort() }))).toBe('USER_CANCELLED');
  });
});
