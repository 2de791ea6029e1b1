import { X509Certificate, constants, createPublicKey, verify } from 'node:crypto';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { isYizhengError } from '../errors/index';
import { fixture, fixtureDer, must } from './fixtures/der-builder';
import { nodeStyleName } from './fixtures/node-compare';
import {
  Certificate,
  DEFAULT_CERTIFICATE_CACHE_SIZE,
  clearCertificateCache,
  parseCertificate,
  parseCertificates,
  setCertificateCacheSize,
  type PublicKeyInfo,
} from './index';

const FILES = [
  'ec-p256-leaf.pem',
  'ed25519.pem',
  'p521.pem',
  'root-p384.pem',
  'rsa-leaf.pem',
  'rsa-pss.pem',
  'sm2-ca.pem',
  'sm2-enc.pem',
  'sm2-sign.pem',
  'special-dn.pem',
  'v1-sha1.pem',
];

const load = (file: string): Certificate => parseCertificate(fixture(file));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const b64urlToHex = (s: string): string => Buffer.from(s, 'base64url').toString('hex');

describe('fixtures agree with Node / OpenSSL', () => {
  for (const file of FILES) {
    it(file, () => {
      const pem = fixture(file);
      const c = parseCertificate(pem);
      const x = new X509Certificate(pem);
      expect(c.sha256).toBe(x.fingerprint256.replace(/:/g, '').toLowerCase());
      expect(c.serialNumber).toBe(x.serialNumber);
      expect(c.notBefore.getTime()).toBe(new Date(x.validFrom).getTime());
      expect(c.notAfter.getTime()).toBe(new Date(x.validTo).getTime());
      expect(nodeStyleName(c.subject)).toBe(x.subject);
      expect(nodeStyleName(c.issuer)).toBe(x.issuer);
      expect(hex(c.der)).toBe(hex(x.raw));
      expect(c.toPEM()).toBe(pem);
      const spki = x.publicKey.export({ type: 'spki', format: 'der' });
      expect(hex(c.publicKey.spki)).toBe(hex(spki));
      expect(c.isSelfIssued).toBe(x.subject === x.issuer);
    });
  }
});

describe('RSA leaf with every name attribute and many extensions', () => {
  const c = load('rsa-leaf.pem');

  it('reads header fields', () => {
    expect(c.version).toBe(3);
    expect(c.serialNumber).toBe('8F0A1B2C3D4E5F60718293A4B5C6D7E8F9001122');
    expect(c.signatureAlgorithm).toEqual({ oid: '1.2.840.113549.1.1.11', name: 'sha256WithRSAEncryption', parameters: undefined });
  });

  it('reads the RSA key', () => {
    const k = c.publicKey;
    expect(k.algorithm).toBe('rsa');
    if (k.algorithm !== 'rsa') return;
    const jwk = createPublicKey({ key: Buffer.from(k.spki), format: 'der', type: 'spki' }).export({ format: 'jwk' });
    expect(k.bits).toBe(2048);
    expect(k.exponent).toBe(65537);
    expect(k.exponentHex).toBe('010001');
    expect(k.modulus).toBe(b64urlToHex(must(jwk.n)));
    expect(k.modulus).toHaveLength(512);
    expect(k.oid).toBe('1.2.840.113549.1.1.1');
  });

  it('reads names with short names, aliases and Chinese text', () => {
    const s = c.subject;
    expect(s.commonName).toBe('张三');
    expect(s.organization).toBe('测试科技有限公司');
    expect(s.organizationalUnits).toEqual(['91350200556207664B', '技术部']);
    expect(s.country).toBe('CN');
    expect(s.get('ou')).toBe('91350200556207664B');
    expect(s.getAll('OU')).toEqual(['91350200556207664B', '技术部']);
    expect(s.getAll('2.5.4.11')).toEqual(['91350200556207664B', '技术部']);
    expect(s.get('E')).toBe('zhangsan@example.cn');
    expect(s.get('emailAddress')).toBe('zhangsan@example.cn');
    expect(s.get('1.2.840.113549.1.9.1')).toBe('zhangsan@example.cn');
    expect(s.get('SERIALNUMBER')).toBe('110101199003070011');
    expect(s.get('2.5.4.5')).toBe('110101199003070011');
    expect(s.get('STREET')).toBe('中关村大街1号');
    expect(s.get('T')).toBe('工程师');
    expect(s.get('title')).toBe('工程师');
    expect(s.get('GN')).toBe('三');
    expect(s.get('SN')).toBe('张');
    expect(s.get('surname')).toBe('张');
    expect(s.get('UID')).toBe('zhangsan');
    expect(s.get('L')).toBe('海淀区');
    expect(s.get('ST')).toBe('北京市');
    expect(s.get('S')).toBe('北京市');
    expect(s.get('stateOrProvinceName')).toBe('北京市');
    expect(s.get('DC')).toBeUndefined();
    expect(s.get('nonsense')).toBeUndefined();
    expect(s.getAll('nonsense')).toEqual([]);
    expect(s.toString()).toBe(
      'UID=zhangsan, E=zhangsan@example.cn, SERIALNUMBER=110101199003070011, CN=张三, SN=张, GN=三, T=工程师, ' +
        'OU=技术部, OU=91350200556207664B, O=测试科技有限公司, STREET=中关村大街1号, L=海淀区, ST=北京市, C=CN',
    );
    expect(s.format({ order: 'issuance' }).startsWith('C=CN, ST=北京市, L=海淀区')).toBe(true);
    expect(s.format({ separator: ',' }).startsWith('UID=zhangsan,E=zhangsan@example.cn,')).toBe(true);
    expect(s.rdns[0]).toEqual([{ oid: '2.5.4.6', shortName: 'C', value: 'CN', valueTag: 0x13 }]);
    expect(must(s.rdns[4])[0]).toEqual({ oid: '2.5.4.10', shortName: 'O', value: '测试科技有限公司', valueTag: 0x0c });
    expect(s.attributes).toHaveLength(14);
    expect(s.isEmpty).toBe(false);
    expect(JSON.stringify({ s })).toBe(JSON.stringify({ s: s.toString() }));
  });

  it('decodes the known extensions', () => {
    expect(c.keyUsage).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(c.purpose).toBe('signing');
    expect(c.extKeyUsage).toEqual(['1.3.6.1.5.5.7.3.2', '1.3.6.1.5.5.7.3.4', '1.2.156.112562.99.1']);
    expect(c.basicConstraints).toEqual({ ca: false, pathLength: undefined });
    expect(c.subjectKeyIdentifier).toMatch(/^[0-9a-f]{40}$/);
    expect(c.authorityKeyIdentifier).toBe(c.subjectKeyIdentifier);
    expect(c.crlDistributionPoints).toEqual([
      'http://crl.example.cn/ca.crl',
      'ldap://ldap.example.cn/cn=crl1?certificateRevocationList?base',
    ]);
    expect(c.ocspUrls).toEqual(['http://ocsp.example.cn']);
    expect(c.caIssuerUrls).toEqual(['http://ca.example.cn/ca.cer']);
    expect(c.policies).toEqual(['1.2.156.112562.3.1.1', '2.16.156.112554.1.1']);
    expect(c.subjectAltNames.map((n) => [n.type, n.value, n.oid])).toEqual([
      ['email', 'zhangsan@example.cn', undefined],
      ['dns', 'zs.example.cn', undefined],
      ['uri', 'https://example.cn/zs', undefined],
      ['ip', '192.0.2.7', undefined],
      ['ip', '2001:db8::7', undefined],
      ['otherName', '张三@example.cn', '1.3.6.1.4.1.311.20.2.3'],
      ['directoryName', 'CN=Directory Name, C=CN', undefined],
      ['registeredId', '1.2.3.4', undefined],
    ]);
    expect(must(c.subjectAltNames[6]).name?.commonName).toBe('Directory Name');
  });

  it('lists every extension with identity strings decoded', () => {
    const byOid = (oid: string) => c.extension(oid);
    expect(c.extensions.map((e) => e.oid)).toEqual([
      '2.5.29.19',
      '2.5.29.15',
      '2.5.29.37',
      '2.5.29.14',
      '2.5.29.35',
      '2.5.29.31',
      '1.3.6.1.5.5.7.1.1',
      '2.5.29.32',
      '2.5.29.17',
      '1.2.156.10260.4.1.4',
      '1.2.156.10260.4.1.1',
      '1.2.156.112562.2.1.1.1',
      '1.2.156.112562.2.1.1.24',
      '1.2.156.10260.4.1.3',
      '1.2.156.10260.4.4',
      '1.3.6.1.4.1.99999.1',
    ]);
    expect(byOid('2.5.29.15')).toMatchObject({ name: 'keyUsage', critical: true, text: undefined });
    expect(hex(must(byOid('2.5.29.15')).value)).toBe('030206c0');
    expect(byOid('1.2.156.10260.4.1.4')).toMatchObject({ name: undefined, critical: false, text: '91350200556207664B' });
    expect(must(byOid('1.2.156.10260.4.1.1')).text).toBe('110101199003070011');
    expect(must(byOid('1.2.156.10260.4.1.1')).value[0]).toBe(0x13);
    expect(byOid('1.2.156.112562.2.1.1.1')).toMatchObject({ name: undefined, text: 'JJ55620766' });
    expect(must(byOid('1.2.156.112562.2.1.1.1')).value[0]).toBe(0x16);
    expect(byOid('1.2.156.112562.2.1.1.24')).toMatchObject({ name: undefined, text: '1@5009JJ0863175332' });
    expect(must(byOid('1.2.156.112562.2.1.1.24')).value[0]).toBe(0x1e);
    expect(must(byOid('1.2.156.10260.4.1.3')).text).toBe('北京市工商局110108');
    expect(must(byOid('1.2.156.10260.4.4')).text).toBeUndefined(); // an OCTET STRING, not a character string
    expect(byOid('1.3.6.1.4.1.99999.1')).toMatchObject({ critical: true, text: undefined });
    expect(byOid('1.2.3')).toBeUndefined();
  });

  it('exposes the exact signed bytes and signature', () => {
    expect(verify('sha256', c.tbs, createPublicKey({ key: Buffer.from(c.publicKey.spki), format: 'der', type: 'spki' }), c.signatureValue)).toBe(true);
  });
});

describe('EC, SM2 and other keys', () => {
  it('reads a P-256 leaf with BMPString names and a multi-valued RDN', () => {
    const c = load('ec-p256-leaf.pem');
    const root = load('root-p384.pem');
    expect(c.signatureAlgorithm.name).toBe('ecdsa-with-SHA384');
    const k = c.publicKey;
    expect(k.algorithm === 'ec' && k.curve).toBe('P-256');
    if (k.algorithm !== 'ec') return;
    const jwk = createPublicKey({ key: Buffer.from(k.spki), format: 'der', type: 'spki' }).export({ format: 'jwk' });
    expect(hex(k.point)).toBe('04' + b64urlToHex(must(jwk.x)) + b64urlToHex(must(jwk.y)));
    expect(k.parameters).toBeUndefined();
    expect(c.subject.organization).toBe('易证测试（BMP）有限公司');
    expect(must(must(c.subject.rdns[1])[0]).valueTag).toBe(0x1e);
    expect(c.subject.organizationalUnits).toEqual(['财务部', 'Finance']);
    expect(must(c.subject.rdns[4]).map((a) => a.shortName)).toEqual(['SERIALNUMBER', 'CN']);
    expect(c.subject.commonName).toBe('厦门帝网信息科技有限公司');
    expect(c.subject.get('serialNumber')).toBe('N91350200556207664B');
    expect(c.subject.toString()).toBe(
      'SERIALNUMBER=N91350200556207664B+CN=厦门帝网信息科技有限公司, OU=Finance, OU=财务部, O=易证测试（BMP）有限公司, C=CN',
    );
    expect(c.keyUsage).toEqual(['keyEncipherment', 'dataEncipherment', 'keyAgreement']);
    expect(c.purpose).toBe('encryption');
    expect(c.authorityKeyIdentifier).toBe(root.subjectKeyIdentifier);
    expect(must(c.extension('1.2.156.10260.4.1.4')).text).toBe('91350200556207664B');
    expect(c.issuer.equals(root.subject)).toBe(true);
    expect(c.subject.equals(root.subject)).toBe(false);
    expect(c.isSelfIssued).toBe(false);
    const rootKey = createPublicKey({ key: Buffer.from(root.publicKey.spki), format: 'der', type: 'spki' });
    expect(verify('sha384', c.tbs, rootKey, c.signatureValue)).toBe(true);
  });

  it('reads the P-384 root', () => {
    const c = load('root-p384.pem');
    expect(c.publicKey.algorithm === 'ec' && c.publicKey.curve).toBe('P-384');
    expect(c.publicKey.algorithm === 'ec' && c.publicKey.point.length).toBe(97);
    expect(c.basicConstraints).toEqual({ ca: true, pathLength: 1 });
    expect(c.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    expect(c.purpose).toBe('unknown');
    expect(c.isSelfIssued).toBe(true);
    expect(c.subject.getAll('DC')).toEqual(['cn', 'yizheng']);
    expect(must(must(c.subject.rdns[0])[0]).valueTag).toBe(0x16);
    expect(c.authorityKeyIdentifier).toBeUndefined();
    expect(c.subject.toString()).toBe('CN=Yizheng Test Root CA P-384, OU=Root, O=易证测试根CA, ST=北京市, C=CN, DC=yizheng, DC=cn');
  });

  it('reads SM2 signing and encryption certificates', () => {
    const ca = load('sm2-ca.pem');
    const sign = load('sm2-sign.pem');
    const enc = load('sm2-enc.pem');
    for (const c of [ca, sign, enc]) {
      expect(c.signatureAlgorithm).toEqual({ oid: '1.2.156.10197.1.501', name: 'SM2-with-SM3', parameters: undefined });
      const k = c.publicKey;
      expect(k.algorithm).toBe('sm2');
      if (k.algorithm !== 'sm2') return;
      expect(k).toMatchObject({ oid: '1.2.840.10045.2.1', curve: 'SM2' });
      expect(k.point).toHaveLength(65);
      expect(k.point[0]).toBe(4);
      expect(c.signatureValue[0]).toBe(0x30);
    }
    expect(sign.purpose).toBe('signing');
    expect(enc.purpose).toBe('encryption');
    expect(ca.purpose).toBe('unknown');
    expect(ca.basicConstraints).toEqual({ ca: true, pathLength: undefined });
    expect(sign.serialNumber).toBe('F1');
    expect(sign.authorityKeyIdentifier).toBe(ca.subjectKeyIdentifier);
    expect(sign.subject.commonName).toBe('CFCA@北京某某科技有限公司@N91110108551385082Q@1');
    expect(sign.subject.get('OU')).toBe('91110108551385082Q');
    expect(must(sign.extension('1.2.156.112562.2.1.1.1')).text).toBe('JJ551385082');
    expect(sign.crlDistributionPoints).toEqual(['http://crl.example.cn/sm2.crl']);
    expect(sign.ocspUrls).toEqual(['http://ocsp.example.cn/sm2']);
    expect(sign.caIssuerUrls).toEqual([]);
    expect(enc.subject.commonName).toBe('北京某某科技有限公司（加密）');
  });

  it('keeps RSASSA-PSS parameters and verifies with them', () => {
    const c = load('rsa-pss.pem');
    expect(c.signatureAlgorithm.name).toBe('RSASSA-PSS');
    expect(c.signatureAlgorithm.oid).toBe('1.2.840.113549.1.1.10');
    expect(hex(must(c.signatureAlgorithm.parameters))).toBe(
      '3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120',
    );
    const key = createPublicKey({ key: Buffer.from(c.publicKey.spki), format: 'der', type: 'spki' });
    const ok = verify('sha256', c.tbs, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, c.signatureValue);
    expect(ok).toBe(true);
    expect(c.purpose).toBe('both');
  });

  it('reads P-521, Ed25519 (as unknown) and a v1 SHA-1 certificate', () => {
    const p521 = load('p521.pem');
    expect(p521.publicKey.algorithm === 'ec' && p521.publicKey.curve).toBe('P-521');
    expect(p521.publicKey.algorithm === 'ec' && p521.publicKey.point.length).toBe(133);
    expect(p521.signatureAlgorithm.name).toBe('ecdsa-with-SHA512');

    const ed = load('ed25519.pem');
    const k: PublicKeyInfo = ed.publicKey;
    expect(k.algorithm).toBe('unknown');
    if (k.algorithm !== 'unknown') return;
    expect(k.oid).toBe('1.3.101.112');
    expect(k.key).toHaveLength(32);
    expect(k.parameters).toBeUndefined();
    expect(ed.signatureAlgorithm).toEqual({ oid: '1.3.101.112', name: 'Ed25519', parameters: undefined });
    const edKey = createPublicKey({ key: Buffer.from(k.spki), format: 'der', type: 'spki' });
    expect(verify(null, ed.tbs, edKey, ed.signatureValue)).toBe(true);

    const v1 = load('v1-sha1.pem');
    expect(v1.version).toBe(1);
    expect(v1.signatureAlgorithm.name).toBe('sha1WithRSAEncryption');
    expect(v1.extensions).toEqual([]);
    expect(v1.extension('2.5.29.15')).toBeUndefined();
    expect(v1.keyUsage).toBeUndefined();
    expect(v1.extKeyUsage).toBeUndefined();
    expect(v1.basicConstraints).toBeUndefined();
    expect(v1.purpose).toBe('unknown');
    expect([v1.crlDistributionPoints, v1.ocspUrls, v1.caIssuerUrls, v1.policies, v1.subjectAltNames]).toEqual([[], [], [], [], []]);
    expect(v1.serialNumber).toBe('01');
  });

  it('escapes DN strings per RFC 4514', () => {
    const c = load('special-dn.pem');
    expect(c.subject.toString()).toBe(
      'CN=trailing space\\ , OU=\\#hash lead, O=Comma\\, Plus\\+ \\"Quote\\" \\<Angle\\> \\;Semi\\\\Back, C=CN',
    );
    expect(c.subject.organization).toBe('Comma, Plus+ "Quote" <Angle> ;Semi\\Back');
  });
});

describe('immutability and copies', () => {
  it('freezes the certificate and everything it returns', () => {
    const c = load('rsa-leaf.pem');
    for (const o of [c, c.subject, c.subject.rdns, c.subject.rdns[0], must(c.subject.rdns[0])[0], c.extensions, c.extensions[0], c.publicKey, c.signatureAlgorithm, c.keyUsage, c.basicConstraints, c.subjectAltNames, c.subjectAltNames[0]]) {
      expect(Object.isFrozen(o)).toBe(true);
    }
    expect(() => {
      (c as unknown as { version: number }).version = 1;
    }).toThrow(TypeError);
    expect(() => {
      (c.keyUsage as string[]).push('x');
    }).toThrow(TypeError);
  });

  it('never lets callers change the cached bytes', () => {
    const der = fixtureDer('sm2-sign.pem');
    const input = Buffer.from(der);
    const c = parseCertificate(input);
    input.fill(0);
    c.der.fill(0);
    c.tbs.fill(0);
    c.signatureValue.fill(0);
    c.subject.der.fill(0);
    must(c.extensions[0]).value.fill(0);
    c.publicKey.spki.fill(0);
    expect(hex(c.der)).toBe(hex(der));
    expect(parseCertificate(der)).toBe(c);
    expect(c.subject.commonName).toBe('CFCA@北京某某科技有限公司@N91110108551385082Q@1');
  });

  it('memoises lazily built views', () => {
    const c = load('sm2-sign.pem');
    expect(c.subject).toBe(c.subject);
    expect(c.issuer).toBe(c.issuer);
    expect(c.publicKey).toBe(c.publicKey);
    expect(c.extensions).toBe(c.extensions);
    expect(c.signatureAlgorithm).toBe(c.signatureAlgorithm);
    expect(c.notBefore).not.toBe(c.notBefore);
  });

  it('serialises to JSON and inspects readably', () => {
    const c = load('sm2-sign.pem');
    const json = JSON.parse(JSON.stringify(c)) as Record<string, unknown>;
    expect(json).toMatchObject({
      subject: 'CN=CFCA@北京某某科技有限公司@N91110108551385082Q@1, OU=91110108551385082Q, O=易证测试, C=CN',
      issuer: 'CN=Yizheng Test SM2 CA, O=易证测试, C=CN',
      serialNumber: 'F1',
      version: 3,
      publicKey: { algorithm: 'sm2', curve: 'SM2' },
      signatureAlgorithm: 'SM2-with-SM3',
      purpose: 'signing',
    });
    expect(JSON.parse(JSON.stringify(load('rsa-leaf.pem'))).publicKey).toEqual({ algorithm: 'rsa', bits: 2048 });
    expect(JSON.parse(JSON.stringify(load('ed25519.pem'))).publicKey).toEqual({ algorithm: 'unknown', oid: '1.3.101.112' });
    expect(inspect(c)).toContain('SM2-with-SM3');
  });
});

describe('cache', () => {
  afterEach(() => setCertificateCacheSize(DEFAULT_CERTIFICATE_CACHE_SIZE));

  it('returns the same object for the same DER, whatever the encoding', () => {
    clearCertificateCache();
    const der = fixtureDer('sm2-ca.pem');
    const a = parseCertificate(fixture('sm2-ca.pem'));
    expect(parseCertificate(der)).toBe(a);
    expect(parseCertificate(Buffer.from(der).toString('base64'))).toBe(a);
    expect(parseCertificates(fixture('sm2-ca.pem'))[0]).toBe(a);
    expect(a).toBeInstanceOf(Certificate);
    clearCertificateCache();
    const b = parseCertificate(der);
    expect(b).not.toBe(a);
    expect(b.sha256).toBe(a.sha256);
  });

  it('is a bounded LRU', () => {
    setCertificateCacheSize(2);
    const [x, y, z] = ['sm2-ca.pem', 'sm2-sign.pem', 'sm2-enc.pem'].map(fixture) as [string, string, string];
    const cx = parseCertificate(x);
    const cy = parseCertificate(y);
    expect(parseCertificate(x)).toBe(cx); // x is now the most recently used
    parseCertificate(z); // evicts y
    expect(parseCertificate(x)).toBe(cx);
    expect(parseCertificate(y)).not.toBe(cy);
    setCertificateCacheSize(0);
    expect(parseCertificate(x)).not.toBe(parseCertificate(x));
  });

  it('validates the size', () => {
    for (const bad of [-1, 1.5, Number.NaN, Infinity]) {
      try {
        setCertificateCacheSize(bad);
        throw new Error('accepted');
      } catch (e) {
        expect(isYizhengError(e, 'INVALID_ARGUMENT')).toBe(true);
      }
    }
  });
});
