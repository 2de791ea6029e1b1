import { constants, createPublicKey, publicEncrypt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sm2Encrypt } from '../envelope/sm2-cipher';
import { createTestCa, issueCertificatePair, privateKeyToPem, type TestCertificatePair } from '../testing/index';
import { createSoftwareToken } from './index';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 1); // an envelope's content key
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const codeOf = (p: Promise<unknown>): Promise<unknown> => p.then(() => 'no error', (e: { code?: string }) => e.code ?? e);

function pairOf(keyAlgorithm: 'rsa' | 'sm2'): TestCertificatePair {
  return issueCertificatePair({ subject: 'CN=投标人, O=示例公司', issuer: createTestCa({ subject: `CN=Envelope ${keyAlgorithm} CA`, keyAlgorithm }), keyAlgorithm });
}

function tokenOf(pair: TestCertificatePair, withEncryptionKey = true) {
  return createSoftwareToken({
    certificates: [
      {
        certificate: pair.signing.pem,
        privateKey: privateKeyToPem(pair.signing.key),
        encryptionCertificate: pair.encryption.pem,
        ...(withEncryptionKey && { encryptionPrivateKey: privateKeyToPem(pair.encryption.key) }),
      },
    ],
  });
}

const rsaEncrypt = (pair: TestCertificatePair, oaepHash: 'sha1' | 'sha256' | undefined): string =>
  b64(
    publicEncrypt(
      { key: createPublicKey({ key: Buffer.from(pair.encryption.key.spki), format: 'der', type: 'spki' }), padding: oaepHash ? constants.RSA_PKCS1_OAEP_PADDING : constants.RSA_PKCS1_PADDING, ...(oaepHash && { oaepHash }) },
      KEY,
    ),
  );

describe('software token decrypt', () => {
  const rsa = pairOf('rsa');
  const sm2 = pairOf('sm2');

  it('decrypts RSA-OAEP SHA-256 (default) and SHA-1 with the encryption key, after login', async () => {
    const token = await tokenOf(rsa);
    const ciphertext = rsaEncrypt(rsa, 'sha256');
    expect(await codeOf(token.decrypt({ certificateId: 'cert-1', ciphertext }))).toBe('TOKEN_LOGIN_REQUIRED');
    await token.login('cert-1', '123456');
    expect(await token.decrypt({ certificateId: 'cert-1', ciphertext })).toBe(b64(KEY));
    expect(await token.decrypt({ certificateId: 'cert-1', ciphertext, algorithm: 'rsa-oaep' })).toBe(b64(KEY));
    expect(await token.decrypt({ certificateId: 'cert-1', ciphertext: rsaEncrypt(rsa, 'sha1'), algorithm: 'rsa-oaep-sha1' })).toBe(b64(KEY));
    const listed = (await token.listCertificates())[0];
    expect(listed?.encryptionCertificate).toBe(Buffer.from(rsa.encryption.der).toString('base64'));
  });

  it('refuses PKCS#1 v1.5 (not in WebCrypto) and SM2 on an RSA key: MECHANISM_UNSUPPORTED', async () => {
    const token = await tokenOf(rsa);
    await token.login('cert-1', '123456');
    expect(await codeOf(token.decrypt({ certificateId: 'cert-1', ciphertext: rsaEncrypt(rsa, undefined), algorithm: 'rsa-pkcs1' }))).toBe('MECHANISM_UNSUPPORTED');
    expect(await codeOf(token.decrypt({ certificateId: 'cert-1', ciphertext: rsaEncrypt(rsa, 'sha256'), algorithm: 'sm2' }))).toBe('MECHANISM_UNSUPPORTED');
  });

  it('a ciphertext for another key, or the wrong OAEP hash, is CLIENT_REPORTED_ERROR; not base64 is CLIENT_PROTOCOL_ERROR', async () => {
    const token = await tokenOf(rsa);
    await token.login('cert-1', '123456');
    const other = pairOf('rsa');
    expect(await codeOf(token.decrypt({ certificateId: 'cert-1', ciphertext: rsaEncrypt(other, 'sha256') }))).toBe('CLIENT_REPORTED_ERROR');
    expect(await codeOf(token.decrypt({ certificateId: 'cert-1', ciphertext: rsaEncrypt(rsa, 'sha1') }))).toBe('CLIENT_REPORTED_ERROR');
    expect(await codeOf(token.decrypt({ certificateId: 'cert-1', ciphertext: '%%%' }))).toBe('CLIENT_PROTOCOL_ERROR');
    expect(await codeOf(token.decrypt({ certificateId: 'nope', ciphertext: rsaEncrypt(rsa, 'sha256') }))).toBe('CERT_NOT_FOUND');
  });

  it('decrypts SM2 with the encryption key (not the signing key)', async () => {
    const token = await tokenOf(sm2);
    await token.login('cert-1', '123456');
    const ciphertext = b64(sm2Encrypt(sm2.encryption.key.publicKeyBits, KEY));
    expect(await token.decrypt({ certificateId: 'cert-1', ciphertext })).toBe(b64(KEY));
    expect(await token.decrypt({ certificateId: 'cert-1', ciphertext, algorithm: 'sm2' })).toBe(b64(KEY));
    const toSigning = b64(sm2Encrypt(sm2.signing.key.publicKeyBits, KEY));
    expect(await codeOf(token.decrypt({ certificateId: 'cert-1', ciphertext: toSigning }))).toBe('CLIENT_REPORTED_ERROR');
    expect(await codeOf(token.decrypt({ certificateId: 'cert-1', ciphertext, algorithm: 'rsa-oaep' }))).toBe('MECHANISM_UNSUPPORTED');
  });

  it('without the encryption key it cannot decrypt (CERT_NOT_FOUND); a mismatched key is refused at creation', async () => {
    const token = await tokenOf(sm2, false);
    await token.login('cert-1', '123456');
    expect(await codeOf(token.decrypt({ certificateId: 'cert-1', ciphertext: b64(sm2Encrypt(sm2.encryption.key.publicKeyBits, KEY)) }))).toBe('CERT_NOT_FOUND');
    await expect(
      createSoftwareToken({ certificates: [{ certificate: rsa.signing.pem, privateKey: privateKeyToPem(rsa.signing.key), encryptionCertificate: rsa.encryption.pem, encryptionPrivateKey: privateKeyToPem(rsa.signing.key) }] }),
    ).rejects.toThrow(RangeError);
    await expect(
      createSoftwareToken({ certificates: [{ certificate: sm2.signing.pem, privateKey: privateKeyToPem(sm2.signing.key), encryptionCertificate: sm2.encryption.pem, encryptionPrivateKey: privateKeyToPem(sm2.signing.key) }] }),
    ).rejects.toThrow(RangeError);
  });

  it('a key with one certificate decrypts with its own key; the key pulled out is TOKEN_NOT_PRESENT', async () => {
    const token = await createSoftwareToken({ certificates: [{ certificate: rsa.encryption.pem, privateKey: privateKeyToPem(rsa.encryption.key) }] });
    await token.login('cert-1', '123456');
    expect(await token.decrypt({ certificateId: 'cert-1', ciphertext: rsaEncrypt(rsa, 'sha256') })).toBe(b64(KEY));
    token.remove();
    expect(await codeOf(token.decrypt({ certificateId: 'cert-1', ciphertext: rsaEncrypt(rsa, 'sha256') }))).toBe('TOKEN_NOT_PRESENT');
  });
});
