/** `yizheng inspect <file|->`: a certificate's facts, in the words platform users know. */
import { parseCertificates, type Certificate } from '../cert/index';
import { describeCodeKind } from '../codes/index';
import { YizhengError, type Locale } from '../errors/index';
import { assessExpiry, describeExpiry, type ExpiryAssessment } from '../expiry/index';
import { findIdentityCodes, maskPersonalId, type FoundCode } from '../identity/index';
import { isResidentId, type IdentityConflict, type ProviderIdentity, type SupportContact } from '../providers/index';
import { cliMessage, cliRemedy } from './errors';
import { table } from './format';
import { PROVIDER_PACKAGES, readWithProviders, type CaReading, type CliProviders, type ProviderPackages } from './providers';
import { beijingClock, beijingLabel } from './time';

/** The stable JSON object `yizheng inspect --json` prints for one certificate. */
export interface InspectJson {
  subject: { commonName: string | null; organization: string | null; dn: string };
  issuer: { commonName: string | null; dn: string };
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  sha256: string;
  publicKey: { algorithm: 'rsa' | 'ec' | 'sm2' | 'unknown'; bits?: number; curve?: string; oid?: string };
  signatureAlgorithm: string;
  signatureAlgorithmOid: string;
  keyUsage: string[] | null;
  purpose: string;
  extKeyUsage: string[] | null;
  extensions: { oid: string; name?: string; critical: boolean; text?: string }[];
  /** The CA that issued the certificate, as the installed providers (or the CA directory) name it. */
  ca: {
    /** The CA's id (a provider's, or the CA directory's, e.g. `bjca`); `null` when nothing names it. */
    id: string | null;
    /** The provider whose rules read the identity: a provider id, or `generic`. */
    provider: string;
    /** The CA's name; `null` when nothing names it. */
    name: { 'zh-CN': string; en: string } | null;
    /** `provider`: an installed provider recognised it; `directory`: the CA directory matched the issuer's name; `null`: neither. */
    namedBy: 'provider' | 'directory' | null;
    confidence: number | null;
    evidence: string[];
    support: { label: string; phone: string }[];
  };
  /** Who the certificate speaks for, as that provider reads it; personal ID numbers masked. */
  identity: {
    entityName: string | null;
    uscc: string | null;
    orgCode: string | null;
    registrationNumber: string | null;
    personalId: string | null;
    vendorUid: string | null;
    source: Record<string, string>;
    freeText: string[];
    conflicts: { field: string; values: string[]; sources: string[] }[];
    /** Every code-like value in the certificate's usual places, valid or not, with where it stands. */
    codes: (Omit<FoundCode, 'value' | 'normalized'> & { value: string; normalized: string })[];
  };
  /** The provider packages the CLI found. */
  providers: ProviderPackages;
  expiry: Omit<ExpiryAssessment, 'notBefore' | 'notAfter'> & { notBefore: string; notAfter: string };
}

function shown(code: FoundCode): FoundCode {
  // Personal ID numbers are personal data: a terminal or a log gets them masked.
  if (code.kind !== 'personal-id') return code;
  return { ...code, value: maskPersonalId(code.value), normalized: maskPersonalId(code.normalized) };
}

/** A resident ID number: its check character and a birth date that exists (19xx or 20xx). */
function looksLikeResidentId(id: string): boolean {
  if (!isResidentId(id) || id.length !== 18) return false;
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1900 && year < 2100 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * Text with every resident ID number in it masked: a vendor uid (BJCA `SF…`, CFCA `0…`/`Z…`) or a
 * CFCA common name (`CFCA@张三@0<ID number>@1`) holds the holder's. Every position is tried, as a
 * prefix digit may stand right before the number.
 */
function maskIds(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const candidate = text.slice(i, i + 18).toUpperCase();
    if (looksLikeResidentId(candidate)) {
      out += maskPersonalId(candidate);
      i += 18;
    } else {
      out += text[i];
      i++;
    }
  }
  return out;
}

function conflictJson(c: IdentityConflict): InspectJson['identity']['conflicts'][number] {
  return { field: c.field, values: c.field === 'personalId' ? c.values.map(maskPersonalId) : [...c.values], sources: [...c.sources] };
}

function caJson(reading: CaReading): InspectJson['ca'] {
  const { match } = reading;
  const info = match.provider.info;
  const namedBy = match.recognition ? 'provider' : match.directoryEntry ? 'directory' : null;
  return {
    id: match.recognition ? info.id : (match.directoryEntry?.info.id ?? null),
    provider: info.id,
    name: namedBy === null ? null : { 'zh-CN': info.names['zh-CN'], en: info.names.en },
    namedBy,
    confidence: match.recognition?.confidence ?? null,
    evidence: [...(match.recognition?.evidence ?? [])],
    support: info.support.map((s: SupportContact) => ({ label: s.label, phone: s.phone })),
  };
}

function identityJson(cert: Certificate, identity: ProviderIdentity): InspectJson['identity'] {
  return {
    entityName: identity.entityName ?? null,
    uscc: identity.uscc ?? null,
    orgCode: identity.orgCode ?? null,
    registrationNumber: identity.registrationNumber ?? null,
    personalId: identity.personalId === undefined ? null : maskPersonalId(identity.personalId),
    vendorUid: identity.vendorUid === undefined ? null : maskIds(identity.vendorUid),
    source: { ...identity.source },
    freeText: [...(identity.freeText ?? [])],
    conflicts: (identity.conflicts ?? []).map(conflictJson),
    codes: findIdentityCodes(cert).map(shown),
  };
}

/** Builds the JSON view of one certificate at `now`, read with the given providers. */
export function toInspectJson(cert: Certificate, now: Date, providers: CliProviders): InspectJson {
  const reading = readWithProviders(providers.registry, cert);
  const expiry = assessExpiry(cert, { now });
  const key = cert.publicKey;
  const publicKey: InspectJson['publicKey'] =
    key.algorithm === 'rsa'
      ? { algorithm: 'rsa', bits: key.bits }
      : key.algorithm === 'ec' || key.algorithm === 'sm2'
        ? { algorithm: key.algorithm, curve: key.curve }
        : { algorithm: 'unknown', oid: key.oid };
  return {
    subject: { commonName: cert.subject.commonName ?? null, organization: cert.subject.organization ?? null, dn: cert.subject.toString() },
    issuer: { commonName: cert.issuer.commonName ?? null, dn: cert.issuer.toString() },
    serialNumber: cert.serialNumber,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    sha256: cert.sha256,
    publicKey,
    signatureAlgorithm: cert.signatureAlgorithm.name,
    signatureAlgorithmOid: cert.signatureAlgorithm.oid,
    keyUsage: cert.keyUsage ? [...cert.keyUsage] : null,
    purpose: cert.purpose,
    extKeyUsage: cert.extKeyUsage ? [...cert.extKeyUsage] : null,
    extensions: cert.extensions.map((e) => ({
      oid: e.oid,
      ...(e.name !== undefined && { name: e.name }),
      critical: e.critical,
      ...(e.text !== undefined && { text: e.text }),
    })),
    ca: caJson(reading),
    identity: identityJson(cert, reading.identity),
    providers: providers.packages,
    expiry: { ...expiry, notBefore: expiry.notBefore.toISOString(), notAfter: expiry.notAfter.toISOString() },
  };
}

const LABELS = {
  'zh-CN': {
    subjectName: '主体名称', issuedTo: '颁发给', subjectCode: '主体代码', serial: '序列号',
    validity: '有效期', issuer: '颁发者', ca: 'CA机构', hotline: '客服电话', expiry: '到期状态', key: '公钥',
    signature: '签名算法', usage: '密钥用法', purpose: '证书用途', fingerprint: 'SHA-256指纹', none: '（无）', to: '至',
    warning: '注意', sources: '代码来源', vendorUid: 'CA唯一标识', evidence: '识别依据', packages: 'CA插件',
    purposes: { signing: '签名证书', encryption: '加密证书', both: '签名和加密', unknown: '未标明' }, caCertificate: 'CA证书（用于签发证书）',
    personalId: '居民身份证号码', fromSubject: (attr: string) => `取自主体名称的 ${attr} 字段`,
    unrecognised: '未识别（按通用 GM/T 0015 规则读取）', byIssuerName: '按颁发者名称判断',
    install: (pkg: string) => `安装 ${pkg} 可按该CA的规则读取`,
    loaded: '已加载', missing: '未安装', failed: '加载失败', noneLoaded: '无',
    sep: '；', listSep: '、', open: '（', close: '）', comma: '，', colon: '：',
  },
  en: {
    subjectName: 'Subject name', issuedTo: 'Issued to', subjectCode: 'Subject code', serial: 'Serial number',
    validity: 'Validity', issuer: 'Issuer', ca: 'CA', hotline: 'CA hotline', expiry: 'Expiry', key: 'Public key',
    signature: 'Signature algorithm', usage: 'Key usage', purpose: 'Purpose', fingerprint: 'SHA-256 fingerprint', none: '(none)', to: 'to',
    warning: 'Warning', sources: 'Code sources', vendorUid: "CA's unique id", evidence: 'Recognised by', packages: 'Provider packages',
    purposes: { signing: 'signing certificate', encryption: 'encryption certificate', both: 'signing and encryption', unknown: 'not stated' }, caCertificate: 'CA certificate (issues certificates)',
    personalId: 'resident ID number', fromSubject: (attr: string) => `from the subject's ${attr}`,
    unrecognised: 'not recognised (read by the generic GM/T 0015 rules)', byIssuerName: "from the issuer's name",
    install: (pkg: string) => `install ${pkg} to read it by this CA's rules`,
    loaded: 'loaded', missing: 'not installed', failed: 'failed to load', noneLoaded: 'none',
    sep: '; ', listSep: ', ', open: ' (', close: ')', comma: ', ', colon: ': ',
  },
} as const;

const KEY_USAGE_ZH: Record<string, string> = {
  digitalSignature: '数字签名', nonRepudiation: '不可否认', keyEncipherment: '密钥加密', dataEncipherment: '数据加密',
  keyAgreement: '密钥协商', keyCertSign: '证书签发', cRLSign: 'CRL签发', encipherOnly: '仅加密', decipherOnly: '仅解密',
};

/** `55620766-4`: the organisation code as it is printed on licences. */
function hyphenated(orgCode: string): string {
  return orgCode.length === 9 ? `${orgCode.slice(0, 8)}-${orgCode.slice(8)}` : orgCode;
}

/** The codes the provider read, with their names in words. */
function codeText(identity: InspectJson['identity'], locale: Locale): string {
  const l = LABELS[locale];
  const parts: string[] = [];
  const add = (field: string, value: string, kind: string): void => {
    const source = identity.source[field] ?? '';
    const note = identity.freeText.includes(field) && source.startsWith('subject:') ? `${l.comma}${l.fromSubject(source.slice('subject:'.length))}` : '';
    parts.push(`${value}${l.open}${kind}${note}${l.close}`);
  };
  if (identity.uscc) add('uscc', identity.uscc, describeCodeKind('uscc')[locale]);
  // A USCC embeds the organisation code (characters 9-17): show it on its own only when it is not that one.
  if (identity.orgCode && identity.uscc?.slice(8, 17) !== identity.orgCode) add('orgCode', hyphenated(identity.orgCode), describeCodeKind('org-code')[locale]);
  if (identity.registrationNumber) add('registrationNumber', identity.registrationNumber, describeCodeKind('registration-number')[locale]);
  if (identity.personalId) add('personalId', identity.personalId, l.personalId);
  return parts.length === 0 ? l.none : parts.join(l.sep);
}

function caText(json: InspectJson, locale: Locale): string {
  const l = LABELS[locale];
  const { ca } = json;
  if (ca.name === null) return l.unrecognised;
  const name = ca.name[locale];
  if (ca.namedBy === 'provider') return name;
  // Named from the directory only: the generic rules read the identity; a provider package may read more.
  const pkg = PROVIDER_PACKAGES.find((p) => p === `@yizheng/provider-${ca.id ?? ''}`);
  const installable = pkg !== undefined && json.providers.missing.includes(pkg) ? `${l.comma}${l.install(pkg)}` : '';
  return `${name}${l.open}${l.byIssuerName}${installable}${l.close}`;
}

function hotlineText(support: InspectJson['ca']['support'], locale: Locale): string {
  const l = LABELS[locale];
  // Labels are the CA's own (Chinese) words: worth showing when they tell the lines apart.
  const labelled = locale === 'zh-CN' && new Set(support.map((s) => s.label)).size > 1;
  return support.map((s) => (labelled ? `${s.phone}${l.open}${s.label}${l.close}` : s.phone)).join(l.listSep);
}

function packagesText(p: ProviderPackages, locale: Locale): string {
  const l = LABELS[locale];
  const lines = [`${l.loaded}${l.colon}${p.loaded.length === 0 ? l.noneLoaded : p.loaded.map((x) => x.package).join(l.listSep)}`];
  if (p.missing.length > 0) lines.push(`${l.missing}${l.colon}${p.missing.join(l.listSep)}`);
  for (const f of p.failed) lines.push(`${l.failed}${l.colon}${f.package}${l.open}${f.reason}${l.close}`);
  return lines.join('\n');
}

/** The conflict warning, in the catalogue's words (ENTERPRISE_CODE_CONFLICT: login and binding refuse such a certificate). */
function conflictText(json: InspectJson, locale: Locale): string | undefined {
  const { conflicts } = json.identity;
  if (conflicts.length === 0) return undefined;
  const hotline = json.ca.support.map((s) => s.phone);
  const names = json.ca.name ?? { 'zh-CN': '颁发证书的CA机构', en: 'the issuing CA' };
  const err = new YizhengError('ENTERPRISE_CODE_CONFLICT', {
    provider: json.ca.provider,
    codes: conflicts.map((c) => c.values.join(' / ')).join('; '),
    sources: [...new Set(conflicts.flatMap((c) => c.sources))].join(', '),
    caName: names['zh-CN'],
    caNameEn: names.en,
    hotline: hotline.length > 0 ? hotline.join(' / ') : '-',
  });
  // The catalogue's remedy names the CA and its hotline: when neither is known, say it without them.
  const remedy =
    json.ca.name === null || hotline.length === 0
      ? locale === 'en'
        ? `Contact the issuing CA${json.ca.name === null ? '' : ` (${names.en})`} to check and correct the subject data in the certificate, then try again.`
        : `请联系颁发证书的CA机构${json.ca.name === null ? '' : `（${names['zh-CN']}）`}核对并更正证书中的主体信息后重新使用。`
      : cliRemedy(err, locale);
  return `[${err.code}] ${cliMessage(err, locale)}\n${remedy}`;
}

/** The human-readable block for one certificate. */
export function formatInspectText(cert: Certificate, json: InspectJson, locale: Locale, verbose = false): string {
  const l = LABELS[locale];
  const key = json.publicKey;
  const keyText =
    key.algorithm === 'rsa' ? `RSA ${key.bits}` : key.algorithm === 'sm2' ? 'SM2' : key.algorithm === 'ec' ? `EC ${key.curve}` : `${key.oid}`;
  const usage = json.keyUsage?.map((u) => (locale === 'zh-CN' ? (KEY_USAGE_ZH[u] ?? u) : u)).join(', ');
  // 主体名称 is the entity the platform knows (company or person) as the provider reads it; the
  // common name, what Windows shows as 颁发给, only when it says something else (a holder, CFCA's layout).
  const entity = json.identity.entityName ?? json.subject.commonName ?? json.subject.organization;
  const rows: [string, string][] = [[l.subjectName, entity ?? l.none]];
  const cn = json.subject.commonName;
  if (cn !== null && cn !== entity) rows.push([l.issuedTo, maskIds(cn)]);
  rows.push([l.subjectCode, codeText(json.identity, locale)]);
  const conflict = conflictText(json, locale);
  if (conflict !== undefined) rows.push([l.warning, conflict]);
  rows.push([l.ca, caText(json, locale)]);
  if (json.ca.name !== null && json.ca.support.length > 0) rows.push([l.hotline, hotlineText(json.ca.support, locale)]);
  rows.push(
    [l.serial, json.serialNumber],
    [l.validity, `${beijingClock(cert.notBefore)} ${l.to} ${beijingClock(cert.notAfter)} ${beijingLabel(locale)}`],
    [l.issuer, json.issuer.dn],
    [l.expiry, describeExpiry({ ...json.expiry, notBefore: cert.notBefore, notAfter: cert.notAfter })[locale]],
    // A CA's own certificate states no signing/encryption purpose: say what it is instead of "not stated".
    [l.purpose, cert.basicConstraints?.ca === true && json.purpose === 'unknown' ? l.caCertificate : (l.purposes[json.purpose as keyof typeof l.purposes] ?? json.purpose)],
    [l.usage, usage ?? l.none],
    [l.key, keyText],
    [l.signature, json.signatureAlgorithm],
    [l.fingerprint, json.sha256],
  );
  if (verbose) {
    const sources = Object.entries(json.identity.source).map(([field, place]) => `${field}: ${place}`);
    if (sources.length > 0) rows.push([l.sources, sources.join('\n')]);
    if (json.identity.vendorUid !== null) rows.push([l.vendorUid, json.identity.vendorUid]);
    if (json.ca.evidence.length > 0) rows.push([l.evidence, json.ca.evidence.join('\n')]);
  }
  return table(rows);
}

/** Options of {@link inspectCertificates}. */
export interface InspectOptions {
  readonly json: boolean;
  readonly now: Date;
  readonly locale: Locale;
  readonly verbose?: boolean;
  readonly providers: CliProviders;
}

/** Parses the input and renders every certificate in it. */
export function inspectCertificates(input: Uint8Array | string, options: InspectOptions): string {
  const certs = parseCertificates(input);
  const views = certs.map((c) => toInspectJson(c, options.now, options.providers));
  if (options.json) return JSON.stringify(views.length === 1 ? views[0] : views, null, 2);
  const blocks = certs.map((c, i) => formatInspectText(c, views[i] as InspectJson, options.locale, options.verbose));
  // Which provider packages read them: once for the whole input.
  if (options.verbose) blocks.push(table([[LABELS[options.locale].packages, packagesText(options.providers.packages, options.locale)]]));
  return blocks.join('\n\n');
}
