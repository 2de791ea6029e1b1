import { describe, expect, it } from 'vitest';
import { decodeOid, encodeOid } from './decode';
import { OID, OID_NAMES, oidName } from './oids';

describe('OID table', () => {
  it('names the algorithms the domain needs', () => {
    expect(oidName('1.2.156.10197.1.501')).toBe('SM2-with-SM3');
    expect(oidName('1.2.156.10197.1.301')).toBe('SM2');
    expect(oidName('1.2.156.10197.1.401')).toBe('SM3');
    expect(oidName('1.2.840.113549.1.1.11')).toBe('sha256WithRSAEncryption');
    expect(oidName('1.2.840.113549.1.1.5')).toBe('sha1WithRSAEncryption');
    expect(oidName('1.2.840.10045.4.3.2')).toBe('ecdsa-with-SHA256');
    expect(oidName('1.2.840.113549.1.1.10')).toBe('RSASSA-PSS');
    expect(oidName('1.3.6.1.5.5.7.3.2')).toBe('clientAuth');
    expect(oidName('1.2.156.10260.4.1.4')).toBeUndefined(); // meaning varies per CA
    expect(oidName('9.9.9')).toBeUndefined();
  });

  it('holds only well-formed OIDs that round-trip through DER', () => {
    for (const [oid, name] of OID_NAMES) {
      const content = encodeOid(oid);
      expect(decodeOid(content, 0, content.length), name).toBe(oid);
      expect(name.length).toBeGreaterThan(0);
    }
    for (const oid of Object.values(OID)) expect(OID_NAMES.has(oid), oid).toBe(true);
  });
});
