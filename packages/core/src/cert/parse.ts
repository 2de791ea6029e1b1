/**
 * Public entry points: parse certificates from PEM, DER or base64, with a bounded cache.
 */
import { hash } from 'node:crypto';
import { DerError } from '../asn1/der';
import { YizhengError } from '../errors/index';
import { LruCache } from './cache';
import { decodeCertificate, type Certificate } from './certificate';
import { decodeCertificateInput, type CertificateInput } from './input';

/** Default number of parsed certificates kept in memory. */
export const DEFAULT_CERTIFICATE_CACHE_SIZE = 1000;

const cache = new LruCache<Certificate>(DEFAULT_CERTIFICATE_CACHE_SIZE);
// Logins post the same base64 certificate again and again: remembering the text itself skips the
// base64 decoding and hashing. Small, because its keys are whole certificates.
const TEXT_CACHE_SIZE = 256;
const textCache = new LruCache<Certificate>(TEXT_CACHE_SIZE);

/** @internal A parsed-certificate cache: by SHA-256 of the DER, and by the posted text. */
export interface CertificateCaches {
  readonly byDigest: LruCache<Certificate>;
  readonly byText: LruCache<Certificate>;
}

let active: CertificateCaches = { byDigest: cache, byText: textCache };

/** @internal Caches of the given size, for one `createYizheng` instance. */
export function createCertificateCaches(maxEntries: number): CertificateCaches {
  return { byDigest: new LruCache(maxEntries), byText: new LruCache(Math.min(TEXT_CACHE_SIZE, maxEntries)) };
}

/**
 * @internal Runs `fn` with `caches` as the parse cache. Parsing is synchronous, so the swap cannot
 * leak into another request's parse.
 */
export function withCertificateCaches<T>(caches: CertificateCaches, fn: () => T): T {
  const previous = active;
  active = caches;
  try {
    return fn();
  } finally {
    active = previous;
  }
}
const MAX_CACHED_TEXT = 16 * 1024;

function parseDer(bytes: Uint8Array): Certificate {
  // One-shot crypto.hash is several times faster than createHash().update().digest() for 1 KiB.
  const sha256 = hash('sha256', bytes, 'hex');
  const hit = active.byDigest.get(sha256);
  if (hit !== undefined) return hit;
  // Copy: the caller may reuse or mutate its buffer, and the cached object must never change.
  // (Not bytes.slice(): on a Node Buffer, slice() returns a view.)
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  const cert = decodeCertificate(copy, sha256);
  active.byDigest.set(sha256, cert);
  return cert;
}

function toYizhengError(e: unknown): YizhengError {
  if (e instanceof YizhengError) return e;
  if (e instanceof DerError) return new YizhengError('CERT_MALFORMED', { reason: e.message });
  // Not expected: every failure above is a DerError or a YizhengError. Kept so that a bug can never
  // surface as a RangeError or TypeError to a login handler.
  return new YizhengError('CERT_MALFORMED', { reason: 'internal parser error' }, { cause: e });
}

/**
 * Parses one X.509 certificate.
 *
 * Accepts PEM text (the first CERTIFICATE block; in a chain bundle that is the leaf), DER bytes
 * (Uint8Array, Buffer or ArrayBuffer), the bare base64 that vendor browser clients return (line
 * breaks and spaces allowed), or the bytes of a PEM/base64 file. Results are cached by SHA-256 of
 * the DER in a bounded LRU: the same DER always gives the same frozen object.
 *
 * @example
 * ```ts
 * const cert = parseCertificate(base64FromUKey);
 * cert.subject.commonName;        // '北京某某科技有限公司'
 * cert.issuer.toString();         // 'CN=Beijing SM2 CA, OU=BJCA, O=BJCA, C=CN'
 * cert.publicKey.algorithm;       // 'sm2'
 * cert.extension('1.2.156.112562.2.1.1.1')?.text; // 'JJTEST002'
 * ```
 *
 * @throws {YizhengError} `CERT_MALFORMED` for anything that is not exactly one well-formed DER
 *   certificate of at most 64 KiB (the reason says what); `INVALID_ARGUMENT` when `input` is neither
 *   a string nor bytes. Never any other error.
 */
export function parseCertificate(input: CertificateInput): Certificate {
  const byText = typeof input === 'string' && input.length <= MAX_CACHED_TEXT;
  if (byText) {
    const hit = active.byText.get(input);
    // Only while the main cache still holds it (touching it there), so its LRU order stays the truth.
    if (hit !== undefined && active.byDigest.get(hit.sha256) === hit) return hit;
  }
  try {
    const [first] = decodeCertificateInput(input);
    if (first === undefined) throw new YizhengError('CERT_MALFORMED', { reason: 'no certificate' });
    const cert = parseDer(first);
    if (byText && active.byText.max > 0) active.byText.set(input, cert);
    return cert;
  } catch (e) {
    throw toYizhengError(e);
  }
}

/**
 * Parses every certificate of a PEM bundle (at most 16), in order; for DER or base64 input, the one
 * certificate. Other PEM blocks (keys, CRLs) and text between blocks are ignored.
 *
 * @throws {YizhengError} as {@link parseCertificate}; one malformed certificate fails the whole call.
 */
export function parseCertificates(input: CertificateInput): Certificate[] {
  try {
    return decodeCertificateInput(input).map(parseDer);
  } catch (e) {
    throw toYizhengError(e);
  }
}

/** Empties the parsed-certificate cache (for tests and benchmarks). */
export function clearCertificateCache(): void {
  cache.clear();
  textCache.clear();
}

/**
 * Sets how many parsed certificates the cache keeps (default 1,000; 0 disables caching).
 *
 * @throws {YizhengError} `INVALID_ARGUMENT` unless `maxEntries` is a non-negative integer.
 */
export function setCertificateCacheSize(maxEntries: number): void {
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 0) {
    throw new YizhengError('INVALID_ARGUMENT', { reason: 'maxEntries must be a non-negative integer' });
  }
  cache.resize(maxEntries);
  textCache.resize(Math.min(TEXT_CACHE_SIZE, maxEntries));
}
