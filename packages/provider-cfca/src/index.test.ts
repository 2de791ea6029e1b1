import { createProviderRegistry } from '@yizheng/core';
import { runProviderConformance, testKitSignature, toCertificate } from '@yizheng/core/conformance';
import { createTestCa, issueCertificate } from '@yizheng/core/testing';
import { describe, expect, it } from 'vitest';
import { bjcaFixtures } from '../../provider-bjca/src/fixtures';
import { bjcaProvider } from '../../provider-bjca/src/index';
import { cmcaFixtures } from '../../provider-cmca/src/fixtures';
import { cmcaProvider } from '../../provider-cmca/src/index';
import { huixinFixtures } from '../../provider-huixin/src/fixtures';
import { huixinProvider } from '../../provider-huixin/src/index';
import { cfcaFixtures } from './fixtures';
import { CFCA_POLICY_ARC, cfcaProvider, cfcaProviderInfo, createCfcaProvider, parseCfcaCommonName } from './index';

const fixtures = cfcaFixtures();

runProviderConformance(cfcaProvider, {
  own: fixtures.own,
  foreign: [...bjcaFixtures().own, ...huixinFixtures().own, ...cmcaFixtures().own],
  others: [bjcaProvider, huixinProvider, cmcaProvider],
  signatures: [testKitSignature(fixtures.sm2Signing)],
});

describe('CFCA provider', () => {
  it('carries the CFCA names and the hotlines users are told to call', () => {
    expect(cfcaProviderInfo.id).toBe('cfca');
    expect(cfcaProvider.info.support.map((c) => c.phone)).toEqual(['400-880-9888', '025-66085508']);
  });

  it('splits the subject CN in both orders and refuses anything else', () => {
    expect(parseCfcaCommonName('CFCA@厦门帝网信息科技有限公司@N91350200556207664B@1')).toEqual({
      prefix: 'CFCA',
      name: '厦门帝网信息科技有限公司',
      id: 'N91350200556207664B',
      order: 'name-first',
      sequence: '1',
    });
    expect(parseCfcaCommonName('041@N91320508346386385N@苏州缘来无界工艺品有限公司@00000001')).toEqual({
      prefix: '041',
      name: '苏州缘来无界工艺品有限公司',
      id: 'N91320508346386385N',
      order: 'id-first',
      sequence: '00000001',
    });
    // No checked code in either part: the id-looking part against the name-looking one.
    expect(parseCfcaCommonName('041@Z313791000015@xacbank@00000001')).toEqual({
      prefix: '041',
      name: 'xacbank',
      id: 'Z313791000015',
      order: 'id-first',
      sequence: '00000001',
    });
    expect(parseCfcaCommonName('PMOS02@临县公司@Z91141124MA0K2KMD7C@6')).toMatchObject({ prefix: 'PMOS02', name: '临县公司', id: 'Z91141124MA0K2KMD7C', order: 'name-first' });
    expect(parseCfcaCommonName('051@kaifazhe@Z556207664@76')).toMatchObject({ name: 'kaifazhe', id: 'Z556207664', order: 'name-first', sequence: '76' });
    expect(parseCfcaCommonName('CFCA@张三@011010519491231002X@1')).toMatchObject({ name: '张三', id: '011010519491231002X', order: 'name-first' });
    expect(parseCfcaCommonName('051@张三@Z1234567890')).toEqual({ prefix: '051', name: '张三', id: 'Z1234567890', order: 'name-first' });
    // The name part is the applicant's text: when it reads as an id or a code, which part is the id is unclear: refused.
    for (const cn of ['041@XACBANK01@N91350200556207664B@1', 'CFCA@N91350200556207664B@PE1234567@1', 'CFCA@011010519491231002X@PE1234567@1', 'CFCA@N91350200556207664B@公司@556207664']) {
      expect(parseCfcaCommonName(cn), cn).toBeUndefined();
    }
    for (const cn of [
      undefined,
      '张三',
      '@@@',
      'a@b@c@d@e',
      'x@@N1@1',
      'x@name@N1@one',
      'x@name@N 1@1',
      'x@name@@1',
      'x@name@N1@12345678901',
      // both parts hold a checked code, or both / neither look like an id: refused, not guessed
      '041@N91350200556207664B@Z556207664@1',
      '041@Z313791000015@ABC1234567@1',
      '041@xacbank@kaifazhe@1',
      '041@Z313791000015@ACME BANK@1',
      '041@张三@李四@1',
    ]) {
      expect(parseCfcaCommonName(cn), String(cn)).toBeUndefined();
    }
  });

  it('reads the identity from the CN in either order and keeps the id part as the vendor uid', () => {
    const byName = new Map(fixtures.own.map((f) => [f.name, f]));
    const read = (name: string) => {
      const fixture = byName.get(name);
      if (!fixture) throw new Error(`no fixture ${name}`);
      return cfcaProvider.extractIdentity(toCertificate(fixture));
    };
    expect(read('CFCA TEST OCA1 enterprise certificate (id first, N + USCC, OU=Enterprises)')).toMatchObject({
      entityName: '北京某某网络科技有限公司',
      uscc: '91110108551385082Q',
      orgCode: '551385082',
      vendorUid: 'N91110108551385082Q',
    });
    const cnaps = read('CFCA TEST CA enterprise certificate (id first, Z + 12-digit bank code: no code, OU=CNAPS)');
    expect(cnaps).toEqual({ entityName: 'xacbank', vendorUid: 'Z313791000015', source: { entityName: 'subject:CN', vendorUid: 'subject:CN' } });
    expect(read('CFCA SM2 personal certificate (0 + ID number)')).toMatchObject({ entityName: '张三', personalId: '11010519491231002X', vendorUid: '011010519491231002X' });
    expect(read('CFCA SM2 platform certificate (PMOS02 prefix, Z + USCC, no OU)')).toMatchObject({ uscc: '91141124MA0K2KMD7C', vendorUid: 'Z91141124MA0K2KMD7C' });
    expect(read('CFCA TEST OCA1 certificate (051 prefix, Z + organisation code, OU=Customers)')).toMatchObject({ orgCode: '556207664', vendorUid: 'Z556207664' });
  });

  it('reads only the code its type letter allows', () => {
    const ca = createTestCa({ subject: 'CN=CFCA TEST OCA1, O=China Financial Certification Authority, C=CN' });
    const identityOf = (cn: string) => cfcaProvider.extractIdentity(issueCertificate({ subject: `CN=${cn}, OU=Organizational-1`, issuer: ca }).certificate);
    // N stands before a USCC: an organisation code behind it is not read; an unknown letter gives no code.
    expect(identityOf('CFCA@某公司@N556207664@1')).toEqual({ entityName: '某公司', vendorUid: 'N556207664', source: { entityName: 'subject:CN', vendorUid: 'subject:CN' } });
    expect(identityOf('CFCA@某公司@Q91350200556207664B@1')).toEqual({
      entityName: '某公司',
      vendorUid: 'Q91350200556207664B',
      source: { entityName: 'subject:CN', vendorUid: 'subject:CN' },
    });
    // 0 stands before an ID number only.
    expect(identityOf('CFCA@某公司@0556207664@1').orgCode).toBeUndefined();
    // A bare code needs no letter; a lower-case id is upper-cased.
    expect(identityOf('CFCA@某公司@91350200556207664B@1')).toMatchObject({ uscc: '91350200556207664B', vendorUid: '91350200556207664B' });
    expect(identityOf('CFCA@某公司@n91350200556207664b@1')).toMatchObject({ uscc: '91350200556207664B', vendorUid: 'N91350200556207664B' });
  });

  it('keeps the CN code when the subject OU holds another company\'s USCC', () => {
    const ca = createTestCa({ subject: 'CN=CFCA TEST OCA1, O=China Financial Certification Authority, C=CN' });
    const cert = issueCertificate({
      subject: 'CN=041@N91350200556207664B@甲公司@00000001, OU=Enterprises, OU=91110108551385082Q, O=CFCA TEST OCA1',
      issuer: ca,
    });
    const identity = cfcaProvider.extractIdentity(cert.certificate);
    expect(identity).toEqual({
      entityName: '甲公司',
      uscc: '91350200556207664B',
      orgCode: '556207664',
      vendorUid: 'N91350200556207664B',
      source: { entityName: 'subject:CN', uscc: 'subject:CN', orgCode: 'subject:CN', vendorUid: 'subject:CN' },
    });
    expect(identity.freeText).toBeUndefined();
    expect(identity.conflicts).toBeUndefined();
    // Without a code in the CN, the OU's USCC is used and marked as free text.
    const noCode = issueCertificate({ subject: 'CN=041@Z313791000015@xacbank@00000001, OU=Enterprises, OU=91110108551385082Q', issuer: ca });
    expect(cfcaProvider.extractIdentity(noCode.certificate)).toMatchObject({
      uscc: '91110108551385082Q',
      vendorUid: 'Z313791000015',
      freeText: ['uscc', 'orgCode'],
      source: { uscc: 'subject:OU', vendorUid: 'subject:CN' },
    });
  });

  it('recognises CFCA issuers by their O, and takes every CFCA OU marker as supporting evidence', () => {
    for (const o of ['CFCA TEST OCA1', 'CFCA TEST CA', 'CFCA ACS OCA31']) {
      const ca = createTestCa({ subject: `CN=Issuing CA, O=${o}, C=CN` });
      const cert = issueCertificate({ subject: 'CN=someone', issuer: ca });
      expect(cfcaProvider.recognize(cert.certificate)?.evidence, o).toEqual([`issuer O "${o}" starts with "CFCA" (field)`]);
    }
    const ca = createTestCa({ subject: 'CN=CFCA TEST OCA1, O=China Financial Certification Authority, C=CN' });
    const layout = 'subject CN prefix@name@<type><number>@seq (either order) with OU Organizational-n / Individual-n / Enterprises / Customers / Employees (field)';
    for (const ou of ['Organizational-1', 'Individual-12', 'Enterprises', 'Customers', 'Employees']) {
      const cert = issueCertificate({ subject: `CN=041@N91350200556207664B@某公司@00000001, OU=${ou}, OU=BUBI`, issuer: ca });
      expect(cfcaProvider.recognize(cert.certificate)?.evidence, ou).toContain(layout);
    }
    for (const subject of ['CN=041@N91350200556207664B@某公司@00000001, OU=BUBI', 'CN=041@xacbank@kaifazhe@1, OU=Enterprises']) {
      const cert = issueCertificate({ subject, issuer: ca });
      expect(cfcaProvider.recognize(cert.certificate)?.evidence, subject).not.toContain(layout);
    }
  });

  it('recognises by its policy arc alone, but not by the CN layout alone', () => {
    const ca = createTestCa({ subject: 'CN=Some Bank CA, O=Some Bank, C=CN' });
    const layoutOnly = issueCertificate({ subject: 'CN=051@张三@Z1234567890@1, OU=Individual-1', issuer: ca });
    expect(cfcaProvider.recognize(layoutOnly.certificate)).toBeNull();
    const idFirst = issueCertificate({ subject: 'CN=041@N91350200556207664B@某公司@00000001, OU=Enterprises', issuer: ca });
    expect(cfcaProvider.recognize(idFirst.certificate)).toBeNull();
    const policy = issueCertificate({ subject: 'CN=051@张三@Z1234567890@1, OU=Individual-1', issuer: ca, policies: [`${CFCA_POLICY_ARC}.2.1`] });
    expect(cfcaProvider.recognize(policy.certificate)?.evidence).toEqual([
      'policy 2.16.156.112554.2.1 under arc 2.16.156.112554 (field)',
      'subject CN prefix@name@<type><number>@seq (either order) with OU Organizational-n / Individual-n / Enterprises / Customers / Employees (field)',
    ]);
    expect(cfcaProvider.extractIdentity(policy.certificate)).toEqual({
      entityName: '张三',
      vendorUid: 'Z1234567890',
      source: { entityName: 'subject:CN', vendorUid: 'subject:CN' },
    });
    const withKeyId = createCfcaProvider({ authorityKeyIds: [ca.certificate.subjectKeyIdentifier ?? ''] });
    expect(createProviderRegistry([bjcaProvider, withKeyId]).identify(layoutOnly.certificate).provider).toBe(withKeyId);
  });
});
