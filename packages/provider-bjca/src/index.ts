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
import { type CaProvider, type ProviderInfo, type ProviderTrust, type SignatureConventions } from '@yizheng/core';
import { cleanIdentityText, createProfileProvider, defineProviderInfo, extensionStrategy, extensionText, gmt0015Strategy, parseIdentityCode, rawExtensionText, subjectNameStrategy, type IdentityStrategy, type KeyIdRule, type ParsedIdentityCode, type RecognitionProfile } from '@yizheng/core/providers';

/** Who this CA is and how its users reach its support desk (source: the CA support list a procurement platform gives its users). */
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
/** BJCA's RSA-era unique id, read when the SM2 one is absent (field). */
export const BJCA_RSA_UNIQUE_ID_OID = '2.16.840.1.113732.2';
/** BJCA's unified social credit code (社会信用代码), a UTF8String holding the USCC itself (field: public integration code). */
export const BJCA_USCC_OID = '1.2.156.112562.2.1.1.17';
/**
 * BJCA's tax number (税号) (field: public integration code). Never read as a code: a tax number is
 * not an enterprise code field, and Yizheng keeps no field for it.
 */
export const BJCA_TAX_NUMBER_OID = '1.2.156.112562.2.1.1.11';
/** BJCA's entity id, e.g. `1@5009JJ0863175332` (`JJ` + `0` + organisation code) or `SF` + ID number (field). */
export const BJCA_ENTITY_ID_OID = '1.2.156.112562.2.1.1.24';
/** BJCA's SM2 entity id, a UTF8String such as `1@215009SF0` + ID number (field: a real BJCA SM2 certificate seen in the field). */
export const BJCA_SM2_ENTITY_ID_OID = '1.2.156.112562.2.1.1.23';
/**
 * BJCA's entity id in `1.2.156.112562.2.1.1.4`. A real BJCA SM2 certificate seen in the field stores
 * it as plain ASCII with no DER string tag (`1@5009SF0` + ID number); the verified BJCA test
 * certificate has it as a tagged UTF8String (`JJTEST002`). Read tagged, else as raw ASCII because
 * this place is declared raw.
 */
export const BJCA_RAW_ENTITY_ID_OID = '1.2.156.112562.2.1.1.4';
/**
 * 单位证书唯一标识, the unit certificate unique id (field: public integration code, whose page
 * scripts for BJCA's client read it first for the certificate unique id). Not read: whether it names
 * a unit, a holder or one certificate is not confirmed, so it is neither a code nor the vendor uid
 * (which stays the `1.2.156.112562.2.1.1.1` value, else the RSA-era one, as existing bindings were
 * keyed on it).
 */
export const UNIT_UNIQUE_ID_OID = '1.2.86.11.7.1.8';
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

/** `<n>@<digits>` before the prefix, as in `1@5009JJ0863175332`; absent in a bare `JJ…` / `SF…` id. */
const ENTITY_ID = /^(?:\d{1,9}@\d{0,16})?(JJ|SF)([0-9A-Z-]{1,64})$/;

/**
 * Reads a BJCA entity id (`1.2.156.112562.2.1.1.24`, `.23`, `.4`): `<n>@<digits>JJ<code>`,
 * `<n>@<digits>SF<ID number>`, or a bare `JJ…` / `SF…`. One `0` right after `JJ` / `SF` is taken as
 * padding when the code does not pass its checks with it (assumed: `1@5009JJ0863175332` holds the
 * organisation code 86317533-2). `JJ` gives only an enterprise code (USCC, organisation code or
 * registration number: it names the company, never a holder), `SF` only a resident ID number.
 * Only codes that pass their checks are returned. Never throws.
 *
 * @example
 * ```ts
 * parseBjcaEntityId('1@5009JJ0556207664'); // { field: 'orgCode', value: '556207664', prefix: 'JJ' }
 * parseBjcaEntityId('1@215009SF011010519491231002X'); // { field: 'personalId', value: '11010519491231002X', prefix: 'SF' }
 * parseBjcaEntityId('JJTEST002'); // undefined
 * ```
 */
export function parseBjcaEntityId(value: string): ParsedIdentityCode | undefined {
  if (typeof value !== 'string') return undefined;
  const match = ENTITY_ID.exec(cleanIdentityText(value).toUpperCase());
  const prefix = match?.[1];
  const rest = match?.[2];
  if (prefix === undefined || rest === undefined) return undefined;
  const personal = prefix === 'SF';
  for (const candidate of rest.startsWith('0') ? [rest, rest.slice(1)] : [rest]) {
    const code = parseIdentityCode(candidate, personal ? 'personalId' : 'auto');
    if (code !== undefined && code.prefix === undefined && (code.field === 'personalId') === personal) {
      return { field: code.field, value: code.value, prefix };
    }
  }
  return undefined;
}

/** An entity-id place read with {@link parseBjcaEntityId}; `raw` also reads an untagged ASCII value. */
function entityIdStrategy(oid: string, name: string, raw = false): IdentityStrategy {
  const source = `extension:${oid}`;
  return {
    name: `${name} (${oid}${raw ? ', tagged or raw ASCII' : ''})`,
    find(certificate) {
      const text = extensionText(certificate, oid) ?? (raw ? rawExtensionText(certificate, oid) : undefined);
      const code = text === undefined ? undefined : parseBjcaEntityId(text);
      if (!code) return [];
      // `SF` + an ID number is the holder, as BJCA writes it. What the digits after `JJ0` are is
      // assumed: read them only when no other vouched place holds a code (like free text), so a
      // number that passes the organisation-code check by chance never overrides or contradicts .1 / .17.
      return [{ field: code.field, value: code.value, source, ...(code.prefix === 'JJ' && { freeText: true }) }];
    },
  };
}

/**
 * BJCA's identity places, in order; for each field the first value wins, and places the CA vouches
 * for that disagree are reported as conflicts. A company code behind `JJ` in an entity id (4–6) is a
 * fallback only, used when no other place holds a code, because the meaning of its digits is assumed:
 *
 * 1. `1.2.156.112562.2.1.1.1` SM2 unique id: the vendor uid (cleaned, upper case) and the code behind
 *    `JJ` / `SF`;
 * 2. `2.16.840.1.113732.2` RSA-era unique id, the same way (its vendor uid counts only without the SM2 one);
 * 3. `1.2.156.112562.2.1.1.17` USCC;
 * 4. `1.2.156.112562.2.1.1.24` entity id;
 * 5. `1.2.156.112562.2.1.1.23` SM2 entity id;
 * 6. `1.2.156.112562.2.1.1.4` entity id, tagged or raw ASCII;
 * 7. the GM/T 0015 extensions, then codes in the subject DN (free text: used only when no place
 *    above holds a code);
 * 8. the entity name: subject `O`, else `CN`.
 *
 * Never read as codes: `1.2.156.112562.2.1.1.11` (tax number) and `1.2.86.11.7.1.8` (unit
 * certificate unique id).
 */
export function bjcaIdentityStrategies(): IdentityStrategy[] {
  return [
    extensionStrategy(BJCA_UNIQUE_ID_OID, { vendorUid: true, name: `BJCA SM2 unique id (${BJCA_UNIQUE_ID_OID})` }),
    extensionStrategy(BJCA_RSA_UNIQUE_ID_OID, { vendorUid: true, name: `BJCA RSA unique id (${BJCA_RSA_UNIQUE_ID_OID})` }),
    extensionStrategy(BJCA_USCC_OID, { as: 'uscc', name: `BJCA USCC (${BJCA_USCC_OID})` }),
    entityIdStrategy(BJCA_ENTITY_ID_OID, 'BJCA entity id'),
    entityIdStrategy(BJCA_SM2_ENTITY_ID_OID, 'BJCA SM2 entity id'),
    entityIdStrategy(BJCA_RAW_ENTITY_ID_OID, 'BJCA entity id', true),
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
 * A BJCA provider. Identity order (see {@link bjcaIdentityStrategies}): `1.2.156.112562.2.1.1.1`
 * (vendor uid and code), the RSA-era `2.16.840.1.113732.2`, the USCC `.17`, the entity ids `.24`,
 * `.23` and `.4` (tagged or raw ASCII), GM/T 0015 and the DN; entity name from the subject O, else CN.
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
