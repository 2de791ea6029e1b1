import { createProviderRegistry } from '@yizheng/core';
import { runProviderConformance, testKitSignature } from '@yizheng/core/conformance';
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

  it('splits the subject CN layout and refuses anything else', () => {
    expect(parseCfcaCommonName('CFCA@厦门帝网信息科技有限公司@N91350200556207664B@1')).toEqual({
      prefix: 'CFCA',
      name: '厦门帝网信息科技有限公司',
      id: 'N91350200556207664B',
      sequence: '1',
    });
    expect(parseCfcaCommonName('051@张三@Z1234567890')).toEqual({ prefix: '051', name: '张三', id: 'Z1234567890' });
    for (const cn of [undefined, '张三', '@@@', 'a@b@c@d@e', 'x@@N1@1', 'x@name@N 1@1', 'x@name@N1@one', 'x@name@@1']) {
      expect(parseCfcaCommonName(cn), String(cn)).toBeUndefined();
    }
  });

  it('recognises by its policy arc alone, but not by the CN layout alone', () => {
    const ca = createTestCa({ subject: 'CN=Some Bank CA, O=Some Bank, C=CN' });
    const layoutOnly = issueCertificate({ subject: 'CN=051@张三@Z1234567890@1, OU=Individual-1', issuer: ca });
    expect(cfcaProvider.recognize(layoutOnly.certificate)).toBeNull();
    const policy = issueCertificate({ subject: 'CN=051@张三@Z1234567890@1, OU=Individual-1', issuer: ca, policies: [`${CFCA_POLICY_ARC}.2.1`] });
    expect(cfcaProvider.recognize(policy.certificate)?.evidence).toEqual([
      'policy 2.16.156.112554.2.1 under arc 2.16.156.112554 (field)',
      'subject CN prefix@name@<type><number>@seq with OU Organizational-n / Individual-n (field)',
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
