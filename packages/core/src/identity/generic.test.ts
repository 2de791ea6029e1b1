import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../cert/index';
import { hasVectors, readVector } from '../../test-utils/vectors';
import { extractGenericIdentity, findIdentityCodes, maskPersonalId } from './index';

const fixture = (name: string) => parseCertificate(readFileSync(new URL(`./fixtures/${name}.pem`, import.meta.url), 'utf8'));

describe('extractGenericIdentity', () => {
  it('takes the USCC from the GM/T 0015-2023 extension and derives its organisation code', () => {
    const id = extractGenericIdentity(fixture('uscc-2023'));
    expect(id.entityName).toBe('福建示例科技有限公司');
    expect(id.uscc).toMatchObject({ kind: 'uscc', normalized: '91350100M000100Y43', source: 'extension:1.2.156.10260.4.4' });
    expect(id.orgCode).toMatchObject({ normalized: 'M000100Y4', source: 'extension:1.2.156.10260.4.4' });
  });

  it('strips a vendor prefix (JJ) before an organisation code and says so', () => {
    const id = extractGenericIdentity(fixture('prefixed-org-code'));
    expect(id.orgCode).toMatchObject({ value: 'JJ55138508-2', normalized: '551385082', prefix: 'JJ', valid: true });
    expect(id.uscc).toBeUndefined();
    expect(id.entityName).toBe('北京示例信息技术有限公司');
  });

  it('finds a USCC in the subject serialNumber when no extension carries one', () => {
    const id = extractGenericIdentity(fixture('serialnumber-uscc'));
    expect(id.uscc).toMatchObject({ normalized: '91141124MA0K2KMD7C', source: 'subject:SERIALNUMBER' });
  });

  it('reads a personal ID and a registration number, and masks the ID for display', () => {
    const id = extractGenericIdentity(fixture('personal-and-registration'));
    expect(id.personalId).toMatchObject({ kind: 'personal-id', valid: true, source: 'extension:1.2.156.10260.4.1.1' });
    expect(maskPersonalId(id.personalId?.normalized ?? '')).toBe('110***********002X');
    expect(id.registrationNumber).toMatchObject({ normalized: '110108000001239', source: 'extension:1.2.156.10260.4.1.3' });
    expect(id.entityName).toBe('李四');
  });

  it('lists an invalid value as a candidate but never picks it, and ignores names in O', () => {
    const cert = fixture('no-code');
    expect(findIdentityCodes(cert)).toEqual([
      expect.objectContaining({ value: 'N/A', valid: false, source: 'extension:1.2.156.10260.4.1.4' }),
    ]);
    const id = extractGenericIdentity(cert);
    expect([id.uscc, id.orgCode, id.registrationNumber]).toEqual([undefined, undefined, undefined]);
  });

  it.skipIf(!hasVectors)('finds nothing generic in the real BJCA certificate (its code is in a vendor OID)', () => {
    const id = extractGenericIdentity(parseCertificate(readVector('bjca-challenge', 'cert.der')));
    expect(id.uscc).toBeUndefined();
    expect(id.orgCode).toBeUndefined();
  });
});

describe('maskPersonalId', () => {
  it('keeps 3 leading and 4 trailing characters, and hides short values entirely', () => {
    expect(maskPersonalId('11010519491231002X')).toBe('110***********002X');
    expect(maskPersonalId('1234567')).toBe('*******');
  });
});
