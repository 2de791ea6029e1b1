/**
 * RFC 5280 profile rules of path validation and CRLs: serial numbers keep their sign, key sizes and
 * curves, subjectAltName syntax, policy extensions, validity granularity, the CRL profile.
 */
import { generateKeyPairSync, sign as nodeSign, createHash, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { failure } from '../../test-utils/errors';
import { integerToSignedHex } from '../asn1/decode';
import { derInteger, derNull, derOid, derSequence } from '../asn1/encode';
import { subjectPublicKeyBits } from '../cert/public-key';
import { isYizhengError } from '../errors/index';
import { createTestCa, issueCertificate, issueCrl, type TestCertificate, type TestKey } from '../testing/index';
import { crlUnusableReason, parseCrl } from './crl';
import { ALLOWED_EC_CURVES, DEFAULT_MIN_RSA_BITS, createRevocationChecker, createTrustStore, validateCertificatePath } from './index';

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T08:00:00Z');
const before = (days: number): Date => new Date(NOW.getTime() - days * DAY);

/** A TestKey over a Node key pair the test kit does not make (RSA-1024, secp256k1). */
function nodeTestKey(privateKey: KeyObject, publicKey: KeyObject, algorithm: 'rsa' | 'ec'): TestKey {
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  const bits = subjectPublicKeyBits(spki);
  return {
    algorithm,
    spki,
    publicKeyBits: bits,
    keyIdentifier: new Uint8Array(createHash('sha1').update(bits).digest()),
    signatureAlgorithm: () =>
      algorithm === 'rsa' ? derSequence(derOid('1.2.840.113549.1.1.11'), derNull()) : derSequence(derOid('1.2.840.10045.4.3.2')),
    sign: (data: Uint8Array) => new Uint8Array(nodeSign('sha256', data, privateKey)),
    pkcs8: () => new Uint8Array(privateKey.export({ type: 'pkcs8', format: 'der' })),
  };
}

const rsa1024 = (): TestKey => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  return nodeTestKey(privateKey, publicKey, 'rsa');
};

describe('serial numbers keep their sign', () => {
  // FB CE 99 6C 13 is negative (-0x04316693ED); 00 FB CE 99 6C 13 is the positive 0xFBCE996C13.
  const negative = -0x04316693edn;
  const positive = 0xfbce996c13n;
  const root = createTestCa({ subject: 'CN=Serial Root, O=一证测试, C=CN', notBefore: before(100) });
  const neg = issueCertificate({ subject: 'CN=负序列号', issuer: root, serialNumber: negative, notBefore: before(10) });
  const pos = issueCertificate({ subject: 'CN=正序列号', issuer: root, serialNumber: positive, notBefore: before(10) });

  it('encodes the two as different DER INTEGERs and prints them apart (OpenSSL style for the negative one)', () => {
    expect(Buffer.from(derInteger(negative)).toString('hex')).toBe('0205fbce996c13');
    expect(Buffer.from(derInteger(positive)).toString('hex')).toBe('020600fbce996c13');
    expect(pos.certificate.serialNumber).toBe('FBCE996C13');
    expect(neg.certificate.serialNumber).toBe('-04316693ED');
    const b = Uint8Array.of(0xfb, 0xce, 0x99, 0x6c, 0x13);
    expect(integerToSignedHex(b, 0, b.length)).toBe('-04316693ED');
    expect(integerToSignedHex(Uint8Array.of(0x80), 0, 1)).toBe('-80');
    expect(integerToSignedHex(Uint8Array.of(0xff, 0x00), 0, 2)).toBe('-0100');
    expect(integerToSignedHex(Uint8Array.of(0xff), 0, 1, false)).toBe('-01');
    expect(integerToSignedHex(Uint8Array.of(0x00, 0x80), 0, 2)).toBe('80');
    expect(integerToSignedHex(Uint8Array.of(0x00), 0, 1)).toBe('00');
  });

  it.each([
    ['negative', negative, neg, pos],
    ['positive', positive, pos, neg],
  ] as const)('a CRL revoking the %s serial revokes only that certificate', async (_, serial, revoked, other) => {
    const crl = issueCrl({ issuer: root, thisUpdate: before(1), revoked: [{ serialNumber: serial, reason: 'keyCompromise' }] });
    expect([...parseCrl(crl.der).revoked.keys()]).toEqual([revoked.certificate.serialNumber]);
    const options = {
      trustStore: createTrustStore(root.certificate),
      at: NOW,
      revocation: createRevocationChecker({ policy: 'require', methods: ['crl'], crls: [crl.der], cacheSize: 0 }),
    };
    const ok = await validateCertificatePath(other.certificate, options);
    expect(ok.revocation[0]).toMatchObject({ status: 'good', source: 'crl' });
    const e = await failure(validateCertificatePath(revoked.certificate, options));
    expect(e.code).toBe('CERT_REVOKED');
    expect(e.details['serialNumber']).toBe(revoked.certificate.serialNumber);
  });
});

describe('keys', () => {
  it('refuses RSA keys under 2048 bits anywhere in the path by default; minRsaBits lowers the floor to 1024 at most', async () => {
    expect(DEFAULT_MIN_RSA_BITS).toBe(2048);
    const weakRoot = createTestCa({ subject: 'CN=RSA-1024 Root', key: rsa1024(), notBefore: before(100) });
    const leaf = issueCertificate({ subject: 'CN=leaf', issuer: weakRoot, keyAlgorithm: 'ec', notBefore: before(10) });
    const store = createTrustStore(weakRoot.certificate);
    const e = await failure(validateCertificatePath(leaf.certificate, { trustStore: store, at: NOW }));
    expect(e.code).toBe('CERT_UNTRUSTED');
    expect(e.details).toMatchObject({ position: 1, reasonEn: 'the RSA key has 1024 bits, fewer than the 2048 required' });
    await expect(validateCertificatePath(leaf.certificate, { trustStore: store, at: NOW, minRsaBits: 1024 })).resolves.toBeTruthy();
    await expect(validateCertificatePath(leaf.certificate, { trustStore: store, at: NOW, minRsaBits: 512 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });

    const root = createTestCa({ subject: 'CN=EC Root', notBefore: before(100) });
    const weakLeaf = issueCertificate({ subject: 'CN=weak leaf', issuer: root, key: rsa1024(), notBefore: before(10) });
    const l = await failure(validateCertificatePath(weakLeaf.certificate, { trustStore: createTrustStore(root.certificate), at: NOW }));
    expect(l.details).toMatchObject({ position: 0, reasonEn: 'the RSA key has 1024 bits, fewer than the 2048 required' });
  });

  it('accepts P-256, P-384, P-521 and SM2 keys only', async () => {
    expect(ALLOWED_EC_CURVES).toEqual(['P-256', 'P-384', 'P-521', 'SM2']);
    const root = createTestCa({ subject: 'CN=Curve Root', notBefore: before(100) });
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    const k1 = issueCertificate({ subject: 'CN=secp256k1', issuer: root, key: nodeTestKey(privateKey, publicKey, 'ec'), notBefore: before(10) });
    const e = await failure(validateCertificatePath(k1.certificate, { trustStore: createTrustStore(root.certificate), at: NOW }));
    expect(String(e.details['reasonEn'])).toMatch(/^unsupported elliptic curve 1\.3\.132\.0\.10/);
    const sm2Root = createTestCa({ subject: 'CN=SM2 Root', keyAlgorithm: 'sm2', notBefore: before(100) });
    const sm2Leaf = issueCertificate({ subject: 'CN=SM2 leaf', issuer: sm2Root, notBefore: before(10) });
    await expect(validateCertificatePath(sm2Leaf.certificate, { trustStore: createTrustStore(sm2Root.certificate), at: NOW })).resolves.toBeTruthy();
  });
});

describe('RFC 5280 profile of the certificates in a path', () => {
  const root = createTestCa({ subject: 'CN=Profile Root, O=一证测试, C=CN', notBefore: before(100) });
  const run = async (leaf: TestCertificate, issuer: TestCertificate = root, at = NOW): Promise<string> => {
    try {
      await validateCertificatePath(leaf.certificate, { trustStore: createTrustStore(root.certificate), intermediates: [issuer.certificate], at });
      return 'ok';
    } catch (e) {
      if (!isYizhengError(e)) throw e;
      return `${e.code}:${String(e.details['reasonEn'])}`;
    }
  };

  it('refuses a dNSName outside the preferred name syntax (underscore, an IP address, an empty label)', async () => {
    const san = (dns: string[]): TestCertificate => issueCertificate({ subject: 'CN=x', issuer: root, notBefore: before(10), subjectAltNames: { dns } });
    expect(await run(san(['foo_bar.example.cn']))).toMatch(/^CERT_UNTRUSTED:the subjectAltName dNSName "foo_bar.example.cn" is not a valid host name/);
    expect(await run(san(['8.8.8.8']))).toMatch(/dNSName "8.8.8.8" is not a valid host name/);
    expect(await run(san(['.example.cn']))).toMatch(/is not a valid host name/);
    expect(await run(san(['*']))).toMatch(/is not a valid host name/);
    expect(await run(san(['www.example.cn', '*.example.cn', 'xn--fiqs8s.cn', '3com.example']))).toBe('ok');
  });

  it('refuses policyConstraints and inhibitAnyPolicy, critical or not (no policy processing)', async () => {
    for (const [oid, value] of [
      ['2.5.29.36', derSequence(Uint8Array.of(0x80, 1, 0))],
      ['2.5.29.54', derInteger(0)],
    ] as const) {
      for (const critical of [false, true]) {
        const ica = createTestCa({ subject: `CN=ICA ${oid} ${critical}`, issuer: root, notBefore: before(50), extensions: [{ oid, critical, value }] });
        const leaf = issueCertificate({ subject: 'CN=leaf', issuer: ica, notBefore: before(10) });
        expect(await run(leaf, ica), `${oid} critical=${critical}`).toMatch(/^CERT_UNTRUSTED:(a non-critical|unrecognised critical)/);
      }
    }
  });

  it('compares validity to the second, as the dates are encoded', async () => {
    const notAfter = new Date('2026-06-01T00:00:00Z');
    const leaf = issueCertificate({ subject: 'CN=x', issuer: root, notBefore: before(10), notAfter });
    expect(await run(leaf, root, new Date(notAfter.getTime() + 5))).toBe('ok');
    expect(await run(leaf, root, new Date(notAfter.getTime() + 999))).toBe('ok');
    expect(await run(leaf, root, new Date(notAfter.getTime() + 1000))).toMatch(/^CERT_EXPIRED/);
    const notBefore = new Date('2026-05-01T00:00:01Z');
    const later = issueCertificate({ subject: 'CN=y', issuer: root, notBefore, notAfter: new Date('2027-01-01T00:00:00Z') });
    expect(await run(later, root, new Date(notBefore.getTime() - 1))).toMatch(/^CERT_NOT_YET_VALID/);
    expect(await run(later, root, notBefore)).toBe('ok');
  });
});

describe('CRL profile (RFC 5280 §5.2.3)', () => {
  const ca = createTestCa({ subject: 'CN=CRL CA', notBefore: before(100) });
  const leaf = issueCertificate({ subject: 'CN=leaf', issuer: ca, notBefore: before(10) });

  it('does not use a CRL without cRLNumber or with a critical one', async () => {
    const missing = parseCrl(issueCrl({ issuer: ca, thisUpdate: before(1), crlNumber: null }).der);
    expect(crlUnusableReason(missing, ca.certificate)).toBe('the CRL has no cRLNumber extension, which RFC 5280 §5.2.3 requires');
    const critical = parseCrl(issueCrl({ issuer: ca, thisUpdate: before(1), crlNumber: null, extensions: [{ oid: '2.5.29.20', critical: true, value: derInteger(3) }] }).der);
    expect(critical.crlNumber).toBe(3n);
    expect(crlUnusableReason(critical, ca.certificate)).toBe('the CRL cRLNumber extension is critical, which RFC 5280 §5.2.3 forbids');
    const good = parseCrl(issueCrl({ issuer: ca, thisUpdate: before(1) }).der);
    expect(crlUnusableReason(good, ca.certificate)).toBeUndefined();
    for (const crl of [missing, critical]) {
      const checker = createRevocationChecker({ policy: 'require', methods: ['crl'], crls: [crl.der], cacheSize: 0 });
      const e = await failure(validateCertificatePath(leaf.certificate, { trustStore: createTrustStore(ca.certificate), at: NOW, revocation: checker }));
      expect(e.code).toBe('REVOCATION_UNAVAILABLE');
    }
  });
});
