/** `yizheng inspect <file|->`: a certificate's facts, in the words platform users know (seed 000 FAQ 9). */
import { parseCertificates, type Certificate } from '../cert/index';
import type { Locale } from '../errors/index';
import { assessExpiry, describeExpiry, type ExpiryAssessment } from '../expiry/index';
import { extractGenericIdentity, maskPersonalId, type FoundCode } from '../identity/index';

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
  identity: {
    entityName: string | null;
    uscc: string | null;
    orgCode: string | null;
    registrationNumber: string | null;
    personalId: string | null;
    codes: (Omit<FoundCode, 'value' | 'normalized'> & { value: string; normalized: string })[];
  };
  expiry: Omit<ExpiryAssessment, 'notBefore' | 'notAfter'> & { notBefore: string; notAfter: string };
}

function shown(code: FoundCode): FoundCode {
  // Personal ID numbers are personal data: a terminal or a log gets them masked.
  if (code.kind !== 'personal-id') return code;
  return { ...code, value: maskPersonalId(code.value), normalized: maskPersonalId(code.normalized) };
}

/** Builds the JSON view of one certificate at `now`. */
export function toInspectJson(cert: Certificate, now: Date): InspectJson {
  const identity = extractGenericIdentity(cert);
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
    identity: {
      entityName: identity.entityName ?? null,
      uscc: identity.uscc?.normalized ?? null,
      orgCode: identity.orgCode?.normalized ?? null,
      registrationNumber: identity.registrationNumber?.normalized ?? null,
      personalId: identity.personalId ? maskPersonalId(identity.personalId.normalized) : null,
      codes: identity.codes.map(shown),
    },
    expiry: { ...expiry, notBefore: expiry.notBefore.toISOString(), notAfter: expiry.notAfter.toISOString() },
  };
}

const LABELS = {
  'zh-CN': {
    subjectName: '主体名称', organization: '主体单位', subjectCode: '主体代码', serial: '序列号',
    validity: '有效期', issuer: '颁发者', expiry: '到期状态', key: '公钥', signature: '签名算法',
    usage: '密钥用法', purpose: '证书用途', fingerprint: 'SHA-256指纹', none: '（无）', to: '至',
    purposes: { signing: '签名证书', encryption: '加密证书', both: '签名和加密', unknown: '未标明' },
  },
  en: {
    subjectName: 'Subject name', organization: 'Organisation', subjectCode: 'Subject code', serial: 'Serial number',
    validity: 'Validity', issuer: 'Issuer', expiry: 'Expiry', key: 'Public key', signature: 'Signature algorithm',
    usage: 'Key usage', purpose: 'Purpose', fingerprint: 'SHA-256 fingerprint', none: '(none)', to: 'to',
    purposes: { signing: 'signing certificate', encryption: 'encryption certificate', both: 'signing and encryption', unknown: 'not stated' },
  },
} as const;

const KEY_USAGE_ZH: Record<string, string> = {
  digitalSignature: '数字签名', nonRepudiation: '不可否认', keyEncipherment: '密钥加密', dataEncipherment: '数据加密',
  keyAgreement: '密钥协商', keyCertSign: '证书签发', cRLSign: 'CRL签发', encipherOnly: '仅加密', decipherOnly: '仅解密',
};

/** The human-readable block for one certificate. */
export function formatInspectText(cert: Certificate, json: InspectJson, locale: Locale): string {
  const l = LABELS[locale];
  const key = json.publicKey;
  const keyText =
    key.algorithm === 'rsa' ? `RSA ${key.bits}` : key.algorithm === 'sm2' ? 'SM2' : key.algorithm === 'ec' ? `EC ${key.curve}` : `${key.oid}`;
  // The same code often stands in two places (an extension and the OU): show it once with both sources.
  const sources = new Map<string, string[]>();
  for (const c of json.identity.codes) {
    if (!c.valid) continue;
    const key = `${c.normalized} (${c.kind}`;
    sources.set(key, [...(sources.get(key) ?? []), c.source]);
  }
  const codeText = sources.size === 0 ? l.none : [...sources].map(([code, from]) => `${code}, ${from.join(', ')})`).join('; ');
  const usage = json.keyUsage?.map((u) => (locale === 'zh-CN' ? (KEY_USAGE_ZH[u] ?? u) : u)).join(', ');
  const rows: [string, string][] = [
    [l.subjectName, json.subject.commonName ?? l.none],
    [l.organization, json.subject.organization ?? l.none],
    [l.subjectCode, codeText],
    [l.serial, json.serialNumber],
    [l.validity, `${json.notBefore} ${l.to} ${json.notAfter}`],
    [l.issuer, json.issuer.dn],
    [l.expiry, describeExpiry({ ...json.expiry, notBefore: cert.notBefore, notAfter: cert.notAfter })[locale]],
    [l.purpose, l.purposes[json.purpose as keyof typeof l.purposes] ?? json.purpose],
    [l.usage, usage ?? l.none],
    [l.key, keyText],
    [l.signature, json.signatureAlgorithm],
    [l.fingerprint, json.sha256],
  ];
  const width = Math.max(...rows.map(([k]) => displayWidth(k)));
  return rows.map(([k, v]) => `${k}${' '.repeat(width - displayWidth(k))}  ${v}`).join('\n');
}

/** Terminal columns a label takes: CJK characters are two wide. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return width;
}

/** Parses the input and renders every certificate in it. */
export function inspectCertificates(input: Uint8Array | string, options: { json: boolean; now: Date; locale: Locale }): string {
  const certs = parseCertificates(input);
  if (options.json) {
    const views = certs.map((c) => toInspectJson(c, options.now));
    return JSON.stringify(views.length === 1 ? views[0] : views, null, 2);
  }
  return certs.map((c) => formatInspectText(c, toInspectJson(c, options.now), options.locale)).join('\n\n');
}
