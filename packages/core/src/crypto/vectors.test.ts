/**
 * Real artefacts: the BJCA challenge signature, national SM2 CA certificates, the Tongsuo SM2 test
 * chain (shared vectors), and the OpenSSL-made certificates of the cert fixtures (SM2 with the
 * default id, ECDSA, RSA, RSA-PSS), whose issuer signatures come from an independent implementation.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasVectors, readVector, readVectorText } from '../../test-utils/vectors';
import { parseCertificate, parseCertificates, type Certificate } from '../cert/index';
import { isYizhengError } from '../errors/index';
import { assertSignature, verifyCertificateSignature, verifySignature } from './index';

const flip = (b: Uint8Array, i: number, mask = 0x01): Uint8Array => {
  const c = Uint8Array.from(b);
  c[i] = (c[i] ?? 0) ^ mask;
  return c;
};

describe.skipIf(!hasVectors)('BJCA challenge (bjca-challenge/)', () => {
  const load = (): { cert: Certificate; challenge: string; sig: Buffer; pem: string } => ({
    cert: parseCertificate(readVector('bjca-challenge', 'cert.der')),
    challenge: readVectorText('bjca-challenge', 'challenge.txt'),
    sig: readVector('bjca-challenge', 'signature.der'),
    pem: readVectorText('bjca-challenge', 'public-key.pem'),
  });

  it('verifies over the ASCII bytes of challenge.txt as-is, default user id', () => {
    const { cert, challenge, sig, pem } = load();
    expect(cert.publicKey.algorithm).toBe('sm2');
    expect(verifySignature({ certificate: cert, data: challenge, signature: sig })).toBe(true);
    expect(verifySignature({ certificate: readVector('bjca-challenge', 'cert.der'), data: challenge, signature: sig })).toBe(true);
    expect(verifySignature({ certificate: cert, data: readVector('bjca-challenge', 'challenge.txt'), signature: sig, format: 'der' })).toBe(true);
    expect(verifySignature({ publicKey: pem, data: challenge, signature: sig.toString('base64') })).toBe(true);
    expect(verifySignature({ publicKey: cert.publicKey, data: challenge, signature: sig, sm2UserId: '1234567812345678' })).toBe(true);
    expect(() => assertSignature({ certificate: cert, data: challenge, signature: sig })).not.toThrow();
  });

  it('is false for the decoded challenge, another user id, and any flipped byte', () => {
    const { cert, challenge, sig } = load();
    expect(verifySignature({ certificate: cert, data: Buffer.from(challenge, 'base64'), signature: sig })).toBe(false);
    expect(verifySignature({ certificate: cert, data: challenge, signature: sig, sm2UserId: '' })).toBe(false);
    const data = Buffer.from(challenge, 'ascii');
    for (let i = 0; i < data.length; i++) {
      expect(verifySignature({ certificate: cert, data: flip(data, i), signature: sig })).toBe(false);
    }
    // The value bytes of r and s: a flip gives another in-range value, so a clean false.
    const rStart = 4;
    const sStart = 4 + 32 + 3;
    for (const i of [rStart, rStart + 15, rStart + 31, sStart + 1, sStart + 20, sStart + 31]) {
      expect(verifySignature({ certificate: cert, data: challenge, signature: flip(sig, i) })).toBe(false);
    }
    try {
      assertSignature({ certificate: cert, data: challenge + 'x', signature: sig });
      expect.unreachable();
    } catch (e) {
      expect(isYizhengError(e, 'SIGNATURE_INVALID')).toBe(true);
    }
  });

  it('any flipped bit is false or SIGNATURE_MALFORMED, never true', () => {
    const { cert, challenge, sig } = load();
    for (let i = 0; i < sig.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        let got: unknown;
        try {
          got = verifySignature({ certificate: cert, data: challenge, signature: flip(sig, i, 1 << bit) });
        } catch (e) {
          got = isYizhengError(e, 'SIGNATURE_MALFORMED') ? 'malformed' : e;
        }
        expect(got === false || got === 'malformed', `byte ${i} bit ${bit}: ${String(got)}`).toBe(true);
      }
    }
  });
});

describe.skipIf(!hasVectors)('national SM2 CA certificates (sm2-real-ca/)', () => {
  const cert = (f: string): Certificate => parseCertificate(readVectorText('sm2-real-ca', f));

  it('ROOTCA is self-signed and signed Ant Financial S1', () => {
    const root = cert('ROOTCA.pem');
    const ant = cert('AntFinancialS1.pem');
    expect(verifyCertificateSignature(root, root)).toBe(true);
    expect(verifyCertificateSignature(ant, root)).toBe(true);
    expect(verifyCertificateSignature(root, ant)).toBe(false);
    expect(verifyCertificateSignature(ant, ant)).toBe(false);
  });

  it('Civil Servant ROOT is self-signed and signed TJCA', () => {
    const root = cert('CivilServantROOT.pem');
    const tjca = cert('TJCA.pem');
    expect(verifyCertificateSignature(root, root)).toBe(true);
    expect(verifyCertificateSignature(tjca, root)).toBe(true);
    expect(verifyCertificateSignature(tjca, cert('ROOTCA.pem'))).toBe(false);
    // The same check through verifySignature on the TBS bytes.
    expect(verifySignature({ certificate: root, data: tjca.tbs, signature: tjca.signatureValue, format: 'der' })).toBe(true);
  });

  it('a changed TBS byte makes the issuer signature false', () => {
    const root = cert('ROOTCA.pem');
    const ant = cert('AntFinancialS1.pem');
    expect(verifySignature({ certificate: root, data: flip(ant.tbs, 100), signature: ant.signatureValue })).toBe(false);
  });
});

describe.skipIf(!hasVectors)('SM2 test chain (sm2-test-chain/)', () => {
  const one = (f: string): Certificate => parseCertificate(readVectorText('sm2-test-chain', f));

  it('root → sub CA → server_sign', () => {
    const root = one('chain-1.pem');
    const sub = one('chain-2.pem');
    const leaf = one('server_sign.crt');
    expect(verifyCertificateSignature(root, root)).toBe(true);
    expect(verifyCertificateSignature(sub, root)).toBe(true);
    expect(verifyCertificateSignature(leaf, sub)).toBe(true);
    expect(verifyCertificateSignature(leaf, root)).toBe(false);
    expect(verifyCertificateSignature(sub, sub)).toBe(false);
  });

  it('chain-ca.crt holds the same root and sub CA', () => {
    const [root, sub] = parseCertificates(readVectorText('sm2-test-chain', 'chain-ca.crt'));
    if (root === undefined || sub === undefined) throw new Error('chain-ca.crt holds two certificates');
    expect(root.sha256).toBe(one('chain-1.pem').sha256);
    expect(verifyCertificateSignature(root, root)).toBe(true);
    expect(verifyCertificateSignature(sub, root)).toBe(true);
    expect(verifyCertificateSignature(one('server_sign.crt'), sub)).toBe(true);
  });
});

describe('OpenSSL-made certificates (cert/fixtures)', () => {
  const fixture = (f: string): Certificate =>
    parseCertificate(readFileSync(new URL(`../cert/fixtures/${f}`, import.meta.url), 'utf8'));

  it('SM2 CA → signing and encryption certificates (default id)', () => {
    const ca = fixture('sm2-ca.pem');
    expect(verifyCertificateSignature(ca, ca)).toBe(true);
    expect(verifyCertificateSignature(fixture('sm2-sign.pem'), ca)).toBe(true);
    expect(verifyCertificateSignature(fixture('sm2-enc.pem'), ca)).toBe(true);
    expect(verifyCertificateSignature(fixture('sm2-enc.pem'), fixture('sm2-sign.pem'))).toBe(false);
  });

  it('ECDSA P-384 root → P-256 leaf (ecdsa-with-SHA384), P-521 (SHA-512), P-256 self-signed', () => {
    const root = fixture('root-p384.pem');
    expect(verifyCertificateSignature(root, root)).toBe(true);
    expect(verifyCertificateSignature(fixture('ec-p256-leaf.pem'), root)).toBe(true);
    expect(verifyCertificateSignature(fixture('p521.pem'), fixture('p521.pem'))).toBe(true);
    expect(verifyCertificateSignature(fixture('special-dn.pem'), fixture('special-dn.pem'))).toBe(true);
    expect(verifyCertificateSignature(fixture('special-dn.pem'), fixture('ec-p256-leaf.pem'))).toBe(true); // same key
    expect(verifyCertificateSignature(fixture('ec-p256-leaf.pem'), fixture('p521.pem'))).toBe(false);
  });

  it('RSA: SHA-256, SHA-1 (v1), RSASSA-PSS with parameters', () => {
    const rsa = fixture('rsa-leaf.pem');
    expect(verifyCertificateSignature(rsa, rsa)).toBe(true);
    expect(verifyCertificateSignature(fixture('v1-sha1.pem'), rsa)).toBe(true);
    expect(verifyCertificateSignature(fixture('rsa-pss.pem'), rsa)).toBe(true);
    expect(verifyCertificateSignature(fixture('rsa-pss.pem'), fixture('rsa-pss.pem'))).toBe(true);
  });

  it('key/algorithm mismatch and unsupported keys are SIGNATURE_MALFORMED', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
        return undefined;
      } catch (e) {
        return isYizhengError(e) ? e.code : String(e);
      }
    };
    expect(code(() => verifyCertificateSignature(fixture('rsa-leaf.pem'), fixture('sm2-ca.pem')))).toBe('SIGNATURE_MALFORMED');
    expect(code(() => verifyCertificateSignature(fixture('sm2-ca.pem'), fixture('rsa-leaf.pem')))).toBe('SIGNATURE_MALFORMED');
    expect(code(() => verifyCertificateSignature(fixture('ec-p256-leaf.pem'), fixture('sm2-ca.pem')))).toBe('SIGNATURE_MALFORMED');
    expect(code(() => verifyCertificateSignature(fixture('ed25519.pem'), fixture('ed25519.pem')))).toBe('SIGNATURE_MALFORMED');
    expect(code(() => verifyCertificateSignature('not a certificate', fixture('sm2-ca.pem')))).toBe('CERT_MALFORMED');
  });
});
