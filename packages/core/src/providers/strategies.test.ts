import { describe, expect, it } from 'vitest';
import { derOctetString, derPrintableString, derSequence, derUtf8String, derInteger } from '../asn1/encode';
import { createTestCa, issueCertificate, utf8Extension } from '../testing/index';
import {
  cleanIdentityText,
  extensionStrategy,
  extensionText,
  extractIdentityWith,
  gmt0015Strategy,
  isResidentId,
  parseIdentityCode,
  subjectCodeStrategy,
  subjectNameStrategy,
  type IdentityStrategy,
} from './strategies';

const USCC = '91350200556207664B';
const ID = '11010519491231002X';
const OTHER_USCC = '91110108551385082Q';

describe('parseIdentityCode', () => {
  it('reads bare codes and strips the vendor prefixes', () => {
    expect(parseIdentityCode(USCC)).toEqual({ field: 'uscc', value: USCC });
    expect(parseIdentityCode('55620766-4')).toEqual({ field: 'orgCode', value: '556207664' });
    expect(parseIdentityCode('JJ556207664')).toEqual({ field: 'orgCode', value: '556207664', prefix: 'JJ' });
    expect(parseIdentityCode('JJ' + USCC)).toEqual({ field: 'uscc', value: USCC, prefix: 'JJ' });
    expect(parseIdentityCode('SF' + ID)).toEqual({ field: 'personalId', value: ID, prefix: 'SF' });
    expect(parseIdentityCode('N' + USCC)).toEqual({ field: 'uscc', value: USCC, prefix: 'N' });
    expect(parseIdentityCode('Z' + ID)).toEqual({ field: 'personalId', value: ID, prefix: 'Z' });
    expect(parseIdentityCode('110108000000016')).toMatchObject({ field: 'registrationNumber' });
    expect(parseIdentityCode('９１３５０２００５５６２０７６６４Ｂ')).toEqual({ field: 'uscc', value: USCC });
  });

  it('returns nothing for values that fail their checks, and honours the requested kind', () => {
    for (const bad of ['', 'JJ', 'JJTEST002', 'SF123', '91350200556207664C', '@@@', 'x'.repeat(500), 'JJ55620766-5']) {
      expect(parseIdentityCode(bad), bad).toBeUndefined();
    }
    expect(parseIdentityCode(USCC, 'orgCode')).toBeUndefined();
    expect(parseIdentityCode(ID, 'personalId')).toEqual({ field: 'personalId', value: ID });
  });

  it('checks resident IDs (18 with check character, or the old 15 digits)', () => {
    expect(isResidentId(ID)).toBe(true);
    expect(isResidentId('110105194912310021')).toBe(false);
    expect(isResidentId('110105491231002')).toBe(true);
  });

  it('cleans stray tag bytes, NUL padding and spaces', () => {
    expect(cleanIdentityText('\f\tJJTEST002\u0000 ')).toBe('JJTEST002');
    expect(cleanIdentityText('9'.repeat(300))).toBe('');
  });
});

describe('extensionText', () => {
  it('decodes DER strings, also wrapped once more, and never raw bytes', () => {
    const cert = issueCertificate({
      subject: 'CN=x',
      extensions: [
        { oid: '1.2.3.1', value: derUtf8String('JJ556207664') },
        { oid: '1.2.3.2', value: derOctetString(derPrintableString('JJ556207664')) },
        { oid: '1.2.3.3', value: derSequence(derUtf8String('SF' + ID)) },
        { oid: '1.2.3.4', value: derOctetString(new TextEncoder().encode('JJ556207664')) },
        { oid: '1.2.3.5', value: derInteger(7) },
      ],
    }).certificate;
    expect(extensionText(cert, '1.2.3.1')).toBe('JJ556207664');
    expect(extensionText(cert, '1.2.3.2')).toBe('JJ556207664');
    expect(extensionText(cert, '1.2.3.3')).toBe('SF' + ID);
    expect(extensionText(cert, '1.2.3.4')).toBeUndefined();
    expect(extensionText(cert, '1.2.3.5')).toBeUndefined();
    expect(extensionText(cert, '1.2.3.6')).toBeUndefined();
  });
});

describe('extractIdentityWith', () => {
  const ca = createTestCa();
  const cert = issueCertificate({
    subject: `CN=张三, OU=${USCC}, O=厦门帝网信息科技有限公司, C=CN`,
    issuer: ca,
    extensions: [utf8Extension('1.2.3.1', 'JJ556207664'), utf8Extension('1.2.156.10260.4.1.1', ID)],
  }).certificate;

  it('takes each field from the first strategy that finds it, with its source; free text adds no code beside a vouched one', () => {
    expect(
      extractIdentityWith(cert, [extensionStrategy('1.2.3.1', { vendorUid: true }), gmt0015Strategy(), subjectNameStrategy()]),
    ).toEqual({
      entityName: '厦门帝网信息科技有限公司',
      orgCode: '556207664',
      personalId: ID,
      vendorUid: 'JJ556207664',
      source: {
        vendorUid: 'extension:1.2.3.1',
        orgCode: 'extension:1.2.3.1',
        personalId: 'extension:1.2.156.10260.4.1.1',
        entityName: 'subject:O',
      },
    });
  });

  it('never lets a free-text OU override or add to what the CA vouched for (another company, or a personal certificate)', () => {
    const ownCode = issueCertificate({
      subject: `CN=张三, OU=${OTHER_USCC}, O=甲公司, C=CN`,
      issuer: ca,
      extensions: [utf8Extension('1.2.156.10260.4.1.4', '55620766-4')],
    }).certificate;
    const a = extractIdentityWith(ownCode, [gmt0015Strategy(), subjectNameStrategy()]);
    expect(a).toMatchObject({ orgCode: '556207664', source: { orgCode: 'extension:1.2.156.10260.4.1.4' } });
    expect(a.uscc).toBeUndefined();
    expect(a.freeText).toBeUndefined();
    const personal = issueCertificate({
      subject: `CN=张三, OU=${OTHER_USCC}, C=CN`,
      issuer: ca,
      extensions: [utf8Extension('1.2.156.10260.4.1.1', ID)],
    }).certificate;
    const p = extractIdentityWith(personal, [gmt0015Strategy(), subjectNameStrategy()]);
    expect(p).toMatchObject({ personalId: ID });
    expect([p.uscc, p.orgCode]).toEqual([undefined, undefined]);
  });

  it('uses free-text codes only when no vouched place holds one, and says so', () => {
    const ouOnly = issueCertificate({ subject: `CN=某公司, OU=${USCC}, O=某公司, C=CN`, issuer: ca }).certificate;
    expect(extractIdentityWith(ouOnly, [gmt0015Strategy()])).toMatchObject({ uscc: USCC, freeText: ['uscc', 'orgCode'] });
  });

  it('lists vouched places that disagree as conflicts (a USCC counts with the organisation code it embeds)', () => {
    const torn = issueCertificate({
      subject: 'CN=张三, C=CN',
      issuer: ca,
      extensions: [utf8Extension('1.2.156.10260.4.4', OTHER_USCC), utf8Extension('1.2.156.10260.4.1.4', '55620766-4')],
    }).certificate;
    expect(extractIdentityWith(torn, [gmt0015Strategy()]).conflicts).toEqual([
      { field: 'orgCode', values: ['551385082', '556207664'], sources: ['extension:1.2.156.10260.4.4', 'extension:1.2.156.10260.4.1.4'] },
    ]);
    const agreeing = issueCertificate({
      subject: 'CN=张三, C=CN',
      issuer: ca,
      extensions: [utf8Extension('1.2.156.10260.4.4', USCC), utf8Extension('1.2.156.10260.4.1.4', '55620766-4')],
    }).certificate;
    expect(extractIdentityWith(agreeing, [gmt0015Strategy()]).conflicts).toBeUndefined();
  });

  it('reads an untagged ASCII value only where the strategy declares the place raw', () => {
    const raw = issueCertificate({
      subject: 'CN=张三, C=CN',
      issuer: ca,
      extensions: [{ oid: '1.2.3.9', value: new TextEncoder().encode(`SF${ID}`) }, { oid: '1.2.3.10', value: new Uint8Array([0x01, 0x02, 0x41]) }],
    }).certificate;
    expect(extractIdentityWith(raw, [extensionStrategy('1.2.3.9')]).personalId).toBeUndefined();
    expect(extractIdentityWith(raw, [extensionStrategy('1.2.3.9', { raw: true })]).personalId).toBe(ID);
    expect(extractIdentityWith(raw, [extensionStrategy('1.2.3.10', { raw: true, as: 'vendorUid' })]).vendorUid).toBeUndefined();
  });

  it('derives the organisation code a USCC embeds, and skips strategies that throw or return junk', () => {
    const throwing: IdentityStrategy = { name: 'bug', find: () => { throw new Error('bug'); } };
    const junk = { name: 'junk', find: () => [null, { field: 'nope', value: 'x', source: 's' }, { field: 'uscc', value: 42, source: 's' }] } as unknown as IdentityStrategy;
    expect(extractIdentityWith(cert, [throwing, junk, subjectCodeStrategy('OU'), subjectNameStrategy(['CN'])])).toEqual({
      entityName: '张三',
      uscc: USCC,
      orgCode: '556207664',
      source: { uscc: 'subject:OU', orgCode: 'subject:OU', entityName: 'subject:CN' },
      freeText: ['uscc', 'orgCode'],
    });
    expect(extractIdentityWith(cert, [])).toEqual({ entityName: undefined, source: {} });
  });

  it('reads an extension as one declared kind', () => {
    expect(extractIdentityWith(cert, [extensionStrategy('1.2.3.1', { as: 'vendorUid' })])).toEqual({
      entityName: undefined,
      vendorUid: 'JJ556207664',
      source: { vendorUid: 'extension:1.2.3.1' },
    });
    expect(extractIdentityWith(cert, [extensionStrategy('1.2.3.1', { as: 'uscc' })])).toEqual({ entityName: undefined, source: {} });
  });
});
