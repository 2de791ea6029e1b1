/**
 * Test certificates in BJCA's profile, made with the test CA kit (not part of the package's API):
 * the issuer DN and the CRL/OCSP URLs of the BJCA certificate in the shared vectors, BJCA's unique-id
 * extensions, SM2 signing and encryption pairs, and an RSA-era certificate.
 */
import type { OwnCertificateFixture } from '@yizheng/core/conformance';
import { createTestCa, issueCertificate, issueCertificatePair, utf8Extension, type TestCertificate } from '@yizheng/core/testing';
import { BJCA_ENTITY_ID_OID, BJCA_RSA_UNIQUE_ID_OID, BJCA_UNIQUE_ID_OID } from './index';

const USCC = '91141124MA0K2KMD7C';
const PERSONAL_ID = '11010519491231002X';
const COMPANY = '厦门帝网信息科技有限公司';

const urls = {
  crlDistributionPoints: ['http://crl.bjca.org.cn/crl/ca21crl1.crl'],
  ocspUrls: ['http://ocsp.bjca.org.cn'],
};

/** BJCA-profile fixtures with their expected identities, and the signing certificates to sign with. */
export interface BjcaFixtures {
  readonly own: OwnCertificateFixture[];
  readonly sm2Signing: TestCertificate;
}

let built: BjcaFixtures | undefined;

/** Builds the fixtures once per test file. */
export function bjcaFixtures(): BjcaFixtures {
  if (built) return built;
  const sm2Ca = createTestCa({ subject: 'CN=Beijing SM2 CA, OU=BJCA, O=BJCA, C=CN', keyAlgorithm: 'sm2' });
  const rsaCa = createTestCa({ subject: 'CN=Beijing RSA CA, OU=BJCA, O=BJCA, C=CN', keyAlgorithm: 'rsa' });
  const org = issueCertificatePair({
    subject: `CN=${COMPANY}, O=${COMPANY}, C=CN`,
    issuer: sm2Ca,
    keyAlgorithm: 'sm2',
    ...urls,
    extensions: [utf8Extension(BJCA_UNIQUE_ID_OID, 'JJ556207664'), utf8Extension(BJCA_ENTITY_ID_OID, '1@5009JJ0863175332')],
  });
  const orgIdentity = {
    entityName: COMPANY,
    orgCode: '556207664',
    vendorUid: 'JJ556207664',
    source: { vendorUid: `extension:${BJCA_UNIQUE_ID_OID}`, orgCode: `extension:${BJCA_UNIQUE_ID_OID}`, entityName: 'subject:O' },
  };
  const uscc = issueCertificate({
    subject: `CN=张三, O=山西某某科技有限公司, C=CN`,
    issuer: sm2Ca,
    keyAlgorithm: 'sm2',
    ...urls,
    extensions: [utf8Extension(BJCA_UNIQUE_ID_OID, `JJ${USCC}`)],
  });
  const person = issueCertificate({
    subject: 'CN=张三, C=CN',
    issuer: sm2Ca,
    keyAlgorithm: 'sm2',
    ...urls,
    extensions: [utf8Extension(BJCA_UNIQUE_ID_OID, `SF${PERSONAL_ID}`), utf8Extension(BJCA_ENTITY_ID_OID, `SF${PERSONAL_ID}`)],
  });
  const entityOnly = issueCertificate({
    subject: `CN=李四, O=${COMPANY}, C=CN`,
    issuer: sm2Ca,
    keyAlgorithm: 'sm2',
    extensions: [utf8Extension(BJCA_ENTITY_ID_OID, '2@5009JJ55620766-4'), utf8Extension('1.2.156.10260.4.1.4', '91350200556207664B')],
  });
  const rsa = issueCertificate({
    subject: `CN=${COMPANY}, O=${COMPANY}, C=CN`,
    issuer: rsaCa,
    ...urls,
    extensions: [utf8Extension(BJCA_RSA_UNIQUE_ID_OID, 'JJ556207664')],
  });
  built = {
    sm2Signing: org.signing,
    own: [
      { name: 'BJCA SM2 organisation signing certificate (JJ + organisation code)', certificate: org.signing.der, identity: orgIdentity },
      { name: 'BJCA SM2 organisation encryption certificate', certificate: org.encryption.der, identity: orgIdentity },
      {
        name: 'BJCA SM2 organisation certificate (JJ + USCC)',
        certificate: uscc.pem,
        identity: {
          entityName: '山西某某科技有限公司',
          uscc: USCC,
          orgCode: 'MA0K2KMD7',
          vendorUid: `JJ${USCC}`,
          source: { vendorUid: `extension:${BJCA_UNIQUE_ID_OID}`, uscc: `extension:${BJCA_UNIQUE_ID_OID}`, orgCode: `extension:${BJCA_UNIQUE_ID_OID}`, entityName: 'subject:O' },
        },
      },
      {
        name: 'BJCA SM2 personal certificate (SF + ID number)',
        certificate: person.der,
        identity: {
          entityName: '张三',
          personalId: PERSONAL_ID,
          vendorUid: `SF${PERSONAL_ID}`,
          source: { vendorUid: `extension:${BJCA_UNIQUE_ID_OID}`, personalId: `extension:${BJCA_UNIQUE_ID_OID}`, entityName: 'subject:CN' },
        },
      },
      {
        name: 'BJCA certificate with only the entity id and a GM/T 0015 USCC',
        certificate: entityOnly.der,
        identity: {
          entityName: COMPANY,
          orgCode: '556207664',
          uscc: '91350200556207664B',
          source: { orgCode: `extension:${BJCA_ENTITY_ID_OID}`, uscc: 'extension:1.2.156.10260.4.1.4', entityName: 'subject:O' },
        },
      },
      {
        name: 'BJCA RSA-era certificate (2.16.840.1.113732.2)',
        certificate: rsa.der,
        identity: {
          entityName: COMPANY,
          orgCode: '556207664',
          vendorUid: 'JJ556207664',
          source: { vendorUid: `extension:${BJCA_RSA_UNIQUE_ID_OID}`, orgCode: `extension:${BJCA_RSA_UNIQUE_ID_OID}`, entityName: 'subject:O' },
        },
      },
    ],
  };
  return built;
}
