import { createProviderRegistry } from '@yizheng/core';
import { runProviderConformance, testKitSignature, toCertificate } from '@yizheng/core/conformance';
import { createTestCa, issueCertificate, utf8Extension } from '@yizheng/core/testing';
import { describe, expect, it } from 'vitest';
import { bjcaFixtures } from '../../provider-bjca/src/fixtures';
import { bjcaProvider } from '../../provider-bjca/src/index';
import { cfcaFixtures } from '../../provider-cfca/src/fixtures';
import { cfcaProvider } from '../../provider-cfca/src/index';
import { cmcaFixtures } from '../../provider-cmca/src/fixtures';
import { cmcaProvider } from '../../provider-cmca/src/index';
import { huixinFixtures } from './fixtures';
import { createHuixinProvider, huixinProvider, huixinProviderInfo } from './index';

const fixtures = huixinFixtures();
const foreign = [...bjcaFixtures().own, ...cfcaFixtures().own, ...cmcaFixtures().own];
const others = [bjcaProvider, cfcaProvider, cmcaProvider];

runProviderConformance(huixinProvider, {
  own: fixtures.own,
  foreign,
  others,
  signatures: [testKitSignature(fixtures.sm2Signing)],
});

// The configuration hook, with placeholder values standing in for what Huixin would confirm.
const PLACEHOLDER_UID_OID = '1.3.6.1.4.1.99999.1';
const configuredCa = createTestCa({ subject: 'CN=ZJHX Test Issuing CA, O=Example Trust, C=CN', keyAlgorithm: 'sm2' });
const configuredLeaf = issueCertificate({
  subject: 'CN=浙江某某建设有限公司, O=浙江某某建设有限公司, C=CN',
  issuer: configuredCa,
  policies: ['1.3.6.1.4.1.99999.2.1'],
  extensions: [utf8Extension(PLACEHOLDER_UID_OID, 'HX-0001'), utf8Extension('1.2.156.10260.4.4', '91350100M000100Y43')],
});
const configured = createHuixinProvider({
  identityOids: [{ oid: PLACEHOLDER_UID_OID, as: 'vendorUid' }],
  issuerNames: ['ZJHX'],
  policyArcs: ['1.3.6.1.4.1.99999.2'],
  assumedDefaults: false,
});

runProviderConformance(configured, {
  own: [
    {
      name: 'certificate in a configured Huixin profile (placeholder OIDs)',
      certificate: configuredLeaf.der,
      identity: {
        entityName: '浙江某某建设有限公司',
        vendorUid: 'HX-0001',
        uscc: '91350100M000100Y43',
        orgCode: 'M000100Y4',
        source: {
          vendorUid: `extension:${PLACEHOLDER_UID_OID}`,
          uscc: 'extension:1.2.156.10260.4.4',
          orgCode: 'extension:1.2.156.10260.4.4',
          entityName: 'subject:O',
        },
      },
    },
  ],
  foreign,
  others,
  mutations: 100,
});

describe('Huixin provider', () => {
  const first = fixtures.own[0];
  if (!first) throw new Error('no Huixin fixture');
  const huixinCertificate = toCertificate(first);

  it('carries the Huixin names and the hotline users are told to call', () => {
    expect(huixinProviderInfo.id).toBe('huixin');
    expect(huixinProvider.info.support.map((c) => c.phone)).toEqual(['400-888-4636']);
    expect(createProviderRegistry([huixinProvider]).get('汇信CA(移动版)')).toBe(huixinProvider);
  });

  it('marks its default recognition as assumed, and configured facts as configured', () => {
    expect(huixinProvider.recognize(huixinCertificate)?.evidence).toEqual(['issuer O "浙江汇信科技有限公司" contains "汇信" (assumed)']);
    expect(configured.recognize(configuredLeaf.certificate)?.evidence).toEqual([
      'issuer CN "ZJHX Test Issuing CA" contains "ZJHX" (configured)',
      'policy 1.3.6.1.4.1.99999.2.1 under arc 1.3.6.1.4.1.99999.2 (configured)',
    ]);
    // Without the assumed defaults, a Huixin-named issuer alone is not enough.
    expect(configured.recognize(huixinCertificate)).toBeNull();
  });

  it('refuses a malformed configuration when it is created', () => {
    expect(() => createHuixinProvider({ identityOids: [{ oid: 'not an oid' }] })).toThrow(/dotted OID/);
    expect(() => createHuixinProvider({ authorityKeyIds: ['zz'] })).toThrow(/hex/);
  });
});
