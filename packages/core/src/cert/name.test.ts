import { describe, expect, it } from 'vitest';
import { DerReader } from '../asn1/der';
import { bits, hex, name, oid, printable, seq, set, tlv, utf8 } from './fixtures/der-builder';
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
