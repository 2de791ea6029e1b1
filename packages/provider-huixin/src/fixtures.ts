/**
 * Test certificates in an ASSUMED Huixin profile (no public layout exists: DOMAIN.md §3), made with
 * the test CA kit (not part of the package's API): an issuer named after Huixin, GM/T 0015-2023 and
 * -2012 identity extensions, a mobile (no-hardware) certificate with the USCC in OU, and SM2 signing
 * and encryption pairs.
 */
import type { OwnCertificateFixture } from '@yizheng/core/conformance';
import { createTestCa, issueCertificate, issueCertificatePair, utf8Extension, type TestCertificate } from '@yizheng/core/testing';

const USCC = '91350100M000100Y43';
const PERSONAL_ID = '11010519491231002X';
const COMPANY = '浙江某某建设有限公司';

/** Huixin-profile fixtures with their expected identities, and the signing certificates to sign with. */
export interface HuixinFixtures {
  readonly own: OwnCertificateFixture[];
  readonly sm2Signing: TestCertificate;
}

let built: HuixinFixtures | undefined;

/** Builds the fixtures once per test file. */
export function huixinFixtures(): HuixinFixtures {
  if (built) return built;
  const ca = createTestCa({ subject: 'CN=汇信SM2证书签发CA, O=浙江汇信科技有限公司, C=CN', keyAlgorithm: 'sm2' });
  const org = issueCertificatePair({
    subject: `CN=${COMPANY}, O=${COMPANY}, C=CN`,
    issuer: ca,
    keyAlgorithm: 'sm2',
    extensions: [utf8Extension('1.2.156.10260.4.4', USCC)],
  });
  const orgIdentity = {
    entityName: COMPANY,
    uscc: USCC,
    orgCode: 'M000100Y4',
    source: { uscc: 'extension:1.2.156.10260.4.4', orgCode: 'extension:1.2.156.10260.4.4', entityName: 'subject:O' },
  };
  const legacy = issueCertificate({
    subject: `CN=王五, O=${COMPANY}, C=CN`,
    issuer: ca,
    keyAlgorithm: 'sm2',
    extensions: [utf8Extension('1.2.156.10260.4.1.4', '55620766-4'), utf8Extension('1.2.156.10260.4.1.3', '110108000000016')],
  });
  const person = issueCertificate({
    subject: 'CN=张三, C=CN',
    issuer: ca,
    keyAlgorithm: 'sm2',
    extensions: [utf8Extension('1.2.156.10260.4.1.1', PERSONAL_ID)],
  });
  const mobile = issueCertificate({ subject: `CN=${COMPANY}, OU=${USCC}, O=${COMPANY}, C=CN`, issuer: ca, keyAlgorithm: 'sm2' });
  built = {
    sm2Signing: org.signing,
    own: [
      { name: 'Huixin SM2 organisation signing certificate (GM/T 0015-2023 USCC)', certificate: org.signing.der, identity: orgIdentity },
      { name: 'Huixin SM2 organisation encryption certificate', certificate: org.encryption.der, identity: orgIdentity },
      {
        name: 'Huixin SM2 certificate with GM/T 0015-2012 organisation code and registration number',
        certificate: legacy.pem,
        identity: {
          entityName: COMPANY,
          orgCode: '556207664',
          registrationNumber: '110108000000016',
          source: { orgCode: 'extension:1.2.156.10260.4.1.4', registrationNumber: 'extension:1.2.156.10260.4.1.3', entityName: 'subject:O' },
        },
      },
      {
        name: 'Huixin SM2 personal certificate',
        certificate: person.der,
        identity: { entityName: '张三', personalId: PERSONAL_ID, source: { personalId: 'extension:1.2.156.10260.4.1.1', entityName: 'subject:CN' } },
      },
      {
        name: 'Huixin mobile certificate (USCC in OU)',
        certificate: mobile.der,
        identity: { entityName: COMPANY, uscc: USCC, orgCode: 'M000100Y4', source: { uscc: 'subject:OU', orgCode: 'subject:OU', entityName: 'subject:O' } },
      },
    ],
  };
  return built;
}
