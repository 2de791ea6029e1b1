/**
 * Test certificates in an ASSUMED Huixin profile (no public layout is known), made with
 * the test CA kit (not part of the package's API): an issuer named after Huixin, GM/T 0015-2023 and
 * -2012 identity extensions, a mobile (no-hardware) certificate with the USCC in OU, and SM2 signing
 * and encryption pairs.
 */
import { gmt0015ProfileFixtures, type Gmt0015ProfileFixtures } from '@yizheng/core/conformance';

/** Huixin-profile fixtures with their expected identities, and the signing certificates to sign with. */
export type HuixinFixtures = Gmt0015ProfileFixtures;

let built: HuixinFixtures | undefined;

/** Builds the fixtures once per test file. */
export function huixinFixtures(): HuixinFixtures {
  built ??= gmt0015ProfileFixtures({
    vendor: 'Huixin',
    issuer: 'CN=汇信SM2证书签发CA, O=浙江汇信科技有限公司, C=CN',
    company: '浙江某某建设有限公司',
    usccInOuName: 'Huixin mobile certificate (USCC in OU)',
  });
  return built;
}
