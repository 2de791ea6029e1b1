import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DerReader } from '../asn1/der';
import { isYizhengError } from '../errors/index';
import { bits, buildCert, gen, hex, ia5, int, name, nul, octets, oid, printable, seq, set, tlv, utc, utf8, type Bytes } from './fixtures/der-builder';
import { parseCertificate } from './index';
import { attributeShortName, escapeDnValue, readName } from './name';

function dn(der: Uint8Array) {
  const r = new DerReader(der);
  r.next();
  return readName(r, true);
}

describe('escapeDnValue (RFC 4514 §2.4)', () => {
  it('escapes specials, leading # or space, trailing space and NUL', () => {
    expect(escapeDnValue('plain 中文')).toBe('plain 中文');
    expect(escapeDnValue('a,b+c"d\\e<f>g;h')).toBe('a\\,b\\+c\\"d\\\\e\\<f\\>g\\;h');
    expect(escapeDnValue('#x')).toBe('\\#x');
    expect(escapeDnValue(' x ')).toBe('\\ x\\ ');
    expect(escapeDnValue('a#b c')).toBe('a#b c');
    expect(escapeDnValue('nul\0here')).toBe('nul\\00here');
    expect(escapeDnValue('')).toBe('');
  });
});

describe('DistinguishedName', () => {
  it('orders, looks up and formats', () => {
    const n = dn(name(['2.5.4.6', printable('CN')], ['2.5.4.10', utf8('北京数字认证股份有限公司')], ['2.5.4.3', utf8('张三')]));
    expect(n.toString()).toBe('CN=张三, O=北京数字认证股份有限公司, C=CN');
    expect(n.format({ order: 'issuance' })).toBe('C=CN, O=北京数字认证股份有限公司, CN=张三');
    expect(n.format({ order: 'rfc4514', separator: ',' })).toBe('CN=张三,O=北京数字认证股份有限公司,C=CN');
    expect(n.toString()).toBe(n.toString());
    expect(n.get('cn')).toBe('张三');
    expect(n.get('commonName')).toBe('张三');
    expect(n.get('organizationName')).toBe('北京数字认证股份有限公司');
    expect(n.get('2.5.4.99')).toBeUndefined();
    expect(n.organizationalUnits).toEqual([]);
    expect(n.attributes.map((a) => a.shortName)).toEqual(['C', 'O', 'CN']);
    expect(n.der).toEqual(name(['2.5.4.6', printable('CN')], ['2.5.4.10', utf8('北京数字认证股份有限公司')], ['2.5.4.3', utf8('张三')]));
    expect(n.equals(dn(name(['2.5.4.6', printable('CN')])))).toBe(false);
  });

  it('distinguishes string types only by tag, not by value equality', () => {
    const a = dn(name(['2.5.4.3', utf8('X')]));
    const b = dn(name(['2.5.4.3', printable('X')]));
    expect(a.get('CN')).toBe(b.get('CN'));
    expect(a.equals(b)).toBe(false); // byte comparison; RFC 5280 name matching is the validator's job
  });

  it('writes unknown attribute types by OID and non-string values as #hex', () => {
    const n = dn(seq(set(seq(oid('1.2.156.1'), utf8('v'))), set(seq(oid('2.5.4.45'), bits(0, hex('01'))))));
    expect(n.toString()).toBe('2.5.4.45=#03020001, 1.2.156.1=v');
    expect(n.get('1.2.156.1')).toBe('v');
    expect(n.get('x500UniqueIdentifier')).toBe('#03020001');
  });

  it('checks without building when asked', () => {
    const r = new DerReader(name(['2.5.4.3', utf8('a')]));
    r.next();
    expect(readName(r, false)).toBeUndefined();
    const bad = new DerReader(tlv(0x31));
    bad.next();
    expect(() => readName(bad, false)).toThrow(/Name must be a SEQUENCE/);
  });

  it('knows the conventional short names', () => {
    const expected: Record<string, string> = {
      '2.5.4.3': 'CN',
      '2.5.4.6': 'C',
      '2.5.4.10': 'O',
      '2.5.4.11': 'OU',
      '2.5.4.7': 'L',
      '2.5.4.8': 'ST',
      '2.5.4.5': 'SERIALNUMBER',
      '1.2.840.113549.1.9.1': 'E',
      '2.5.4.9': 'STREET',
      '2.5.4.12': 'T',
      '2.5.4.42': 'GN',
      '2.5.4.4': 'SN',
      '0.9.2342.19200300.100.1.25': 'DC',
      '0.9.2342.19200300.100.1.1': 'UID',
    };
    for (const [o, short] of Object.entries(expected)) expect(attributeShortName(o)).toBe(short);
    expect(attributeShortName('1.2.3')).toBeUndefined();
  });
});

/** A certificate whose subject is `C=CN` plus one attribute of type `type` holding `value` (a TLV). */
const certWith = (value: Bytes, type = '2.5.4.3'): Bytes => buildCert({ subject: name(['2.5.4.6', printable('CN')], [type, value]) });

/** The CERT_MALFORMED reason our parser gives, or `ok`. */
function ours(der: Bytes): string {
  try {
    parseCertificate(der);
    return 'ok';
  } catch (e) {
    if (!isYizhengError(e, 'CERT_MALFORMED')) throw e;
    return String(e.details['reason']);
  }
}

const nodeParses = (der: Bytes): boolean => {
  try {
    void new X509Certificate(der).subject;
    return true;
  } catch {
    return false;
  }
};

describe('name attribute values are checked all the way down', () => {
  // Before: every non-string value was kept as opaque #hex without looking inside.
  const refused: Record<string, Bytes> = {
    UTCTime: utc('240101000000Z'),
    'UTCTime, not even a valid one': utc('2401'),
    GeneralizedTime: gen('20240101000000Z'),
    NULL: nul(),
    'NULL with content': tlv(0x05, hex('00')),
    'OCTET STRING': octets(hex('0102')),
    'a SET': set(utf8('x')),
    'a SET with a broken inside': tlv(0x31, hex('0c05')),
    INTEGER: int('01'),
    BOOLEAN: tlv(0x01, hex('ff')),
    'OBJECT IDENTIFIER': oid('1.2.3'),
    ENUMERATED: tlv(0x0a, hex('01')),
    'a context tag': tlv(0x80, hex('01')),
    'an application tag, constructed': tlv(0x61, utf8('x')),
    'VideotexString (not a type Yizheng decodes)': tlv(0x15, hex('41')),
    'GraphicString': tlv(0x19, hex('41')),
    'GeneralString': tlv(0x1b, hex('41')),
  };

  it('refuses every non-string type but BIT STRING and SEQUENCE, as OpenSSL (so Node) does', () => {
    for (const [what, value] of Object.entries(refused)) {
      for (const type of ['2.5.4.3', '2.5.4.45', '1.2.156.1']) {
        const der = certWith(value, type);
        expect(ours(der), what).toMatch(/name attribute value must be a character string, a BIT STRING or a SEQUENCE/);
        expect(nodeParses(der), `${what}: Node agrees`).toBe(false);
      }
    }
  });

  it('refuses a BIT STRING with non-zero padding and a SEQUENCE whose inside is not DER, which Node reads lazily', () => {
    const cases: [string, Bytes, RegExp][] = [
      ['BIT STRING padding', bits(1, hex('01')), /padding bits must be zero/],
      ['BIT STRING unused count 8', bits(8, hex('00')), /unused-bit count/],
      ['SEQUENCE: inner length past the end', tlv(0x30, hex('0c05')), /length exceeds/],
      ['SEQUENCE: trailing half TLV', tlv(0x30, hex('0c0178 0c')), /truncated length|unexpected end/],
      ['SEQUENCE: non-minimal INTEGER', seq(int('0001')), /non-minimal INTEGER/],
      ['SEQUENCE: NULL with content', seq(tlv(0x05, hex('00'))), /NULL must be empty/],
      ['SEQUENCE: BOOLEAN 0x01', seq(tlv(0x01, hex('01'))), /BOOLEAN must be 0x00 or 0xff/],
      ['SEQUENCE: bad UTF-8', seq(tlv(0x0c, hex('c0af'))), /invalid UTF-8/],
      ['SEQUENCE: PrintableString with a control character', seq(tlv(0x13, hex('4100'))), /invalid character in PrintableString/],
      ['SEQUENCE: UTCTime without seconds', seq(utc('2401010000Z')), /UTCTime must be/],
      ['SEQUENCE: BMPString surrogate pair', seq(tlv(0x1e, hex('d83dde00'))), /surrogate in a BMPString/],
      ['SEQUENCE: indefinite length inside', seq(tlv(0xa0, hex('3080 0000'))), /indefinite length/],
      ['SEQUENCE: constructed OCTET STRING (BER)', seq(tlv(0x24, octets(hex('01')))), /wrong primitive\/constructed form/],
      ['SEQUENCE: REAL', seq(tlv(0x09, hex('00'))), /unsupported universal type 9/],
      ['SEQUENCE: EXTERNAL', seq(tlv(0x28, oid('1.2'))), /unsupported constructed type 8/],
      ['SEQUENCE: a broken context tag', seq(tlv(0xa1, hex('0c05'))), /length exceeds/],
    ];
    for (const [what, value, reason] of cases) expect(ours(certWith(value)), what).toMatch(reason);
    // Node (OpenSSL) keeps both as opaque bytes: this strictness is ours.
    expect(nodeParses(certWith(bits(1, hex('01'))))).toBe(true);
    expect(nodeParses(certWith(tlv(0x30, hex('0c05'))))).toBe(true);
  });

  it('keeps a DER-valid BIT STRING (x500UniqueIdentifier) and SEQUENCE (postalAddress) as #hex, as Node reads them', () => {
    const postal = seq(utf8('福建省厦门市'), printable('Siming District'), tlv(0x1e, hex('4e2d')));
    const nested = seq(int('7f'), tlv(0x01, hex('00')), nul(), oid('1.2.156'), gen('20240101000000Z'), octets(hex('00ff')), set(ia5('a')), tlv(0xa0, int('00')), tlv(0x80, hex('ff')));
    const der = buildCert({ subject: name(['2.5.4.6', printable('CN')], ['2.5.4.45', bits(4, hex('f0'))], ['2.5.4.16', postal], ['1.2.156.1', nested]) });
    const c = parseCertificate(der);
    expect(c.subject.get('2.5.4.45')).toBe('#030204f0');
    expect(c.subject.get('2.5.4.16')).toBe('#' + Buffer.from(postal).toString('hex'));
    expect(c.subject.attributes.map((a) => a.valueTag)).toEqual([0x13, 0x03, 0x30, 0x30]);
    expect(nodeParses(der)).toBe(true);
  });

  it('refuses a BMPString surrogate pair in a name, as OpenSSL (so Node) does; BMP characters are fine', () => {
    // Before: D83D DE00 was read as U+1F600. X.680's BMPString is UCS-2, which has no surrogates.
    for (const value of [hex('d83dde00'), hex('004100410041d83dde00'), hex('dbffdfff')]) {
      const der = certWith(tlv(0x1e, value));
      expect(ours(der)).toMatch(/surrogate in a BMPString name value/);
      expect(nodeParses(der)).toBe(false);
      const r = new DerReader(name(['2.5.4.3', tlv(0x1e, value)]));
      r.next();
      expect(() => readName(r, false)).toThrow(/surrogate/);
    }
    const plain = certWith(tlv(0x1e, hex('5317 4eac 0041 ffff e000')));
    expect(parseCertificate(plain).subject.commonName).toBe('北京A\uffff\ue000');
    expect(nodeParses(plain)).toBe(true);
  });
});
