/**
 * Test certificates in CFCA's profile, made with the test CA kit (not part of the package's API):
 * issuers named as in public CFCA integration samples (`CFCA TEST OCA1`, `CFCA TEST CA`,
 * `CFCA ACS OCA31`, `CFCA SM2 OCA1`), the subject CN in both orders seen in the field
 * (`prefix@name@<type><number>@seq` and `prefix@<type><number>@name@seq`), CFCA's OU markers,
 * policies under `2.16.156.112554`, SM2 signing and encryption pairs and RSA certificates. Every
 * code is synthetic.
 */
import type { OwnCertificateFixture } from '@yizheng/core/conformance';
import { createTestCa, issueCertificate, issueCertificatePair, type TestCertificate } from '@yizheng/core/testing';
import { CFCA_POLICY_ARC } from './index';

const USCC = '91350200556207664B';
const USCC_MA = '91141124MA0K2KMD7C';
const USCC_OCA1 = '91110108551385082Q';
const ORG_CODE = '556207664';
const PERSONAL_ID = '11010519491231002X';
const OTHER_ID = '440106199001011235';
const COMPANY = '厦门帝网信息科技有限公司';
const CN = 'subject:CN';

/** CFCA-profile fixtures with their expected identities, and the signing certificates to sign with. */
export interface CfcaFixtures {
  readonly own: OwnCertificateFixture[];
  readonly sm2Signing: TestCertificate;
}

let built: CfcaFixtures | undefined;

/** Every field from the CN, as the CN layout gives them. */
function fromCn(identity: Readonly<Record<string, string>>): OwnCertificateFixture['identity'] {
  return { ...identity, source: Object.fromEntries(Object.keys(identity).map((field) => [field, CN])) };
}

/** Builds the fixtures once per test file. */
export function cfcaFixtures(): CfcaFixtures {
  if (built) return built;
  const sm2Ca = createTestCa({ subject: 'CN=CFCA SM2 OCA1, O=China Financial Certification Authority, C=CN', keyAlgorithm: 'sm2' });
  const acsCa = createTestCa({ subject: 'CN=CFCA ACS OCA31, O=China Financial Certification Authority, C=CN', keyAlgorithm: 'rsa' });
  const oca1Ca = createTestCa({ subject: 'CN=CFCA TEST OCA1, O=China Financial Certification Authority, C=CN', keyAlgorithm: 'rsa' });
  const testCa = createTestCa({ subject: 'CN=CFCA TEST CA, O=China Financial Certification Authority, C=CN', keyAlgorithm: 'rsa' });
  const policies = [`${CFCA_POLICY_ARC}.1.1`];
  const org = issueCertificatePair({
    subject: `CN=CFCA@${COMPANY}@N${USCC}@1, OU=Organizational-1, OU=Local RA, O=CFCA SM2 OCA1, C=CN`,
    issuer: sm2Ca,
    keyAlgorithm: 'sm2',
    policies,
  });
  const orgIdentity = fromCn({ entityName: COMPANY, uscc: USCC, orgCode: ORG_CODE, vendorUid: `N${USCC}` });
  const person = issueCertificate({
    subject: `CN=CFCA@张三@0${PERSONAL_ID}@1, OU=Individual-1, O=CFCA SM2 OCA1, C=CN`,
    issuer: sm2Ca,
    keyAlgorithm: 'sm2',
    policies,
  });
  const zPerson = issueCertificate({
    subject: `CN=051@王五@Z${OTHER_ID}@1, OU=Individual-1, OU=Local RA, O=CFCA SM2 OCA1, C=CN`,
    issuer: sm2Ca,
    keyAlgorithm: 'sm2',
    policies,
  });
  const bareId = issueCertificate({
    subject: `CN=051@李四@${OTHER_ID}@3, OU=Individual-3, OU=Local RA, O=CFCA SM2 OCA1, C=CN`,
    issuer: sm2Ca,
    keyAlgorithm: 'sm2',
  });
  const platform = issueCertificate({
    subject: `CN=PMOS02@临县某某公司@Z${USCC_MA}@6`,
    issuer: sm2Ca,
    keyAlgorithm: 'sm2',
    policies,
  });
  const rsa = issueCertificate({
    subject: `CN=CFCA@山西某某科技有限公司@N${USCC_MA}@2, OU=Organizational-2, O=CFCA ACS OCA31`,
    issuer: acsCa,
    policies,
  });
  const oca1 = issueCertificate({
    subject: `CN=041@N${USCC_OCA1}@北京某某网络科技有限公司@00000001, OU=Enterprises, OU=BUBI, O=CFCA TEST OCA1`,
    issuer: oca1Ca,
  });
  const developer = issueCertificate({
    subject: `CN=051@kaifazhe@Z${ORG_CODE}@76, OU=Customers, O=CFCA TEST OCA1`,
    issuer: oca1Ca,
  });
  const cnaps = issueCertificate({
    subject: 'CN=041@Z313791000015@xacbank@00000001, OU=Enterprises, OU=CNAPS, O=CFCA TEST CA',
    issuer: testCa,
  });
  built = {
    sm2Signing: org.signing,
    own: [
      { name: 'CFCA SM2 organisation signing certificate (name first, N + USCC)', certificate: org.signing.der, identity: orgIdentity },
      { name: 'CFCA SM2 organisation encryption certificate', certificate: org.encryption.der, identity: orgIdentity },
      {
        name: 'CFCA SM2 personal certificate (0 + ID number)',
        certificate: person.pem,
        identity: fromCn({ entityName: '张三', personalId: PERSONAL_ID, vendorUid: `0${PERSONAL_ID}` }),
      },
      {
        name: 'CFCA SM2 personal certificate (Z + ID number, still read: assumed)',
        certificate: zPerson.der,
        identity: fromCn({ entityName: '王五', personalId: OTHER_ID, vendorUid: `Z${OTHER_ID}` }),
      },
      {
        name: 'CFCA SM2 personal certificate without policy (bare ID number)',
        certificate: bareId.der,
        identity: fromCn({ entityName: '李四', personalId: OTHER_ID, vendorUid: OTHER_ID }),
      },
      {
        name: 'CFCA SM2 platform certificate (PMOS02 prefix, Z + USCC, no OU)',
        certificate: platform.der,
        identity: fromCn({ entityName: '临县某某公司', uscc: USCC_MA, orgCode: 'MA0K2KMD7', vendorUid: `Z${USCC_MA}` }),
      },
      {
        name: 'CFCA ACS OCA31 RSA organisation certificate',
        certificate: rsa.der,
        identity: fromCn({ entityName: '山西某某科技有限公司', uscc: USCC_MA, orgCode: 'MA0K2KMD7', vendorUid: `N${USCC_MA}` }),
      },
      {
        name: 'CFCA TEST OCA1 enterprise certificate (id first, N + USCC, OU=Enterprises)',
        certificate: oca1.der,
        identity: fromCn({ entityName: '北京某某网络科技有限公司', uscc: USCC_OCA1, orgCode: '551385082', vendorUid: `N${USCC_OCA1}` }),
      },
      {
        name: 'CFCA TEST OCA1 certificate (051 prefix, Z + organisation code, OU=Customers)',
        certificate: developer.der,
        identity: fromCn({ entityName: 'kaifazhe', orgCode: ORG_CODE, vendorUid: `Z${ORG_CODE}` }),
      },
      {
        name: 'CFCA TEST CA enterprise certificate (id first, Z + 12-digit bank code: no code, OU=CNAPS)',
        certificate: cnaps.der,
        identity: fromCn({ entityName: 'xacbank', vendorUid: 'Z313791000015' }),
      },
    ],
  };
  return built;
}
