/**
 * Reading certificate files the way suppliers have them: DER (.cer), PEM, or the bare base64 vendor
 * clients give. Anything else (a screenshot, an empty file, a key store) is "not a certificate" in
 * plain words, not a base64 decoding position.
 */
import { cliError, type CliReason } from './errors';
import type { CliIo } from './io';

/** Largest input the CLI reads: a bundle of 16 certificates of 64 KiB each, as PEM. */
export const MAX_INPUT = 16 * 64 * 1024 * 2;

/** Reads a file, or standard input for `-`. */
export function readSource(io: CliIo, source: string): Promise<Uint8Array> {
  return source === '-' ? io.readStdin(MAX_INPUT) : io.readFile(source, MAX_INPUT);
}

const NOT_A_CERTIFICATE: CliReason = { zh: '不是证书（应为 DER、PEM 或 Base64 格式）', en: 'not a certificate (DER, PEM or base64)' };

/** File types suppliers send instead of a certificate, by their first bytes. */
const MAGIC: readonly { bytes: readonly number[]; what: CliReason }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: { zh: 'PNG 图片', en: 'a PNG image' } },
  { bytes: [0xff, 0xd8, 0xff], what: { zh: 'JPEG 图片', en: 'a JPEG image' } },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: { zh: 'GIF 图片', en: 'a GIF image' } },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: { zh: 'PDF 文档', en: 'a PDF document' } },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: { zh: 'ZIP 压缩包或 Office 文档', en: 'a ZIP archive or an Office document' } },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: { zh: 'Office 文档', en: 'an Office document' } },
];

// PKCS#7 SignedData (a .p7b chain) and the PKCS#12 version (a .pfx/.p12 key store) near the start of DER.
const SIGNED_DATA_OID = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];
const DATA_OID = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01];

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  return prefix.every((b, i) => bytes[at + i] === b);
}

function indexOf(bytes: Uint8Array, needle: readonly number[], limit: number): number {
  for (let i = 0; i + needle.length <= Math.min(bytes.length, limit); i++) if (startsWith(bytes, needle, i)) return i;
  return -1;
}

/** Header length (tag and length bytes) of the DER TLV at `at`; undefined when it cannot be one. */
function headerLength(bytes: Uint8Array, at: number): number | undefined {
  const first = bytes[at + 1];
  if (first === undefined || first === 0x80) return undefined;
  if (first < 0x80) return 2;
  const count = first & 0x7f;
  return count > 4 || at + 2 + count > bytes.length ? undefined : 2 + count;
}

/**
 * The outline every X.509 certificate has: SEQUENCE { SEQUENCE (tbsCertificate) { [0] version or
 * INTEGER serial, ... } ... }. A damaged certificate keeps it (and gets the parser's reason); other
 * bytes that merely start with 0x30 do not.
 */
function looksLikeCertificate(bytes: Uint8Array): boolean {
  const outer = headerLength(bytes, 0);
  if (outer === undefined || bytes[outer] !== 0x30) return false;
  const inner = headerLength(bytes, outer);
  if (inner === undefined) return false;
  const first = bytes[outer + inner];
  return first === 0xa0 || first === 0x02;
}

/** A .p7b chain: what it is and the command that turns it into certificates. */
function p7b(pem: boolean): CliReason {
  const command = `openssl pkcs7 -print_certs${pem ? '' : ' -inform DER'} -in`;
  return {
    zh: `这是 PKCS#7 证书链文件（.p7b），不是单个证书：请先导出为 PEM（如 ${command} 文件.p7b）`,
    en: `this is a PKCS#7 certificate bundle (.p7b), not a certificate: convert it to PEM first (e.g. ${command} file.p7b)`,
  };
}
const PFX: CliReason = {
  zh: '这是含私钥的 PKCS#12 证书库（.pfx/.p12），不是证书：请只导出证书（.cer），不要把私钥交给他人',
  en: 'this is a PKCS#12 key store (.pfx/.p12) with a private key, not a certificate: export the certificate alone (.cer) and keep the key to yourself',
};

/** What a DER input is instead of a certificate, when it is a known container. */
function derContainer(bytes: Uint8Array): CliReason | undefined {
  const outer = headerLength(bytes, 0);
  if (outer === undefined) return undefined;
  if (startsWith(bytes, SIGNED_DATA_OID, outer)) return p7b(false);
  // PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo (data or signedData), ... }
  if (startsWith(bytes, [0x02, 0x01, 0x03], outer) && indexOf(bytes, DATA_OID, 64) >= 0) return PFX;
  return undefined;
}

/** Why DER bytes are not a certificate: a known container, or not a certificate's outline at all. */
function derProblem(der: Uint8Array, source: string): CliReason | undefined {
  return derContainer(der) ?? (looksLikeCertificate(der) ? undefined : notACertificate(undefined, source));
}

function isTextByte(b: number): boolean {
  return b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b !== 0x7f);
}

function notACertificate(what: CliReason | undefined, source: string): CliReason {
  const name = source === '-' ? { zh: '标准输入', en: 'standard input' } : { zh: source, en: source };
  return what === undefined
    ? { zh: `${name.zh} ${NOT_A_CERTIFICATE.zh}`, en: `${name.en} is ${NOT_A_CERTIFICATE.en}` }
    : { zh: `${name.zh} 是 ${what.zh}，${NOT_A_CERTIFICATE.zh}`, en: `${name.en} is ${what.en}, ${NOT_A_CERTIFICATE.en}` };
}

/**
 * Why `bytes` cannot be a certificate, before the parser sees them; `undefined` when they may be
 * one (DER, PEM with a CERTIFICATE block, base64 of DER).
 */
export function certificateInputProblem(bytes: Uint8Array, source: string): CliReason | undefined {
  let start = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 3 : 0; // UTF-8 byte order mark
  while (start < bytes.length && [0x09, 0x0a, 0x0d, 0x20].includes(bytes[start] as number)) start++;
  if (start === bytes.length) {
    const name = source === '-' ? { zh: '标准输入', en: 'standard input' } : { zh: source, en: source };
    return { zh: `${name.zh} 为空，${NOT_A_CERTIFICATE.zh}`, en: `${name.en} is empty, ${NOT_A_CERTIFICATE.en}` };
  }
  if (bytes[0] === 0x30) return derProblem(bytes, source);
  const magic = MAGIC.find((m) => startsWith(bytes, m.bytes));
  if (magic) return notACertificate(magic.what, source);
  if (!bytes.every(isTextByte)) return notACertificate(undefined, source);
  const text = Buffer.from(bytes.subarray(start)).toString('utf8');
  if (text.includes('-----BEGIN ')) {
    const labels = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]{1,64})-----/g)].map((m) => m[1] as string);
    if (labels.some((l) => l === 'CERTIFICATE' || l === 'X509 CERTIFICATE')) return undefined;
    if (labels.includes('PKCS7')) return p7b(true);
    const found = [...new Set(labels)].join(', ');
    return {
      zh: `PEM 文本中没有证书（CERTIFICATE）${found === '' ? '' : `，只有 ${found}`}`,
      en: `the PEM text holds no CERTIFICATE${found === '' ? '' : `, only ${found}`}`,
    };
  }
  if (/^[A-Za-z0-9+/=\s]+$/.test(text)) {
    // Base64 of DER starts "MI" (0x30 0x8x): anything else decodes to something that is not a certificate.
    const der = Buffer.from(text, 'base64');
    if (der[0] === 0x30) return derProblem(der, source);
  }
  return notACertificate(undefined, source);
}

/** Reads a certificate input and refuses what cannot be one with a plain `CERT_MALFORMED`. */
export async function readCertificateSource(io: CliIo, source: string): Promise<Uint8Array> {
  const bytes = await readSource(io, source);
  const problem = certificateInputProblem(bytes, source);
  if (problem) throw cliError('CERT_MALFORMED', problem, { input: source === '-' ? 'stdin' : source });
  return bytes;
}
