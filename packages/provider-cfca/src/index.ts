/**
 * @yizheng/provider-cfca: China Financial Certification Authority (CFCA, 中国金融认证中心).
 *
 * Recognises CFCA certificates (issuer names, CFCA's policy arc `2.16.156.112554`, its subject
 * layout) and reads who they speak for from the subject CN `prefix@name@<type><number>@seq`
 * (e.g. `CN=CFCA@厦门帝网信息科技有限公司@N91350200556207664B@1`), then GM/T 0015 and the DN. The
 * type letter (`N`, `Z`, …) has no published table: any one letter followed by a code that passes
 * its checks is accepted.
 *
 * The key-client driver (CFCA CryptoKit) is in the `./browser` entry.
 *
 * @packageDocumentation
 */
import {
  cleanIdentityText,
  createProfileProvider,
  defineProviderInfo,
  gmt0015Strategy,
  parseIdentityCode,
  subjectNameStrategy,
  type CaProvider,
  type DistinguishedName,
  type IdentityFinding,
  type IdentityStrategy,
  type ProviderInfo,
  type ProviderTrust,
  type RecognitionProfile,
  type SignatureConventions,
} from '@yizheng/core';

/** Who this CA is and how its users reach its support desk (sources: seed 004, and seed 000 for the second number). */
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

/** The parts of a CFCA subject CN `prefix@name@<type><number>@seq`. */
export interface CfcaCommonName {
  /** The channel prefix, e.g. `CFCA` or a bank code such as `051`. */
  readonly prefix: string;
  /** The entity's name (company or person). */
  readonly name: string;
  /** The id part as written, e.g. `N91350200556207664B` or `Z11010519491231002X`. */
  readonly id: string;
  /** The sequence number, when present. */
  readonly sequence?: string;
}

/**
 * Splits a CFCA subject CN; `undefined` when the CN is not in that layout (3 or 4 `@`-separated parts
 * with a non-empty name and an id of letters and digits). Never throws.
 *
 * @example
 * ```ts
 * parseCfcaCommonName('CFCA@厦门帝网信息科技有限公司@N91350200556207664B@1');
 * // { prefix: 'CFCA', name: '厦门帝网信息科技有限公司', id: 'N91350200556207664B', sequence: '1' }
 * ```
 */
export function parseCfcaCommonName(cn: string | undefined): CfcaCommonName | undefined {
  if (typeof cn !== 'string' || cn.length > 512) return undefined;
  const parts = cn.split('@').map(cleanIdentityText);
  if (parts.length !== 3 && parts.length !== 4) return undefined;
  const [prefix = '', name = '', id = '', sequence] = parts;
  if (name === '' || !/^[0-9A-Za-z]{2,64}$/.test(id)) return undefined;
  if (sequence !== undefined && !/^\d{1,10}$/.test(sequence)) return undefined;
  return { prefix, name, id: id.toUpperCase(), ...(sequence !== undefined && { sequence }) };
}

/** True for CFCA's subject OU markers `Organizational-<n>` and `Individual-<n>` (field). */
function hasCfcaUnit(subject: DistinguishedName): boolean {
  return subject.organizationalUnits.some((ou) => /^(Organizational|Individual)-\d+$/.test(ou.trim()));
}

/**
 * How CFCA certificates are recognised: the issuer O `China Financial Certification Authority`, an
 * issuer CN or O starting with `CFCA`, a policy under `2.16.156.112554`, the `cfca.com.cn` hosts,
 * and (supporting only) the CN layout with the `Organizational-`/`Individual-` OU.
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
      description: 'CN prefix@name@<type><number>@seq with OU Organizational-n / Individual-n',
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

/** The subject CN layout: entity name, the code behind the type letter, and the id as the vendor uid. */
function commonNameStrategy(): IdentityStrategy {
  return {
    name: 'CFCA subject CN prefix@name@<type><number>@seq',
    find(certificate) {
      const cn = parseCfcaCommonName(certificate.subject.commonName);
      if (cn === undefined) return [];
      const source = 'subject:CN';
      const out: IdentityFinding[] = [{ field: 'entityName', value: cn.name, source }];
      const code = parseIdentityCode(cn.id);
      if (code) out.push({ field: code.field, value: code.value, source });
      out.push({ field: 'vendorUid', value: cn.id, source });
      return out;
    },
  };
}

/** CFCA's identity places, in order. */
export function cfcaIdentityStrategies(): IdentityStrategy[] {
  // O is often CFCA's own RA name in CFCA subjects (`O=CFCA TEST CA`), so the name falls back to CN.
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
