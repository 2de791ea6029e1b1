/**
 * One defect at a time: every strictness rule of the parser, on certificates built field by field.
 */
import { describe, expect, it } from 'vitest';
import { isYizhengError } from '../errors/index';
import {
  P256_SPKI,
  bits,
  bool,
  buildCert,
  cat,
  ext,
  gen,
  hex,
  ia5,
  int,
  name,
  nul,
  octets,
  oid,
  printable,
  seq,
  set,
  tlv,
  utc,
  utf8,
  must,
  type CertParts,
} from './fixtures/der-builder';
import { parseCertificate, type Certificate } from './index';

function malformed(parts: CertParts | Uint8Array): string {
  const der = parts instanceof Uint8Array ? parts : buildCert(parts);
  try {
    parseCertificate(der);
  } catch (e) {
    expect(isYizhengError(e, 'CERT_MALFORMED')).toBe(true);
    const reason = String((e as { details: { reason: string } }).details.reason);
    expect(reason).not.toMatch(/internal/);
    return reason;
  }
  throw new Error('parsed a malformed certificate');
}

const txt = (v: string): Uint8Array => new TextEncoder().encode(v);
const ok = (parts: CertParts): Certificate => parseCertificate(buildCert(parts));
const exts = (...e: Uint8Array[]): Uint8Array => tlv(0xa3, seq(...e));
const SM2_KEY = seq(
  seq(oid('1.2.840.10045.2.1'), oid('1.2.156.10197.1.301')),
  bits(0, hex('04' + '11'.repeat(64))),
);

describe('baseline', () => {
  it('parses the built certificate', () => {
    const c = ok({});
    expect(c.version).toBe(3);
    expect(c.serialNumber).toBe('0A1B');
    expect(c.subject.commonName).toBe('张三');
    expect(c.issuer.toString()).toBe('CN=测试CA, C=CN');
    expect(c.notBefore.toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(c.notAfter.toISOString()).toBe('2124-01-01T00:00:00.000Z');
    expect(c.keyUsage).toEqual(['digitalSignature']);
    expect(c.publicKey.algorithm).toBe('ec');
  });
});

describe('outer structure', () => {
  it('rejects trailing data, BER lengths and wrong tags', () => {
    expect(malformed({ trailer: hex('00') })).toMatch(/trailing data after the certificate/);
    expect(malformed({ tbsTrailer: nul() })).toMatch(/trailing data in tbsCertificate/);
    const good = buildCert();
    const indefinite = cat(hex('3080'), good.subarray(4), hex('0000'));
    expect(malformed(indefinite)).toMatch(/indefinite length/);
    const nonMinimal = cat(hex('308300'), good.subarray(2));
    expect(malformed(nonMinimal)).toMatch(/non-minimal length|length exceeds/);
    const asSet = good.slice();
    asSet[0] = 0x31;
    expect(malformed(asSet)).toMatch(/base64/); // 0x31 is the character '1': read as text
    expect(malformed(seq(asSet))).toMatch(/unexpected tag for tbsCertificate/);
    const asOctets = good.slice();
    asOctets[0] = 0x04;
    expect(malformed(asOctets)).toMatch(/not a DER certificate/);
    asOctets[0] = 0xa0;
    expect(malformed(asOctets)).toMatch(/not a DER certificate/);
    expect(malformed({ subject: name(['2.5.4.3', tlv(0x10, hex('00'))]) })).toMatch(/wrong primitive\/constructed form/);
    expect(malformed({ subject: name(['2.5.4.3', tlv(0x24, octets())]) })).toMatch(/wrong primitive\/constructed form/);
    expect(malformed(good.subarray(0, good.length - 1))).toMatch(/length exceeds/);
    expect(malformed(seq(seq()))).toMatch(/missing serialNumber/);
    expect(malformed(seq())).toMatch(/missing tbsCertificate/);
  });

  it('requires identical signature algorithms and a clean signature BIT STRING', () => {
    expect(malformed({ outerAlg: seq(oid('1.2.840.10045.4.3.3')) })).toMatch(/differs from signatureAlgorithm/);
    expect(malformed({ outerAlg: seq(oid('1.2.840.10045.4.3.2'), nul()) })).toMatch(/differs/);
    expect(malformed({ signature: bits(1, hex('3006020101020102')) })).toMatch(/unused bits/);
    expect(malformed({ signature: octets(hex('00')) })).toMatch(/unexpected tag for signatureValue/);
    expect(malformed({ signature: cat(bits(0, hex('00')), nul()) })).toMatch(/trailing data in Certificate/);
  });

  it('accepts NULL or other parameters when both copies agree', () => {
    const withNull = seq(oid('1.2.156.10197.1.501'), nul());
    expect(ok({ innerAlg: withNull, outerAlg: withNull }).signatureAlgorithm).toEqual({
      oid: '1.2.156.10197.1.501',
      name: 'SM2-with-SM3',
      parameters: undefined,
    });
    const withParams = seq(oid('1.2.3.4'), seq(int('01')));
    expect(ok({ innerAlg: withParams, outerAlg: withParams }).signatureAlgorithm).toEqual({
      oid: '1.2.3.4',
      name: '1.2.3.4',
      parameters: seq(int('01')),
    });
    const badNull = seq(oid('1.2.840.10045.4.3.2'), tlv(0x05, hex('00')));
    expect(malformed({ innerAlg: badNull, outerAlg: badNull })).toMatch(/NULL must be empty/);
    const extra = seq(oid('1.2.840.10045.4.3.2'), nul(), nul());
    expect(malformed({ innerAlg: extra, outerAlg: extra })).toMatch(/trailing data in AlgorithmIdentifier/);
  });
});

describe('version, serial and unique identifiers', () => {
  it('applies the version rules', () => {
    expect(malformed({ version: tlv(0xa0, int('00')) })).toMatch(/explicit default version v1/);
    expect(malformed({ version: tlv(0xa0, int('03')) })).toMatch(/unsupported certificate version/);
    expect(malformed({ version: tlv(0xa0, int('0102')) })).toMatch(/unsupported certificate version/);
    expect(malformed({ version: tlv(0xa0, int('0002')) })).toMatch(/non-minimal INTEGER/);
    expect(malformed({ version: tlv(0xa0, int('02'), int('02')) })).toMatch(/trailing data in version/);
    expect(malformed({ version: new Uint8Array(0) })).toMatch(/extensions require v3/);
    expect(malformed({ version: tlv(0xa0, int('01')) })).toMatch(/extensions require v3/);
    const none = new Uint8Array(0);
    expect(ok({ version: none, extensions: none }).version).toBe(1);
    expect(ok({ version: tlv(0xa0, int('01')), extensions: none }).version).toBe(2);
  });

  it('allows unique identifiers from v2 only', () => {
    const none = new Uint8Array(0);
    const uids = cat(tlv(0x81, hex('0001')), tlv(0x82, hex('0002')));
    expect(malformed({ version: none, extensions: none, uids })).toMatch(/unique identifiers require v2/);
    expect(ok({ version: tlv(0xa0, int('01')), extensions: none, uids }).version).toBe(2);
    expect(ok({ uids }).version).toBe(3);
    expect(malformed({ uids: tlv(0x81, hex('0801')) })).toMatch(/unused-bit count/);
    expect(malformed({ uids: cat(tlv(0x82, hex('00')), tlv(0x81, hex('00'))) })).toMatch(/trailing data in tbsCertificate/);
  });

  it('accepts odd but legal serials and rejects non-minimal ones', () => {
    expect(malformed({ serial: int('000a') })).toMatch(/non-minimal INTEGER/);
    expect(malformed({ serial: tlv(0x02) })).toMatch(/empty INTEGER/);
    expect(ok({ serial: int('00') }).serialNumber).toBe('00');
    // A negative serial keeps its sign (OpenSSL's form: '-' and the magnitude), so it never equals a positive one.
    expect(ok({ serial: int('ff01') }).serialNumber).toBe('-FF');
    expect(ok({ serial: int('0080') }).serialNumber).toBe('80');
    expect(ok({ serial: int('7f'.repeat(25)) }).serialNumber).toBe('7F'.repeat(25));
  });
});

describe('names and validity', () => {
  it('validates RDN structure and string contents', () => {
    expect(malformed({ issuer: seq(set()) })).toMatch(/empty RelativeDistinguishedName/);
    expect(malformed({ issuer: seq(seq(seq(oid('2.5.4.3'), utf8('x')))) })).toMatch(/unexpected tag for RelativeDistinguishedName/);
    expect(malformed({ issuer: seq(set(seq(oid('2.5.4.3'), utf8('x'), utf8('y')))) })).toMatch(/trailing data in AttributeTypeAndValue/);
    expect(malformed({ issuer: seq(set(seq(oid('2.5.4.3')))) })).toMatch(/unexpected end of data/);
    expect(malformed({ subject: name(['2.5.4.3', tlv(0x0c, hex('c080'))]) })).toMatch(/invalid UTF-8/);
    expect(malformed({ subject: name(['2.5.4.6', tlv(0x13, hex('c3a9'))]) })).toMatch(/PrintableString/);
    expect(malformed({ subject: name(['2.5.4.3', tlv(0x1e, hex('00'))]) })).toMatch(/BMPString/);
    expect(malformed({ subject: name(['2.5.4.3', tlv(0x2c, utf8('x'))]) })).toMatch(/wrong primitive\/constructed form/);
    expect(malformed({ subject: seq(set(seq(tlv(0x06, hex('2a80')), utf8('x')))) })).toMatch(/OBJECT IDENTIFIER/);
    expect(malformed({ subject: set() })).toMatch(/unexpected tag for subject/);
  });

  it('keeps non-string values as #hex and accepts empty and multi-valued names', () => {
    // Only BIT STRING and SEQUENCE values, checked all the way down (see name.test.ts); an INTEGER is refused.
    expect(malformed({ subject: seq(set(seq(oid('1.2.3.4'), int('05')))) })).toMatch(/must be a character string, a BIT STRING or a SEQUENCE/);
    const c = ok({
      subject: seq(set(seq(oid('2.5.4.3'), utf8('A')), seq(oid('2.5.4.5'), printable('B'))), set(seq(oid('1.2.3.4'), seq(int('05'))))),
      issuer: seq(),
    });
    expect(c.subject.toString()).toBe('1.2.3.4=#3003020105, CN=A+SERIALNUMBER=B');
    expect(must(c.subject.rdns[1])[0]).toEqual({ oid: '1.2.3.4', shortName: undefined, value: '#3003020105', valueTag: 0x30 });
    expect(c.issuer.isEmpty).toBe(true);
    expect(c.issuer.toString()).toBe('');
    expect(c.issuer.commonName).toBeUndefined();
  });

  it('requires strict times', () => {
    expect(malformed({ validity: seq(utc('2401010000Z'), utc('250101000000Z')) })).toMatch(/UTCTime must be/);
    expect(malformed({ validity: seq(utc('240101000000+0800'), utc('250101000000Z')) })).toMatch(/UTCTime must be|end in Z/);
    expect(malformed({ validity: seq(gen('20240101000000.5Z'), gen('20250101000000Z')) })).toMatch(/GeneralizedTime must be/);
    expect(malformed({ validity: seq(utc('240230000000Z'), utc('250101000000Z')) })).toMatch(/day out of range/);
    expect(malformed({ validity: seq(utc('240101000000Z')) })).toMatch(/unexpected end of data/);
    expect(malformed({ validity: seq(utc('240101000000Z'), utc('250101000000Z'), utc('260101000000Z')) })).toMatch(/trailing data in validity/);
    expect(malformed({ validity: seq(octets(hex('00')), utc('250101000000Z')) })).toMatch(/UTCTime or GeneralizedTime/);
    // Inverted validity is a validity problem, not a parse problem.
    const c = ok({ validity: seq(utc('250101000000Z'), utc('240101000000Z')) });
    expect(c.notAfter < c.notBefore).toBe(true);
  });
});

describe('public keys', () => {
  const rsaKey = (modulus: string, exponent = '010001', params: Uint8Array[] = [nul()]) =>
    seq(seq(oid('1.2.840.113549.1.1.1'), ...params), bits(0, seq(int(modulus), int(exponent))));

  it('reads RSA keys and rejects broken ones', () => {
    const k = ok({ spki: rsaKey('00c0ffee', '03') }).publicKey;
    expect(k).toMatchObject({ algorithm: 'rsa', bits: 24, modulus: 'c0ffee', exponent: 3, exponentHex: '03' });
    expect(ok({ spki: rsaKey('00c0ffee', '03', []) }).publicKey.algorithm).toBe('rsa');
    expect(malformed({ spki: rsaKey('c0ffee') })).toMatch(/RSA modulus must be positive/);
    expect(malformed({ spki: rsaKey('00') })).toMatch(/RSA modulus must be positive/);
    expect(malformed({ spki: rsaKey('00c0ffee', '00') })).toMatch(/exponent must be positive/);
    expect(malformed({ spki: rsaKey('00c0ffee', '010001', [int('00')]) })).toMatch(/parameters must be NULL/);
    expect(malformed({ spki: seq(seq(oid('1.2.840.113549.1.1.1'), nul()), bits(0, seq(int('00c0ffee')))) })).toMatch(/missing RSA public exponent/);
    expect(malformed({ spki: seq(seq(oid('1.2.840.113549.1.1.1'), nul()), bits(0, seq(int('00c0ffee'), int('03')), nul())) })).toMatch(/trailing data in subjectPublicKey/);
    expect(malformed({ spki: seq(seq(oid('1.2.840.113549.1.1.1'), nul()), bits(0, hex('00'))) })).toMatch(/RSAPublicKey|length/);
    expect(malformed({ spki: seq(seq(oid('1.2.840.113549.1.1.1'), nul()), bits(0)) })).toMatch(/empty encapsulated value|RSAPublicKey/);
    expect(malformed({ spki: seq(seq(oid('1.2.840.113549.1.1.1'), nul()), bits(1, hex('00'))) })).toMatch(/unused bits/);
  });

  it('reads EC and SM2 keys and rejects broken ones', () => {
    expect(ok({ spki: SM2_KEY }).publicKey).toMatchObject({ algorithm: 'sm2', curve: 'SM2', oid: '1.2.840.10045.2.1' });
    const sm2Direct = (params: Uint8Array[]) => seq(seq(oid('1.2.156.10197.1.301'), ...params), bits(0, hex('04' + '22'.repeat(64))));
    for (const params of [[], [nul()], [oid('1.2.156.10197.1.301')]]) {
      expect(ok({ spki: sm2Direct(params) }).publicKey).toMatchObject({ algorithm: 'sm2', oid: '1.2.156.10197.1.301' });
    }
    expect(malformed({ spki: sm2Direct([oid('1.2.840.10045.3.1.7')]) })).toMatch(/SM2 key parameters/);
    const ec = (params: Uint8Array[], point: string) => seq(seq(oid('1.2.840.10045.2.1'), ...params), bits(0, hex(point)));
    expect(malformed({ spki: ec([], '04' + '11'.repeat(64)) })).toMatch(/without curve parameters|name a curve/);
    expect(malformed({ spki: ec([nul()], '04' + '11'.repeat(64)) })).toMatch(/name a curve/);
    expect(malformed({ spki: ec([oid('1.2.840.10045.3.1.7')], '04' + '11'.repeat(63)) })).toMatch(/invalid EC point/);
    expect(malformed({ spki: ec([oid('1.2.840.10045.3.1.7')], '00') })).toMatch(/invalid EC point/);
    expect(malformed({ spki: ec([oid('1.2.156.10197.1.301')], '05' + '11'.repeat(64)) })).toMatch(/invalid EC point/);
    expect(ok({ spki: ec([oid('1.2.840.10045.3.1.7')], '02' + '11'.repeat(32)) }).publicKey).toMatchObject({ curve: 'P-256' });
    expect(ok({ spki: ec([oid('1.3.132.0.10')], '04' + '11'.repeat(64)) }).publicKey).toMatchObject({ algorithm: 'ec', curve: '1.3.132.0.10' });
    expect(malformed({ spki: ec([oid('1.3.132.0.10')], '04' + '11'.repeat(63)) })).toMatch(/invalid EC point/);
    const explicit = ok({ spki: ec([seq(int('01'))], '04' + '11'.repeat(64)) }).publicKey;
    expect(explicit).toMatchObject({ algorithm: 'ec', curve: 'explicit', parameters: seq(int('01')) });
  });

  it('reports other algorithms as unknown', () => {
    const dsa = seq(seq(oid('1.2.840.10040.4.1'), seq(int('05'), int('07'), int('02'))), bits(0, int('03')));
    expect(ok({ spki: dsa }).publicKey).toMatchObject({
      algorithm: 'unknown',
      oid: '1.2.840.10040.4.1',
      parameters: seq(int('05'), int('07'), int('02')),
      key: int('03'),
    });
    expect(malformed({ spki: seq(seq(oid('1.2.3')), bits(0), nul()) })).toMatch(/trailing data in SubjectPublicKeyInfo/);
    expect(malformed({ spki: seq(seq(oid('1.2.3'), nul(), nul()), bits(0)) })).toMatch(/trailing data in public key AlgorithmIdentifier/);
    expect(ok({ spki: P256_SPKI }).publicKey.algorithm).toBe('ec');
  });
});

describe('extensions', () => {
  const KU = ext('2.5.29.15', bits(5, hex('a0')), true);

  it('rejects empty lists, duplicates and bad Extension fields', () => {
    expect(malformed({ extensions: tlv(0xa3, seq()) })).toMatch(/empty Extensions/);
    expect(malformed({ extensions: tlv(0xa3, seq(KU), seq(KU)) })).toMatch(/trailing data in extensions/);
    expect(malformed({ extensions: exts(KU, ext('1.2.3', utf8('a')), KU) })).toMatch(/duplicate extension 2\.5\.29\.15/);
    expect(malformed({ extensions: exts(ext('1.2.3', utf8('a')), ext('1.2.3', utf8('b'))) })).toMatch(/duplicate extension 1\.2\.3/);
    const many = Array.from({ length: 40 }, (_, i) => ext(`1.2.3.${i}`, utf8('x')));
    expect(ok({ extensions: exts(...many) }).extensions).toHaveLength(40);
    expect(malformed({ extensions: exts(...many, ext('1.2.3.7', utf8('y'))) })).toMatch(/duplicate extension 1\.2\.3\.7/);
    expect(malformed({ extensions: exts(...many.slice(0, 20), ext('1.2.3.7', utf8('y')), ...many.slice(20)) })).toMatch(
      /duplicate extension 1\.2\.3\.7/,
    );
    expect(malformed({ extensions: exts(seq(oid('1.2.3'), tlv(0x01, hex('01')), octets())) })).toMatch(/BOOLEAN must be 0x00 or 0xff/);
    expect(malformed({ extensions: exts(seq(oid('1.2.3'), utf8('x'))) })).toMatch(/unexpected tag for extnValue/);
    expect(malformed({ extensions: exts(seq(oid('1.2.3'), octets(), nul())) })).toMatch(/trailing data in Extension/);
    expect(malformed({ extensions: exts(seq(oid('1.2.3'), octets()), nul()) })).toMatch(/unexpected tag for Extension/);
  });

  it('tolerates an explicit critical FALSE', () => {
    const c = ok({ extensions: exts(ext('1.2.3', utf8('v'), false)) });
    expect(c.extensions).toEqual([{ oid: '1.2.3', name: undefined, critical: false, value: utf8('v'), text: 'v' }]);
  });

  it('decodes keyUsage leniently about trailing zero bits but strictly about padding', () => {
    expect(ok({ extensions: exts(KU) }).keyUsage).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(ok({ extensions: exts(ext('2.5.29.15', bits(0, hex('8000')))) }).keyUsage).toEqual(['digitalSignature']);
    expect(ok({ extensions: exts(ext('2.5.29.15', bits(7, hex('ff80')))) }).keyUsage).toEqual([
      'digitalSignature',
      'nonRepudiation',
      'keyEncipherment',
      'dataEncipherment',
      'keyAgreement',
      'keyCertSign',
      'cRLSign',
      'encipherOnly',
      'decipherOnly',
    ]);
    expect(ok({ extensions: exts(ext('2.5.29.15', bits(0))) }).keyUsage).toEqual([]);
    expect(ok({ extensions: exts(ext('2.5.29.15', bits(0))) }).purpose).toBe('unknown');
    expect(malformed({ extensions: exts(ext('2.5.29.15', bits(6, hex('a1')))) })).toMatch(/padding bits/);
    expect(malformed({ extensions: exts(ext('2.5.29.15', octets(hex('00')))) })).toMatch(/unexpected tag for keyUsage/);
    expect(malformed({ extensions: exts(ext('2.5.29.15', cat(bits(7, hex('80')), nul()))) })).toMatch(/trailing data in extension value/);
    expect(malformed({ extensions: exts(ext('2.5.29.15', new Uint8Array(0))) })).toMatch(/missing keyUsage/);
  });

  it('derives the purpose', () => {
    const p = (byte: string) => ok({ extensions: exts(ext('2.5.29.15', bits(0, hex(byte)))) }).purpose;
    expect(p('80')).toBe('signing');
    expect(p('40')).toBe('signing');
    expect(p('20')).toBe('encryption');
    expect(p('10')).toBe('encryption');
    expect(p('08')).toBe('encryption');
    expect(p('a0')).toBe('both');
    expect(p('06')).toBe('unknown');
    expect(ok({ extensions: exts(ext('1.2.3', utf8('x'))) }).purpose).toBe('unknown');
  });

  it('decodes extKeyUsage and basicConstraints', () => {
    expect(ok({ extensions: exts(ext('2.5.29.37', seq(oid('1.3.6.1.5.5.7.3.2')))) }).extKeyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(malformed({ extensions: exts(ext('2.5.29.37', seq())) })).toMatch(/empty extKeyUsage/);
    expect(malformed({ extensions: exts(ext('2.5.29.37', seq(utf8('x')))) })).toMatch(/KeyPurposeId/);
    const bc = (...c: Uint8Array[]) => ({ extensions: exts(ext('2.5.29.19', seq(...c), true)) });
    expect(ok(bc()).basicConstraints).toEqual({ ca: false, pathLength: undefined });
    expect(ok(bc(bool(true), int('00'))).basicConstraints).toEqual({ ca: true, pathLength: 0 });
    expect(ok(bc(bool(false))).basicConstraints).toEqual({ ca: false, pathLength: undefined });
    expect(ok(bc(int('05'))).basicConstraints).toEqual({ ca: false, pathLength: 5 });
    expect(malformed(bc(bool(true), int('ff')))).toMatch(/negative pathLenConstraint/);
    expect(malformed(bc(int('05'), bool(true)))).toMatch(/trailing data in basicConstraints/);
    expect(malformed(bc(bool(true), int('0100000000000000')))).toMatch(/INTEGER too large/);
  });

  it('decodes key identifiers', () => {
    const c = ok({
      extensions: exts(
        ext('2.5.29.14', octets(hex('0102ab'))),
        ext('2.5.29.35', seq(tlv(0x80, hex('a1b2')), tlv(0xa1, tlv(0x86, txt('http://x'))), tlv(0x82, hex('00ff')))),
      ),
    });
    expect(c.subjectKeyIdentifier).toBe('0102ab');
    expect(c.authorityKeyIdentifier).toBe('a1b2');
    expect(ok({ extensions: exts(ext('2.5.29.35', seq())) }).authorityKeyIdentifier).toBeUndefined();
    expect(malformed({ extensions: exts(ext('2.5.29.35', seq(tlv(0x82, hex('01')), tlv(0x80, hex('01'))))) })).toMatch(/trailing data in authorityKeyIdentifier/);
    expect(malformed({ extensions: exts(ext('2.5.29.35', seq(tlv(0x82, hex('0001'))))) })).toMatch(/non-minimal INTEGER/);
    expect(malformed({ extensions: exts(ext('2.5.29.35', seq(tlv(0xa1)))) })).toMatch(/empty GeneralNames/);
    expect(malformed({ extensions: exts(ext('2.5.29.14', bits(0))) })).toMatch(/subjectKeyIdentifier/);
  });

  it('decodes CRL distribution points', () => {
    const uri = (u: string) => tlv(0x86, new TextEncoder().encode(u));
    const full = (...names: Uint8Array[]) => tlv(0xa0, tlv(0xa0, ...names));
    const c = ok({
      extensions: exts(
        ext(
          '2.5.29.31',
          seq(
            seq(full(tlv(0xa4, name(['2.5.4.3', utf8('crl')])), uri('http://a/1.crl'))),
            seq(full(uri('ldap://b/cn=x')), tlv(0x81, hex('0560')), tlv(0xa2, uri('http://issuer'))),
            seq(tlv(0xa0, tlv(0xa1, seq(oid('2.5.4.3'), utf8('rel'))))),
            seq(),
          ),
        ),
      ),
    });
    expect(c.crlDistributionPoints).toEqual(['http://a/1.crl', 'ldap://b/cn=x']);
    expect(malformed({ extensions: exts(ext('2.5.29.31', seq())) })).toMatch(/empty cRLDistributionPoints/);
    expect(malformed({ extensions: exts(ext('2.5.29.31', seq(seq(tlv(0xa0, tlv(0xa2)))))) })).toMatch(/invalid DistributionPointName/);
    expect(malformed({ extensions: exts(ext('2.5.29.31', seq(seq(tlv(0xa0, tlv(0xa1)))))) })).toMatch(/empty nameRelativeToCRLIssuer/);
    expect(malformed({ extensions: exts(ext('2.5.29.31', seq(seq(full(tlv(0x86, hex('80'))))))) })).toMatch(/IA5String/);
    expect(malformed({ extensions: exts(ext('2.5.29.31', seq(seq(full(tlv(0xa6, uri('x'))))))) })).toMatch(/invalid GeneralName/);
    expect(malformed({ extensions: exts(ext('2.5.29.31', seq(seq(tlv(0x81, hex('0801')))))) })).toMatch(/unused-bit count/);
    expect(malformed({ extensions: exts(ext('2.5.29.31', seq(seq(tlv(0xa2))))) })).toMatch(/empty GeneralNames/);
    expect(malformed({ extensions: exts(ext('2.5.29.31', seq(seq(full())))) })).toMatch(/empty GeneralNames/);
  });

  it('decodes authority information access', () => {
    const ad = (method: string, location: Uint8Array) => seq(oid(method), location);
    const c = ok({
      extensions: exts(
        ext(
          '1.3.6.1.5.5.7.1.1',
          seq(
            ad('1.3.6.1.5.5.7.48.1', tlv(0x86, txt('http://ocsp'))),
            ad('1.3.6.1.5.5.7.48.2', tlv(0x86, txt('http://ca/ca.cer'))),
            ad('1.3.6.1.5.5.7.48.2', tlv(0x82, txt('dns.example'))),
            ad('1.2.3', tlv(0x86, txt('http://other'))),
          ),
        ),
      ),
    });
    expect(c.ocspUrls).toEqual(['http://ocsp']);
    expect(c.caIssuerUrls).toEqual(['http://ca/ca.cer']);
    expect(malformed({ extensions: exts(ext('1.3.6.1.5.5.7.1.1', seq())) })).toMatch(/empty authorityInfoAccess/);
    expect(malformed({ extensions: exts(ext('1.3.6.1.5.5.7.1.1', octets(utf8('malformed')))) })).toMatch(/unexpected tag for authorityInfoAccess/);
    expect(malformed({ extensions: exts(ext('1.3.6.1.5.5.7.1.1', seq(seq(oid('1.3.6.1.5.5.7.48.1'))))) })).toMatch(/unexpected end of data/);
    expect(malformed({ extensions: exts(ext('1.3.6.1.5.5.7.1.1', seq(ad('1.3.6.1.5.5.7.48.1', tlv(0x86, txt('a'))), nul()))) })).toMatch(/AccessDescription/);
  });

  it('decodes certificate policies', () => {
    const cps = seq(oid('1.3.6.1.5.5.7.2.1'), ia5('https://cps'));
    const c = ok({ extensions: exts(ext('2.5.29.32', seq(seq(oid('2.5.29.32.0')), seq(oid('1.2.156.1'), seq(cps))))) });
    expect(c.policies).toEqual(['2.5.29.32.0', '1.2.156.1']);
    expect(malformed({ extensions: exts(ext('2.5.29.32', seq())) })).toMatch(/empty certificatePolicies/);
    expect(malformed({ extensions: exts(ext('2.5.29.32', seq(seq(oid('1.2'), seq())))) })).toMatch(/empty policyQualifiers/);
    expect(malformed({ extensions: exts(ext('2.5.29.32', seq(seq(oid('1.2'), seq(seq(oid('1.3'))))))) })).toMatch(/unexpected end of data/);
    expect(malformed({ extensions: exts(ext('2.5.29.32', seq(seq(oid('1.2'), seq(cps), nul())))) })).toMatch(/trailing data in PolicyInformation/);
  });

  it('decodes every GeneralName form in subjectAltName', () => {
    const san = seq(
      tlv(0xa0, oid('1.3.6.1.4.1.311.20.2.3'), tlv(0xa0, utf8('张三@example.cn'))),
      tlv(0xa0, oid('1.2.3'), tlv(0xa0, int('05'))),
      tlv(0x81, txt('a@b.cn')),
      tlv(0x82, txt('b.cn')),
      tlv(0xa3, seq()),
      tlv(0xa4, name(['2.5.4.3', utf8('dir')])),
      tlv(0xa5, tlv(0xa1, txt('edi'))),
      tlv(0x86, txt('https://c')),
      tlv(0x87, hex('c0000201')),
      tlv(0x87, hex('00000000000000000000000000000001')),
      tlv(0x87, hex('20010db8000000010000000000000000')),
      tlv(0x87, hex('fe800000000000000000000000000001')),
      tlv(0x87, hex('20010db8000100020003000400050006')),
      tlv(0x88, hex('2a03')),
    );
    const c = ok({ extensions: exts(ext('2.5.29.17', san)) });
    expect(c.subjectAltNames.map((n) => `${n.type}:${n.value}${n.oid ? ':' + n.oid : ''}`)).toEqual([
      'otherName:张三@example.cn:1.3.6.1.4.1.311.20.2.3',
      'otherName:#020105:1.2.3',
      'email:a@b.cn',
      'dns:b.cn',
      'x400Address:#a3023000',
      'directoryName:CN=dir',
      'ediPartyName:#a505a103656469',
      'uri:https://c',
      'ip:192.0.2.1',
      'ip:::1',
      'ip:2001:db8:0:1::',
      'ip:fe80::1',
      'ip:2001:db8:1:2:3:4:5:6',
      'registeredId:1.2.3',
    ]);
    const bad: [Uint8Array, RegExp][] = [
      [seq(), /empty GeneralNames/],
      [seq(tlv(0x87, hex('0102030405'))), /iPAddress must be 4 or 16 octets/],
      [seq(tlv(0x82, hex('f09f989c'))), /IA5String/],
      [seq(tlv(0x89, hex('00'))), /invalid GeneralName/],
      [seq(tlv(0xa2, utf8('x'))), /invalid GeneralName/],
      [seq(tlv(0xa0, oid('1.2.3'))), /missing otherName value/],
      [seq(tlv(0xa0, oid('1.2.3'), tlv(0xa0, utf8('a'), utf8('b')))), /trailing data in otherName value/],
      [seq(tlv(0xa0, oid('1.2.3'), tlv(0xa0, tlv(0x0c, hex('ff'))))), /UTF-8/],
      [seq(tlv(0xa4, utf8('x'))), /directoryName/],
      [seq(tlv(0x88, hex('2a80'))), /OBJECT IDENTIFIER/],
      [octets(utf8('example.com')), /unexpected tag for subjectAltName/],
    ];
    for (const [value, re] of bad) expect(malformed({ extensions: exts(ext('2.5.29.17', value)) })).toMatch(re);
  });

  it('keeps unknown extensions opaque, with text only for a single valid string', () => {
    const c = ok({
      extensions: exts(
        ext('1.2.156.10260.4.1.4', printable('91350200556207664B')),
        ext('1.2.156.10260.4.1.1', tlv(0x12, txt('110101 199003070011'))),
        ext('1.2.3.1', cat(utf8('a'), utf8('b'))),
        ext('1.2.3.2', tlv(0x0c, hex('ff'))),
        ext('1.2.3.3', hex('0c05')),
        ext('1.2.3.4', hex('ffff')),
        ext('1.2.3.5', new Uint8Array(0)),
        ext('1.2.3.6', tlv(0x1c, hex('00005317'))),
        ext('1.2.3.7', tlv(0x14, hex('4dfc'))),
        ext('1.2.3.8', tlv(0x1a, txt('vis'))),
      ),
    });
    expect(c.extensions.map((e) => e.text)).toEqual([
      '91350200556207664B',
      '110101 199003070011',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      '北',
      'Mü',
      'vis',
    ]);
    expect(must(c.extension('1.2.156.10260.4.1.4')).name).toBeUndefined();
  });
});
