/**
 * sealEnvelope / openEnvelope: round trips for SM2 and RSA recipients (OAEP, PKCS#1 v1.5, CBC, GCM),
 * several recipients, the ways to pass a private key, the structure written, the refusals, and
 * mutations across whole envelopes (typed errors only; a wrong plaintext only where CBC has no
 * integrity, i.e. from a change to the IV or the encrypted content).
 */
import { createPrivateKey } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readTlv } from '../asn1/index';
import { derExplicit, derInteger, derOid, derSequence, derSet, derTlv } from '../asn1/encode';
import { isYizhengError } from '../errors/index';
import { createTestCa, issueCertificate, issueCertificatePair, privateKeyToPem, type TestCertificate } from '../testing/index';
import { ENVELOPE_OID, MAX_ENVELOPE_RECIPIENTS, openEnvelope, openEnvelopeWithKey, sealEnvelope } from './index';

const sm2Ca = createTestCa({ keyAlgorithm: 'sm2', subject: 'CN=SM2 Test CA, O=Yizheng, C=CN' });
const rsaCa = createTestCa({ keyAlgorithm: 'rsa', subject: 'CN=RSA Test CA, O=Yizheng, C=CN' });
const ENC = ['keyEncipherment', 'dataEncipherment'] as const;
const sm2Pair = issueCertificatePair({ subject: 'CN=投标人甲, O=甲公司, C=CN', issuer: sm2Ca });
const sm2B = issueCertificate({ subject: 'CN=投标人乙', issuer: sm2Ca, keyUsage: [...ENC] });
const rsaA = issueCertificate({ subject: 'CN=RSA A', issuer: rsaCa, keyUsage: ['keyEncipherment'] });
const rsaB = issueCertificate({ subject: 'CN=RSA B', issuer: rsaCa, keyUsage: false });
const CONTENT = new TextEncoder().encode('投标文件：报价 1,234,567.00 元');

const pem = (c: TestCertificate): string => privateKeyToPem(c.key);

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isYizhengError(e) ? e.code : `untyped: ${String(e)}`;
  }
  return undefined;
}

function contentTypeOf(env: Uint8Array): string {
  const seq = readTlv(env);
  const oid = readTlv(env, seq.contentStart);
  return Buffer.from(env.subarray(oid.contentStart, oid.end)).toString('hex');
}

const oidHex = (oid: string): string => {
  const parts = oid.split('.').map(BigInt);
  const out: number[] = [Number((parts[0] ?? 0n) * 40n + (parts[1] ?? 0n))];
  for (const p of parts.slice(2)) {
    const bytes: number[] = [];
    let v = p;
    do {
      bytes.unshift(Number(v & 0x7fn));
      v >>= 7n;
    } while (v > 0n);
    out.push(...bytes.map((b, i) => (i < bytes.length - 1 ? b | 0x80 : b)));
  }
  return Buffer.from(out).toString('hex');
};

describe('sealEnvelope / openEnvelope', () => {
  it('SM2: GM/T 0010 envelopedData with sm2encrypt and SM4-CBC, opened with a PEM, a KeyObject or the raw key', () => {
    const env = sealEnvelope({ content: CONTENT, recipients: [sm2Pair.encryption.certificate] });
    expect(contentTypeOf(env)).toBe(oidHex(ENVELOPE_OID.gmEnvelopedData));
    const hex = Buffer.from(env).toString('hex');
    expect(hex).toContain(oidHex(ENVELOPE_OID.sm2Encrypt));
    expect(hex).toContain(oidHex(ENVELOPE_OID.sm4Cbc));
    const d = readD(sm2Pair.encryption);
    for (const privateKey of [pem(sm2Pair.encryption), createPrivateKey(pem(sm2Pair.encryption)), { sm2: d }]) {
      expect(openEnvelope({ envelope: env, privateKey, certificate: sm2Pair.encryption.pem })).toEqual(CONTENT);
    }
  });

  it('RSA: OAEP-SHA256 (default) and PKCS#1 v1.5, AES-256-CBC and AES-256-GCM', () => {
    for (const padding of ['oaep', 'pkcs1'] as const) {
      for (const contentCipher of ['aes-256-cbc', 'aes-256-gcm'] as const) {
        const env = sealEnvelope({ content: CONTENT, recipients: [rsaA.der], rsa: { padding }, contentCipher });
        expect(contentTypeOf(env)).toBe(oidHex(contentCipher === 'aes-256-gcm' ? ENVELOPE_OID.authEnvelopedData : ENVELOPE_OID.envelopedData));
        expect(Buffer.from(env).toString('hex')).toContain(oidHex(padding === 'oaep' ? ENVELOPE_OID.rsaesOaep : ENVELOPE_OID.rsaEncryption));
        expect(openEnvelope({ envelope: env, privateKey: pem(rsaA), certificate: rsaA.certificate }), `${padding} ${contentCipher}`).toEqual(CONTENT);
      }
    }
  });

  it('several recipients each open the same envelope; empty and block-sized content round-trip', () => {
    for (const content of [new Uint8Array(), new Uint8Array(16).fill(16), new Uint8Array(1000).fill(0xab)]) {
      const env = sealEnvelope({ content, recipients: [sm2Pair.encryption.pem, sm2B.certificate] });
      expect(openEnvelope({ envelope: env, privateKey: pem(sm2Pair.encryption), certificate: sm2Pair.encryption.pem })).toEqual(content);
      expect(openEnvelope({ envelope: env, privateKey: pem(sm2B), certificate: sm2B.der })).toEqual(content);
      const rsaEnv = sealEnvelope({ content, recipients: [rsaA.certificate, rsaB.certificate] });
      expect(openEnvelope({ envelope: rsaEnv, privateKey: pem(rsaB), certificate: rsaB.certificate })).toEqual(content);
    }
  });

  it('ENVELOPE_NOT_FOR_THIS_KEY for a certificate that is not a recipient', () => {
    const env = sealEnvelope({ content: CONTENT, recipients: [sm2Pair.encryption.certificate] });
    let error: unknown;
    try {
      openEnvelope({ envelope: env, privateKey: pem(sm2B), certificate: sm2B.certificate });
    } catch (e) {
      error = e;
    }
    expect(isYizhengError(error, 'ENVELOPE_NOT_FOR_THIS_KEY')).toBe(true);
    expect((error as { details: unknown }).details).toMatchObject({ serialNumber: sm2B.certificate.serialNumber, recipients: 1 });
    const rsaEnv = sealEnvelope({ content: CONTENT, recipients: [rsaA.certificate] });
    expect(codeOf(() => openEnvelope({ envelope: rsaEnv, privateKey: pem(rsaB), certificate: rsaB.certificate }))).toBe('ENVELOPE_NOT_FOR_THIS_KEY');
  });

  it('refuses what it cannot seal or open with INVALID_ARGUMENT', () => {
    const seal = (o: Partial<Parameters<typeof sealEnvelope>[0]>) => () => sealEnvelope({ content: CONTENT, recipients: [sm2B.certificate], ...o });
    expect(codeOf(seal({ recipients: [] }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(seal({ recipients: [sm2B.certificate, rsaA.certificate] }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(seal({ recipients: [sm2Pair.signing.certificate] }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(seal({ recipients: [sm2B.certificate, sm2B.pem] }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(seal({ recipients: Array.from({ length: MAX_ENVELOPE_RECIPIENTS + 1 }, () => sm2B.certificate) }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(seal({ contentCipher: 'aes-256-gcm' }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(seal({ recipients: [issueCertificate({ subject: 'CN=EC', keyAlgorithm: 'ec', keyUsage: ['keyAgreement', 'keyEncipherment'] }).certificate] }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(seal({ content: 'text' as unknown as Uint8Array }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(seal({ recipients: ['not a certificate'] }))).toBe('CERT_MALFORMED');
    const signingOnly = sm2Pair.signing;
    expect(codeOf(seal({ recipients: [signingOnly.certificate] }))).toBe('INVALID_ARGUMENT');

    const env = sealEnvelope({ content: CONTENT, recipients: [sm2B.certificate] });
    const open = (o: Partial<Parameters<typeof openEnvelope>[0]>) => () => openEnvelope({ envelope: env, privateKey: pem(sm2B), certificate: sm2B.certificate, ...o });
    // A private key that is not the certificate's.
    expect(codeOf(open({ privateKey: pem(sm2Pair.encryption) }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(open({ privateKey: pem(rsaA) }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(open({ privateKey: { sm2: new Uint8Array(31) } }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(open({ privateKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(open({ envelope: 'x' as unknown as Uint8Array }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(open({ envelope: Uint8Array.of(0x30, 0x80, 0, 0) }))).toBe('ENVELOPE_MALFORMED');
    expect(codeOf(open({ envelope: new Uint8Array() }))).toBe('ENVELOPE_MALFORMED');
  });

  it('mutations anywhere give typed errors; a wrong plaintext only from the unauthenticated CBC IV or content', () => {
    const cases = [
      { name: 'SM2 SM4-CBC', cert: sm2B, env: sealEnvelope({ content: CONTENT, recipients: [sm2B.certificate] }), gcm: false },
      { name: 'RSA OAEP CBC', cert: rsaA, env: sealEnvelope({ content: CONTENT, recipients: [rsaA.certificate] }), gcm: false },
      { name: 'RSA PKCS#1 CBC', cert: rsaA, env: sealEnvelope({ content: CONTENT, recipients: [rsaA.certificate], rsa: { padding: 'pkcs1' } }), gcm: false },
      { name: 'RSA OAEP GCM', cert: rsaA, env: sealEnvelope({ content: CONTENT, recipients: [rsaA.certificate], contentCipher: 'aes-256-gcm' }), gcm: true },
    ];
    for (const c of cases) {
      const key = createPrivateKey(pem(c.cert));
      // The IV and the encrypted content: the last 16 + 2 + content bytes (IV OCTET STRING, [0]).
      const ct = (Math.floor(CONTENT.length / 16) + 1) * 16;
      const unauthStart = c.env.length - ct - 2 - 16;
      fc.assert(
        fc.property(fc.integer({ min: 0, max: c.env.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, x) => {
          const bad = c.env.slice();
          bad[i] = (bad[i] ?? 0) ^ x;
          let out: Uint8Array | undefined;
          try {
            out = openEnvelope({ envelope: bad, privateKey: key, certificate: c.cert.certificate });
          } catch (e) {
            expect(isYizhengError(e), `${c.name} at ${i}: ${String(e)}`).toBe(true);
            return;
          }
          if (out.length === CONTENT.length && Buffer.from(out).equals(Buffer.from(CONTENT))) return;
          // A different plaintext: only without integrity, and only from the IV or the content.
          expect(c.gcm, `${c.name}: wrong plaintext from byte ${i}`).toBe(false);
          expect(i, `${c.name}: wrong plaintext from byte ${i}`).toBeGreaterThanOrEqual(unauthStart);
        }),
        { numRuns: c.gcm ? 150 : 100 },
      );
      // Truncation anywhere and trailing data are malformed.
      for (const n of [1, 17, c.env.length - 1]) {
        expect(codeOf(() => openEnvelope({ envelope: c.env.subarray(0, n), privateKey: key, certificate: c.cert.certificate }))).toBe('ENVELOPE_MALFORMED');
      }
      const longer = new Uint8Array([...c.env, 0]);
      expect(codeOf(() => openEnvelope({ envelope: longer, privateKey: key, certificate: c.cert.certificate }))).toBe('ENVELOPE_MALFORMED');
    }
  });
});

/** The SM2 private key of a test certificate as 32 bytes (from its PKCS#8). */
function readD(c: TestCertificate): Uint8Array {
  const der = c.key.pkcs8();
  // ... OCTET STRING { SEQUENCE { INTEGER 1, OCTET STRING (32) d, ... } }: find 04 20 after 02 01 01.
  const i = Buffer.from(der).indexOf(Buffer.from('020101' + '0420', 'hex'));
  return der.slice(i + 5, i + 37);
}

describe('GM/T 0010 details', () => {
  it('writes version 1 (EnvelopedData and KeyTransRecipientInfo) and reads version 0 and sharedInfo1/2', () => {
    const env = sealEnvelope({ content: CONTENT, recipients: [sm2B.certificate] });
    // ContentInfo { oid, [0] { SEQUENCE { INTEGER 1, SET { SEQUENCE { INTEGER 1, ...
    const ed = readTlv(env, readTlv(env, readTlv(env).contentStart).end);
    const seq = readTlv(env, ed.contentStart);
    const version = readTlv(env, seq.contentStart);
    expect(env[version.contentStart]).toBe(1);
    const set = readTlv(env, version.end);
    const ktri = readTlv(env, set.contentStart);
    expect(env[readTlv(env, ktri.contentStart).contentStart]).toBe(1);
    // Re-assemble with version 0 and sharedInfo1 / sharedInfo2 after the content.
    const eciTlv = readTlv(env, set.end);
    const ktriBody = env.slice(readTlv(env, ktri.contentStart).end, ktri.end);
    const eciBody = env.slice(eciTlv.contentStart, eciTlv.end);
    const rebuilt = derSequence(
      derOid(ENVELOPE_OID.gmEnvelopedData),
      derExplicit(0, derSequence(derInteger(0), derSet(derSequence(derInteger(0), ktriBody)), derSequence(eciBody, derTlv(0x81, Uint8Array.of(1)), derTlv(0x82, Uint8Array.of(2))))),
    );
    expect(openEnvelope({ envelope: rebuilt, privateKey: pem(sm2B), certificate: sm2B.certificate })).toEqual(CONTENT);
  });
});

/** The reason of the ENVELOPE_DECRYPT_FAILED `f` throws (any other outcome is returned as is, to fail the comparison). */
function failureOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return isYizhengError(e, 'ENVELOPE_DECRYPT_FAILED') ? String(e.details['reason']) : `other: ${String(e)}`;
  }
  return 'opened';
}

describe('RSA PKCS#1 v1.5: no padding oracle in the errors', () => {
  it('a tampered key block (implicit rejection: a content key of another length) fails as a wrong content key does', () => {
    for (const contentCipher of ['aes-256-cbc', 'aes-256-gcm'] as const) {
      const env = sealEnvelope({ content: CONTENT, recipients: [rsaA.certificate], rsa: { padding: 'pkcs1' }, contentCipher });
      const key = createPrivateKey(pem(rsaA));
      // The encryptedKey OCTET STRING of an RSA-2048 block: 04 82 01 00, then 256 bytes.
      const at = Buffer.from(env).indexOf(Buffer.from('04820100', 'hex'));
      expect(at).toBeGreaterThan(0);
      const reasons = new Set<string>();
      for (const i of [10, 100, 200, 255]) {
        const bad = env.slice();
        bad[at + 4 + i] = (bad[at + 4 + i] ?? 0) ^ 0x5a;
        reasons.add(failureOf(() => openEnvelope({ envelope: bad, privateKey: key, certificate: rsaA.certificate })));
      }
      // The content key as the page's token would return it: 31 or 33 bytes, and a wrong 32-byte key.
      for (const n of [31, 33, 16]) reasons.add(failureOf(() => openEnvelopeWithKey({ envelope: env, certificate: rsaA.certificate, contentKey: new Uint8Array(n).fill(7) })));
      const wrong = [1, 2, 3, 4].map((v) => failureOf(() => openEnvelopeWithKey({ envelope: env, certificate: rsaA.certificate, contentKey: new Uint8Array(32).fill(v) })));
      reasons.add(wrong.find((r) => r !== 'opened') ?? 'opened');
      expect([...reasons], contentCipher).toHaveLength(1);
      expect([...reasons][0], contentCipher).not.toMatch(/^other|^opened/);
    }
  });
});
