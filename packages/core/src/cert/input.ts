/**
 * Turns what callers hand us (PEM text, DER bytes, or the bare base64 that vendor browser clients
 * return) into DER byte arrays, with size limits applied before any heavy work. Framing only: the
 * DER itself is checked by the certificate parser.
 */
import { decodeStrictBase64 } from '../base64/strict';
import { YizhengError } from '../errors/index';

/** Largest certificate accepted, in DER bytes (64 KiB). Real certificates are 0.5-3 KiB. */
export const MAX_CERTIFICATE_BYTES = 64 * 1024;

/** Most certificates accepted in one PEM bundle. */
export const MAX_BUNDLE_CERTIFICATES = 16;

/**
 * Longest text accepted: a full bundle of maximum-size certificates in base64 with line breaks,
 * plus room for the explanatory text tools write between PEM blocks.
 */
const MAX_TEXT_CHARS = MAX_BUNDLE_CERTIFICATES * 96 * 1024;

/** What {@link parseCertificate} accepts. */
export type CertificateInput = string | Uint8Array | ArrayBuffer;

function malformed(reason: string): YizhengError {
  return new YizhengError('CERT_MALFORMED', { reason });
}

function decodeBase64(text: string, start: number, end: number): Uint8Array {
  const result = decodeStrictBase64(text, { start, end, maxBytes: MAX_CERTIFICATE_BYTES, canonical: false });
  if ('error' in result) {
    throw malformed(result.error.startsWith('more than') ? 'certificate larger than 64 KiB' : result.error);
  }
  return result.bytes;
}

const BEGIN = '-----BEGIN ';
const DASHES = '-----';

function isCertificateLabel(label: string): boolean {
  return label === 'CERTIFICATE' || label === 'X509 CERTIFICATE';
}

/**
 * The CERTIFICATE blocks of PEM text, in order. Other blocks (keys, CRLs) and text between blocks
 * (e.g. OpenSSL's "Bag Attributes") are skipped; a block without its END line, encapsulated
 * headers inside a block, or more than {@link MAX_BUNDLE_CERTIFICATES} certificates are errors.
 */
function pemBlocks(text: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  let pos = 0;
  for (;;) {
    const begin = text.indexOf(BEGIN, pos);
    if (begin < 0) break;
    const labelStart = begin + BEGIN.length;
    const labelEnd = text.indexOf(DASHES, labelStart);
    if (labelEnd < 0 || labelEnd - labelStart > 64) throw malformed('invalid PEM BEGIN line');
    const label = text.slice(labelStart, labelEnd);
    for (let i = 0; i < label.length; i++) {
      const c = label.charCodeAt(i);
      if (!(c === 0x20 || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39))) {
        throw malformed('invalid PEM label');
      }
    }
    const bodyStart = labelEnd + DASHES.length;
    const endLine = `-----END ${label}-----`;
    const endAt = text.indexOf(endLine, bodyStart);
    if (endAt < 0) throw malformed(`PEM block ${label} has no END line`);
    pos = endAt + endLine.length;
    if (!isCertificateLabel(label)) continue;
    if (out.length === MAX_BUNDLE_CERTIFICATES) {
      throw malformed(`more than ${MAX_BUNDLE_CERTIFICATES} certificates in one bundle`);
    }
    out.push(decodeBase64(text, bodyStart, endAt));
  }
  if (out.length === 0) throw malformed('no CERTIFICATE block in the PEM text');
  return out;
}

function fromText(text: string): Uint8Array[] {
  if (text.length > MAX_TEXT_CHARS) throw malformed('input too large');
  if (text.includes(BEGIN)) return pemBlocks(text);
  let start = 0;
  if (text.charCodeAt(0) === 0xfeff) start = 1; // byte order mark from a text file
  return [decodeBase64(text, start, text.length)];
}

/**
 * Splits and decodes `input` into DER certificates (views or fresh arrays; never validated here).
 * Bytes starting with 0x30 (a DER SEQUENCE) are DER; other bytes are read as ASCII text, so a `.pem`
 * file read with `fs.readFileSync` works as is.
 *
 * @throws {YizhengError} INVALID_ARGUMENT for a non-string, non-bytes input; CERT_MALFORMED for
 *   framing errors or size limits.
 */
export function decodeCertificateInput(input: CertificateInput): Uint8Array[] {
  if (typeof input === 'string') return fromText(input);
  let bytes: Uint8Array;
  if (input instanceof Uint8Array) bytes = input;
  else if (input instanceof ArrayBuffer) bytes = new Uint8Array(input);
  else {
    throw new YizhengError('INVALID_ARGUMENT', {
      reason: 'a certificate must be given as a PEM or base64 string, or DER bytes (Uint8Array, Buffer, ArrayBuffer)',
    });
  }
  if (bytes.length === 0) throw malformed('empty input');
  if (bytes[0] === 0x30) {
    if (bytes.length > MAX_CERTIFICATE_BYTES) throw malformed('certificate larger than 64 KiB');
    return [bytes];
  }
  const first = bytes[0] ?? 0;
  const texty = first === 0x09 || first === 0x0a || first === 0x0d || (first >= 0x20 && first < 0x7f) || first === 0xef;
  if (!texty) throw malformed('not a DER certificate (it must start with a SEQUENCE, 0x30) nor PEM or base64 text');
  if (bytes.length > MAX_TEXT_CHARS) throw malformed('input too large');
  const bom = first === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0; // UTF-8 byte order mark
  return fromText(Buffer.from(bytes.buffer, bytes.byteOffset + bom, bytes.byteLength - bom).toString('latin1'));
}
