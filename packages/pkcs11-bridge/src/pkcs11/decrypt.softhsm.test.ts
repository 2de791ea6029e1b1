/**
 * Decryption on a real PKCS#11 token: SoftHSM2 through pkcs11js, with the RSA key scripts/softhsm.sh
 * puts on yizheng-main (CKA_ID 01; softhsm2-util imports keys with CKA_DECRYPT). Ciphertexts are made
 * with Node's crypto.publicEncrypt to the certificate's public key. SoftHSM2 2.6 has OAEP with SHA-1
 * only: OAEP with SHA-256 is MECHANISM_UNSUPPORTED there.
 */
import { constants, publicEncrypt, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf } from '../../../core/test-utils/errors';
import { loadSoftHsm } from '../testing/softhsm';
import { openPkcs11Module, type Pkcs11Certificate, type Pkcs11Module } from './module';

const hsm = loadSoftHsm();
const KEY = Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex');

describe.skipIf(hsm.skip !== null)(hsm.skip ?? 'SoftHSM2 decrypt through pkcs11js', () => {
  const f = hsm.fixtures;
  let module: Pkcs11Module;
  let rsa: Pkcs11Certificate;
  let ec: Pkcs11Certificate;
  const encrypt = (padding: 'oaep-sha1' | 'oaep-sha256' | 'pkcs1', data = KEY): Buffer =>
    publicEncrypt(
      {
        key: new X509Certificate(Buffer.from(rsa.der)).publicKey,
        padding: padding === 'pkcs1' ? constants.RSA_PKCS1_PADDING : constants.RSA_PKCS1_OAEP_PADDING,
        ...(padding !== 'pkcs1' && { oaepHash: padding === 'oaep-sha1' ? 'sha1' : 'sha256' }),
      },
      data,
    );

  beforeAll(async () => {
    if (!f) return;
    module = await openPkcs11Module({ path: f.module });
    const certs = await module.listCertificates();
    const find = (keyId: string): Pkcs11Certificate => {
      const c = certs.find((x) => x.token.label === f.tokens.main.label && x.keyId === keyId);
      if (!c) throw new Error(`no certificate ${keyId}`);
      return c;
    };
    rsa = find(f.tokens.main.certificates['rsa-sign']);
    ec = find(f.tokens.main.certificates['ec-sign']);
  });
  afterAll(() => module?.close());

  it('decrypts RSA-OAEP (SHA-1) with C_Decrypt, then the login is over', async () => {
    if (!f) return;
    const login = await module.login(rsa.id, f.userPin);
    const out = await login.decrypt(encrypt('oaep-sha1'), { algorithm: 'rsa-oaep-sha1' });
    expect(Buffer.from(out.plaintext).equals(KEY)).toBe(true);
    expect(out).toMatchObject({ mechanism: 'CKM_RSA_PKCS_OAEP', keyId: rsa.keyId });
    expect(login.active).toBe(false);
    expect(await codeOf(login.decrypt(encrypt('oaep-sha1'), { algorithm: 'rsa-oaep-sha1' }))).toBe('TOKEN_LOGIN_REQUIRED');
  });

  it('decrypts RSAES-PKCS1-v1_5 with CKM_RSA_PKCS', async () => {
    if (!f) return;
    const login = await module.login(rsa.id, f.userPin);
    const out = await login.decrypt(encrypt('pkcs1'), { algorithm: 'rsa-pkcs1' });
    expect(Buffer.from(out.plaintext).equals(KEY)).toBe(true);
    expect(out.mechanism).toBe('CKM_RSA_PKCS');
  });

  it('OAEP with SHA-256 (the default) is MECHANISM_UNSUPPORTED on SoftHSM2 2.6; the login still ends', async () => {
    if (!f) return;
    const login = await module.login(rsa.id, f.userPin);
    const err = await login.decrypt(encrypt('oaep-sha256')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MECHANISM_UNSUPPORTED', details: { mechanism: 'CKM_RSA_PKCS_OAEP with SHA-256' } });
    expect(login.active).toBe(false);
  });

  it('a ciphertext for another padding is CLIENT_REPORTED_ERROR; an EC key or SM2 is MECHANISM_UNSUPPORTED', async () => {
    if (!f) return;
    let login = await module.login(rsa.id, f.userPin);
    const wrong = await login.decrypt(encrypt('pkcs1'), { algorithm: 'rsa-oaep-sha1', keepLoggedIn: true }).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ code: 'CLIENT_REPORTED_ERROR', details: { fn: 'C_Decrypt' } });
    // The other way round no error comes: OpenSSL's PKCS#1 v1.5 implicit rejection answers a wrong
    // ciphertext with a made-up plaintext (the envelope's content decryption then fails).
    const made = await login.decrypt(encrypt('oaep-sha1'), { algorithm: 'rsa-pkcs1', keepLoggedIn: true });
    expect(Buffer.from(made.plaintext).equals(KEY)).toBe(false);
    expect(await codeOf(login.decrypt(encrypt('oaep-sha1'), { algorithm: 'sm2' }))).toBe('MECHANISM_UNSUPPORTED');
    // The P-256 signing certificate has its encryption pair (03) on the token: an EC key, no decryption.
    login = await module.login(ec.id, f.userPin);
    expect(await codeOf(login.decrypt(encrypt('oaep-sha1')))).toBe('MECHANISM_UNSUPPORTED');
  });
});
