/**
 * The login token a page posts: `{ format: 'yizheng:1', certificate, signature, signatureFormat?,
 * provider?, encryptionCertificate? }`. Minimal, versioned, and checked for size and shape before anything is parsed.
 */
import type { SignatureFormat } from '../crypto/index';
import { YizhengError } from '../errors/index';
import { CHALLENGE_FORMAT } from '../challenge/challenge';

/** Largest token accepted, as JSON text or as the sum of its string fields. */
export const MAX_TOKEN_BYTES = 160 * 1024;
const MAX_CERTIFICATE_CHARS = 96 * 1024; // a 64 KiB DER as base64, with PEM armour
const MAX_SIGNATURE_CHARS = 64 * 1024; // a CMS SignedData with its certificate, as base64
const MAX_PROVIDER_CHARS = 64;
const FORMATS: readonly SignatureFormat[] = ['auto', 'der', 'raw', 'skf', 'cms'];
const FIELDS = new Set(['format', 'certificate', 'signature', 'signatureFormat', 'provider', 'encryptionCertificate']);

/** A login or bind token, checked for shape. */
export interface LoginToken {
  /** Always `yizheng:1`. */
  readonly format: typeof CHALLENGE_FORMAT;
  /** The signing certificate: base64 DER (what key clients return) or PEM. */
  readonly certificate: string;
  /** The signature over the challenge text, base64. */
  readonly signature: string;
  /** How the signature is encoded; `auto` when absent. */
  readonly signatureFormat: SignatureFormat;
  /** The provider the page used (a hint: it must recognise the certificate). */
  readonly provider?: string;
  /**
   * The encryption certificate (加密证书) of the same key (双证书): base64 DER or PEM, optional. When
   * present it is checked against the signing certificate and its facts are kept with the binding.
   */
  readonly encryptionCertificate?: string;
}

function malformed(reason: string): YizhengError {
  return new YizhengError('TOKEN_MALFORMED', { reason });
}

/**
 * Control characters (NUL included) and unpaired UTF-16 surrogates: no provider name holds them, and
 * a store or a log cannot keep NUL or an unpaired surrogate as text. (The certificate and the
 * signature need no such check: they must decode as base64 or PEM, or fail as malformed.)
 */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f]|\p{Surrogate}/u;

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.length === 0) throw malformed(`${field} must be a non-empty string`);
  if (value.length > max) throw malformed(`${field} exceeds ${max} characters`);
  return value;
}

/**
 * Checks a token's size and shape: accepts the posted JSON text or the already-parsed body. Unknown
 * fields are refused (a newer page talking to an older server should fail loudly, not half-work), and
 * so is a provider name with a control character or an unpaired UTF-16 surrogate: a NUL posted there
 * never reaches an error's details, a log or a store.
 *
 * @throws {YizhengError} `TOKEN_MALFORMED` naming what is wrong.
 */
export function parseLoginToken(input: unknown): LoginToken {
  let body = input;
  if (typeof input === 'string') {
    if (input.length > MAX_TOKEN_BYTES) throw malformed(`token exceeds ${MAX_TOKEN_BYTES} characters`);
    try {
      body = JSON.parse(input) as unknown;
    } catch {
      throw malformed('token is not JSON');
    }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw malformed('token must be a JSON object');
  const own = body as Record<string, unknown>;
  for (const key of Object.keys(own)) if (!FIELDS.has(key)) throw malformed(`unknown field "${key.slice(0, 32)}"`);
  // Own fields only: an inherited one (a body built on another object, a polluted Object.prototype)
  // must not slip in an encryption certificate, a provider or a signature format the page never sent.
  const record: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of FIELDS) if (Object.hasOwn(own, key)) record[key] = own[key];
  if (record['format'] !== CHALLENGE_FORMAT) throw malformed(`format must be "${CHALLENGE_FORMAT}"`);
  const certificate = text(record['certificate'], 'certificate', MAX_CERTIFICATE_CHARS);
  const signature = text(record['signature'], 'signature', MAX_SIGNATURE_CHARS);
  const rawFormat = record['signatureFormat'] ?? 'auto';
  if (!FORMATS.includes(rawFormat as SignatureFormat)) throw malformed(`signatureFormat must be one of ${FORMATS.join(', ')}`);
  const provider = record['provider'] === undefined ? undefined : text(record['provider'], 'provider', MAX_PROVIDER_CHARS);
  if (provider !== undefined && UNPRINTABLE.test(provider)) {
    throw malformed('provider holds a control character or an unpaired UTF-16 surrogate');
  }
  const encryptionCertificate = record['encryptionCertificate'] === undefined
    ? undefined
    : text(record['encryptionCertificate'], 'encryptionCertificate', MAX_CERTIFICATE_CHARS);
  if (encryptionCertificate !== undefined && certificate.length + signature.length + encryptionCertificate.length > MAX_TOKEN_BYTES) {
    throw malformed(`token exceeds ${MAX_TOKEN_BYTES} characters`);
  }
  return {
    format: CHALLENGE_FORMAT,
    certificate,
    signature,
    signatureFormat: rawFormat as SignatureFormat,
    ...(provider !== undefined && { provider }),
    ...(encryptionCertificate !== undefined && { encryptionCertificate }),
  };
}
