/**
 * @yizheng/provider-bjca: Beijing Certificate Authority (BJCA, 北京数字认证).
 *
 * Recognises BJCA certificates (issuer names, BJCA's private extension arc, CRL/OCSP hosts, a known
 * issuing-CA key id) and reads who they speak for from BJCA's unique-id extensions (`JJ` +
 * enterprise code, `SF` + ID number) before the GM/T 0015 and DN places. Every fact is marked in the
 * recognition evidence and in the README as verified, field or assumed.
 *
 * The key-client driver (BJCA XTX over a loopback WebSocket) is in the `./browser` entry.
 *
 * @packageDocumentation
 */
import {
  cleanIdentityText,
  createProfileProvider,
  defineProviderInfo,
  extensionStrategy,
  extensionText,
  gmt0015Strategy,
  parseIdentityCode,
  subjectNameStrategy,
  type CaProvider,
  type IdentityStrategy,
  type KeyIdRule,
  type ProviderInfo,
  type ProviderTrust,
  type RecognitionProfile,
  type SignatureConventions,
} from '@yizheng/core';

/** Who this CA is and how its users reach its support desk (source: seed 004). */
export const bjcaProviderInfo: ProviderInfo = defineProviderInfo({
  id: 'bjca',
  names: { 'zh-CN': '北京数字认证 (BJCA)', en: 'Beijing Certificate Authority (BJCA)' },
  aliases: ['BJCA', '北京CA', '北京数字认证', '北京 CA'],
  support: [
    { label: '服务热线', phone: '010-5851-5511' },
    { label: '服务热线', phone: '400-919-7888' },
  ],
});

/** BJCA's SM2-era unique id: a UTF8String `JJ` + organisation code or USCC, or `SF` + ID number (verified on a BJCA certificate). */
export const BJCA_UNIQUE_ID_OID = '1.2.156.112562.2.1.1.1';
/** BJCA's entity id, e.g. `1@5009JJ0863175332` or `SF110010198709080314` (field). */
export const BJCA_ENTITY_ID_OID = '1.2.156.112562.2.1.1.24';
/** BJCA's RSA-era unique id, read when the SM2 one is absent (field). */
export const BJCA_RSA_UNIQUE_ID_OID = '2.16.840.1.113732.2';
/** BJCA's private OID arc: its certificates carry extensions under it (verified). */
export const BJCA_OID_ARC = '1.2.156.112562';

/**
 * How BJCA certificates are recognised. Weights: the issuer's O/OU `BJCA` and extensions under
 * BJCA's arc are strong; the CRL/OCSP host is medium; a CN starting with `Beijing` only a hint.
 */
export const BJCA_RECOGNITION: RecognitionProfile = Object.freeze<RecognitionProfile>({
  issuer: [
    { attribute: 'O', equals: 'BJCA', basis: 'verified' },
    { attribute: 'OU', equals: 'BJCA', basis: 'verified', weight: 0.7 },
    { attribute: 'CN', contains: 'BJCA', basis: 'assumed', weight: 0.6 },
    { attribute: 'CN', startsWith: 'Beijing', basis: 'verified', weight: 0.4 },
    { attribute: 'O', equals: 'Beijing Certificate Authority', basis: 'assumed', weight: 0.7 },
    { attribute: 'O', contains: '北京数字认证', basis: 'assumed', weight: 0.7 },
  ],
  extensionArcs: [
    { arc: BJCA_OID_ARC, basis: 'verified' },
    { arc: BJCA_RSA_UNIQUE_ID_OID, basis: 'field', weight: 0.5 },
  ],
  urlHosts: [{ host: 'bjca.org.cn', basis: 'verified' }],
  // "Beijing SM2 CA" (2011), the issuer of the BJCA certificate in the shared vectors.
  authorityKeyIds: [{ keyId: '1fe6cfd48fc5222a974a298a15e716c99234c4b6', basis: 'verified' }],
});

/**
 * What BJCA's clients emit: the ASCII bytes of the challenge signed as they are (verified), SM2 with
 * the default user id (verified), DER `SEQUENCE{r,s}` (verified) or PKCS#7 from `SOF_SignMessage` (field).
 */
export const BJCA_SIGNATURE: SignatureConventions = Object.freeze<SignatureConventions>({
  sm2UserId: '1234567812345678',
  formats: ['der', 'cms'],
  signedData: 'utf8',
});

/**
 * The entity id (`1.2.156.112562.2.1.1.24`): `SF` + ID number, or `<n>@<digits>JJ<id>`. Only a part
 * that passes its checks becomes a code; the number after `JJ` is often not an organisation code.
 */
function entityIdStrategy(): IdentityStrategy {
  const source = `extension:${BJCA_ENTITY_ID_OID}`;
  return {
    name: `BJCA entity id (${BJCA_ENTITY_ID_OID})`,
    find(certificate) {
      const text = cleanIdentityText(extensionText(certificate, BJCA_ENTITY_ID_OID) ?? '');
      if (text === '') return [];
      const at = /^\d{1,4}@[0-9A-Za-z]*?((?:JJ|SF).+)$/.exec(text);
      const code = parseIdentityCode(at?.[1] ?? text);
      return code ? [{ field: code.field, value: code.value, source }] : [];
    },
  };
}

/** BJCA's identity places, in order. */
export function bjcaIdentityStrategies(): IdentityStrategy[] {
  return [
    extensionStrategy(BJCA_UNIQUE_ID_OID, { vendorUid: true, name: `BJCA SM2 unique id (${BJCA_UNIQUE_ID_OID})` }),
    extensionStrategy(BJCA_RSA_UNIQUE_ID_OID, { vendorUid: true, name: `BJCA RSA unique id (${BJCA_RSA_UNIQUE_ID_OID})` }),
    entityIdStrategy(),
    gmt0015Strategy(),
    subjectNameStrategy(['O', 'CN']),
  ];
}

/** Options of {@link createBjcaProvider}. */
export interface BjcaProviderOptions {
  /** BJCA root or issuing CA certificates the platform trusts, and the revocation policy for BJCA. */
  readonly trust?: ProviderTrust;
  /** Key identifiers (hex) of further BJCA issuing CAs the platform knows (strong evidence). */
  readonly authorityKeyIds?: readonly string[];
  /** Signature conventions, when a platform's BJCA client differs from the defaults. */
  readonly signature?: SignatureConventions;
}

/**
 * A BJCA provider. Identity order: `1.2.156.112562.2.1.1.1` (vendor uid and code), the RSA-era
 * `2.16.840.1.113732.2`, the entity id `1.2.156.112562.2.1.1.24`, GM/T 0015 and the DN; entity name
 * from the subject O, else CN.
 *
 * @example
 * ```ts
 * const bjca = createBjcaProvider({ trust: { anchors: [bjcaRootPem], revocation: 'require' } });
 * const registry = createProviderRegistry([bjca, cfcaProvider]);
 * ```
 */
export function createBjcaProvider(options: BjcaProviderOptions = {}): CaProvider {
  const extraKeyIds: KeyIdRule[] = (options.authorityKeyIds ?? []).map((keyId) => ({ keyId, basis: 'configured' }));
  return createProfileProvider({
    info: bjcaProviderInfo,
    recognition: { ...BJCA_RECOGNITION, authorityKeyIds: [...(BJCA_RECOGNITION.authorityKeyIds ?? []), ...extraKeyIds] },
    identity: bjcaIdentityStrategies(),
    signature: options.signature ?? BJCA_SIGNATURE,
    ...(options.trust !== undefined && { trust: options.trust }),
  });
}

/** The BJCA provider with the default settings (no trust anchors: add them with {@link createBjcaProvider}). */
export const bjcaProvider: CaProvider = createBjcaProvider();
