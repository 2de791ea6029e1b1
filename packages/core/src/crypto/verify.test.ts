/**
 * verifySignature's API: key inputs, options, formats and their strictness, the documented split
 * between `false` and SIGNATURE_MALFORMED, RSA (PKCS#1 v1.5 with every hash, PSS), ECDSA P-384 and
 * P-521, and certificate signatures made here.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../cert/index';
import { isYizhengError } from '../errors/index';
import {
  MAX_SIGNATURE_BYTES,
  assertSignature,
  verifyCertificateSignature,
  verifySignature,
  type VerifySignatureOptions,
} from './index';
import { alg, bits, cat, hex, int, makeCertificate, nul, oid, seq, tlv, type Bytes } from './testing/der';
import { sm2Key, sm2Sign } from './testing/sm2-signer';
import { bigIntToBytes } from './sm2-curve';

type Result = boolean | string;
function outcome(o: VerifySignatureOptions): Result {
  try {
    return verifySignature(o);
  } catch (e) {
    if (isYizhengError(e)) return e.code;
    throw e;
  }
}
const reason = (o: VerifySignatureOptions): string => {
  try {
    verifySignature(o);
    return '';
  } catch (e) {
    return isYizhengError(e) ? String(e.details['reason']) : String(e);
  }
};

const DATA = new TextEncoder().encode('challenge-2024');
const spkiOf = (k: KeyObject): Bytes => new Uint8Array(k.export({ type: 'spki', format: 'der' }));

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const p521 = generateKeyPairSync('ec', { namedCurve: 'P-521' });
const sm2 = sm2Key();

describe('key inputs', () => {
  const sig = sign('sha256', DATA, p256.privateKey);
  const pem = p256.publicKey.export({ type: 'spki', format: 'pem' });
  const cert = makeCertificate({
    subject: 'leaf',
    issuer: 'leaf',
    spki: spkiOf(p256.publicKey),
    sigAlg: alg('1.2.840.10045.4.3.2'),
    sign: (tbs) => sign('sha256', tbs, p256.privateKey),
  });

  it('accepts a Certificate, certificate DER / PEM / base64, SPKI bytes / ArrayBuffer / PEM, PublicKeyInfo', () => {
    const parsed = parseCertificate(cert.der);
    const keys: VerifySignatureOptions[] = [
      { certificate: parsed, data: DATA, signature: sig },
      { certificate: cert.der, data: DATA, signature: sig },
      { certificate: parsed.toPEM(), data: DATA, signature: sig },
      { certificate: Buffer.from(cert.der).toString('base64'), data: DATA, signature: sig },
      { publicKey: spkiOf(p256.publicKey), data: DATA, signature: sig },
      { publicKey: spkiOf(p256.publicKey).slice().buffer, data: DATA, signature: sig },
      { publicKey: pem, data: DATA, signature: sig },
      { publicKey: parsed.publicKey, data: DATA, signature: sig },
      { publicKey: parsed.publicKey, data: DATA.slice().buffer, signature: sig.toString('base64') },
      { publicKey: parsed.publicKey, data: 'challenge-2024', signature: new Uint8Array(sig).buffer },
    ];
    for (const o of keys) expect(outcome(o)).toBe(true);
  });

  it('a hand-made PublicKeyInfo cannot claim another key type: the SPKI decides', () => {
    const parsed = parseCertificate(cert.der);
    const fake = { ...parsed.publicKey, algorithm: 'sm2' } as unknown as typeof parsed.publicKey;
    expect(outcome({ publicKey: fake, data: DATA, signature: sig })).toBe(true);
  });

  it('a reused key buffer that the caller overwrites with another key is re-read, not served from cache', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const buf = Buffer.from(spkiOf(p256.publicKey));
    expect(outcome({ publicKey: buf, data: DATA, signature: sig })).toBe(true);
    buf.set(spkiOf(other.publicKey));
    expect(outcome({ publicKey: buf, data: DATA, signature: sig })).toBe(false);
    const sm2Buf = Buffer.from(sm2.spki);
    const s = sm2Sign(sm2, DATA).der;
    expect(outcome({ publicKey: sm2Buf, data: DATA, signature: s })).toBe(true);
    sm2Buf.set(sm2Key().spki);
    expect(outcome({ publicKey: sm2Buf, data: DATA, signature: s })).toBe(false);
  });

  it('rejects missing, doubled and unusable keys', () => {
    expect(outcome({ data: DATA, signature: sig })).toBe('INVALID_ARGUMENT');
    expect(outcome({ certificate: cert.der, publicKey: spkiOf(p256.publicKey), data: DATA, signature: sig })).toBe('INVALID_ARGUMENT');
    expect(outcome({ publicKey: 'not pem', data: DATA, signature: sig })).toBe('INVALID_ARGUMENT');
    expect(outcome({ publicKey: 42 as unknown as Bytes, data: DATA, signature: sig })).toBe('INVALID_ARGUMENT');
    expect(outcome({ certificate: 'garbage', data: DATA, signature: sig })).toBe('CERT_MALFORMED');
    expect(outcome({ publicKey: Uint8Array.of(0x30, 0x00), data: DATA, signature: sig })).toBe('SIGNATURE_MALFORMED');
    const ed = generateKeyPairSync('ed25519');
    expect(outcome({ publicKey: spkiOf(ed.publicKey), data: DATA, signature: sig })).toBe('SIGNATURE_MALFORMED');
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    expect(reason({ publicKey: spkiOf(k1.publicKey), data: DATA, signature: sig })).toMatch(/unsupported elliptic curve/);
    // A P-256 point that is not on the curve: Node refuses the key.
    const bad = spkiOf(p256.publicKey);
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 1;
    expect(outcome({ publicKey: bad, data: DATA, signature: sig })).toBe('SIGNATURE_MALFORMED');
  });

  it('rejects bad option values and bad input types', () => {
    const base = { publicKey: spkiOf(p256.publicKey), data: DATA, signature: sig };
    expect(outcome({ ...base, format: 'pem' as 'der' })).toBe('INVALID_ARGUMENT');
    expect(outcome({ ...base, hash: 'md5' as 'sha1' })).toBe('INVALID_ARGUMENT');
    expect(outcome({ ...base, rsaPadding: 'oaep' as 'pss' })).toBe('INVALID_ARGUMENT');
    expect(outcome({ ...base, pssSaltLength: 32 })).toBe('INVALID_ARGUMENT');
    expect(outcome({ ...base, rsaPadding: 'pss', pssSaltLength: -1 })).toBe('INVALID_ARGUMENT');
    expect(outcome({ ...base, data: 5 as unknown as string })).toBe('INVALID_ARGUMENT');
    expect(outcome({ ...base, signature: 5 as unknown as string })).toBe('INVALID_ARGUMENT');
    expect(outcome({ ...base, sm2UserId: 5 as unknown as string, publicKey: sm2.spki })).toBe('INVALID_ARGUMENT');
    expect(outcome(null as unknown as VerifySignatureOptions)).toBe('INVALID_ARGUMENT');
    expect(outcome({ ...base, signature: 'not*base64' })).toBe('SIGNATURE_MALFORMED');
    expect(outcome({ ...base, signature: '' })).toBe('SIGNATURE_MALFORMED');
    expect(outcome({ ...base, signature: new Uint8Array(MAX_SIGNATURE_BYTES + 1) })).toBe('INPUT_TOO_LARGE');
    expect(outcome({ ...base, signature: 'A'.repeat(2 * MAX_SIGNATURE_BYTES) })).toBe('INPUT_TOO_LARGE');
  });
});

describe('RSA', () => {
  const spki = spkiOf(rsa.publicKey);

  it('PKCS#1 v1.5 with SHA-256 (default), SHA-1, SHA-384, SHA-512', () => {
    for (const hash of ['sha256', 'sha1', 'sha384', 'sha512'] as const) {
      const sig = sign(hash, DATA, rsa.privateKey);
      expect(outcome({ publicKey: spki, data: DATA, signature: sig, hash })).toBe(true);
      if (hash !== 'sha256') expect(outcome({ publicKey: spki, data: DATA, signature: sig })).toBe(false);
    }
  });

  it('PSS with the default salt (hash length) and an explicit one', () => {
    const sig = sign('sha256', DATA, { key: rsa.privateKey, padding: 6, saltLength: 32 });
    expect(outcome({ publicKey: spki, data: DATA, signature: sig, rsaPadding: 'pss' })).toBe(true);
    expect(outcome({ publicKey: spki, data: DATA, signature: sig })).toBe(false);
    const sig20 = sign('sha384', DATA, { key: rsa.privateKey, padding: 6, saltLength: 20 });
    expect(outcome({ publicKey: spki, data: DATA, signature: sig20, rsaPadding: 'pss', hash: 'sha384', pssSaltLength: 20 })).toBe(true);
    expect(outcome({ publicKey: spki, data: DATA, signature: sig20, rsaPadding: 'pss', hash: 'sha384' })).toBe(false);
  });

  it('wrong length, value not below the modulus, non-raw formats and SM3 are SIGNATURE_MALFORMED', () => {
    const sig = sign('sha256', DATA, rsa.privateKey);
    expect(outcome({ publicKey: spki, data: DATA, signature: sig.subarray(1) })).toBe('SIGNATURE_MALFORMED');
    expect(outcome({ publicKey: spki, data: DATA, signature: cat(Uint8Array.of(0), sig) })).toBe('SIGNATURE_MALFORMED');
    expect(outcome({ publicKey: spki, data: DATA, signature: new Uint8Array(256).fill(0xff) })).toBe('SIGNATURE_MALFORMED');
    expect(outcome({ publicKey: spki, data: DATA, signature: sig, format: 'der' })).toBe('SIGNATURE_MALFORMED');
    expect(outcome({ publicKey: spki, data: DATA, signature: sig, format: 'skf' })).toBe('SIGNATURE_MALFORMED');
    expect(outcome({ publicKey: spki, data: DATA, signature: sig, hash: 'sm3' })).toBe('SIGNATURE_MALFORMED');
    expect(outcome({ publicKey: spki, data: DATA, signature: sig, sm2UserId: 'ignored' })).toBe(true);
    expect(outcome({ publicKey: spki, data: DATA, signature: new Uint8Array(256) })).toBe(false);
  });
});

describe('ECDSA P-256, P-384, P-521', () => {
  it('DER and raw, default hash by curve', () => {
    for (const [k, hash, f] of [
      [p256, 'sha256', 32],
      [p384, 'sha384', 48],
      [p521, 'sha512', 66],
    ] as const) {
      const spki = spkiOf(k.publicKey);
      const der = sign(hash, DATA, k.privateKey);
      const raw = sign(hash, DATA, { key: k.privateKey, dsaEncoding: 'ieee-p1363' });
      expect(raw.length).toBe(2 * f);
      expect(outcome({ publicKey: spki, data: DATA, signature: der })).toBe(true);
      expect(outcome({ publicKey: spki, data: DATA, signature: raw })).toBe(true);
      expect(outcome({ publicKey: spki, data: DATA, signature: raw, format: 'raw' })).toBe(true);
      expect(outcome({ publicKey: spki, data: DATA, signature: der, hash: 'sha1' })).toBe(false);
      expect(outcome({ publicKey: spki, data: 'x', signature: der })).toBe(false);
      expect(outcome({ publicKey: spki, data: DATA, signature: raw, format: 'der' })).toBe('SIGNATURE_MALFORMED');
      expect(outcome({ publicKey: spki, data: DATA, signature: der, format: 'raw' })).toBe('SIGNATURE_MALFORMED');
      expect(outcome({ publicKey: spki, data: DATA, signature: der, hash: 'sm3' })).toBe('SIGNATURE_MALFORMED');
    }
  });

  it('the SKF blob holds P-256 and P-384 values; P-521 does not fit', () => {
    for (const [k, f] of [
      [p256, 32],
      [p384, 48],
    ] as const) {
      const raw = sign(f === 32 ? 'sha256' : 'sha384', DATA, { key: k.privateKey, dsaEncoding: 'ieee-p1363' });
      const skf = cat(new Uint8Array(64 - f), raw.subarray(0, f), new Uint8Array(64 - f), raw.subarray(f));
      expect(outcome({ publicKey: spkiOf(k.publicKey), data: DATA, signature: skf })).toBe(true);
      expect(outcome({ publicKey: spkiOf(k.publicKey), data: DATA, signature: skf, format: 'skf' })).toBe(true);
    }
    expect(outcome({ publicKey: spkiOf(p521.publicKey), data: DATA, signature: new Uint8Array(128), format: 'skf' })).toBe('SIGNATURE_MALFORMED');
  });
});

describe('ECDSA / SM2 signature strictness', () => {
  const msg = DATA;
  const s = sm2Sign(sm2, msg);
  const n = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
  const check = (signature: Bytes, format?: 'der' | 'raw' | 'skf' | 'auto'): Result =>
    outcome({ publicKey: sm2.spki, data: msg, signature, format });
  const integer = (content: Bytes): Bytes => tlv(0x02, content);
  const rBytes = (): Bytes => int(s.r).subarray(2);
  const sBytes = (): Bytes => int(s.s).subarray(2);

  it('accepts the valid DER, raw and SKF encodings', () => {
    expect(check(s.der)).toBe(true);
    expect(check(s.raw)).toBe(true);
    expect(check(cat(new Uint8Array(32), s.raw.subarray(0, 32), new Uint8Array(32), s.raw.subarray(32)))).toBe(true);
  });

  it('DER: trailing bytes, BER length, non-minimal and negative INTEGERs, extra elements, wrong tags', () => {
    const cases: [string, Bytes][] = [
      ['trailing byte', cat(s.der, Uint8Array.of(0))],
      ['trailing INTEGER inside', seq(integer(rBytes()), integer(sBytes()), int(1))],
      ['missing s', seq(integer(rBytes()))],
      ['long-form length', cat(Uint8Array.of(0x30, 0x81, s.der.length - 2), s.der.subarray(2))],
      ['indefinite length', cat(Uint8Array.of(0x30, 0x80), s.der.subarray(2), Uint8Array.of(0, 0))],
      ['non-minimal r', seq(integer(cat(Uint8Array.of(0), Uint8Array.of(0), rBytes().subarray(rBytes()[0] === 0 ? 1 : 0))), integer(sBytes()))],
      ['negative r', seq(integer(Uint8Array.of(0x80, ...bigIntToBytes(s.r))), integer(sBytes()))],
      ['negative s', seq(integer(rBytes()), integer(cat(Uint8Array.of(0xff), bigIntToBytes(s.s))))],
      ['r = 0', seq(int(0), integer(sBytes()))],
      ['s = 0', seq(integer(rBytes()), int(0))],
      ['r = n', seq(int(n), integer(sBytes()))],
      ['s = n + s', seq(integer(rBytes()), int(n + s.s))],
      ['r too long', seq(int(s.r + (1n << 300n)), integer(sBytes()))],
      ['SET instead of SEQUENCE', tlv(0x31, integer(rBytes()), integer(sBytes()))],
      ['OCTET STRING r', seq(tlv(0x04, rBytes()), integer(sBytes()))],
      ['empty SEQUENCE', seq()],
      ['truncated', s.der.subarray(0, s.der.length - 1)],
    ];
    for (const [label, sig] of cases) {
      expect(check(sig, 'der'), label).toBe('SIGNATURE_MALFORMED');
      expect(check(sig), `${label} (auto)`).not.toBe(true);
    }
    expect(reason({ publicKey: sm2.spki, data: msg, signature: seq(int(0), integer(sBytes())) })).toMatch(/r is zero/);
    expect(reason({ publicKey: sm2.spki, data: msg, signature: seq(int(n), integer(sBytes())) })).toMatch(/not below the group order/);
  });

  it('raw and SKF: wrong lengths, zero or out-of-range values, non-zero SKF padding', () => {
    expect(check(s.raw.subarray(1), 'raw')).toBe('SIGNATURE_MALFORMED');
    expect(check(cat(s.raw, Uint8Array.of(0)), 'raw')).toBe('SIGNATURE_MALFORMED');
    expect(check(cat(new Uint8Array(32), s.raw.subarray(32)), 'raw')).toBe('SIGNATURE_MALFORMED');
    expect(check(cat(bigIntToBytes(n), s.raw.subarray(32)), 'raw')).toBe('SIGNATURE_MALFORMED');
    expect(check(new Uint8Array(64).fill(0xff))).toBe('SIGNATURE_MALFORMED');
    const skf = cat(new Uint8Array(32), s.raw.subarray(0, 32), new Uint8Array(32), s.raw.subarray(32));
    const dirty = skf.slice();
    dirty[3] = 1;
    expect(check(dirty, 'skf')).toBe('SIGNATURE_MALFORMED');
    expect(check(dirty)).toBe('SIGNATURE_MALFORMED');
    expect(check(skf.subarray(1), 'skf')).toBe('SIGNATURE_MALFORMED');
    expect(check(new Uint8Array(50))).toBe('SIGNATURE_MALFORMED');
    expect(reason({ publicKey: sm2.spki, data: msg, signature: new Uint8Array(50) })).toMatch(/expected DER SEQUENCE \{ r, s \}, 64-byte r‖s, a 128-byte SKF blob or CMS SignedData/);
  });

  it('auto: 64 bytes that are also a complete DER SEQUENCE are ambiguous, never guessed', () => {
    // 30 3e 02 1d <29 bytes> 02 1d <29 bytes>: a DER SEQUENCE { r, s } of exactly 64 bytes.
    const ambiguous = seq(integer(new Uint8Array(29).fill(0x11)), integer(new Uint8Array(29).fill(0x22)));
    expect(ambiguous.length).toBe(64);
    expect(check(ambiguous)).toBe('SIGNATURE_MALFORMED');
    expect(reason({ publicKey: sm2.spki, data: msg, signature: ambiguous })).toMatch(/ambiguous/);
    expect(check(ambiguous, 'der')).toBe(false);
    expect(check(ambiguous, 'raw')).toBe(false);
    // 64 bytes starting 30 3e that do not parse fully as DER are raw.
    const notDer = ambiguous.slice();
    notDer[2] = 0x04;
    expect(check(notDer)).toBe(false);
  });

  it('SM2 accepts only SM3', () => {
    expect(check(s.der)).toBe(true);
    expect(outcome({ publicKey: sm2.spki, data: msg, signature: s.der, hash: 'sm3' })).toBe(true);
    expect(outcome({ publicKey: sm2.spki, data: msg, signature: s.der, hash: 'sha256' })).toBe('SIGNATURE_MALFORMED');
    expect(outcome({ publicKey: sm2.spki, data: msg, signature: s.der, rsaPadding: 'pss' })).toBe(true); // ignored
  });

  it('assertSignature passes, throws SIGNATURE_INVALID with a reason, or the malformed error', () => {
    expect(() => assertSignature({ publicKey: sm2.spki, data: msg, signature: s.der })).not.toThrow();
    try {
      assertSignature({ publicKey: sm2.spki, data: 'other', signature: s.der });
      expect.unreachable();
    } catch (e) {
      expect(isYizhengError(e, 'SIGNATURE_INVALID')).toBe(true);
      expect((e as Error).message).toContain('签名验证失败');
    }
    expect(() => assertSignature({ publicKey: sm2.spki, data: msg, signature: Uint8Array.of(1) })).toThrow(/签名格式错误/);
  });
});

describe('verifyCertificateSignature with certificates made here', () => {
  const rsaSpki = spkiOf(rsa.publicKey);

  it('RSA-PSS with default parameters (SHA-1, salt 20) and explicit SHA-256 ones', () => {
    const defaults = makeCertificate({
      subject: 'pss',
      issuer: 'pss',
      spki: rsaSpki,
      sigAlg: alg('1.2.840.113549.1.1.10', seq()),
      sign: (tbs) => sign('sha1', tbs, { key: rsa.privateKey, padding: 6, saltLength: 20 }),
    });
    expect(verifyCertificateSignature(defaults.der, defaults.der)).toBe(true);
    const params = seq(tlv(0xa0, alg('2.16.840.1.101.3.4.2.1')), tlv(0xa1, alg('1.2.840.113549.1.1.8', alg('2.16.840.1.101.3.4.2.1'))), tlv(0xa2, int(32)), tlv(0xa3, int(1)));
    const explicit = makeCertificate({
      subject: 'pss',
      issuer: 'pss',
      spki: rsaSpki,
      sigAlg: alg('1.2.840.113549.1.1.10', params),
      sign: (tbs) => sign('sha256', tbs, { key: rsa.privateKey, padding: 6, saltLength: 32 }),
    });
    expect(verifyCertificateSignature(explicit.der, explicit.der)).toBe(true);
    const mgfMismatch = seq(tlv(0xa0, alg('2.16.840.1.101.3.4.2.1')), tlv(0xa1, alg('1.2.840.113549.1.1.8', alg('1.3.14.3.2.26'))));
    const odd = makeCertificate({
      subject: 'pss',
      issuer: 'pss',
      spki: rsaSpki,
      sigAlg: alg('1.2.840.113549.1.1.10', mgfMismatch),
      sign: () => new Uint8Array(256),
    });
    expect(() => verifyCertificateSignature(odd.der, odd.der)).toThrow(/MGF1/);
  });

  it('SM2 certificate chain made with the test signer; unknown algorithm; parameters where none belong', () => {
    const root = sm2Key();
    const leafKey = sm2Key();
    const rootCert = makeCertificate({ subject: 'root', issuer: 'root', spki: root.spki, sigAlg: alg('1.2.156.10197.1.501'), sign: (t) => sm2Sign(root, t).der });
    const leaf = makeCertificate({ subject: 'leaf', issuer: 'root', spki: leafKey.spki, sigAlg: alg('1.2.156.10197.1.501'), sign: (t) => sm2Sign(root, t).der });
    expect(verifyCertificateSignature(leaf.der, rootCert.der)).toBe(true);
    expect(verifyCertificateSignature(rootCert.der, rootCert.der)).toBe(true);
    expect(verifyCertificateSignature(leaf.der, leaf.der)).toBe(false);
    const withId = makeCertificate({ subject: 'leaf', issuer: 'root', spki: leafKey.spki, sigAlg: alg('1.2.156.10197.1.501'), sign: (t) => sm2Sign(root, t, 'other id').der });
    expect(verifyCertificateSignature(withId.der, rootCert.der)).toBe(false);
    const unknown = makeCertificate({ subject: 'x', issuer: 'x', spki: root.spki, sigAlg: alg('1.2.156.10197.1.502'), sign: () => sm2Sign(root, hex('00')).der });
    expect(() => verifyCertificateSignature(unknown.der, rootCert.der)).toThrow(/unsupported signature algorithm/);
    const params = makeCertificate({ subject: 'x', issuer: 'x', spki: root.spki, sigAlg: alg('1.2.156.10197.1.501', oid('1.2.156.10197.1.301')), sign: (t) => sm2Sign(root, t).der });
    expect(() => verifyCertificateSignature(params.der, rootCert.der)).toThrow(/must not have parameters/);
    const rawSig = makeCertificate({ subject: 'leaf', issuer: 'root', spki: leafKey.spki, sigAlg: alg('1.2.156.10197.1.501'), sign: (t) => sm2Sign(root, t).raw });
    expect(() => verifyCertificateSignature(rawSig.der, rootCert.der)).toThrow(/DER/);
  });

  it('RSA with NULL parameters, and an RSA key under an ECDSA algorithm', () => {
    const c = makeCertificate({ subject: 'r', issuer: 'r', spki: rsaSpki, sigAlg: alg('1.2.840.113549.1.1.13', nul()), sign: (t) => sign('sha512', t, rsa.privateKey) });
    expect(verifyCertificateSignature(c.der, c.der)).toBe(true);
    const e = makeCertificate({ subject: 'r', issuer: 'r', spki: rsaSpki, sigAlg: alg('1.2.840.10045.4.3.2'), sign: (t) => sign('sha256', t, p256.privateKey) });
    expect(() => verifyCertificateSignature(e.der, e.der)).toThrow(/key\/algorithm mismatch/);
  });

  it('an SM2 key given with the SM2 OID itself as key algorithm', () => {
    const k = sm2Key();
    const spki = seq(seq(oid('1.2.156.10197.1.301')), bits(k.point));
    const sig = sm2Sign(k, DATA);
    expect(outcome({ publicKey: spki, data: DATA, signature: sig.der })).toBe(true);
  });
});
