/**
 * Decryption through the bridge against a real token: the page driver (driven from Node through `ws`
 * with the page's Origin) → the loopback bridge → SoftHSM2's RSA key (yizheng-main, CKA_ID 01). The
 * ciphertexts are made with Node's crypto.publicEncrypt to the listed certificate. SoftHSM2 2.6 has
 * OAEP with SHA-1 only (the contract's default `rsa-oaep`, SHA-256, is MECHANISM_UNSUPPORTED there).
 */
import { constants, publicEncrypt, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf } from '../../../core/test-utils/errors';
import { createPkcs11BridgeDriver, type Pkcs11BridgeCertificate } from '../browser/index';
import { openPkcs11Module, type Pkcs11Module } from '../pkcs11/module';
import { startLoopbackBridge } from '../testing/loopback-bridge';
import { loadSoftHsm } from '../testing/softhsm';
import { asClient, connect, wsBridgeSocket } from '../testing/ws-client';
import type { RunningBridge } from './bridge';

const hsm = loadSoftHsm();
const SITE = 'https://bid.example.gov.cn';
const KEY = Buffer.from('3f1e2d3c4b5a69788796a5b4c3d2e1f0', 'hex');

describe.skipIf(hsm.skip !== null)(hsm.skip ?? 'decryption through the bridge on SoftHSM2', () => {
  const f = hsm.fixtures;
  let module: Pkcs11Module;
  let bridge: RunningBridge;
  let rsa: Pkcs11BridgeCertificate;
  const driver = () => createPkcs11BridgeDriver({ url: `ws://127.0.0.1:${bridge.port}/yizheng`, createSocket: wsBridgeSocket(SITE), timeoutMs: 10_000 });
  const encrypt = (padding: 'oaep-sha1' | 'oaep-sha256' | 'pkcs1'): string =>
    publicEncrypt(
      {
        key: new X509Certificate(Buffer.from(rsa.certificate, 'base64')).publicKey,
        padding: padding === 'pkcs1' ? constants.RSA_PKCS1_PADDING : constants.RSA_PKCS1_OAEP_PADDING,
        ...(padding !== 'pkcs1' && { oaepHash: padding === 'oaep-sha1' ? 'sha1' : 'sha256' }),
      },
      KEY,
    ).toString('base64');

  beforeAll(async () => {
    if (!f) return;
    module = await openPkcs11Module({ path: f.module });
    bridge = await startLoopbackBridge(module, SITE);
    const d = driver();
    const main = (await module.listCertificates()).find((c) => c.token.label === f.tokens.main.label && c.keyId === f.tokens.main.certificates['rsa-sign']);
    const listed = (await d.listCertificates()).find((c) => c.id === main?.id);
    await d.close?.();
    if (!listed) throw new Error('the RSA certificate is not listed');
    rsa = listed;
  });
  afterAll(async () => {
    await bridge?.close();
    await module?.close();
  });

  it('the page logs in and decrypts RSA-OAEP (SHA-1) and PKCS#1 v1.5, one decryption per PIN entry', async () => {
    if (!f) return;
    const d = driver();
    try {
      expect(await codeOf(d.decrypt({ certificateId: rsa.id, ciphertext: encrypt('oaep-sha1'), algorithm: 'rsa-oaep-sha1' }))).toBe('TOKEN_LOGIN_REQUIRED');
      await d.login(rsa.id, f.userPin);
      expect(await d.decrypt({ certificateId: rsa.id, ciphertext: encrypt('oaep-sha1'), algorithm: 'rsa-oaep-sha1' })).toBe(KEY.toString('base64'));
      expect(await codeOf(d.decrypt({ certificateId: rsa.id, ciphertext: encrypt('oaep-sha1'), algorithm: 'rsa-oaep-sha1' }))).toBe('TOKEN_LOGIN_REQUIRED');
      await d.login(rsa.id, f.userPin);
      expect(await d.decrypt({ certificateId: rsa.id, ciphertext: encrypt('pkcs1'), algorithm: 'rsa-pkcs1' })).toBe(KEY.toString('base64'));
    } finally {
      await d.close?.();
    }
  });

  it('OAEP with SHA-256 (the default) is MECHANISM_UNSUPPORTED on SoftHSM2 2.6', async () => {
    if (!f) return;
    const d = driver();
    try {
      await d.login(rsa.id, f.userPin);
      await expect(d.decrypt({ certificateId: rsa.id, ciphertext: encrypt('oaep-sha256') })).rejects.toMatchObject({ code: 'MECHANISM_UNSUPPORTED' });
    } finally {
      await d.close?.();
    }
  });

  it('refuses a malformed ciphertext or algorithm (CLIENT_PROTOCOL_ERROR); another connection cannot use the login', async () => {
    if (!f) return;
    const d = driver();
    const other = asClient(await connect(bridge.port, { origin: SITE, address: '127.0.0.1' }));
    try {
      await d.login(rsa.id, f.userPin);
      expect((await other.call('decrypt', { certId: rsa.id, ciphertext: encrypt('oaep-sha1'), algorithm: 'rsa-oaep-sha1' })).error?.code).toBe('TOKEN_LOGIN_REQUIRED');
      expect(await codeOf(d.decrypt({ certificateId: rsa.id, ciphertext: 'not base64' }))).toBe('CLIENT_PROTOCOL_ERROR');
      expect(await codeOf(d.decrypt({ certificateId: rsa.id, ciphertext: 'A'.repeat(1372) }))).toBe('CLIENT_PROTOCOL_ERROR');
      expect((await other.call('decrypt', { certId: rsa.id, ciphertext: encrypt('oaep-sha1'), algorithm: 'rsa-oaep-sha3' })).error?.code).toBe('CLIENT_PROTOCOL_ERROR');
      // The malformed requests were refused before the token: the login is still there.
      expect(await d.decrypt({ certificateId: rsa.id, ciphertext: encrypt('oaep-sha1'), algorithm: 'rsa-oaep-sha1' })).toBe(KEY.toString('base64'));
    } finally {
      other.close();
      await d.close?.();
    }
  });
});
