/**
 * Every certificate in the shared vectors (../shared/vectors): BJCA, the national SM2 CAs, the
 * Tongsuo SM2 chain and all 254 certificates of x509-limbo, checked against Node's X509Certificate.
 */
import { X509Certificate, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hasVectors, listVectors, readVector, readVectorText } from '../../test-utils/vectors';
import { isYizhengError } from '../errors/index';
import { must } from './fixtures/der-builder';
import { nodeStyleName } from './fixtures/node-compare';
import { parseCertificate, parseCertificates, type Certificate } from './index';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const NODE_CURVES: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
  prime192v1: '1.2.840.10045.3.1.1',
};

/** Everything Node can tell us about a certificate must agree with our parse. */
function agreesWithNode(c: Certificate, input: string | Uint8Array): void {
  const x = new X509Certificate(input);
  expect(c.sha256).toBe(x.fingerprint256.replace(/:/g, '').toLowerCase());
  expect(hex(c.der)).toBe(hex(x.raw));
  // Node prints serial zero as "0"; we keep whole octets ("00").
  expect(c.serialNumber).toBe(x.serialNumber === '0' ? '00' : x.serialNumber);
  expect(c.notBefore.getTime()).toBe(new Date(x.validFrom).getTime());
  expect(c.notAfter.getTime()).toBe(new Date(x.validTo).getTime());
  expect(nodeStyleName(c.subject)).toBe(x.subject ?? '');
  expect(nodeStyleName(c.issuer)).toBe(x.issuer ?? '');
  expect(c.isSelfIssued).toBe((x.subject ?? '') === (x.issuer ?? ''));
  const key = c.publicKey;
  const nodeType = x.publicKey.asymmetricKeyType;
  const details = x.publicKey.asymmetricKeyDetails ?? {};
  switch (key.algorithm) {
    case 'rsa':
      expect(['rsa', 'rsa-pss']).toContain(nodeType);
      expect(key.bits).toBe(details.modulusLength);
      break;
    case 'ec':
      expect(nodeType).toBe('ec');
      expect(key.curve).toBe(NODE_CURVES[details.namedCurve ?? ''] ?? details.namedCurve);
      break;
    case 'sm2':
      // OpenSSL 3 (and so Node) reports SM2 keys without a type.
      expect(nodeType).toBeUndefined();
      break;
    case 'unknown':
      expect(['dsa', 'ed25519', 'ed448', 'x25519', 'x448', 'dh', undefined]).toContain(nodeType);
      break;
  }
  if (nodeType !== undefined) {
    expect(hex(key.spki)).toBe(hex(x.publicKey.export({ type: 'spki', format: 'der' })));
  }
}

describe.skipIf(!hasVectors)('shared vectors', () => {
  it('BJCA SM2 test certificate', () => {
    const der = readVector('bjca-challenge', 'cert.der');
    const c = parseCertificate(der);
    agreesWithNode(c, der);
    expect(c.issuer.toString()).toBe('CN=Beijing SM2 CA, OU=BJCA, O=BJCA, C=CN');
    expect(c.subject.toString()).toBe('C=CN, O=bjca, O=BJCA, OU=bjca, CN=sm2cert, NAME=TEST002');
    expect(c.subject.commonName).toBe('sm2cert');
    expect(c.subject.getAll('O')).toEqual(['BJCA', 'bjca']);
    expect(c.extension('1.2.156.112562.2.1.1.1')?.text).toBe('JJTEST002');
    expect(c.extension('1.2.156.112562.2.1.1.4')?.text).toBe('JJTEST002');
    expect(c.extension('1.2.156.112562.2.1.1.14')?.text).toBe('102000000000077');
    expect(c.publicKey.algorithm).toBe('sm2');
    expect(c.signatureAlgorithm.name).toBe('SM2-with-SM3');
    expect(c.serialNumber).toBe('1A100000000000004623');
    expect(c.notBefore.toISOString()).toBe('2011-11-08T16:00:00.000Z');
    expect(c.notAfter.toISOString()).toBe('2012-11-09T15:59:59.000Z');
    expect(c.keyUsage).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(c.purpose).toBe('signing');
    expect(c.crlDistributionPoints).toEqual(['http://crl.bjca.org.cn/crl/ca21crl1.crl']);
    expect(c.ocspUrls).toEqual(['OCSP://ocsp.bjca.org.cn']);
    expect(c.caIssuerUrls).toEqual(['http://crl.bjca.org.cn/caissuer']);
    expect(c.policies).toEqual(['2.5.29.32', '2.5.29.32']);
    expect(c.authorityKeyIdentifier).toBe('1fe6cfd48fc5222a974a298a15e716c99234c4b6');
    expect(c.subjectKeyIdentifier).toBe('daaf189f33ecdeb4be4a777007858867743dac0b');
    // The published public key is this certificate's key.
    const spki = createPublicKey(readVectorText('bjca-challenge', 'public-key.pem')).export({ type: 'spki', format: 'der' });
    expect(hex(c.publicKey.spki)).toBe(hex(spki));
  });

  it('real national SM2 CA certificates, Chinese names included', () => {
    const expected: Record<string, [string, string]> = {
      'AntFinancialS1.pem': [
        'CN=Ant Financial Certification Authority S1, OU=Certification Authority, O=Ant Financial, C=CN',
        'CN=ROOTCA, O=NRCAC, C=CN',
      ],
      'CivilServantROOT.pem': ['CN=Civil Servant ROOT, O=NRCAC, C=CN', 'CN=Civil Servant ROOT, O=NRCAC, C=CN'],
      'ROOTCA.pem': ['CN=ROOTCA, O=NRCAC, C=CN', 'CN=ROOTCA, O=NRCAC, C=CN'],
      'TJCA.pem': ['CN=TJCA, O=天津市电子认证中心, ST=天津市, C=CN', 'CN=Civil Servant ROOT, O=NRCAC, C=CN'],
    };
    const files = listVectors('sm2-real-ca');
    expect(files).toEqual(Object.keys(expected));
    for (const f of files) {
      const pem = readVectorText('sm2-real-ca', f);
      const c = parseCertificate(pem);
      agreesWithNode(c, pem);
      expect([c.subject.toString(), c.issuer.toString()]).toEqual(expected[f]);
      expect(c.publicKey.algorithm).toBe('sm2');
      expect(c.signatureAlgorithm.name).toBe('SM2-with-SM3');
    }
    const tjca = parseCertificate(readVectorText('sm2-real-ca', 'TJCA.pem'));
    expect(tjca.subject.organization).toBe('天津市电子认证中心');
    expect(tjca.subject.get('ST')).toBe('天津市');
    const root = parseCertificate(readVectorText('sm2-real-ca', 'CivilServantROOT.pem'));
    expect(tjca.issuer.equals(root.subject)).toBe(true);
    expect(tjca.authorityKeyIdentifier).toBe(root.subjectKeyIdentifier);
  });

  it('Tongsuo SM2 test chain', () => {
    for (const f of listVectors('sm2-test-chain')) {
      const text = readVectorText('sm2-test-chain', f);
      const certs = parseCertificates(text);
      expect(certs.length).toBe(f === 'chain-ca.crt' ? 2 : 1);
      for (const c of certs) {
        agreesWithNode(c, c.toPEM());
        expect(c.publicKey.algorithm).toBe('sm2');
        expect(c.signatureAlgorithm.name).toBe('SM2-with-SM3');
        expect(c.notAfter.getUTCFullYear()).toBe(2123);
      }
    }
    const [root, sub] = parseCertificates(readVectorText('sm2-test-chain', 'chain-ca.crt')) as [Certificate, Certificate];
    const leaf = parseCertificate(readVectorText('sm2-test-chain', 'server_sign.crt'));
    expect(parseCertificate(readVectorText('sm2-test-chain', 'chain-1.pem'))).toBe(root);
    expect(parseCertificate(readVectorText('sm2-test-chain', 'chain-2.pem'))).toBe(sub);
    expect(root.serialNumber).toBe('00');
    expect(root.isSelfIssued).toBe(true);
    expect(sub.issuer.equals(root.subject)).toBe(true);
    expect(leaf.issuer.equals(sub.subject)).toBe(true);
    expect(leaf.subject.toString()).toBe('CN=server sign, OU=DD, O=CC, ST=BB, C=AA');
  });

  /**
   * Limbo certificates our parser rejects, with the rule each breaks. Node (OpenSSL) accepts all of
   * them because it decodes extensions lazily and does not compare the two signature fields.
   */
  const LIMBO_REJECTED: Record<string, RegExp> = {
    // RFC 5280 §4.2: "A certificate MUST NOT include more than one instance of a particular extension."
    'rfc5280::duplicate-extensions peer': /duplicate extension 2\.5\.29\.17/,
    // RFC 5280 §4.1.1.2: signatureAlgorithm "MUST contain the same algorithm identifier as the
    // signature field in the sequence tbsCertificate" (sha512 outside, sha256 inside).
    'rfc5280::mismatching-signature-algorithm peer': /differs from signatureAlgorithm/,
    // RFC 5280 §4.2.1.6: the extnValue must be the DER of GeneralNames; here it is raw ASCII.
    'rfc5280::malformed-subject-alternative-name peer': /unexpected tag for subjectAltName/,
    // X.680 §41: IA5String is 7-bit; the dNSName holds UTF-8 emoji octets (RFC 5280 §4.2.1.6 and
    // §7.2 want IDNs as A-labels).
    'webpki::unicode-emoji-san peer': /invalid character in IA5String/,
    // RFC 5280 §4.2.2.1: AuthorityInfoAccessSyntax is a SEQUENCE of AccessDescription; here ASCII.
    'webpki::malformed-aia peer': /unexpected tag for authorityInfoAccess/,
  };

  it('every x509-limbo certificate parses like Node, or fails for a documented DER/RFC 5280 reason', () => {
    const limbo = JSON.parse(readVectorText('x509-limbo', 'limbo.json')) as {
      testcases: { id: string; trusted_certs: string[]; untrusted_intermediates: string[]; peer_certificate: string }[];
    };
    expect(limbo.testcases).toHaveLength(106);
    const rejected: Record<string, string> = {};
    let parsed = 0;
    for (const tc of limbo.testcases) {
      const certs: [string, string][] = [
        ...tc.trusted_certs.map((p, i): [string, string] => [`trusted${i}`, p]),
        ...tc.untrusted_intermediates.map((p, i): [string, string] => [`intermediate${i}`, p]),
        ['peer', tc.peer_certificate],
      ];
      for (const [role, pem] of certs) {
        let c: Certificate;
        try {
          c = parseCertificate(pem);
        } catch (e) {
          expect(isYizhengError(e, 'CERT_MALFORMED')).toBe(true);
          rejected[`${tc.id} ${role}`] = String((e as { details: { reason: string } }).details.reason);
          // Node reads it: the failure is ours by design, not a broken vector.
          expect(() => new X509Certificate(pem)).not.toThrow();
          continue;
        }
        parsed++;
        agreesWithNode(c, pem);
        // Touch every lazily built view: none may throw.
        expect(() => [c.extensions, c.subjectAltNames, c.keyUsage, c.policies, c.signatureAlgorithm, c.tbs]).not.toThrow();
      }
    }
    expect(Object.keys(rejected).sort()).toEqual(Object.keys(LIMBO_REJECTED).sort());
    for (const [key, reason] of Object.entries(rejected)) expect(reason, key).toMatch(must(LIMBO_REJECTED[key]));
    expect(parsed).toBe(254 - 5);
  });

  it('limbo certificates with unusual but legal content parse', () => {
    const limbo = JSON.parse(readVectorText('x509-limbo', 'limbo.json')) as {
      testcases: { id: string; trusted_certs: string[]; peer_certificate: string }[];
    };
    const testcase = (id: string) => must(limbo.testcases.find((t) => t.id === id), id);
    const peer = (id: string): Certificate => parseCertificate(testcase(id).peer_certificate);
    expect(peer('webpki::v1-cert').version).toBe(1);
    expect(peer('rfc5280::serial-number-zero').serialNumber).toBe('00');
    expect(peer('rfc5280::serial-number-too-long').serialNumber.length / 2).toBeGreaterThan(20);
    expect(peer('rfc5280::ee-critical-aia-invalid').extension('1.3.6.1.5.5.7.1.1')?.critical).toBe(true);
    expect(peer('rfc5280::ee-critical-aia-invalid').caIssuerUrls).toEqual([]);
    expect(peer('webpki::forbidden-p192-spki-leaf').publicKey).toMatchObject({ algorithm: 'ec', curve: '1.2.840.10045.3.1.1' });
    expect(peer('webpki::forbidden-dsa-spki-leaf').publicKey).toMatchObject({ algorithm: 'unknown', oid: '1.2.840.10040.4.1' });
    const emptyIssuerRoot = must(testcase('rfc5280::ee-empty-issuer').trusted_certs[0]);
    expect(parseCertificate(emptyIssuerRoot).issuer.isEmpty).toBe(true);
    const emptySubjectRoot = must(testcase('rfc5280::ca-empty-subject').trusted_certs[0]);
    expect(parseCertificate(emptySubjectRoot).subject.toString()).toBe('');
  });
});
