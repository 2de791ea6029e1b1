/**
 * Interoperability with the openssl CLI (OpenSSL 3), both ways:
 * - SM2: `openssl pkeyutl -encrypt` → sm2Decrypt, sm2Encrypt → `openssl pkeyutl -decrypt`, the
 *   pinned known answer opened by OpenSSL;
 * - SM4-CBC: an SM2 envelope's content key and content opened with `pkeyutl` and `openssl enc
 *   -d -sm4-cbc`; an envelope assembled from `pkeyutl -encrypt` and `openssl enc -sm4-cbc` opened
 *   by openEnvelope;
 * - RSA: `openssl cms -encrypt` (PKCS#1 v1.5 and OAEP-SHA256, AES-256-CBC and AES-256-GCM) →
 *   openEnvelope, and sealEnvelope → `openssl cms -decrypt`.
 * Skipped with a visible note when openssl (or its SM2) is missing; that fails under CI=true.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Tag } from '../asn1/index';
import { derExplicit, derInteger, derOctetString, derOid, derSequence, derSet, derTlv } from '../asn1/encode';
import { issuerAndSerial } from '../crypto/cms';
import { Region } from '../crypto/der-region';
import { createTestCa, issueCertificate, privateKeyToPem } from '../testing/index';
import { ENVELOPE_OID, openEnvelope, sealEnvelope, sm2Decrypt, sm2Encrypt, sm2PublicKeyOf } from './index';

function opensslSm2(): boolean {
  try {
    const dir = mkdtempSync(join(tmpdir(), 'yz-env-probe-'));
    execFileSync('openssl', ['genpkey', '-algorithm', 'SM2', '-out', join(dir, 'k.pem')], { stdio: 'ignore' });
    execFileSync('openssl', ['enc', '-sm4-cbc', '-K', '00'.repeat(16), '-iv', '00'.repeat(16), '-in', join(dir, 'k.pem'), '-out', join(dir, 'x')], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const available = opensslSm2();
if (!available) {
  if (process.env['CI'] === 'true') throw new Error('openssl with SM2 and SM4 is required under CI');
  console.warn('envelope openssl.test: openssl (with SM2 / SM4) not found; interoperability tests skipped');
}

const dir = mkdtempSync(join(tmpdir(), 'yz-envelope-'));
const file = (name: string): string => join(dir, name);
const openssl = (...args: string[]): Buffer => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
const put = (name: string, data: Uint8Array | string): string => (writeFileSync(file(name), data), file(name));
const CONTENT = new TextEncoder().encode('开标一览表：报价 1,234,567.00 元。'.repeat(5));

/** The parts of a single-recipient envelope, read with the strict reader. */
function partsOf(env: Uint8Array): { encryptedKey: Uint8Array; iv: Uint8Array; content: Uint8Array } {
  const top = new Region(env);
  const ci = top.enter(top.expect(Tag.SEQUENCE, 'ContentInfo'));
  ci.expect(Tag.OID, 'type');
  const x = ci.enter(ci.expect(0xa0, '[0]'));
  const ed = x.enter(x.expect(Tag.SEQUENCE, 'EnvelopedData'));
  ed.expect(Tag.INTEGER, 'version');
  const set = ed.enter(ed.expect(Tag.SET, 'recipientInfos'));
  const ri = set.enter(set.expect(Tag.SEQUENCE, 'ktri'));
  ri.expect(Tag.INTEGER, 'v');
  ri.expect(Tag.SEQUENCE, 'rid');
  ri.expect(Tag.SEQUENCE, 'alg');
  const ek = ri.expect(Tag.OCTET_STRING, 'ek');
  const eci = ed.enter(ed.expect(Tag.SEQUENCE, 'eci'));
  eci.expect(Tag.OID, 'type');
  const alg = eci.enter(eci.expect(Tag.SEQUENCE, 'alg'));
  alg.expect(Tag.OID, 'oid');
  const iv = alg.expect(Tag.OCTET_STRING, 'iv');
  const c = eci.expect(0x80, 'content');
  return { encryptedKey: env.slice(ek.contentStart, ek.end), iv: env.slice(iv.contentStart, iv.end), content: env.slice(c.contentStart, c.end) };
}

describe.skipIf(!available)('interoperability with openssl', () => {
  const sm2Ca = createTestCa({ keyAlgorithm: 'sm2' });
  const sm2 = issueCertificate({ subject: 'CN=SM2 加密证书', issuer: sm2Ca, keyUsage: ['keyEncipherment', 'dataEncipherment'] });
  const rsaCa = createTestCa({ keyAlgorithm: 'rsa' });
  const rsa = issueCertificate({ subject: 'CN=RSA encryption', issuer: rsaCa, keyUsage: ['keyEncipherment'] });
  const sm2Key = put('sm2.pem', privateKeyToPem(sm2.key));
  const sm2Pub = put('sm2pub.pem', openssl('x509', '-in', put('sm2cert.pem', sm2.pem), '-pubkey', '-noout'));
  const rsaKey = put('rsa.pem', privateKeyToPem(rsa.key));
  const rsaCert = put('rsacert.pem', rsa.pem);
  const point = sm2.certificate.publicKey.algorithm === 'sm2' ? sm2.certificate.publicKey.point : new Uint8Array();
  const sm2D = ((): Uint8Array => {
    const text = openssl('pkey', '-in', sm2Key, '-text', '-noout').toString();
    const m = /priv:\s*([\s\S]*?)pub:/.exec(text);
    const hex = (m?.[1] ?? '').replace(/[^0-9a-f]/g, '').replace(/^00(?=[0-9a-f]{64}$)/, '');
    return new Uint8Array(Buffer.from(hex.padStart(64, '0'), 'hex'));
  })();

  it('SM2: OpenSSL encrypts, sm2Decrypt opens (ASN.1 form); sm2Encrypt encrypts, OpenSSL opens', () => {
    expect(sm2PublicKeyOf(sm2D)).toEqual(point);
    for (const m of [Uint8Array.of(0x42), new Uint8Array(16).fill(1), CONTENT]) {
      const c = openssl('pkeyutl', '-encrypt', '-pubin', '-inkey', sm2Pub, '-in', put('m.bin', m));
      expect(sm2Decrypt(sm2D, new Uint8Array(c))).toEqual(m);
      put('c.bin', sm2Encrypt(point, m));
      expect(new Uint8Array(openssl('pkeyutl', '-decrypt', '-inkey', sm2Key, '-in', file('c.bin')))).toEqual(m);
    }
  });

  it('SM2 known answer: OpenSSL opens the pinned deterministic ciphertext of the standard key', () => {
    // SEC 1 ECPrivateKey { 1, d, [0] SM2 } of the GM/T 0003.5 example key.
    const kd = Buffer.from('3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8', 'hex');
    const sec1 = derSequence(derInteger(1), derOctetString(kd), derExplicit(0, derOid('1.2.156.10197.1.301')));
    put('kat.der', sec1);
    const ct =
      '307c022004ebfc718e8d1798620432268e77feb6415e2ede0e073c0f4f640ecd2e149a73022100e858f9d81e5430a57b36daab8f950a3c64e6ee6a63094d99283aff767e124df0042059983c18f809e262923c53aec295d30383b54e39d609d160afcb1908d0bd8766041321886ca989ca9c7d58087307ca93092d651efa';
    put('kat.ct', Buffer.from(ct, 'hex'));
    const out = openssl('pkeyutl', '-decrypt', '-keyform', 'DER', '-inkey', file('kat.der'), '-in', file('kat.ct'));
    expect(out.toString()).toBe('encryption standard');
  });

  it('SM4-CBC: a sealed SM2 envelope opens with pkeyutl + openssl enc -d -sm4-cbc', () => {
    const env = sealEnvelope({ content: CONTENT, recipients: [sm2.certificate] });
    const p = partsOf(env);
    const cek = openssl('pkeyutl', '-decrypt', '-inkey', sm2Key, '-in', put('ek.bin', p.encryptedKey));
    expect(cek.length).toBe(16);
    const out = openssl('enc', '-d', '-sm4-cbc', '-K', cek.toString('hex'), '-iv', Buffer.from(p.iv).toString('hex'), '-in', put('ct.bin', p.content));
    expect(new Uint8Array(out)).toEqual(CONTENT);
  });

  it('SM4-CBC: an envelope assembled from openssl pkeyutl -encrypt and openssl enc -sm4-cbc opens', () => {
    const cek = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const iv = Buffer.from('0f0e0d0c0b0a09080706050403020100', 'hex');
    const ek = openssl('pkeyutl', '-encrypt', '-pubin', '-inkey', sm2Pub, '-in', put('cek.bin', cek));
    const ct = openssl('enc', '-sm4-cbc', '-K', cek.toString('hex'), '-iv', iv.toString('hex'), '-in', put('content.bin', CONTENT));
    const { issuer, serial } = issuerAndSerial(sm2.der);
    const ktri = derSequence(derInteger(0), derSequence(issuer, derTlv(Tag.INTEGER, serial)), derSequence(derOid(ENVELOPE_OID.sm2Encrypt)), derOctetString(ek));
    const eci = derSequence(derOid(ENVELOPE_OID.gmData), derSequence(derOid(ENVELOPE_OID.sm4Cbc), derOctetString(iv)), derTlv(0x80, ct));
    const env = derSequence(derOid(ENVELOPE_OID.gmEnvelopedData), derExplicit(0, derSequence(derInteger(0), derSet(ktri), eci)));
    expect(openEnvelope({ envelope: env, privateKey: privateKeyToPem(sm2.key), certificate: sm2.certificate })).toEqual(CONTENT);
  });

  const rsaModes = [
    { name: 'PKCS#1 v1.5, AES-256-CBC', cms: ['-aes-256-cbc'], seal: { rsa: { padding: 'pkcs1' as const } } },
    {
      name: 'OAEP SHA-256, AES-256-CBC',
      cms: ['-aes-256-cbc', '-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256', '-keyopt', 'rsa_mgf1_md:sha256'],
      seal: {},
    },
    { name: 'OAEP SHA-1 (OpenSSL default OAEP), AES-256-CBC', cms: ['-aes-256-cbc', '-keyopt', 'rsa_padding_mode:oaep'], seal: undefined },
    { name: 'PKCS#1 v1.5, AES-256-GCM', cms: ['-aes-256-gcm'], seal: { rsa: { padding: 'pkcs1' as const }, contentCipher: 'aes-256-gcm' as const } },
    {
      name: 'OAEP SHA-256, AES-256-GCM',
      cms: ['-aes-256-gcm', '-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256', '-keyopt', 'rsa_mgf1_md:sha256'],
      seal: { contentCipher: 'aes-256-gcm' as const },
    },
    { name: 'PKCS#1 v1.5, AES-128-CBC (open only)', cms: ['-aes-128-cbc'], seal: undefined },
  ];

  for (const mode of rsaModes) {
    it(`RSA ${mode.name}: openssl cms -encrypt → openEnvelope`, () => {
      const env = openssl('cms', '-encrypt', '-binary', '-in', put('content.bin', CONTENT), '-recip', rsaCert, '-outform', 'DER', ...mode.cms);
      expect(openEnvelope({ envelope: new Uint8Array(env), privateKey: privateKeyToPem(rsa.key), certificate: rsa.pem })).toEqual(CONTENT);
    });
    if (mode.seal !== undefined) {
      const seal = mode.seal;
      it(`RSA ${mode.name}: sealEnvelope → openssl cms -decrypt`, () => {
        put('env.der', sealEnvelope({ content: CONTENT, recipients: [rsa.certificate], ...seal }));
        const out = openssl('cms', '-decrypt', '-binary', '-inform', 'DER', '-in', file('env.der'), '-inkey', rsaKey, '-recip', rsaCert);
        expect(new Uint8Array(out)).toEqual(CONTENT);
      });
    }
  }

  it('RSA: openssl cms -encrypt to two recipients; each opens its own', () => {
    const other = issueCertificate({ subject: 'CN=RSA other', issuer: rsaCa, keyUsage: ['keyEncipherment'] });
    const env = openssl('cms', '-encrypt', '-binary', '-aes-256-cbc', '-in', put('content.bin', CONTENT), '-outform', 'DER', put('o.pem', other.pem), rsaCert);
    expect(openEnvelope({ envelope: new Uint8Array(env), privateKey: privateKeyToPem(other.key), certificate: other.certificate })).toEqual(CONTENT);
    expect(openEnvelope({ envelope: new Uint8Array(env), privateKey: privateKeyToPem(rsa.key), certificate: rsa.certificate })).toEqual(CONTENT);
    expect(readFileSync(file('o.pem'), 'utf8')).toContain('BEGIN CERTIFICATE');
  });
});
