/**
 * A third-party Yizheng provider for GDCA (数安时代, 广东数字证书认证中心), written the way a CA vendor
 * would write its own: declarative recognition rules, an ordered list of identity places, and every
 * fact marked with how it is known. GDCA's identity OIDs below were seen in third-party integration
 * code (field), not in GDCA's documentation; the issuer names are assumed. A vendor
 * replaces those marks with `verified` once it has checked them against its own certificates.
 */
import { type CaProvider, type ProviderInfo, type ProviderTrust } from '@yizheng/core';
import { createProfileProvider, defineProviderInfo, extensionStrategy, gmt0015Strategy, subjectNameStrategy, type IdentityStrategy, type RecognitionProfile } from '@yizheng/core/providers';

/** GDCA's unique id for the subject (field). */
export const GDCA_UNIQUE_ID_OID = '1.2.86.21.1.3';
/** Organisation code (field). */
export const GDCA_ORG_CODE_OID = '1.2.86.11.7.3';
/** Business registration number (field). */
export const GDCA_REGISTRATION_NUMBER_OID = '1.2.86.11.7.4';
/** Unified social credit code (field). */
export const GDCA_USCC_OID = '1.2.86.11.7.7550243.1';

/** Names, aliases and support contacts. A vendor puts its own hotline in `support` (e.g. `{ label: '客服热线', phone: '400-xxx-xxxx' }`). */
export const gdcaProviderInfo: ProviderInfo = defineProviderInfo({
  id: 'gdca',
  names: { 'zh-CN': '数安时代 (GDCA)', en: 'Global Digital Cybersecurity Authority (GDCA)' },
  aliases: ['GDCA', '数安时代', '广东CA', '广东数字证书认证中心'],
  support: [],
});

/** How GDCA certificates are recognised: its OID arcs (field) and its name in the issuer (assumed). */
export const GDCA_RECOGNITION: RecognitionProfile = Object.freeze<RecognitionProfile>({
  issuer: [
    { attribute: 'O', contains: 'GDCA', basis: 'assumed', weight: 0.7 },
    { attribute: 'CN', startsWith: 'GDCA', basis: 'assumed', weight: 0.6 },
    { contains: '数安时代', basis: 'assumed', weight: 0.7 },
  ],
  extensionArcs: [
    { arc: '1.2.86.21.1', basis: 'field', weight: 0.7 },
    { arc: '1.2.86.11.7', basis: 'field', weight: 0.7 },
  ],
});

/** GDCA's identity places, in order: its unique id, USCC, organisation code, registration number, then GM/T 0015 and the DN. */
export function gdcaIdentityStrategies(): IdentityStrategy[] {
  return [
    extensionStrategy(GDCA_UNIQUE_ID_OID, { as: 'vendorUid', name: 'GDCA unique id' }),
    extensionStrategy(GDCA_USCC_OID, { as: 'uscc', name: 'GDCA USCC' }),
    extensionStrategy(GDCA_ORG_CODE_OID, { as: 'orgCode', name: 'GDCA organisation code' }),
    extensionStrategy(GDCA_REGISTRATION_NUMBER_OID, { as: 'registrationNumber', name: 'GDCA registration number' }),
    gmt0015Strategy(),
    subjectNameStrategy(['O', 'CN']),
  ];
}

/** Options of {@link createGdcaProvider}. */
export interface GdcaProviderOptions {
  /** GDCA CA certificates the platform trusts, and the revocation policy for GDCA. */
  readonly trust?: ProviderTrust;
}

/** A GDCA provider, checked at load time by `defineProvider` (through `createProfileProvider`). */
export function createGdcaProvider(options: GdcaProviderOptions = {}): CaProvider {
  return createProfileProvider({
    info: gdcaProviderInfo,
    recognition: GDCA_RECOGNITION,
    identity: gdcaIdentityStrategies(),
    // Not confirmed for GDCA's client: the SDK's defaults (SM2 user id 1234567812345678, UTF-8 text).
    signature: { sm2UserId: '1234567812345678', signedData: 'utf8' },
    ...(options.trust !== undefined && { trust: options.trust }),
  });
}

/** The GDCA provider with the default settings. */
export const gdcaProvider: CaProvider = createGdcaProvider();
