/**
 * Test certificates in an ASSUMED CMCA profile (no public layout is known), made with
 * the test CA kit (not part of the package's API): an issuer named after CMCA, GM/T 0015-2023 and
 * -2012 identity extensions, a certificate with the USCC in OU (as some cloud certificates carry it), and SM2 signing
 * and encryption pairs.
 */
import { gmt0015ProfileFixtures, type Gmt0015ProfileFixtures } from '@yizheng/core/conformance';

/** CMCA-profile fixtures with their expected identities, and the signing certificates to sign with. */
export type CmcaFixtures = Gmt0015ProfileFixtures;

let built: CmcaFixtures | undefined;

/** Builds the fixtures once per test file. */
export function cmcaFixtures(): CmcaFixtures {
  built ??= gmt0015ProfileFixtures({
    vendor: 'CMCA',
    issuer: 'CN=CMCA SM2 CA, O=中国移动通信集团有限公司, C=CN',
    company: '北京某某通信技术有限公司',
  });
  return built;
}
