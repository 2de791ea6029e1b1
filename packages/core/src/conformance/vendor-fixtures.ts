/**
 * Fixture builders for a provider's own conformance run: the certificate set of a vendor whose
 * profile is plain GM/T 0015 (no vendor extension of its own), and a signature sample made with a
 * test-kit key. Built with the test CA kit.
 */
import { createTestCa, issueCertificate, issueCertificatePair, utf8Extension, type TestCertificate } from '../testing/index';
import type { OwnCertificateFixture, SignatureFixture } from './run';

/** What sets one vendor's GM/T 0015 fixtures apart from another's. */
export interface Gmt0015ProfileOptions {
  /** The vendor's name, which starts the fixtures' names, e.g. `CMCA`. */
  readonly vendor: string;
  /** The subject DN of the issuing test CA, e.g. `CN=CMCA SM2 CA, O=中国移动通信集团有限公司, C=CN`. */
  readonly issuer: string;
  /** The organisation named in the subjects (O, and CN of the organisation certificates). */
  readonly company: string;
  /** The name of the certificate with the USCC in OU; default `<vendor> certificate with the USCC in OU`. */
  readonly usccInOuName?: string;
}

/** A vendor's own certificates with their expected identities, and the SM2 signing certificate to sign with. */
export interface Gmt0015ProfileFixtures {
  /** Own certificates, for {@link ConformanceFixtures.own}. */
  readonly own: OwnCertificateFixture[];
  /** The organisation's SM2 signing certificate and key. */
  readonly sm2Signing: TestCertificate;
}

const USCC = '91350100M000100Y43';
const ORG_CODE = 'M000100Y4';
const PERSONAL_ID = '11010519491231002X';
const GMT_2023_USCC = '1.2.156.10260.4.4';
const GMT_2012_ORG_CODE = '1.2.156.10260.4.1.4';
const GMT_2012_REGISTRATION = '1.2.156.10260.4.1.3';
const GMT_2012_PERSONAL_ID = '1.2.156.10260.4.1.1';

/**
 * The certificates of a vendor whose identity is read from GM/T 0015 and the subject DN, issued by
 * an SM2 test CA named after the vendor: an organisation signing and encryption pair with the USCC
 * in the 2023 extension, a certificate with the 2012 organisation code and registration number, a
 * personal certificate with the 2012 personal-ID extension, and one with the USCC in OU. Each call
 * issues new certificates: keep the result for the test file.
 *
 * @example
 * ```ts
 * const fixtures = gmt0015ProfileFixtures({ vendor: 'CMCA', issuer: 'CN=CMCA SM2 CA, O=中国移动通信集团有限公司, C=CN', company: '北京某某通信技术有限公司' });
 * runProviderConformance(cmcaProvider, { own: fixtures.own, signatures: [testKitSignature(fixtures.sm2Signing)] });
 * ```
 */
export function gmt0015ProfileFixtures(options: Gmt0015ProfileOptions): Gmt0015ProfileFixtures {
  const { vendor, company } = options;
  const ca = createTestCa({ subject: options.issuer, keyAlgorithm: 'sm2' });
  const org = issueCertificatePair({
    subject: `CN=${company}, O=${company}, C=CN`,
    issuer: ca,
    keyAlgorithm: 'sm2',
    extensions: [utf8Extension(GMT_2023_USCC, USCC)],
  });
  const orgIdentity = {
    entityName: company,
    uscc: USCC,
    orgCode: ORG_CODE,
    source: { uscc: `extension:${GMT_2023_USCC}`, orgCode: `extension:${GMT_2023_USCC}`, entityName: 'subject:O' },
  };
  const legacy = issueCertificate({
    subject: `CN=王五, O=${company}, C=CN`,
    issuer: ca,
    keyAlgorithm: 'sm2',
    extensions: [utf8Extension(GMT_2012_ORG_CODE, '55620766-4'), utf8Extension(GMT_2012_REGISTRATION, '110108000000016')],
  });
  const person = issueCertificate({
    subject: 'CN=张三, C=CN',
    issuer: ca,
    keyAlgorithm: 'sm2',
    extensions: [utf8Extension(GMT_2012_PERSONAL_ID, PERSONAL_ID)],
  });
  const ou = issueCertificate({ subject: `CN=${company}, OU=${USCC}, O=${company}, C=CN`, issuer: ca, keyAlgorithm: 'sm2' });
  return {
    sm2Signing: org.signing,
    own: [
      { name: `${vendor} SM2 organisation signing certificate (GM/T 0015-2023 USCC)`, certificate: org.signing.der, identity: orgIdentity },
      { name: `${vendor} SM2 organisation encryption certificate`, certificate: org.encryption.der, identity: orgIdentity },
      {
        name: `${vendor} SM2 certificate with GM/T 0015-2012 organisation code and registration number`,
        certificate: legacy.pem,
        identity: {
          entityName: company,
          orgCode: '556207664',
          registrationNumber: '110108000000016',
          source: { orgCode: `extension:${GMT_2012_ORG_CODE}`, registrationNumber: `extension:${GMT_2012_REGISTRATION}`, entityName: 'subject:O' },
        },
      },
      {
        name: `${vendor} SM2 personal certificate`,
        certificate: person.der,
        identity: { entityName: '张三', personalId: PERSONAL_ID, source: { personalId: `extension:${GMT_2012_PERSONAL_ID}`, entityName: 'subject:CN' } },
      },
      {
        name: options.usccInOuName ?? `${vendor} certificate with the USCC in OU`,
        certificate: ou.der,
        identity: { entityName: company, uscc: USCC, orgCode: ORG_CODE, source: { uscc: 'subject:OU', orgCode: 'subject:OU', entityName: 'subject:O' } },
      },
    ],
  };
}

/** The login challenge text {@link testKitSignature} signs. */
const CHALLENGE = 'yizheng:1|login|https://bid.example.gov.cn|bm9uY2U|2026-06-01T08:05:00.000Z';

/**
 * A signature sample for {@link ConformanceFixtures.signatures}: `signer`'s test-kit key over a
 * login challenge text, DER-encoded, named `a test-kit SM2 signature over a challenge` unless
 * `name` says otherwise.
 */
export function testKitSignature(signer: TestCertificate, name = 'a test-kit SM2 signature over a challenge'): SignatureFixture {
  return {
    name,
    certificate: signer.der,
    data: CHALLENGE,
    signature: signer.key.sign(new TextEncoder().encode(CHALLENGE)),
    format: 'der',
  };
}
