/**
 * Test certificates in BJCA's profile, made with the test CA kit (not part of the package's API):
 * the issuer DN and the CRL/OCSP URLs of the BJCA certificate in the shared vectors, BJCA's unique-id
 * and entity-id extensions in the layouts seen on real certificates (`.17` USCC, `.24`
 * `1@5009JJ0<organisation code>`, `.23` `1@215009SF0<ID number>`, `.4` as raw ASCII), SM2 signing and
 * encryption pairs, and an RSA-era certificate. Every code and ID number is synthetic.
 */
import type { OwnCertificateFixture } from '@yizheng/core/conformance';
import { createTestCa, issueCertificate, issueCertificatePair, utf8Extension, type TestCertificate, type TestExtension } from '@yizheng/core/testing';
import {
  BJCA_ENTITY_ID_OID,
  BJCA_RAW_ENTITY_ID_OID,
  BJCA_RSA_UNIQUE_ID_OID,
  BJCA_SM2_ENTITY_ID_OID,
  BJCA_TAX_NUMBER_OID,
  BJCA_UNIQUE_ID_OID,
  BJCA_USCC_OID,
  UNIT_UNIQUE_ID_OID,
} from './index';

const USCC = '91141124MA0K2KMD7C';
const PERSONAL_ID = '11010519491231002X';
const COMPANY = '厦门帝网信息科技有限公司';
/** Synthetic codes of two made-up companies (organisation codes 556207664 and 551385082) and a second ID number. */
const USCC_A = '91350200556207664B';
const COMPANY_A = '厦门示例信息科技有限公司';
const USCC_B = '91110108551385082Q';
const COMPANY_B = '北京示例软件有限公司';
const PERSONAL_ID_2 = '440106199001011235';

/** An extension holding `text` as plain ASCII bytes with no DER string tag, as BJCA writes `.4` on some certificates. */
export function rawAsciiExtension(oid: string, text: string): TestExtension {
  return { oid, value: new TextEncoder().encode(text) };
}

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
  // The enterprise SM2 layout: `.17` the USCC, `.1` JJ + USCC, `.24` 1@5009JJ0 + a number (the field sample's, read only as a fallback), `.11` the tax number.
  const enterprise = issueCertificate({
    subject: `CN=${COMPANY_A}, O=${COMPANY_A}, C=CN`,
    issuer: sm2Ca,
    keyAlgorithm: 'sm2',
    ...urls,
    extensions: [
      utf8Extension(BJCA_UNIQUE_ID_OID, `JJ${USCC_A}`),
      utf8Extension(BJCA_USCC_OID, USCC_A),
      utf8Extension(BJCA_TAX_NUMBER_OID, USCC_A),
      utf8Extension(BJCA_ENTITY_ID_OID, '1@5009JJ0863175332'),
    ],
  });
  // The personal SM2 layout seen in the field: `.23` 1@215009SF0 + ID number, `.4` 1@5009SF0 + ID number as raw ASCII.
  const personSm2 = issueCertificate({
    subject: 'CN=测试用户甲, C=CN',
    issuer: sm2Ca,
    keyAlgorithm: 'sm2',
    ...urls,
    extensions: [utf8Extension(BJCA_SM2_ENTITY_ID_OID, `1@215009SF0${PERSONAL_ID_2}`), rawAsciiExtension(BJCA_RAW_ENTITY_ID_OID, `1@5009SF0${PERSONAL_ID_2}`)],
  });
  const rawOnly = issueCertificate({
    subject: 'CN=测试用户乙, C=CN',
    issuer: sm2Ca,
    keyAlgorithm: 'sm2',
    ...urls,
    extensions: [rawAsciiExtension(BJCA_RAW_ENTITY_ID_OID, `1@5009SF0${PERSONAL_ID}`)],
  });
  // 1.2.86.11.7.1.8 (unit certificate unique id) is never read: no code and no vendor uid from it.
  const unit = issueCertificate({
    subject: `CN=${COMPANY_B}, O=${COMPANY_B}, C=CN`,
    issuer: sm2Ca,
    keyAlgorithm: 'sm2',
    ...urls,
    extensions: [utf8Extension(UNIT_UNIQUE_ID_OID, `JJ${USCC_B}`)],
  });
  const unitWithUscc = issueCertificate({
    subject: `CN=${COMPANY_B}, O=${COMPANY_B}, C=CN`,
    issuer: sm2Ca,
    keyAlgorithm: 'sm2',
    ...urls,
    extensions: [utf8Extension(UNIT_UNIQUE_ID_OID, `JJ${USCC_B}`), utf8Extension(BJCA_USCC_OID, USCC_B)],
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
          source: { orgCode: 'extension:1.2.156.10260.4.1.4', uscc: 'extension:1.2.156.10260.4.1.4', entityName: 'subject:O' },
        },
      },
      {
        name: 'BJCA SM2 enterprise certificate (.17 USCC, .1 JJ + USCC, .24 1@5009JJ0 + organisation code, .11 tax number)',
        certificate: enterprise.der,
        identity: {
          entityName: COMPANY_A,
          uscc: USCC_A,
          orgCode: '556207664',
          vendorUid: `JJ${USCC_A}`,
          source: { vendorUid: `extension:${BJCA_UNIQUE_ID_OID}`, uscc: `extension:${BJCA_UNIQUE_ID_OID}`, orgCode: `extension:${BJCA_UNIQUE_ID_OID}`, entityName: 'subject:O' },
        },
      },
      {
        name: 'BJCA SM2 personal certificate (.23 1@215009SF0 + ID number, raw ASCII .4 1@5009SF0 + ID number)',
        certificate: personSm2.der,
        identity: {
          entityName: '测试用户甲',
          personalId: PERSONAL_ID_2,
          source: { personalId: `extension:${BJCA_SM2_ENTITY_ID_OID}`, entityName: 'subject:CN' },
        },
      },
      {
        name: 'BJCA SM2 personal certificate with only the raw ASCII .4 entity id',
        certificate: rawOnly.der,
        identity: {
          entityName: '测试用户乙',
          personalId: PERSONAL_ID,
          source: { personalId: `extension:${BJCA_RAW_ENTITY_ID_OID}`, entityName: 'subject:CN' },
        },
      },
      {
        name: 'BJCA certificate with only the unit certificate unique id (1.2.86.11.7.1.8, not read)',
        certificate: unit.der,
        identity: { entityName: COMPANY_B, source: { entityName: 'subject:O' } },
      },
      {
        name: 'BJCA certificate with the unit certificate unique id and the .17 USCC',
        certificate: unitWithUscc.der,
        identity: {
          entityName: COMPANY_B,
          uscc: USCC_B,
          orgCode: '551385082',
          source: { uscc: `extension:${BJCA_USCC_OID}`, orgCode: `extension:${BJCA_USCC_OID}`, entityName: 'subject:O' },
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
