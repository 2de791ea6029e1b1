import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { derUtf8String } from '../asn1/encode';
import { parseCertificate } from '../cert/index';
import { verifyCertificateSignature, verifySignature } from '../crypto/index';
import { parseCrl } from '../trust/crl';
import { parseOcspResponse } from '../trust/ocsp';
import {
  cachedTestKey,
  certificateToPem,
  createOcspResponse,
  createTestCa,
  generateTestKey,
  importTestKey,
  issueCertificate,
  issueCertificatePair,
  issueCrl,
  privateKeyToPem,
  publicKeyToPem,
  utf8Extension,
} from './index';
import { encodeTestName } from './names';

describe('test CA kit: certificates', () => {
  it.each(['ec', 'rsa', 'sm2'] as const)('issues a %s root, intermediate and leaf that verify and parse', (alg) => {
    const root = createTestCa({ subject: 'CN=测试根CA, O=一证, C=CN', key: cachedTestKey(alg, 'root') });
    const sub = createTestCa({ subject: 'CN=测试二级CA, O=一证, C=CN', issuer: root, pathLength: 0, key: cachedTestKey(alg, 'sub') });
    const leaf = issueCertificate({
      subject: 'CN=张三, OU=91350200556207664B, O=厦门帝网信息科技有限公司, C=CN',
      issuer: sub,
      key: cachedTestKey(alg, 'leaf'),
      serialNumber: 0x1a100000000000004623n,
      extKeyUsage: ['clientAuth', '1.3.6.1.4.1.311.20.2.2'],
      crlDistributionPoints: ['http://crl.example.cn/sub.crl'],
      ocspUrls: ['http://ocsp.example.cn/'],
      caIssuerUrls: ['http://ca.example.cn/sub.cer'],
      policies: ['2.16.156.112554.1.1'],
      subjectAltNames: { email: ['zhangsan@example.cn'], dns: ['example.cn'], ip: ['192.0.2.1'], uri: ['https://example.cn/'] },
      extensions: [utf8Extension('1.2.156.10260.4.1.4', '91350200556207664B'), { oid: '1.2.156.112562.2.1.1.1', value: derUtf8String('JJTEST002') }],
    });
    expect(verifyCertificateSignature(root.certificate, root.certificate)).toBe(true);
    expect(verifyCertificateSignature(sub.certificate, root.certificate)).toBe(true);
    expect(verifyCertificateSignature(leaf.certificate, sub.certificate)).toBe(true);
    // Another key: false, or for RSA possibly SIGNATURE_MALFORMED (a signature not below the other modulus).
    expect(() => {
      if (verifyCertificateSignature(leaf.certificate, root.certificate)) throw new Error('verified with the wrong key');
    }).not.toThrow('verified with the wrong key');

    const c = leaf.certificate;
    expect(c.subject.toString()).toBe('CN=张三, OU=91350200556207664B, O=厦门帝网信息科技有限公司, C=CN');
    expect(c.issuer.equals(sub.certificate.subject)).toBe(true);
    expect(c.serialNumber).toBe('1A100000000000004623');
    expect(c.keyUsage).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(c.extKeyUsage).toEqual(['1.3.6.1.5.5.7.3.2', '1.3.6.1.4.1.311.20.2.2']);
    expect(c.authorityKeyIdentifier).toBe(sub.certificate.subjectKeyIdentifier);
    expect(c.crlDistributionPoints).toEqual(['http://crl.example.cn/sub.crl']);
    expect(c.ocspUrls).toEqual(['http://ocsp.example.cn/']);
    expect(c.caIssuerUrls).toEqual(['http://ca.example.cn/sub.cer']);
    expect(c.policies).toEqual(['2.16.156.112554.1.1']);
    expect(c.subjectAltNames.map((n) => `${n.type}:${n.value}`)).toEqual([
      'email:zhangsan@example.cn',
      'dns:example.cn',
      'uri:https://example.cn/',
      'ip:192.0.2.1',
    ]);
    expect(c.extension('1.2.156.10260.4.1.4')?.text).toBe('91350200556207664B');
    expect(c.extension('1.2.156.112562.2.1.1.1')?.text).toBe('JJTEST002');
    expect(c.publicKey.algorithm).toBe(alg);
    expect(sub.certificate.basicConstraints).toEqual({ ca: true, pathLength: 0 });
    expect(sub.certificate.extension('2.5.29.19')?.critical).toBe(true);
    expect(sub.certificate.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    expect(root.certificate.isSelfIssued).toBe(true);
    if (alg !== 'sm2') {
      // OpenSSL agrees (it cannot verify SM2 with the default user id, see DOMAIN.md §5).
      expect(new X509Certificate(leaf.der).verify(new X509Certificate(sub.der).publicKey)).toBe(true);
    }
  });

  it('sets validity, version 1, and leaves extensions out on request', () => {
    const notBefore = new Date('2020-01-01T00:00:00Z');
    const notAfter = new Date('2051-01-01T00:00:00Z');
    const v1 = createTestCa({ subject: 'CN=v1', version: 1, notBefore, notAfter });
    expect(v1.certificate.version).toBe(1);
    expect(v1.certificate.extensions).toEqual([]);
    expect([v1.certificate.notBefore, v1.certificate.notAfter]).toEqual([notBefore, notAfter]);
    const bare = issueCertificate({ subject: 'CN=bare', issuer: v1, keyUsage: false, subjectKeyIdentifier: false, authorityKeyIdentifier: false });
    expect(bare.certificate.extensions).toEqual([]);
    const expired = issueCertificate({ subject: 'CN=old', issuer: v1, notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') });
    expect(expired.certificate.notAfter.getUTCFullYear()).toBe(2021);
  });

  it('builds names from strings, pairs and multi-valued RDNs', () => {
    const a = encodeTestName('CN=A\\, B, O=某公司, C=CN');
    const b = encodeTestName([
      ['C', 'CN'],
      ['O', '某公司'],
      ['CN', 'A, B'],
    ]);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const multi = issueCertificate({ subject: [[['CN', 'x'], ['2.5.4.5', '123']]] }).certificate.subject;
    expect(multi.rdns[0]).toHaveLength(2);
    expect(() => encodeTestName('XX=1')).toThrow(RangeError);
  });

  it('issues signing and encryption pairs', () => {
    const ca = createTestCa();
    const { signing, encryption } = issueCertificatePair({ subject: 'CN=张三, O=某公司, C=CN', issuer: ca, keyAlgorithm: 'sm2' });
    expect(signing.certificate.purpose).toBe('signing');
    expect(encryption.certificate.purpose).toBe('encryption');
    expect(signing.certificate.serialNumber).not.toBe(encryption.certificate.serialNumber);
    expect(signing.certificate.subject.equals(encryption.certificate.subject)).toBe(true);
    expect(signing.certificate.publicKey.algorithm).toBe('sm2');
  });

  it('writes PEM certificates and PKCS#8 keys that Node reads back', () => {
    for (const alg of ['ec', 'rsa'] as const) {
      const key = cachedTestKey(alg, 'pem');
      const pem = privateKeyToPem(key);
      expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
      const pub = createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'der' });
      expect(Buffer.from(pub).equals(Buffer.from(key.spki))).toBe(true);
      expect(importTestKey(pem).spki).toEqual(key.spki);
      expect(publicKeyToPem(key)).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    }
    const sm2 = generateTestKey('sm2');
    const sm2Pub = createPublicKey(createPrivateKey(privateKeyToPem(sm2))).export({ type: 'spki', format: 'der' });
    expect(Buffer.from(sm2Pub).subarray(-65).equals(Buffer.from(sm2.publicKeyBits))).toBe(true);
    const cert = createTestCa();
    expect(certificateToPem(cert.certificate)).toBe(cert.pem);
    expect(parseCertificate(cert.pem).sha256).toBe(cert.certificate.sha256);
  });

  it('signs data the verifier accepts (SM2 with the default user id)', () => {
    const key = cachedTestKey('sm2', 'data');
    const data = new TextEncoder().encode('challenge');
    expect(verifySignature({ publicKey: key.spki, data, signature: key.sign(data), format: 'der' })).toBe(true);
  });
});

describe('test CA kit: CRLs and OCSP responses', () => {
  const ca = createTestCa({ subject: 'CN=CRL CA', keyAlgorithm: 'sm2' });

  it('issues v2 CRLs with entries, reasons, CRL number and AKI', () => {
    const thisUpdate = new Date('2026-01-01T00:00:00Z');
    const crl = issueCrl({ issuer: ca, thisUpdate, crlNumber: 7n, revoked: [{ serialNumber: '01AB', reason: 'superseded' }, { serialNumber: 5n }] });
    expect(crl.pem).toMatch(/^-----BEGIN X509 CRL-----\n/);
    const parsed = parseCrl(crl.der);
    expect([parsed.crlNumber, parsed.thisUpdate, parsed.nextUpdate.getTime() - thisUpdate.getTime()]).toEqual([7n, thisUpdate, 86_400_000]);
    expect([...parsed.revoked.keys()]).toEqual(['01AB', '05']);
    expect(parsed.revoked.get('01AB')?.reason).toBe('superseded');
    expect(parsed.authorityKeyIdentifier).toBe(ca.certificate.subjectKeyIdentifier);
  });

  it('creates OCSP responses for good, revoked and unknown', () => {
    const leaf = issueCertificate({ subject: 'CN=leaf', issuer: ca });
    const der = createOcspResponse({
      issuer: ca,
      nonce: Uint8Array.of(1, 2, 3),
      answers: [
        { certificate: leaf.certificate, status: 'good' },
        { certificate: leaf.certificate, status: 'revoked', reason: 'keyCompromise' },
        { certificate: leaf.certificate, status: 'unknown', nextUpdate: null },
      ],
    });
    const basic = parseOcspResponse(der).basic;
    expect(basic?.responses.map((r) => r.status)).toEqual(['good', 'revoked', 'unknown']);
    expect(basic?.responses[1]?.reason).toBe('keyCompromise');
    expect(basic?.responses[2]?.nextUpdate).toBeUndefined();
    expect(basic?.certificates).toEqual([]);
  });
});
