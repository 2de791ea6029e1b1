/**
 * Certification path building and validation: from a leaf, through supplied intermediates, to an
 * anchor of a {@link TrustStore}; then revocation.
 */
import { LruCache } from '../cert/cache';
import { Certificate, parseCertificate, parseCertificates, type CertificateInput } from '../cert/index';
import { verifyCertificateSignature } from '../crypto/index';
import { YizhengError, isYizhengError } from '../errors/index';
import {
  DEFAULT_MIN_RSA_BITS,
  LOWEST_MIN_RSA_BITS,
  checkExtensions,
  checkIssued,
  checkIssuer,
  checkKey,
  checkLeaf,
  checkPathLength,
  checkPathNameConstraints,
  checkSubjectAltNames,
  checkValidity,
} from './checks';
import { untrusted } from './failure';
import { createRevocationChecker, isRevocationChecker, type RevocationChecker, type RevocationOptions, type RevocationStatus } from './revocation';
import type { TrustAnchor, TrustStore } from './store';

/** Default {@link ValidatePathOptions.maxIntermediates}. */
export const DEFAULT_MAX_INTERMEDIATES = 6;
/** Default {@link ValidatePathOptions.maxCandidates}. */
export const DEFAULT_MAX_CANDIDATES = 64;
/** Most intermediates accepted in {@link ValidatePathOptions.intermediates}. */
export const MAX_SUPPLIED_INTERMEDIATES = 64;
/** Hard cap on certificates in a path, self-issued ones included (loop and depth protection). */
const MAX_PATH_CERTIFICATES = 16;

/** Options of {@link validateCertificatePath}. */
export interface ValidatePathOptions {
  /** The trust anchors. */
  readonly trustStore: TrustStore;
  /**
   * Untrusted intermediate CA certificates that may complete the path (e.g. what the client sent
   * with its certificate, or the CA's issuing certificates configured on the server), in any
   * order; extra ones are ignored. Parsed certificates, or PEM (bundles allowed) / DER / base64.
   */
  readonly intermediates?: Iterable<Certificate | CertificateInput> | CertificateInput | undefined;
  /** The validation time; default now. Inject it in tests and to re-check past signatures. */
  readonly at?: Date | undefined;
  /**
   * Revocation checking: a checker from {@link createRevocationChecker} (keeps its cache across
   * validations: create one per application), or options to make a one-off checker. Absent: not
   * checked (the result's `revocation` is empty).
   */
  readonly revocation?: RevocationChecker | RevocationOptions | undefined;
  /**
   * Most intermediate CAs between the leaf and the anchor, self-issued ones (CA key rollover)
   * not counted; default {@link DEFAULT_MAX_INTERMEDIATES}.
   */
  readonly maxIntermediates?: number | undefined;
  /** Most candidate issuers tried while building (each costs a signature check); default {@link DEFAULT_MAX_CANDIDATES}. */
  readonly maxCandidates?: number | undefined;
  /**
   * Smallest RSA modulus accepted in any certificate of the path, the anchor's included, in bits;
   * default {@link DEFAULT_MIN_RSA_BITS} (2048). Lower it (to no less than 1024) only for a legacy CA
   * that still has smaller keys, e.g. through the provider's `trust.minRsaBits`.
   */
  readonly minRsaBits?: number | undefined;
}

/** A validated certification path. */
export interface ValidatedPath {
  /** The path, leaf first, anchor last (a leaf that is itself an anchor gives a path of one). */
  readonly path: readonly Certificate[];
  /** The anchor the path ends at. */
  readonly anchor: TrustAnchor;
  /** The anchor's provider label, when it has one. */
  readonly provider?: string | undefined;
  /** The validation time used. */
  readonly at: Date;
  /** Revocation status of each checked certificate (leaf first); empty when not checked. */
  readonly revocation: readonly RevocationStatus[];
  /**
   * Problems that did not fail validation, such as `REVOCATION_UNAVAILABLE` under the `prefer`
   * policy (soft fail). Show or log them; never ignore them silently.
   */
  readonly warnings: readonly YizhengError[];
}

const signatureCache = new LruCache<boolean>(4096);

/** @internal Empties the signature-result cache (benchmarks and tests). */
export function clearPathCaches(): void {
  signatureCache.clear();
}

/** True / false from the signature; an error (e.g. unsupported algorithm) as a YizhengError. */
function signatureValid(child: Certificate, issuer: Certificate): true | YizhengError {
  const key = `${child.sha256}/${issuer.sha256}`;
  const hit = signatureCache.get(key);
  if (hit === true) return true;
  let ok: boolean;
  if (hit === false) ok = false;
  else {
    try {
      ok = verifyCertificateSignature(child, issuer);
    } catch (e) {
      if (!isYizhengError(e)) throw e;
      return e;
    }
    signatureCache.set(key, ok);
  }
  return ok ? true : new YizhengError('SIGNATURE_INVALID', { reason: 'the certificate signature does not verify with the issuer key' });
}

interface Candidate {
  readonly certificate: Certificate;
  readonly anchor: TrustAnchor | undefined;
}

interface Search {
  readonly at: Date;
  readonly store: TrustStore;
  readonly pool: ReadonlyMap<string, readonly Certificate[]>;
  readonly maxIntermediates: number;
  readonly minRsaBits: number;
  budget: number;
  /** The most advanced failure seen, and its rank. */
  best: YizhengError | undefined;
  bestRank: number;
}

const nameKey = (c: Certificate, which: 'subject' | 'issuer'): string => Buffer.from(c[which].der).toString('latin1');

/** Later checks rank higher: a path that got further explains the failure better. */
function rank(e: YizhengError): number {
  const base = e.code === 'CERT_UNTRUSTED' ? 0 : e.code === 'CERT_EXPIRED' || e.code === 'CERT_NOT_YET_VALID' ? 1000 : 2000;
  const position = typeof e.details['position'] === 'number' ? e.details['position'] : 0;
  return base + position;
}

function record(s: Search, e: YizhengError): void {
  const r = rank(e);
  if (s.best === undefined || r > s.bestRank) {
    s.best = e;
    s.bestRank = r;
  }
}

/** Candidate issuers of `c`, best first: anchors, matching key identifier, valid now. */
function candidatesFor(c: Certificate, s: Search): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  for (const anchor of s.store.bySubject(c.issuer)) {
    seen.add(anchor.certificate.sha256);
    out.push({ certificate: anchor.certificate, anchor });
  }
  for (const cert of s.pool.get(nameKey(c, 'issuer')) ?? []) {
    if (seen.has(cert.sha256)) continue;
    seen.add(cert.sha256);
    out.push({ certificate: cert, anchor: s.store.find(cert) });
  }
  const aki = c.authorityKeyIdentifier;
  const t = s.at.getTime();
  const score = (x: Candidate): number => {
    const ski = x.certificate.subjectKeyIdentifier;
    const keyScore = aki === undefined || ski === undefined ? 1 : ski === aki ? 0 : 2;
    const validScore = t >= x.certificate.notBefore.getTime() && t <= x.certificate.notAfter.getTime() ? 0 : 1;
    return (x.anchor === undefined ? 100 : 0) + keyScore * 10 + validScore;
  };
  return out.map((x) => ({ x, k: score(x) })).sort((a, b) => a.k - b.k).map((e) => e.x);
}

/** Non-self-issued certificates among `path[1..end)` (the intermediates, without the anchor). */
function countIntermediates(path: readonly Certificate[], end: number): number {
  let n = 0;
  for (let i = 1; i < end; i++) if (path[i]?.isSelfIssued === false) n++;
  return n;
}

function tooManyIntermediates(path: readonly Certificate[], max: number): YizhengError {
  const leaf = path[0] ?? path[path.length - 1];
  if (leaf === undefined) throw new RangeError('empty path');
  return untrusted(leaf, 0, `证书链中的中级CA超过 ${max} 个`, `more than ${max} intermediate CAs in the path`);
}

/** Every rule of a complete path, in order; the first failure. */
function checkCompletePath(path: readonly Certificate[], s: Search): YizhengError | undefined {
  const n = path.length - 1;
  const leaf = path[0];
  if (leaf === undefined) return undefined;
  for (let i = 0; i <= n; i++) {
    const c = path[i];
    if (c === undefined) continue;
    const e =
      checkExtensions(c, i) ??
      checkIssued(c, i) ??
      checkKey(c, i, s.minRsaBits) ??
      checkSubjectAltNames(c, i) ??
      (i > 0 ? checkIssuer(c, i, i === n) : undefined);
    if (e !== undefined) return e;
  }
  const structural = (n > 0 ? checkLeaf(leaf) : undefined) ?? checkPathLength(path) ?? checkPathNameConstraints(path);
  if (structural !== undefined) return structural;
  if (countIntermediates(path, n) > s.maxIntermediates) return tooManyIntermediates(path, s.maxIntermediates);
  for (let i = 0; i <= n; i++) {
    const c = path[i];
    if (c === undefined) continue;
    const e = checkValidity(c, i, s.at);
    if (e !== undefined) return e;
  }
  return undefined;
}

/** Depth-first search for a valid path from `path`'s last certificate; undefined when none. */
function extend(path: Certificate[], s: Search): { path: Certificate[]; anchor: TrustAnchor } | undefined {
  const current = path[path.length - 1];
  if (current === undefined) return undefined;
  const position = path.length - 1;
  const candidates = candidatesFor(current, s).filter((c) => !path.some((p) => p.sha256 === c.certificate.sha256));
  if (candidates.length === 0) {
    record(
      s,
      current.isSelfIssued
        ? untrusted(current, position, '自签名证书不在信任列表中', 'self-signed certificate that is not a trust anchor')
        : untrusted(
            current,
            position,
            `找不到颁发者证书（${current.issuer.toString()}），或其根证书不在信任列表中`,
            `no trusted issuer found for ${current.issuer.toString()}`,
          ),
    );
    return undefined;
  }
  for (const candidate of candidates) {
    const cert = candidate.certificate;
    if (s.budget-- <= 0) {
      record(s, untrusted(current, position, '构建证书链时尝试的候选证书过多', 'too many candidate issuers tried while building the path'));
      return undefined;
    }
    const sig = signatureValid(current, cert);
    if (sig !== true) {
      record(
        s,
        untrusted(
          current,
          position,
          `证书签名无法用颁发者（${cert.subject.toString()}）的公钥验证`,
          `the signature does not verify with the key of ${cert.subject.toString()}: ${sig.localizedMessage('en')}`,
          sig,
        ),
      );
      continue;
    }
    const next = [...path, cert];
    if (candidate.anchor !== undefined) {
      const e = checkCompletePath(next, s);
      if (e === undefined) return { path: next, anchor: candidate.anchor };
      record(s, e);
      continue;
    }
    if (next.length >= MAX_PATH_CERTIFICATES) {
      record(s, untrusted(current, position, '证书链过长', 'the path is too long'));
      continue;
    }
    if (countIntermediates(next, next.length) > s.maxIntermediates) {
      record(s, tooManyIntermediates(next, s.maxIntermediates));
      continue;
    }
    const found = extend(next, s);
    if (found !== undefined) return found;
  }
  return undefined;
}

function collect(input: ValidatePathOptions['intermediates']): Certificate[] {
  if (input === undefined) return [];
  const out: Certificate[] = [];
  const push = (c: Certificate): void => {
    out.push(c);
    if (out.length > MAX_SUPPLIED_INTERMEDIATES) {
      throw new YizhengError('INVALID_ARGUMENT', { reason: `more than ${MAX_SUPPLIED_INTERMEDIATES} intermediate certificates` });
    }
  };
  if (typeof input === 'string' || input instanceof Uint8Array || input instanceof ArrayBuffer) {
    for (const c of parseCertificates(input)) push(c);
    return out;
  }
  for (const item of input) {
    if (item instanceof Certificate) push(item);
    else for (const c of parseCertificates(item)) push(c);
  }
  return out;
}

function positiveInteger(v: number | undefined, fallback: number, what: string): number {
  if (v === undefined) return fallback;
  if (!Number.isSafeInteger(v) || v < 0) throw new YizhengError('INVALID_ARGUMENT', { reason: `${what} must be a non-negative integer` });
  return v;
}

function rsaFloor(v: number | undefined): number {
  if (v === undefined) return DEFAULT_MIN_RSA_BITS;
  if (!Number.isSafeInteger(v) || v < LOWEST_MIN_RSA_BITS) {
    throw new YizhengError('INVALID_ARGUMENT', { reason: `minRsaBits must be an integer of at least ${LOWEST_MIN_RSA_BITS}` });
  }
  return v;
}

/**
 * Builds and validates the certification path of `leaf` (RFC 5280 §6 as Yizheng profiles it),
 * then checks revocation when asked.
 *
 * Building: from the leaf upwards by name chaining (an issuer's subject DER-equal to the child's
 * issuer), choosing among same-named candidates by authorityKeyIdentifier / subjectKeyIdentifier
 * and by validity at `at`, anchors first; each link's signature is checked as it is added, and a
 * candidate that fails any rule is abandoned for the next (so an expired cross-certificate or a
 * renewed CA with the same name does not hide a good path). The search is bounded
 * (`maxCandidates`, `maxIntermediates`, 16 certificates) and never revisits a certificate.
 *
 * Rules on a complete path (leaf → anchor):
 * - every link's signature, with the issuer's key: RSA (PKCS#1 v1.5, PSS), ECDSA, SM2-with-SM3;
 * - no unknown critical extension in any certificate (see {@link UNDERSTOOD_CRITICAL_EXTENSIONS});
 *   authorityKeyIdentifier, subjectKeyIdentifier and authorityInfoAccess must not be critical;
 * - every issuer: X.509 v3 with basicConstraints cA, keyUsage keyCertSign when keyUsage is present,
 *   a non-empty subject; v1/v2 intermediates are refused (a v1 anchor is accepted: configuring it
 *   is the out-of-band check RFC 5280 asks for);
 * - keyCertSign only with cA; nameConstraints only in a CA certificate; no empty issuer name in any
 *   certificate (the anchor's included); pathLenConstraint (self-issued certificates not counted,
 *   the anchor's constraint included); nameConstraints of every CA over the names below it (RFC 5280
 *   §4.2.1.10; see the name-constraints module for malformed and wildcard names);
 * - every key, the anchor's included: RSA of at least `minRsaBits` (default 2048), ECDSA on P-256,
 *   P-384 or P-521, or SM2 on the SM2 curve;
 * - every subjectAltName dNSName in the preferred name syntax (RFC 5280 §4.2.1.6);
 * - every certificate, anchor included, is within its validity period at `at`, compared to the
 *   second as the dates are encoded.
 * Trust anchors end the path even when they are not self-signed; an anchor's own signature is not
 * checked. A leaf that is itself an anchor validates alone (validity, extensions and key).
 *
 * Not done: certificate policy processing (any policy is accepted, as RFC 5280 §6.1.1 allows with
 * the initial policy set anyPolicy; policyConstraints and inhibitAnyPolicy are refused, critical or
 * not, and critical policyMappings), extended key usage (the caller's purpose check), TLS host names.
 *
 * @returns the path with revocation statuses and warnings.
 * @throws {YizhengError} `CERT_UNTRUSTED` (no path to an anchor, a bad signature, a rule broken),
 *   `CERT_EXPIRED`, `CERT_NOT_YET_VALID`, `CERT_REVOKED`, `REVOCATION_UNAVAILABLE` (policy
 *   `require`), each naming the certificate in `details` (`subject`, `issuer`, `serialNumber`,
 *   `sha256`, `position`: 0 for the leaf) with a reason in Chinese (`reason`) and English
 *   (`reasonEn`); `INVALID_ARGUMENT` for bad options; `CERT_MALFORMED` for input that does not parse.
 *   When several candidate paths fail, the error of the one that got furthest is thrown.
 *
 * @example
 * ```ts
 * const store = createTrustStore(rootPem);
 * const { path, warnings } = await validateCertificatePath(leafPem, {
 *   trustStore: store,
 *   intermediates: [subCaPem],
 *   revocation: checker, // createRevocationChecker({ policy: 'prefer' })
 * });
 * ```
 */
export async function validateCertificatePath(
  leaf: Certificate | CertificateInput,
  options: ValidatePathOptions,
): Promise<ValidatedPath> {
  if (typeof options !== 'object' || options === null || typeof options.trustStore?.bySubject !== 'function') {
    throw new YizhengError('INVALID_ARGUMENT', { reason: 'validateCertificatePath needs options with a trustStore (createTrustStore)' });
  }
  const at = options.at ?? new Date();
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new YizhengError('INVALID_ARGUMENT', { reason: 'at must be a valid Date' });
  const leafCert = leaf instanceof Certificate ? leaf : parseCertificate(leaf);
  const pool = new Map<string, Certificate[]>();
  for (const c of collect(options.intermediates)) {
    if (c.sha256 === leafCert.sha256) continue;
    const k = nameKey(c, 'subject');
    const list = pool.get(k);
    if (list === undefined) pool.set(k, [c]);
    else if (!list.some((x) => x.sha256 === c.sha256)) list.push(c);
  }
  const s: Search = {
    at,
    store: options.trustStore,
    pool,
    maxIntermediates: positiveInteger(options.maxIntermediates, DEFAULT_MAX_INTERMEDIATES, 'maxIntermediates'),
    minRsaBits: rsaFloor(options.minRsaBits),
    budget: positiveInteger(options.maxCandidates, DEFAULT_MAX_CANDIDATES, 'maxCandidates'),
    best: undefined,
    bestRank: -1,
  };

  let found: { path: Certificate[]; anchor: TrustAnchor } | undefined;
  const selfAnchor = options.trustStore.find(leafCert);
  if (selfAnchor !== undefined) {
    const e = checkExtensions(leafCert, 0) ?? checkKey(leafCert, 0, s.minRsaBits) ?? checkSubjectAltNames(leafCert, 0) ?? checkValidity(leafCert, 0, at);
    if (e !== undefined) throw e;
    found = { path: [leafCert], anchor: selfAnchor };
  } else {
    found = extend([leafCert], s);
  }
  if (found === undefined) {
    throw s.best ?? untrusted(leafCert, 0, '无法构建到受信任根证书的证书链', 'no path to a trust anchor');
  }

  const provider = found.anchor.provider;
  let revocation: readonly RevocationStatus[] = [];
  let warnings: readonly YizhengError[] = [];
  if (options.revocation !== undefined) {
    const checker = isRevocationChecker(options.revocation) ? options.revocation : createRevocationChecker(options.revocation);
    const report = await checker.check(found.path, { at, provider });
    revocation = report.statuses;
    warnings = report.warnings;
  }
  return Object.freeze({
    path: Object.freeze(found.path),
    anchor: found.anchor,
    provider,
    at,
    revocation: Object.freeze([...revocation]),
    warnings: Object.freeze([...warnings]),
  });
}
