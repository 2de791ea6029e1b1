/**
 * The Node API against a real PKCS#11 token: SoftHSM2 through pkcs11js, with the tokens
 * scripts/softhsm.sh prepares. Signatures are verified with core's verifySignature.
 */
import { readFileSync } from 'node:fs';
import { isYizhengError, parseCertificate } from '@yizheng/core';
import { verifySignature } from '@yizheng/core/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf } from '../../../core/test-utils/errors';
import { loadSoftHsm, withSoftHsmToken } from '../testing/softhsm';
import { openPkcs11Module, type Pkcs11Certificate, type Pkcs11Module } from './module';

const hsm = loadSoftHsm();
const TEXT = 'yizheng:1|login|https://bid.example.gov.cn|bm9uY2U|2026-06-01T08:05:00.000Z';

describe.skipIf(hsm.skip !== null)(hsm.skip ?? 'SoftHSM2 through pkcs11js', () => {
  const f = hsm.fixtures;
  let module: Pkcs11Module;
  let certs: Pkcs11Certificate[];
  const cert = (token: string, keyId: string): Pkcs11Certificate => {
    const c = certs.find((x) => x.token.label === token && x.keyId === keyId);
    if (!c) throw new Error(`no certificate ${keyId} on ${token}`);
    return c;
  };

  beforeAll(async () => {
    if (!f) return;
    module = await openPkcs11Module({ path: f.module });
    certs = await module.listCertificates();
  });
  afterAll(() => module?.close());

  it('lists the slots and tokens with label, serial, manufacturer and flags', async () => {
    if (!f) return;
    const tokens = (await module.listSlots()).flatMap((s) => (s.token ? [s.token] : []));
    const main = tokens.find((t) => t.label === f.tokens.main.label);
    expect(main).toMatchObject({ manufacturer: 'SoftHSM project', model: 'SoftHSM v2', pinLength: { min: 4, max: 255 } });
    expect(main?.serial).toMatch(/^[0-9a-f]{16}$/);
    expect(main?.pinState).toMatchObject({ locked: false, mustChange: false });
    expect(tokens.map((t) => t.label)).toContain(f.tokens.pin.label);
    expect((await module.info()).manufacturer).toBe('SoftHSM');
  });

  it('lists certificates with their keys: signing and encryption paired, the CA left out', () => {
    if (!f) return;
    const ids = f.tokens.main.certificates;
    const main = certs.filter((c) => c.token.label === f.tokens.main.label);
    expect(main.map((c) => [c.keyId, c.keyType, c.purpose]).sort()).toEqual(
      [
        [ids['rsa-sign'], 'rsa', 'signing'],
        [ids['ec-sign'], 'ec', 'signing'],
        [ids['ec-enc'], 'ec', 'encryption'],
        [ids['sm2-sign'], 'sm2', 'signing'],
      ].sort(),
    );
    expect(cert(f.tokens.main.label, ids['ec-sign']).encryption?.keyId).toBe(ids['ec-enc']);
    expect(cert(f.tokens.main.label, ids['ec-sign']).label).toBe('李四 签名');
    const ca = parseCertificate(readFileSync(f.ca, 'utf8'));
    expect(main.every((c) => c.certificate.issuer.equals(ca.subject))).toBe(true);
  });

  it('signs with RSA PKCS#1 v1.5 SHA-256 (verified by core)', async () => {
    if (!f) return;
    const c = cert(f.tokens.main.label, f.tokens.main.certificates['rsa-sign']);
    const sig = await module.signWithPin(c.id, f.userPin, TEXT);
    expect(sig.mechanism).toBe('CKM_SHA256_RSA_PKCS');
    expect(verifySignature({ certificate: c.der, data: TEXT, signature: sig.signature, format: 'raw' })).toBe(true);
    expect(verifySignature({ certificate: c.der, data: `${TEXT}x`, signature: sig.signature })).toBe(false);
  });

  it('signs with ECDSA P-256, hashing first (SoftHSM has only CKM_ECDSA), as DER and raw', async () => {
    if (!f) return;
    const c = cert(f.tokens.main.label, f.tokens.main.certificates['ec-sign']);
    const der = await module.signWithPin(c.id, f.userPin, TEXT);
    const raw = await module.signWithPin(c.id, f.userPin, TEXT, { format: 'raw' });
    expect([der.mechanism, der.format, raw.format, raw.signature.length]).toEqual(['CKM_ECDSA', 'der', 'raw', 64]);
    expect(verifySignature({ certificate: c.der, data: TEXT, signature: der.signature, format: 'der' })).toBe(true);
    expect(verifySignature({ certificate: c.der, data: TEXT, signature: raw.signature, format: 'raw' })).toBe(true);
  });

  it('has no SM2: MECHANISM_UNSUPPORTED with or without a vendor mechanism id', async () => {
    if (!f) return;
    const c = cert(f.tokens.main.label, f.tokens.main.certificates['sm2-sign']);
    expect(await codeOf(module.signWithPin(c.id, f.userPin, TEXT))).toBe('MECHANISM_UNSUPPORTED');
    const vendor = await openPkcs11Module({ path: f.module, sm2: { mechanism: 0x8000_0000 + 0x0801, input: 'digest' } });
    try {
      const err = await vendor.signWithPin(c.id, f.userPin, TEXT).catch((e: unknown) => e);
      expect(isYizhengError(err, 'MECHANISM_UNSUPPORTED') && err.details['mechanism']).toBe('0x80000801: CKR_MECHANISM_INVALID');
    } finally {
      await vendor.close();
    }
  });

  it('answers a wrong PIN with PIN_INCORRECT and the flags-based status, then a right PIN works', async () => {
    if (!f) return;
    await withSoftHsmToken(f.tokens.pin.label, async () => {
      const c = cert(f.tokens.pin.label, f.tokens.pin.certificates['pin-sign']);
      const err = await module.login(c.id, '000000').catch((e: unknown) => e);
      expect(isYizhengError(err, 'PIN_INCORRECT')).toBe(true);
      if (!isYizhengError(err)) return;
      // SoftHSM only ever sets COUNT_LOW: the count is unknown, the source is the flags.
      expect(err.details).toMatchObject({ remaining: null, source: 'flags', finalTry: false, locked: false, mustChange: false });
      expect(err.message).toContain('校验失败');
      expect((await module.getPinStatus(c.id)).countLow).toBe(true);
      const sig = await module.signWithPin(c.id, f.userPin, TEXT);
      expect(verifySignature({ certificate: c.der, data: TEXT, signature: sig.signature })).toBe(true);
      expect((await module.getPinStatus(c.id)).countLow).toBe(false);
    });
  });

  it('changes the PIN (and back)', async () => {
    if (!f) return;
    await withSoftHsmToken(f.tokens.pin.label, async () => {
      const c = cert(f.tokens.pin.label, f.tokens.pin.certificates['pin-sign']);
      const next = '80461357';
      await module.changePin(c.id, f.userPin, next);
      try {
        expect(await codeOf(module.login(c.id, f.userPin))).toBe('PIN_INCORRECT');
        (await module.login(c.id, next)).logout();
      } finally {
        await module.changePin(c.id, next, f.userPin);
      }
      (await module.login(c.id, f.userPin)).logout();
    });
  });

  it('refuses an unknown certificate and a module that does not load', async () => {
    if (!f) return;
    const c = cert(f.tokens.main.label, f.tokens.main.certificates['rsa-sign']);
    expect(await codeOf(module.login(`${c.token.serial}/7f`, f.userPin).then((l) => l.sign(TEXT)))).toBe('CERT_NOT_FOUND');
    expect(await codeOf(openPkcs11Module({ path: '/nonexistent/libvendor-pkcs11.so' }))).toBe('CLIENT_NOT_RUNNING');
  });
});
