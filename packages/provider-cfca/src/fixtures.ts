/**
 * Test certificates in CFCA's profile, made with the test CA kit (not part of the package's API):
 * issuers named as in CFCA integration samples, the subject CN `prefix@name@<type><number>@seq`
 * with `OU=Organizational-n` / `Individual-n`, policies under `2.16.156.112554`, SM2 signing and
 * encryption pairs and an RSA certificate.
 */
import type { OwnCertificateFixture } from '@yizheng/core/conformance';
import { createTestCa, issueCertificate, issueCertificatePair, type TestCertificate } from '@yizheng/core/testing';
import { CFCA_POLICY_ARC } from './index';

const USCC = '91350200556207664B';
const PERSONAL_ID = '11010519491231002X';
const OTHER_ID = '440106199001011235';
const COMPANY = '厦门帝网信息科技有限公司';

/** CFCA-profile fixtures with their expected identities, and the signing certificates to sign with. */
export interface CfcaFixtures {
  readonly own: OwnCertificateFixture[];
  readonly sm2Signing: TestCertificate;
}

let built: CfcaFixtures | undefined;

/** Builds the fixtures once per test file. */
export function cfcaFixtures(): CfcaFixtures {
  if (built) return built;
  const sm2Ca = createTestCa({ subject: 'CN=CFCA SM2 OCA1, O=China Financial Certification Authority, C=CN', keyAlgorithm: 'sm2' });
  const rsaCa = createTestCa({ subject: 'CN=CFCA OCA1, O=China Financial Certification Authority, C=CN', keyAlgorithm: 'rsa' });
  const policies = [`${CFCA_POLICY_ARC}.1.1`];
  const org = issueCertificatePair({
    subject: `CN=CFCA@${COMPANY}@N${USCC}@1, OU=Organizational-1, OU=Local RA, O=CFCA SM2 OCA1, C=CN`,
    issuer: sm2Ca,
    keyAlgorithm: 'sm2',
    policies,
  });
  const orgIdentity = {
    entityName: COMPANY,
    uscc: USCC,
    orgCode: '556207664',
    vendorUid: `N${USCC}`,
    source: { entityName: 'subject:CN', uscc: 'subject:CN', orgCode: 'subject:CN', vendorUid: 'subject:CN' },
  };
  const person = issueCertificate({
    subject: `CN=051@张三@Z${PERSONAL_ID}@1, OU=Individual-1, OU=Local RA, O=CFCA SM2 OCA1, C=CN`,
    issuer: sm2Ca,
    keyAlgorithm: 'sm2',
    policies,
  });
  const bareId = issueCertificate({
    subject: `CN=051@李四@${OTHER_ID}@3, OU=Individual-3, OU=Local RA, O=CFCA SM2 OCA1, C=CN`,
    issuer: sm2Ca,
    keyAlgorithm: 'sm2',
  });
  const rsa = issueCertificate({
    subject: 'CN=CFCA@山西某某科技有限公司@N91141124MA0K2KMD7C@2, OU=Organizational-2, OU=Local RA, O=CFCA OCA1, C=CN',
    issuer: rsaCa,
    policies,
  });
  built = {
    sm2Signing: org.signing,
    own: [
      { name: 'CFCA SM2 organisation signing certificate (N + USCC)', certificate: org.signing.der, identity: orgIdentity },
      { name: 'CFCA SM2 organisation encryption certificate', certificate: org.encryption.der, identity: orgIdentity },
      {
        name: 'CFCA SM2 personal certificate (Z + ID number)',
        certificate: person.pem,
        identity: {
          entityName: '张三',
          personalId: PERSONAL_ID,
          vendorUid: `Z${PERSONAL_ID}`,
          source: { entityName: 'subject:CN', personalId: 'subject:CN', vendorUid: 'subject:CN' },
        },
      },
      {
        name: 'CFCA SM2 personal certificate without policy (bare ID number)',
        certificate: bareId.der,
        identity: {
          entityName: '李四',
          personalId: OTHER_ID,
          vendorUid: OTHER_ID,
          source: { entityName: 'subject:CN', personalId: 'subject:CN', vendorUid: 'subject:CN' },
        },
      },
      {
        name: 'CFCA RSA organisation certificate',
        certificate: rsa.der,
        identity: {
          entityName: '山西某某科技有限公司',
          uscc: '91141124MA0K2KMD7C',
          orgCode: 'MA0K2KMD7',
          vendorUid: 'N91141124MA0K2KMD7C',
          source: { entityName: 'subject:CN', uscc: 'subject:CN', orgCode: 'subject:CN', vendorUid: 'subject:CN' },
        },
      },
    ],
  };
  return built;
}
