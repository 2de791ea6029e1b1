/**
 * @yizheng/provider-cfca: China Financial Certification Authority (CFCA, 中国金融认证中心).
 *
 * Recognises CFCA certificates (issuer names, CFCA's policy arc `2.16.156.112554`, its subject
 * layout) and reads who they speak for from the subject CN, which CFCA writes in two orders:
 * `prefix@name@<type><number>@seq` (e.g. `CN=CFCA@厦门帝网信息科技有限公司@N91350200556207664B@1`) and
 * `prefix@<type><number>@name@seq` (e.g. `CN=041@N91320508346386385N@苏州缘来无界工艺品有限公司@00000001`);
 * then GM/T 0015 and the DN. Type letters seen in the field: `N` before a USCC, `Z` before an
 * organisation code or another registration number, `0` before an ID number; CFCA publishes no table.
 *
 * The key-client driver (CFCA CryptoKit) is in the `./browser` entry.
 *
 * @packageDocumentation
 */
import { type CaProvider, type ProviderInfo, type ProviderTrust, type SignatureConventions } from '@yizheng/core';
import { type DistinguishedName } from '@yizheng/core/cert';
import { cleanIdentityText, createProfileProvider, defineProviderInfo, gmt0015Strategy, parseIdentityCode, subjectNameStrategy, type IdentityFinding, type IdentityStrategy, type IdentityValueKind, type ParsedIdentityCode, type RecognitionProfile } from '@yizheng/core/providers';

/**
 * Who this CA is and how its users reach its support desk (the numbers procurement platforms' user
 * manuals give: 400-880-9888, and 025-66085508 for changing the code in a certificate).
 */
export const cfcaProviderInfo: ProviderInfo = defineProviderInfo({
  id: 'cfca',
  names: { 'zh-CN': '中国金融认证中心 (CFCA)', en: 'China Financial Certification Authority (CFCA)' },
  aliases: ['CFCA', '中金金融认证中心', '中国金融认证中心'],
  support: [
    { label: '客服电话', phone: '400-880-9888' },
    { label: '客服电话', phone: '025-66085508' },
  ],
});

/** CFCA's certificate policy arc (field). */
export const CFCA_POLICY_ARC = '2.16.156.112554';

/**
 * Which of the two middle parts of a CFCA subject CN holds the id (both orders are seen in the field):
 * `name-first` is `prefix@name@<type><number>@seq` (e.g. `CFCA@厦门帝网信息科技有限公司@N91350200556207664B@1`),
 * `id-first` is `prefix@<type><number>@name@seq` (e.g. `041@N91320508346386385N@苏州缘来无界工艺品有限公司@00000001`,
 * common on enterprise certificates from CFCA OCA1).
 */
export type CfcaCommonNameOrder = 'name-first' | 'id-first';

/** The parts of a CFCA subject CN `prefix@name@<type><number>@seq` or `prefix@<type><number>@name@seq`. */
export interface CfcaCommonName {
  /** The channel prefix, e.g. `CFCA`, `041`, `051` or a platform code such as `PMOS02`. */
  readonly prefix: string;
  /** The entity's name (company or person). With its sequence left out, the CN names the entity, never one holder. */
  readonly name: string;
  /**
   * The id part, upper-cased: a type letter and a number (`N91350200556207664B`, `Z556207664`,
   * `011010519491231002X`, `Z313791000015`), or a bare code.
   */
  readonly id: string;
  /** Which of the two middle parts the id was: see {@link CfcaCommonNameOrder}. */
  readonly order: CfcaCommonNameOrder;
  /** The sequence number (digits, up to 10, e.g. `1` or `00000001`), when present. */
  readonly sequence?: string;
}

/** An id part's characters: letters and digits only. */
const ID_CHARS = /^[0-9A-Za-z]{2,64}$/;
/** A part that looks like an id without a code that passes its checks: upper case and digits, with a digit. */
const ID_LIKE = /^[0-9A-Z][0-9A-Z]{5,63}$/;
/** A part that looks like a name: Han characters or lower-case letters. */
const NAME_LIKE = /[\p{Script=Han}a-z]/u;

/** A code that is the whole value, with no prefix stripped, restricted to `kind`. */
function bareCode(value: string, kind: IdentityValueKind = 'auto'): ParsedIdentityCode | undefined {
  const code = parseIdentityCode(value, kind);
  return code?.prefix === undefined ? code : undefined;
}

/**
 * The code an id part of the CFCA CN holds, by its type letter: `N` + USCC; `Z` + organisation code,
 * registration number or USCC (and, assumed, a resident ID number, as older certificates were read);
 * `0` + resident ID number; or a bare code with no letter. Any other letter gives no code.
 */
function cfcaIdCode(id: string): ParsedIdentityCode | undefined {
  if (!ID_CHARS.test(id)) return undefined;
  const text = id.toUpperCase();
  const bare = bareCode(text);
  if (bare) return bare;
  const rest = text.slice(1);
  let code: ParsedIdentityCode | undefined;
  switch (text[0]) {
    case 'N':
      code = bareCode(rest, 'uscc');
      break;
    case 'Z':
      code = bareCode(rest);
      break;
    case '0':
      code = bareCode(rest, 'personalId');
      break;
    default:
      code = undefined;
  }
  return code && { ...code, prefix: text[0] ?? '' };
}

/** True when a part could be the id without a checked code: upper-case letters and digits, with a digit. */
function looksLikeId(part: string): boolean {
  return ID_LIKE.test(part) && /\d/.test(part);
}

/**
 * Splits a CFCA subject CN in either order, `prefix@name@<type><number>@seq` or
 * `prefix@<type><number>@name@seq` (3 or 4 `@`-separated parts; the sequence is digits, up to 10).
 * The id is the middle part that is a type letter (`N`, `Z`, `0`) and a code passing its checks, or
 * a bare such code; failing that, the part that looks like an id (upper-case letters and digits)
 * while the other looks like a name (Han characters or lower-case letters). When both or neither
 * qualify it refuses to guess. `undefined` when the CN is not in that layout. Never throws.
 *
 * @example
 * ```ts
 * parseCfcaCommonName('CFCA@厦门帝网信息科技有限公司@N91350200556207664B@1');
 * // { prefix: 'CFCA', name: '厦门帝网信息科技有限公司', id: 'N91350200556207664B', order: 'name-first', sequence: '1' }
 * parseCfcaCommonName('041@Z313791000015@xacbank@00000001');
 * // { prefix: '041', name: 'xacbank', id: 'Z313791000015', order: 'id-first', sequence: '00000001' }
 * ```
 */
export function parseCfcaCommonName(cn: string | undefined): CfcaCommonName | undefined {
  if (typeof cn !== 'string' || cn.length > 512) return undefined;
  const parts = cn.split('@').map(cleanIdentityText);
  if (parts.length !== 3 && parts.length !== 4) return undefined;
  const [prefix = '', second = '', third = '', sequence] = parts;
  if (sequence !== undefined && !/^\d{1,10}$/.test(sequence)) return undefined;
  let order: CfcaCommonNameOrder;
  const secondCode = cfcaIdCode(second) !== undefined;
  const thirdCode = cfcaIdCode(third) !== undefined;
  if (secondCode !== thirdCode) {
    order = secondCode ? 'id-first' : 'name-first';
  } else if (secondCode) {
    return undefined; // two checked codes: no way to tell which is the id
  } else {
    const secondId = looksLikeId(second);
    if (secondId === looksLikeId(third)) return undefined;
    order = secondId ? 'id-first' : 'name-first';
    if (!NAME_LIKE.test(order === 'id-first' ? third : second)) return undefined;
  }
  const [id, name] = order === 'id-first' ? [second, third] : [third, second];
  // The name part is the applicant's text: it must read as a name (Han or lower-case letters), never
  // as an id or a code, or an applicant could choose which part is taken as the vouched id.
  if (name === '' || !NAME_LIKE.test(name) || looksLikeId(name) || cfcaIdCode(name) !== undefined) return undefined;
  // Nor may the sequence be a code (an all-digit organisation code there would hide which part is the id).
  if (sequence !== undefined && bareCode(sequence) !== undefined) return undefined;
  return { prefix, name, id: id.toUpperCase(), order, ...(sequence !== undefined && { sequence }) };
}

/** CFCA's subject OU markers (field): `Organizational-<n>`, `Individual-<n>`, `Enterprises`, `Customers`, `Employees`. */
const CFCA_UNIT = /^(?:(?:Organizational|Individual)-\d+|Enterprises|Customers|Employees)$/;

/** True when the subject has one of CFCA's OU markers. */
function hasCfcaUnit(subject: DistinguishedName): boolean {
  return subject.organizationalUnits.some((ou) => CFCA_UNIT.test(ou.trim()));
}

/**
 * How CFCA certificates are recognised: the issuer O `China Financial Certification Authority`, an
 * issuer CN or O starting with `CFCA` (`CFCA OCA1`, `CFCA TEST OCA1`, `CFCA TEST CA`, `CFCA ACS OCA31`),
 * a policy under `2.16.156.112554`, the `cfca.com.cn` hosts, and (supporting only) the CN layout in
 * either order with an OU `Organizational-n`, `Individual-n`, `Enterprises`, `Customers` or `Employees`.
 */
export const CFCA_RECOGNITION: RecognitionProfile = Object.freeze<RecognitionProfile>({
  issuer: [
    { attribute: 'O', equals: 'China Financial Certification Authority', basis: 'field', weight: 0.85 },
    { attribute: 'CN', startsWith: 'CFCA', basis: 'field', weight: 0.7 },
    { attribute: 'O', startsWith: 'CFCA', basis: 'field', weight: 0.6 },
    { attribute: 'O', contains: '中国金融认证中心', basis: 'assumed', weight: 0.7 },
  ],
  policyArcs: [{ arc: CFCA_POLICY_ARC, basis: 'field' }],
  urlHosts: [{ host: 'cfca.com.cn', basis: 'assumed', weight: 0.5 }],
  subject: [
    {
      description: 'CN prefix@name@<type><number>@seq (either order) with OU Organizational-n / Individual-n / Enterprises / Customers / Employees',
      basis: 'field',
      test: (subject: DistinguishedName) => parseCfcaCommonName(subject.commonName) !== undefined && hasCfcaUnit(subject),
    },
  ],
});

/**
 * What CFCA CryptoKit emits: PKCS#7 from `SignMsgPKCS7` (field). The SM2 user id and the signed
 * bytes are assumed to be the defaults (not confirmed on a CFCA artefact).
 */
export const CFCA_SIGNATURE: SignatureConventions = Object.freeze<SignatureConventions>({
  sm2UserId: '1234567812345678',
  formats: ['cms', 'der'],
  signedData: 'utf8',
});

/**
 * The subject CN layout, which CFCA writes (a vouched place, not free text): entity name, the code
 * behind the type letter, and the id part as the vendor uid.
 */
function commonNameStrategy(): IdentityStrategy {
  return {
    name: 'CFCA subject CN prefix@name@<type><number>@seq (either order)',
    find(certificate) {
      const cn = parseCfcaCommonName(certificate.subject.commonName);
      if (cn === undefined) return [];
      const source = 'subject:CN';
      const out: IdentityFinding[] = [{ field: 'entityName', value: cn.name, source }];
      const code = cfcaIdCode(cn.id);
      if (code) out.push({ field: code.field, value: code.value, source });
      out.push({ field: 'vendorUid', value: cn.id, source });
      return out;
    },
  };
}

/**
 * CFCA's identity places, in order: the subject CN layout (vouched: entity name, the code behind the
 * type letter, the id part as the vendor uid), then GM/T 0015 extensions and DN codes (the DN codes
 * are free text and count only when the CN holds no code), then the entity name from CN, else O.
 */
export function cfcaIdentityStrategies(): IdentityStrategy[] {
  // O is often CFCA's own CA or RA name in CFCA subjects (`O=CFCA TEST OCA1`), so the name comes from CN first.
  return [commonNameStrategy(), gmt0015Strategy(), subjectNameStrategy(['CN', 'O'])];
}

/** Options of {@link createCfcaProvider}. */
export interface CfcaProviderOptions {
  /** CFCA root or issuing CA certificates the platform trusts, and the revocation policy for CFCA. */
  readonly trust?: ProviderTrust;
  /** Key identifiers (hex) of CFCA issuing CAs the platform knows (strong evidence). */
  readonly authorityKeyIds?: readonly string[];
  /** Signature conventions, when confirmed to differ from the defaults. */
  readonly signature?: SignatureConventions;
}

/**
 * A CFCA provider. Identity order: the subject CN layout (name, code, vendor uid), GM/T 0015 and DN
 * codes; entity name from CN, else O.
 */
export function createCfcaProvider(options: CfcaProviderOptions = {}): CaProvider {
  return createProfileProvider({
    info: cfcaProviderInfo,
    recognition: { ...CFCA_RECOGNITION, authorityKeyIds: (options.authorityKeyIds ?? []).map((keyId) => ({ keyId, basis: 'configured' })) },
    identity: cfcaIdentityStrategies(),
    signature: options.signature ?? CFCA_SIGNATURE,
    ...(options.trust !== undefined && { trust: options.trust }),
  });
}

/** The CFCA provider with the default settings (no trust anchors: add them with {@link createCfcaProvider}). */
export const cfcaProvider: CaProvider = createCfcaProvider();
