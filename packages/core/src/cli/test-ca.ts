/**
 * `yizheng test-ca <dir>`: a test CA and a UKey's worth of certificates in a vendor's profile, written
 * as PEM with their keys, for developers without a USB key and for platform test environments.
 * Test material only: the keys are unprotected.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validateEnterpriseCode } from '../codes/index';
import { YizhengError } from '../errors/index';
import {
  createTestCa, issueCertificate, issueCertificatePair, issueCrl, privateKeyToPem, utf8Extension,
  type TestCertificate, type TestKeyAlgorithm,
} from '../testing/index';

/** The vendor layouts the command knows. */
export const TEST_CA_PROFILES = ['generic', 'bjca', 'cfca'] as const;
/** One of {@link TEST_CA_PROFILES}. */
export type TestCaProfile = (typeof TEST_CA_PROFILES)[number];

/** What `yizheng test-ca` makes. */
export interface TestCaRequest {
  readonly dir: string;
  readonly profile: TestCaProfile;
  readonly key: TestKeyAlgorithm;
  readonly uscc: string;
  readonly company: string;
  readonly holder: string;
  readonly validity: 'valid' | 'expired' | 'not-yet-valid';
  readonly revoked: boolean;
  readonly now: Date;
}

const DAY = 86_400_000;

function profileOf(request: TestCaRequest, orgCode: string) {
  const { company, holder, uscc } = request;
  switch (request.profile) {
    case 'bjca':
      // BJCA: the unique id JJ + organisation code in 1.2.156.112562.2.1.1.1 as a UTF8String (verified layout).
      return {
        caName: 'CN=Yizheng Test BJCA-profile CA, OU=BJCA, O=BJCA, C=CN',
        subject: `CN=${holder}, O=${company}, C=CN`,
        extensions: [utf8Extension('1.2.156.112562.2.1.1.1', `JJ${orgCode}`)],
        policies: [] as string[],
      };
    case 'cfca':
      // CFCA: CN prefix@name@<type><number>@seq, OU=Organizational-1, policy arc 2.16.156.112554 (field).
      return {
        caName: 'CN=Yizheng Test CFCA-profile CA, O=China Financial Certification Authority, C=CN',
        subject: `CN=CFCA@${company}@N${uscc}@1, OU=Organizational-1, O=CFCA TEST OCA1, C=CN`,
        extensions: [],
        policies: ['2.16.156.112554.3'],
      };
    default:
      // GM/T 0015: the code in 1.2.156.10260.4.1.4 (in practice the 18-character USCC).
      return {
        caName: 'CN=Yizheng Test CA, O=一证测试CA, C=CN',
        subject: `CN=${holder}, O=${company}, C=CN`,
        extensions: [utf8Extension('1.2.156.10260.4.1.4', uscc)],
        policies: [] as string[],
      };
  }
}

/** Issues the CA chain, the signing and encryption pair and (with `revoked`) a CRL, and writes them. */
export async function makeTestCa(request: TestCaRequest): Promise<string[]> {
  const code = validateEnterpriseCode(request.uscc);
  if (!code.valid || code.kind !== 'uscc' || code.orgCode === undefined) {
    throw new YizhengError('CODE_INVALID', {
      reason: `${request.uscc} 不是有效的统一社会信用代码`,
      reasonEn: `${request.uscc} is not a valid unified social credit code`,
    });
  }
  const profile = profileOf(request, code.orgCode.replace('-', ''));
  const now = request.now.getTime();
  const [notBefore, notAfter] = request.validity === 'expired'
    ? [now - 400 * DAY, now - DAY]
    : request.validity === 'not-yet-valid' ? [now + DAY, now + 366 * DAY] : [now - DAY, now + 365 * DAY];
  const root = createTestCa({ subject: profile.caName.replace('CN=', 'CN=Root '), keyAlgorithm: request.key });
  const issuing = issueCertificate({ subject: profile.caName, issuer: root, ca: true, pathLength: 0, keyAlgorithm: request.key });
  const pair = issueCertificatePair({
    subject: profile.subject,
    issuer: issuing,
    keyAlgorithm: request.key,
    notBefore: new Date(notBefore),
    notAfter: new Date(notAfter),
    extensions: profile.extensions,
    ...(profile.policies.length > 0 && { policies: profile.policies }),
  });
  const files: Record<string, string> = {
    'root-ca.pem': root.pem,
    'root-ca.key.pem': privateKeyToPem(root.key),
    'issuing-ca.pem': issuing.pem,
    'issuing-ca.key.pem': privateKeyToPem(issuing.key),
    'sign.pem': pair.signing.pem,
    'sign.key.pem': privateKeyToPem(pair.signing.key),
    'enc.pem': pair.encryption.pem,
    'enc.key.pem': privateKeyToPem(pair.encryption.key),
    'chain.pem': [pair.signing, issuing, root].map((c: TestCertificate) => c.pem).join(''),
  };
  if (request.revoked) {
    files['issuing-ca.crl.pem'] = issueCrl({ issuer: issuing, revoked: [{ serialNumber: pair.signing.certificate.serialNumber, reason: 'keyCompromise' }] }).pem;
  }
  await mkdir(request.dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    await writeFile(join(request.dir, name), content, { mode: name.endsWith('.key.pem') ? 0o600 : 0o644 });
  }
  return Object.keys(files);
}
