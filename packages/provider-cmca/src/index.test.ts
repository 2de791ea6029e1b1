import { createProviderRegistry } from '@yizheng/core';
import { runProviderConformance, testKitSignature, toCertificate } from '@yizheng/core/conformance';
import { createTestCa, issueCertificate, utf8Extension } from '@yizheng/core/testing';
import { describe, expect, it } from 'vitest';
import { bjcaFixtures } from '../../provider-bjca/src/fixtures';
import { bjcaProvider } from '../../provider-bjca/src/index';
import { cfcaFixtures } from '../../provider-cfca/src/fixtures';
import { cfcaProvider } from '../../provider-cfca/src/index';
import { huixinFixtures } from '../../provider-huixin/src/fixtures';
import { huixinProvider } from '../../provider-huixin/src/index';
import { cmcaFixtures } from './fixtures';
import { cmcaProvider, cmcaProviderInfo, createCmcaProvider } from './index';

const fixtures = cmcaFixtures();
const foreign = [...bjcaFixtures().own, ...cfcaFixtures().own, ...huixinFixtures().own];
const others = [bjcaProvider, cfcaProvider, huixinProvider];

runProviderConformance(cmcaProvider, {
  own: fixtures.own,
  foreign,
  others,
  signatures: [testKitSignature(fixtures.sm2Signing)],
});

// The configuration hook, with placeholder values standing in for what CMCA would confirm.
const PLACEHOLDER_OID = '1.3.6.1.4.1.99998.1';
const configuredCa = createTestCa({ subject: 'CN=Example Mobile Issuing CA, O=Example Trust, C=CN', keyAlgorithm: 'sm2' });
const configured = createCmcaProvider({
  identityOids: [{ oid: PLACEHOLDER_OID, vendorUid: true }],
  authorityKeyIds: [configuredCa.certificate.subjectKeyIdentifier ?? ''],
});
const configuredLeaf = issueCertificate({
  subject: 'CN=李四, O=北京某某通信技术有限公司, C=CN',
  issuer: configuredCa,
  extensions: [utf8Extension(PLACEHOLDER_OID, 'JJ91350100M000100Y43')],
});

runProviderConformance(configured, {
  own: [
    {
      name: 'certificate in a configured CMCA profile (placeholder OID and issuing CA)',
      certificate: configuredLeaf.der,
      identity: {
        entityName: '北京某某通信技术有限公司',
        vendorUid: 'JJ91350100M000100Y43',
        uscc: '91350100M000100Y43',
        orgCode: 'M000100Y4',
        source: {
          vendorUid: `extension:${PLACEHOLDER_OID}`,
          uscc: `extension:${PLACEHOLDER_OID}`,
          orgCode: `extension:${PLACEHOLDER_OID}`,
          entityName: 'subject:O',
        },
      },
    },
    ...fixtures.own,
  ],
  foreign,
  others,
  mutations: 100,
});

describe('CMCA provider', () => {
  it('carries the CMCA names; seed 002 gives no hotline', () => {
    expect(cmcaProviderInfo.id).toBe('cmca');
    expect(cmcaProvider.info.support).toEqual([]);
    expect(createProviderRegistry([cmcaProvider]).get('中国移动CA')).toBe(cmcaProvider);
  });

  it('marks its default recognition as assumed, and a configured issuing CA as configured', () => {
    const first = fixtures.own[0];
    if (!first) throw new Error('no CMCA fixture');
    expect(cmcaProvider.recognize(toCertificate(first))?.evidence).toEqual([
      'issuer O "中国移动通信集团有限公司" contains "中国移动" (assumed)',
      'issuer CN "CMCA SM2 CA" contains "CMCA" (assumed)',
    ]);
    expect(configured.recognize(configuredLeaf.certificate)?.evidence).toEqual([
      `authorityKeyIdentifier ${configuredCa.certificate.subjectKeyIdentifier ?? ''} (configured)`,
    ]);
    expect(cmcaProvider.recognize(configuredLeaf.certificate)).toBeNull();
  });
});
