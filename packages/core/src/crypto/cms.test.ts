/**
 * PKCS#7 / CMS SignedData: messages built here (SM2 with the GM/T 0010 OIDs, RSA, ECDSA; attached
 * and detached; with and without signed attributes) and, when the openssl CLI is present, messages
 * made by OpenSSL.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../cert/index';
import { isYizhengError } from '../errors/index';
import { assertSignature, verifySignature, type VerifySignatureOptions } from './index';
import { issuerAndSerial } from './cms';
import { buildSignedData, type CmsOptions } from './testing/cms';
import { alg, cn, hex, int, nul, octets, oid, seq, set, tlv, makeCertificate, type Bytes } from './testing/der';
import { sm2Key, sm2Sign } from './testing/sm2-signer';

const DATA = new TextEncoder().encode('NDYxNjY1NTEwNzc0NTk1NTM4NTcxOTY0');
const SM3 = { oid: '1.2.156.10197.1.401', name: 'sm3' };
const SHA256 = { oid: '2.16.840.1.101.3.4.2.1', name: 'sha256' };
const GM_SIGNED_DATA = '1.2.156.10197.6.1.4.2.2';
const GM_DATA = '1.2.156.10197.6.1.4.2.1';

type Result = boolean | string;
function outcome(o: VerifySignatureOptions): Result {
  try {
    return verifySignature(o);
  } catch (e) {
    if (isYizhengError(e)) return e.code;
    throw e;
  }
}

// An SM2 signer certificate and a second one (another key, same issuer name and serial scheme).
const sm2 = sm2Key();
const sm2Cert = makeCertificate({
  subject: 'SM2 signer',
  issuer: 'SM2 CA',
  spki: sm2.spki,
  sigAlg: alg('1.2.156.10197.1.501'),
  serial: 0x0af1n,
  ski: hex('0102030405060708090a0b0c0d0e0f1011121314'),
  sign: (tbs) => sm2Sign(sm2, tbs).der,
});
const other = sm2Key();
const otherCert = makeCertificate({
  subject: 'SM2 other',
  issuer: 'SM2 CA',
  spki: other.spki,
  sigAlg: alg('1.2.156.10197.1.501'),
  serial: 0x0af2n,
  sign: (tbs) => sm2Sign(other, tbs).der,
});
const sameIdCert = makeCertificate({
  subject: 'SM2 impostor',
  issuer: 'SM2 CA',
  spki: other.spki,
  sigAlg: alg('1.2.156.10197.1.501'),
  serial: 0x0af1n, // same issuer and serial as sm2Cert
  sign: (tbs) => sm2Sign(other, tbs).der,
});

const sidOf = (certDer: Bytes): Bytes => {
  const { issuer, serial } = issuerAndSerial(certDer);
  return seq(issuer, tlv(0x02, serial));
};

function sm2Cms(over: Partial<CmsOptions> = {}): Bytes {
  return buildSignedData({
    contentType: GM_SIGNED_DATA,
    eContentType: GM_DATA,
    content: DATA,
    attached: true,
    certificates: [sm2Cert.der],
    sid: sidOf(sm2Cert.der),
    digest: SM3,
    signedAttributes: true,
    signatureAlgorithm: alg('1.2.156.10197.1.501'),
    sign: (b) => sm2Sign(sm2, b).der,
    ...over,
  });
}

describe('CMS SignedData with SM2 (GM/T 0010)', () => {
  it('verifies every combination: content type, attached/detached, signed attributes, signer OID', () => {
    for (const contentType of [GM_SIGNED_DATA, '1.2.840.113549.1.7.2']) {
      for (const attached of [true, false]) {
        for (const signedAttributes of [true, false]) {
          for (const sigOid of ['1.2.156.10197.1.501', '1.2.156.10197.1.301.1']) {
            const cms = sm2Cms({ contentType, attached, signedAttributes, signatureAlgorithm: alg(sigOid) });
            const label = `${contentType} attached=${attached} attrs=${signedAttributes} ${sigOid}`;
            expect(outcome({ certificate: sm2Cert.der, data: DATA, signature: cms }), label).toBe(true);
            expect(outcome({ certificate: sm2Cert.der, data: DATA, signature: cms, format: 'cms' }), label).toBe(true);
            expect(outcome({ certificate: sm2Cert.der, data: DATA, signature: Buffer.from(cms).toString('base64') }), label).toBe(true);
            expect(outcome({ publicKey: sm2.spki, data: DATA, signature: cms }), label).toBe(true);
            expect(outcome({ certificate: sm2Cert.der, data: 'other', signature: cms }), label).toBe(false);
          }
        }
      }
    }
  });

  it('never writes into the caller\'s buffers (signed attributes are re-tagged on a copy)', () => {
    const cms = Buffer.from(sm2Cms());
    const before = Buffer.from(cms);
    const data = Buffer.from(DATA);
    expect(outcome({ certificate: sm2Cert.der, data, signature: cms })).toBe(true);
    expect(cms.equals(before)).toBe(true);
    expect(outcome({ certificate: sm2Cert.der, data, signature: cms })).toBe(true);
  });

  it('accepts a raw r‖s signature value inside, a subject key identifier signer, no certificates', () => {
    expect(outcome({ certificate: sm2Cert.der, data: DATA, signature: sm2Cms({ sign: (b) => sm2Sign(sm2, b).raw }) })).toBe(true);
    const ski = tlv(0x80, hex('0102030405060708090a0b0c0d0e0f1011121314'));
    expect(outcome({ certificate: sm2Cert.der, data: DATA, signature: sm2Cms({ sid: ski }) })).toBe(true);
    expect(outcome({ certificate: sm2Cert.der, data: DATA, signature: sm2Cms({ certificates: [] }) })).toBe(true);
    expect(outcome({ certificate: sm2Cert.der, data: DATA, signature: sm2Cms({ certificates: [otherCert.der, sm2Cert.der] }) })).toBe(true);
    const wrongSki = tlv(0x80, hex('ff02030405060708090a0b0c0d0e0f1011121314'));
    expect(outcome({ certificate: sm2Cert.der, data: DATA, signature: sm2Cms({ sid: wrongSki }) })).toBe(false);
  });

  it('uses the user id option', () => {
    const cms = sm2Cms({ sign: (b) => sm2Sign(sm2, b, 'ALICE').der });
    expect(outcome({ certificate: sm2Cert.der, data: DATA, signature: cms })).toBe(false);
    expect(outcome({ certificate: sm2Cert.der, data: DATA, signature: cms, sm2UserId: 'ALICE' })).toBe(true);
  });

  it('is false when the signer is not the presented certificate', () => {
    // Signed by `other`, naming `other`, presented with sm2Cert.
    const byOther = sm2Cms({ certificates: [otherCert.der], sid: sidOf(otherCert.der), sign: (b) => sm2Sign(other, b).der });
    expect(outcome({ certificate: sm2Cert.der, data: DATA, signature: byOther })).toBe(false);
    expect(outcome({ certificate: otherCert.der, data: DATA, signature: byOther })).toBe(true);
    // Names sm2Cert but carries an impostor certificate with the same issuer and serial.
    const impostor = sm2Cms({ certificates: [sameIdCert.der] });
    expect(outcome({ certificate: sm2Cert.der, data: DATA, signature: impostor })).toBe(false);
    expect(outcome({ publicKey: sm2.spki, data: DATA, signature: impostor })).toBe(false);
    try {
      assertSignature({ certificate: sm2Cert.der, data: DATA, signature: impostor });
      expect.unreachable();
    } catch (e) {
      expect(isYizhengError(e, 'SIGNATURE_INVALID')).toBe(true);
      expect(String((e as { details: { reason: string } }).details.reason)).toMatch(/not the presented certificate/);
    }
    // Right sid, right key, but a signature by another key.
    expect(outcome({ certificate: sm2Cert.der, data: DATA, signature: sm2Cms({ sign: (b) => sm2Sign(other, b).der }) })).toBe(false);
  });

  it('is false for a message-digest attribute that does not match, or other attached content', () => {
    expect(outcome({ certificate: sm2Cert.der, data: DATA, signature: sm2Cms({ messageDigest: new Uint8Array(32) }) })).toBe(false);
    const otherContent = sm2Cms({ content: new TextEncoder().encode('another challenge') });
    expect(outcome({ certificate: sm2Cert.der, data: DATA, signature: otherContent })).toBe(false);
    expect(outcome({ certificate: sm2Cert.der, data: 'another challenge', signature: otherContent })).toBe(true);
  });

  it('is SIGNATURE_MALFORMED for structural problems and algorithm mismatches', () => {
    const bad = (o: Partial<CmsOptions>): Result => outcome({ certificate: sm2Cert.der, data: DATA, signature: sm2Cms(o) });
    expect(bad({ attrContentType: '1.2.840.113549.1.7.1' })).toBe('SIGNATURE_MALFORMED');
    expect(bad({ digest: SHA256 })).toBe('SIGNATURE_MALFORMED'); // SM2 needs SM3
    expect(bad({ digest: { oid: '1.2.840.113549.2.5', name: 'md5' } })).toBe('SIGNATURE_MALFORMED');
    expect(bad({ signatureAlgorithm: alg('1.2.840.10045.4.3.2') })).toBe('SIGNATURE_MALFORMED');
    expect(bad({ signatureAlgorithm: alg('1.2.156.10197.1.501', oid('1.2.3')) })).toBe('SIGNATURE_MALFORMED');
    expect(bad({ signatureAlgorithm: alg('1.2.156.10197.1.501', nul()) })).toBe(true);
    expect(bad({ contentType: '1.2.840.113549.1.7.1' })).toBe('SIGNATURE_MALFORMED');
    expect(outcome({ certificate: sm2Cert.der, data: DATA, signature: sm2Cms(), hash: 'sha256' })).toBe('SIGNATURE_MALFORMED');
    expect(outcome({ certificate: sm2Cert.der, data: DATA, signature: sm2Cms(), hash: 'sm3' })).toBe(true);
    // Trailing byte, truncation, BER indefinite length.
    const cms = sm2Cms();
    expect(outcome({ certificate: sm2Cert.der, data: DATA, signature: Uint8Array.of(...cms, 0) })).toBe('SIGNATURE_MALFORMED');
    expect(outcome({ certificate: sm2Cert.der, data: DATA, signature: cms.subarray(0, cms.length - 1) })).toBe('SIGNATURE_MALFORMED');
    expect(outcome({ certificate: sm2Cert.der, data: DATA, signature: cms, format: 'der' })).toBe('SIGNATURE_MALFORMED');
    // Versions and the digestAlgorithms list.
    expect(bad({ signerInfoVersion: 3 })).toBe('SIGNATURE_MALFORMED');
    expect(bad({ sid: tlv(0x80, hex('0102030405060708090a0b0c0d0e0f1011121314')), signerInfoVersion: 1 })).toBe('SIGNATURE_MALFORMED');
    expect(bad({ version: 2 })).toBe('SIGNATURE_MALFORMED');
    expect(bad({ version: 3 })).toBe(true);
    expect(bad({ digestAlgorithms: [alg(SHA256.oid)] })).toBe('SIGNATURE_MALFORMED');
    expect(bad({ digestAlgorithms: [alg(SHA256.oid), alg(SM3.oid)] })).toBe(true);
    expect(bad({ digestAlgorithms: [] })).toBe('SIGNATURE_MALFORMED');
    // Two SignerInfos.
    const two = buildTwoSigners();
    expect(outcome({ certificate: sm2Cert.der, data: DATA, signature: two })).toBe('SIGNATURE_MALFORMED');
  });
});

function buildTwoSigners(): Bytes {
  const si = seq(int(1), sidOf(sm2Cert.der), alg(SM3.oid), alg('1.2.156.10197.1.501'), octets(sm2Sign(sm2, DATA).der));
  const sd = seq(int(1), set(alg(SM3.oid)), seq(oid(GM_DATA)), set(si, si));
  return seq(oid(GM_SIGNED_DATA), tlv(0xa0, sd));
}

describe('CMS SignedData with RSA and ECDSA (built here)', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spkiOf = (k: KeyObject): Bytes => new Uint8Array(k.export({ type: 'spki', format: 'der' }));
  const rsaCert = makeCertificate({
    subject: 'RSA signer',
    issuer: 'RSA CA',
    spki: spkiOf(rsa.publicKey),
    sigAlg: alg('1.2.840.113549.1.1.11', nul()),
    sign: (tbs) => sign('sha256', tbs, rsa.privateKey),
  });
  const ecCert = makeCertificate({
    subject: 'EC signer',
    issuer: 'EC CA',
    spki: spkiOf(ec.publicKey),
    sigAlg: alg('1.2.840.10045.4.3.2'),
    sign: (tbs) => sign('sha256', tbs, ec.privateKey),
  });

  it('RSA with rsaEncryption and sha256WithRSAEncryption, ECDSA with ecdsa-with-SHA256', () => {
    for (const signedAttributes of [true, false]) {
      for (const sigAlg of [alg('1.2.840.113549.1.1.1', nul()), alg('1.2.840.113549.1.1.11', nul())]) {
        const cms = buildSignedData({
          content: DATA,
          attached: !signedAttributes,
          certificates: [rsaCert.der],
          sid: sidOf(rsaCert.der),
          digest: SHA256,
          signedAttributes,
          signatureAlgorithm: sigAlg,
          sign: (b) => sign('sha256', b, rsa.privateKey),
        });
        expect(outcome({ certificate: rsaCert.der, data: DATA, signature: cms })).toBe(true);
        expect(outcome({ certificate: rsaCert.der, data: 'x', signature: cms })).toBe(false);
        expect(outcome({ certificate: ecCert.der, data: DATA, signature: cms })).toBe('SIGNATURE_MALFORMED');
      }
      const cms = buildSignedData({
        content: DATA,
        attached: true,
        certificates: [ecCert.der],
        sid: sidOf(ecCert.der),
        digest: SHA256,
        signedAttributes,
        signatureAlgorithm: alg('1.2.840.10045.4.3.2'),
        sign: (b) => sign('sha256', b, ec.privateKey),
      });
      expect(outcome({ certificate: ecCert.der, data: DATA, signature: cms })).toBe(true);
      expect(outcome({ certificate: ecCert.der, data: DATA, signature: cms, rsaPadding: 'pss' })).toBe(true); // ignored for EC
      expect(outcome({ certificate: rsaCert.der, data: DATA, signature: cms })).toBe('SIGNATURE_MALFORMED');
    }
  });

  it('RSA-PSS and a hash mismatch between digest and signature algorithm', () => {
    const pssParams = seq(
      tlv(0xa0, alg(SHA256.oid)),
      tlv(0xa1, alg('1.2.840.113549.1.1.8', alg(SHA256.oid))),
      tlv(0xa2, int(32)),
    );
    const pss = buildSignedData({
      content: DATA,
      attached: false,
      sid: sidOf(rsaCert.der),
      digest: SHA256,
      signedAttributes: true,
      signatureAlgorithm: alg('1.2.840.113549.1.1.10', pssParams),
      sign: (b) => sign('sha256', b, { key: rsa.privateKey, padding: 6, saltLength: 32 }),
    });
    expect(outcome({ certificate: rsaCert.der, data: DATA, signature: pss })).toBe(true);
    expect(outcome({ certificate: rsaCert.der, data: DATA, signature: pss, rsaPadding: 'pkcs1' })).toBe('SIGNATURE_MALFORMED');
    const mismatch = buildSignedData({
      content: DATA,
      attached: false,
      sid: sidOf(rsaCert.der),
      digest: SHA256,
      signedAttributes: false,
      signatureAlgorithm: alg('1.2.840.113549.1.1.5', nul()), // sha1WithRSA with a SHA-256 digest
      sign: (b) => sign('sha1', b, rsa.privateKey),
    });
    expect(outcome({ certificate: rsaCert.der, data: DATA, signature: mismatch })).toBe('SIGNATURE_MALFORMED');
  });
});

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasOpenssl())('CMS and PKCS#7 made by the openssl CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yizheng-cms-'));
  const run = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const file = (f: string): Buffer => readFileSync(join(dir, f));
  writeFileSync(join(dir, 'data.txt'), DATA);

  for (const [name, keyArgs] of [
    ['rsa', ['-newkey', 'rsa:2048']],
    ['ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']],
  ] as const) {
    it(`${name}: cms attached/detached/no attributes, smime PKCS#7; -stream (BER) is rejected`, () => {
      run('req', '-x509', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-subj', `/CN=${name}`, '-days', '2');
      const common = ['-in', 'data.txt', '-signer', `${name}.pem`, '-inkey', `${name}.key`, '-outform', 'DER', '-binary'];
      run('cms', '-sign', ...common, '-nodetach', '-out', 'attached.der');
      run('cms', '-sign', ...common, '-out', 'detached.der');
      run('cms', '-sign', ...common, '-noattr', '-out', 'noattr.der');
      run('cms', '-sign', ...common, '-keyid', '-out', 'keyid.der');
      run('smime', '-sign', ...common, '-nodetach', '-out', 'pkcs7.der');
      run('cms', '-sign', ...common, '-nodetach', '-stream', '-out', 'stream.der');
      const cert = parseCertificate(file(`${name}.pem`));
      for (const f of ['attached.der', 'detached.der', 'noattr.der', 'keyid.der', 'pkcs7.der']) {
        expect(outcome({ certificate: cert, data: DATA, signature: file(f) }), f).toBe(true);
        expect(outcome({ certificate: cert, data: 'NDYxNjY1NTEwNzc0NTk1NTM4NTcxOTY1', signature: file(f) }), f).toBe(false);
      }
      expect(outcome({ certificate: cert, data: DATA, signature: file('stream.der') })).toBe('SIGNATURE_MALFORMED');
    });
  }
});

describe('CMS signer name helper', () => {
  it('reads issuer and serial of a certificate', () => {
    const { issuer, serial } = issuerAndSerial(sm2Cert.der);
    expect(issuer).toEqual(cn('SM2 CA'));
    expect(Buffer.from(serial).toString('hex')).toBe('0af1');
  });
});
