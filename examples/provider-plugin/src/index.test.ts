/**
 * The GDCA provider's conformance run: its own certificates (made with the test CA kit in GDCA's
 * profile), certificates of other CAs it must not claim, and a signature made with a fixture key.
 * A vendor adds real certificates of its own (PEM files next to this test) to `own`.
 */
import { runProviderConformance, testKitSignature } from '@yizheng/core/conformance';
import { createTestCa, issueCertificate, issueCertificatePair, utf8Extension } from '@yizheng/core/testing';
import { describe, expect, it } from 'vitest';
import { GDCA_ORG_CODE_OID, GDCA_REGISTRATION_NUMBER_OID, GDCA_UNIQUE_ID_OID, GDCA_USCC_OID, gdcaProvider } from './index';

const COMPANY = '广州某某信息技术有限公司';
const USCC = '91110108551385082Q';

// GDCA's profile (issuer names assumed, identity OIDs from DOMAIN.md §3).
const gdcaCa = createTestCa({ subject: 'CN=GDCA SM2 Test CA, O=GDCA Certificate Authority, C=CN', keyAlgorithm: 'sm2' });
const org = issueCertificatePair({
  subject: `CN=${COMPANY}, O=${COMPANY}, L=广州, ST=广东, C=CN`,
  issuer: gdcaCa,
  keyAlgorithm: 'sm2',
  extensions: [
    utf8Extension(GDCA_UNIQUE_ID_OID, '440100000001234'),
    utf8Extension(GDCA_USCC_OID, USCC),
    utf8Extension(GDCA_ORG_CODE_OID, '55138508-2'),
  ],
});
const legacy = issueCertificate({
  subject: `CN=${COMPANY}, O=${COMPANY}, C=CN`,
  issuer: gdcaCa,
  keyAlgorithm: 'sm2',
  extensions: [utf8Extension(GDCA_ORG_CODE_OID, '55138508-2'), utf8Extension(GDCA_REGISTRATION_NUMBER_OID, '110108000000016')],
});
const orgIdentity = {
  entityName: COMPANY,
  vendorUid: '440100000001234',
  uscc: USCC,
  orgCode: '551385082',
  source: {
    vendorUid: `extension:${GDCA_UNIQUE_ID_OID}`,
    uscc: `extension:${GDCA_USCC_OID}`,
    orgCode: `extension:${GDCA_ORG_CODE_OID}`,
    entityName: 'subject:O',
  },
};

// Certificates of other CAs: GDCA must not claim them.
const bjcaLike = issueCertificate({
  subject: `CN=${COMPANY}, O=${COMPANY}, C=CN`,
  issuer: createTestCa({ subject: 'CN=Beijing SM2 CA, OU=BJCA, O=BJCA, C=CN' }),
  extensions: [utf8Extension('1.2.156.112562.2.1.1.1', 'JJ551385082')],
});
const cfcaLike = issueCertificate({
  subject: `CN=CFCA@${COMPANY}@N${USCC}@1, OU=Organizational-1, O=CFCA OCA1, C=CN`,
  issuer: createTestCa({ subject: 'CN=CFCA OCA1, O=China Financial Certification Authority, C=CN' }),
  policies: ['2.16.156.112554.1.1'],
});

runProviderConformance(gdcaProvider, {
  own: [
    { name: 'GDCA SM2 organisation signing certificate', certificate: org.signing.pem, identity: orgIdentity },
    { name: 'GDCA SM2 organisation encryption certificate', certificate: org.encryption.der, identity: orgIdentity },
    {
      name: 'GDCA certificate with organisation code and registration number',
      certificate: legacy.der,
      identity: {
        entityName: COMPANY,
        orgCode: '551385082',
        registrationNumber: '110108000000016',
        source: { orgCode: `extension:${GDCA_ORG_CODE_OID}`, registrationNumber: `extension:${GDCA_REGISTRATION_NUMBER_OID}`, entityName: 'subject:O' },
      },
    },
  ],
  foreign: [
    { name: 'BJCA-profile certificate', certificate: bjcaLike.der },
    { name: 'CFCA-profile certificate', certificate: cfcaLike.der },
  ],
  signatures: [testKitSignature(org.signing, 'an SM2 signature over a login challenge')],
});

describe('GDCA example provider', () => {
  it('says how it recognised a certificate, and how each fact is known', () => {
    expect(gdcaProvider.recognize(org.signing.certificate)?.evidence).toEqual([
      'issuer O "GDCA Certificate Authority" contains "GDCA" (assumed)',
      'issuer CN "GDCA SM2 Test CA" starts with "GDCA" (assumed)',
      'extension 1.2.86.21.1.3 under the vendor arc 1.2.86.21.1 (field)',
      'extension 1.2.86.11.7.7550243.1 under the vendor arc 1.2.86.11.7 (field)',
    ]);
  });
});
