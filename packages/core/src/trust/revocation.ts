/**
 * Revocation checking for a validated path: OCSP and CRL, fetched through an injectable `fetch`
 * (or CRLs supplied directly), cached until their nextUpdate, with a policy per provider.
 */
import { LruCache } from '../cert/cache';
import type { Certificate } from '../cert/index';
import { verifyCertificateSignature } from '../crypto/index';
import { YizhengError, isYizhengError } from '../errors/index';
import { CRL_REASON_ZH, crlFreshnessProblem, crlScopeProblem, crlUnusableReason, parseCrl, type CrlReason, type ParsedCrl } from './crl';
import { pathError } from './failure';
import { buildOcspRequest, certIdKey, certIdOf, evaluateOcspResponse, newNonce, ocspFreshnessProblem, parseOcspResponse, type CertIdHash, type OcspSingleResponse } from './ocsp';

/**
 * What to do when no revocation answer can be had:
 * - `require`: fail with `REVOCATION_UNAVAILABLE`;
 * - `prefer`: succeed with a `REVOCATION_UNAVAILABLE` warning (soft fail);
 * - `off`: do not check at all.
 * A certificate found revoked always fails (`CERT_REVOKED`), under `require` and `prefer`.
 */
export type RevocationPolicy = 'require' | 'prefer' | 'off';

/** Revocation sources, tried in the order given. */
export type RevocationMethod = 'ocsp' | 'crl';

/** The `fetch` Yizheng calls: the global `fetch`, or any function with its shape (tests, proxies). */
export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

/** Options of {@link createRevocationChecker}. */
export interface RevocationOptions {
  /** Policy for paths whose anchor has no provider-specific one; default `prefer`. */
  readonly policy?: RevocationPolicy | undefined;
  /** Policy by provider id (the trust anchor's `provider` label), e.g. `{ bjca: 'require' }`. */
  readonly providers?: Readonly<Record<string, RevocationPolicy>> | undefined;
  /** Sources in order; default `['ocsp', 'crl']` (OCSP first, the CRL when OCSP gives no answer). */
  readonly methods?: readonly RevocationMethod[] | undefined;
  /**
   * The fetch function; default the global `fetch`. Only `http:` and `https:` URLs are fetched
   * (`ldap:` and other distribution points are skipped). Redirects are followed by Yizheng, not by
   * `fetch` (it is called with `redirect: 'manual'`): at most 3, each to the same scheme as the URL
   * it answers (no `https:` to `http:` downgrade, no `http:` to `https:` either, nothing else); an
   * OCSP POST is re-sent only on 307 / 308. The media type of an answer is not checked (many CAs
   * serve CRLs as `application/octet-stream`, `application/x-pkcs7-crl` or `text/plain`): the
   * body must parse as DER and carry a valid signature, and a reason names the type when it does
   * not parse.
   */
  readonly fetch?: FetchFunction | undefined;
  /** CRLs supplied directly (DER bytes or PEM `X509 CRL` text), used before any download. */
  readonly crls?: ReadonlyArray<Uint8Array | string> | undefined;
  /** Check the intermediate CA certificates too (default true); the anchor is never checked. */
  readonly checkIntermediates?: boolean | undefined;
  /**
   * Time allowed for each download in milliseconds, redirects and body included; default 5000.
   * Enforced even when the fetch function ignores the abort signal it is given.
   */
  readonly timeoutMs?: number | undefined;
  /**
   * Largest CRL downloaded, in bytes; default 32 MiB. A larger declared Content-Length is refused
   * before the body is read, and the body is counted as it streams in (reading stops at the limit).
   */
  readonly maxCrlBytes?: number | undefined;
  /** Largest OCSP response, in bytes (enforced as for `maxCrlBytes`); default 64 KiB. */
  readonly maxOcspBytes?: number | undefined;
  /** Clock skew tolerated on thisUpdate / nextUpdate, in milliseconds; default 5 minutes. */
  readonly clockSkewMs?: number | undefined;
  /**
   * Most age of an OCSP response's thisUpdate, in milliseconds; default 15 minutes (Web eID
   * uses minutes). A cached response is re-checked against it at every use. `Infinity` relies on
   * nextUpdate alone.
   */
  readonly ocspMaxAgeMs?: number | undefined;
  /** Most age of a CRL's thisUpdate, in milliseconds; default none (nextUpdate alone). */
  readonly crlMaxAgeMs?: number | undefined;
  /**
   * OCSP nonce (RFC 8954): `require` (default: the response must echo it, as Web eID does),
   * `prefer` (sent; a response without one is accepted, a wrong one refused), `off` (not sent).
   */
  readonly ocspNonce?: 'require' | 'prefer' | 'off' | undefined;
  /**
   * Hash of the CertID in OCSP requests: `sha1` (default, what RFC 6960 responders expect),
   * `sha256`, or `sm3` for responders that follow the GM/T SM2 profile. Responses are matched
   * whatever hash they use.
   */
  readonly ocspCertIdHash?: CertIdHash | undefined;
  /** Cache size (OCSP answers and CRLs); default 1000 entries. 0 disables caching. */
  readonly cacheSize?: number | undefined;
}

/** The revocation status found for one certificate of the path. */
export interface RevocationStatus {
  /** Position in the path (0 = leaf). */
  readonly position: number;
  /** The certificate. */
  readonly certificate: Certificate;
  /** `good`, `unavailable` (soft fail under `prefer`) or `not-checked` (policy `off`). */
  readonly status: 'good' | 'unavailable' | 'not-checked';
  /** Where the answer came from. */
  readonly source?: 'ocsp' | 'crl' | undefined;
  /** The URL fetched, or `supplied` for a CRL given in the options. */
  readonly url?: string | undefined;
  /** True when the answer came from the cache. */
  readonly cached?: boolean | undefined;
  /** thisUpdate of the answer. */
  readonly thisUpdate?: Date | undefined;
  /** nextUpdate of the answer. */
  readonly nextUpdate?: Date | undefined;
  /** Why no answer could be had (English), for `unavailable`. */
  readonly reason?: string | undefined;
}

/** Context of one check. */
export interface RevocationContext {
  /** The validation time. */
  readonly at: Date;
  /** The provider label of the anchor, selecting the policy. */
  readonly provider?: string | undefined;
}

/** What {@link RevocationChecker.check} returns. */
export interface RevocationReport {
  /** One status per checked certificate, leaf first. */
  readonly statuses: readonly RevocationStatus[];
  /** Soft-fail warnings (`REVOCATION_UNAVAILABLE` under `prefer`). */
  readonly warnings: readonly YizhengError[];
}

/** A revocation checker with its cache; make one per application and pass it to every validation. */
export interface RevocationChecker {
  /**
   * Checks every certificate of `path` (leaf first, anchor last; the anchor is not checked).
   *
   * @throws {YizhengError} `CERT_REVOKED` (OCSP `revoked` or `unknown`, or listed on a CRL),
   *   `REVOCATION_UNAVAILABLE` (no usable answer under the `require` policy).
   */
  check(path: readonly Certificate[], context: RevocationContext): Promise<RevocationReport>;
  /** Forgets every cached OCSP answer and CRL. */
  clearCache(): void;
}

const BRAND = Symbol.for('yizheng.RevocationChecker');

/** @internal True for a checker made by {@link createRevocationChecker}. */
export function isRevocationChecker(v: unknown): v is RevocationChecker {
  return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[BRAND] === true;
}

interface Settings {
  readonly policy: RevocationPolicy;
  readonly providers: Readonly<Record<string, RevocationPolicy>>;
  readonly methods: readonly RevocationMethod[];
  readonly fetch: FetchFunction | undefined;
  readonly checkIntermediates: boolean;
  readonly timeoutMs: number;
  readonly maxCrlBytes: number;
  readonly maxOcspBytes: number;
  readonly skewMs: number;
  readonly ocspMaxAgeMs: number | undefined;
  readonly crlMaxAgeMs: number | undefined;
  readonly nonce: 'require' | 'prefer' | 'off';
  readonly certIdHash: CertIdHash;
  readonly cacheSize: number;
}

const POLICIES: ReadonlySet<string> = new Set(['require', 'prefer', 'off']);

function invalid(reason: string): YizhengError {
  return new YizhengError('INVALID_ARGUMENT', { reason });
}

function duration(v: number | undefined, fallback: number | undefined, what: string): number | undefined {
  if (v === undefined) return fallback;
  if (v === Number.POSITIVE_INFINITY) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw invalid(`${what} must be a non-negative number of milliseconds`);
  return v;
}

function settingsOf(o: RevocationOptions): Settings {
  if (typeof o !== 'object' || o === null) throw invalid('revocation options must be an object');
  const policy = o.policy ?? 'prefer';
  if (!POLICIES.has(policy)) throw invalid(`unknown revocation policy ${String(policy)}`);
  for (const [id, p] of Object.entries(o.providers ?? {})) {
    if (!POLICIES.has(p)) throw invalid(`unknown revocation policy ${String(p)} for provider ${id}`);
  }
  const methods = o.methods ?? ['ocsp', 'crl'];
  if (methods.some((m) => m !== 'ocsp' && m !== 'crl')) throw invalid('revocation methods are "ocsp" and "crl"');
  const nonce = o.ocspNonce ?? 'require';
  if (nonce !== 'require' && nonce !== 'prefer' && nonce !== 'off') throw invalid(`unknown ocspNonce ${String(nonce)}`);
  const certIdHash = o.ocspCertIdHash ?? 'sha1';
  if (certIdHash !== 'sha1' && certIdHash !== 'sha256' && certIdHash !== 'sm3') throw invalid(`unknown ocspCertIdHash ${String(certIdHash)}`);
  const cacheSize = o.cacheSize ?? 1000;
  if (!Number.isSafeInteger(cacheSize) || cacheSize < 0) throw invalid('cacheSize must be a non-negative integer');
  const fetchFn = o.fetch ?? (typeof globalThis.fetch === 'function' ? globalThis.fetch.bind(globalThis) : undefined);
  return {
    policy,
    providers: { ...o.providers },
    methods: [...methods],
    fetch: fetchFn,
    checkIntermediates: o.checkIntermediates ?? true,
    timeoutMs: duration(o.timeoutMs, 5000, 'timeoutMs') ?? 5000,
    maxCrlBytes: duration(o.maxCrlBytes, 32 * 1024 * 1024, 'maxCrlBytes') ?? 32 * 1024 * 1024,
    maxOcspBytes: duration(o.maxOcspBytes, 64 * 1024, 'maxOcspBytes') ?? 64 * 1024,
    skewMs: duration(o.clockSkewMs, 5 * 60_000, 'clockSkewMs') ?? 0,
    ocspMaxAgeMs: duration(o.ocspMaxAgeMs, 15 * 60_000, 'ocspMaxAgeMs'),
    crlMaxAgeMs: duration(o.crlMaxAgeMs, undefined, 'crlMaxAgeMs'),
    nonce,
    certIdHash,
    cacheSize,
  };
}

/** Settles as `promise` does, or rejects when `signal` aborts first (whatever `promise` does then). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}

/** Lets go of a body not read (the connection is released rather than left to the GC). */
function discard(response: Response): void {
  response.body?.cancel().catch(() => undefined);
}

/** Reads a response body up to `limit` bytes, counting as it streams in; gives up when `signal` aborts. */
async function readBody(response: Response, limit: number, signal: AbortSignal): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    discard(response);
    throw new Error(`response larger than ${limit} bytes`);
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await abortable(reader.read(), signal);
      if (done) break;
      total += value.length;
      if (total > limit) throw new Error(`response larger than ${limit} bytes`);
      chunks.push(value);
    }
  } catch (e) {
    reader.cancel().catch(() => undefined);
    throw e;
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** Most redirects followed for one download. */
const MAX_REDIRECTS = 3;
const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** A downloaded body and its media type (lowercase, without parameters; empty when not given). */
interface Downloaded {
  readonly body: Uint8Array;
  readonly type: string;
}

/** Parses a downloaded body; when it does not parse and came with another media type, the reason says which. */
function parseDownloaded<T>(d: Downloaded, expectedType: string, parse: (der: Uint8Array) => T): T {
  try {
    return parse(d.body);
  } catch (e) {
    if (d.type === '' || d.type === expectedType) throw e;
    throw new Error(`${e instanceof Error ? e.message : String(e)} (served as ${d.type})`);
  }
}

const httpUrl = (u: string): boolean => /^https?:\/\//i.test(u);

function pemOrDer(input: Uint8Array | string): Uint8Array {
  if (typeof input !== 'string') return input;
  const m = /-----BEGIN X509 CRL-----([\s\S]*?)-----END X509 CRL-----/.exec(input);
  const body = (m?.[1] ?? input).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw invalid('a supplied CRL string must be PEM (X509 CRL) or base64');
  return new Uint8Array(Buffer.from(body, 'base64'));
}

/** A definitive answer for one certificate. */
type Answer =
  | {
      readonly kind: 'good' | 'revoked' | 'unknown';
      readonly source: 'ocsp' | 'crl';
      readonly url: string;
      readonly cached: boolean;
      readonly thisUpdate: Date;
      readonly nextUpdate?: Date | undefined;
      readonly revocationTime?: Date | undefined;
      readonly reason?: CrlReason | undefined;
    }
  | { readonly kind: 'none'; readonly reasons: readonly string[] };

const REASON_EN = (r: CrlReason | undefined): string => r ?? 'unspecified';

function verifyIssued(child: Certificate, issuer: Certificate): boolean {
  return verifyCertificateSignature(child, issuer);
}

/**
 * Makes a revocation checker. Keep one per application: its cache (OCSP answers by CertID, CRLs by
 * URL, each until its nextUpdate and re-checked for freshness at every use) and its in-flight
 * request sharing work across validations.
 *
 * OCSP (RFC 6960): a POST to each `http(s)` responder URL of the certificate's
 * authorityInfoAccess, with a 32-byte nonce; the response must be successful, signed by the
 * issuer or by a responder certificate it carries that the issuer signed with id-kp-OCSPSigning,
 * echo the nonce (see `ocspNonce`), answer for the certificate's CertID (SHA-1, SHA-256 or SM3),
 * have thisUpdate no later than now + skew, nextUpdate (if any) not passed and thisUpdate within
 * `ocspMaxAgeMs`. `unknown` counts as revoked.
 *
 * CRL (RFC 5280 §5): supplied CRLs, then each `http(s)` cRLDistributionPoints URL; a v2 CRL parsed
 * strictly, issued and signed by the certificate's issuer (cRLSign when keyUsage is present;
 * direct CRLs only, no delta CRLs), covering the certificate (issuingDistributionPoint), with
 * thisUpdate no later than now + skew and nextUpdate not passed.
 *
 * @throws {YizhengError} `INVALID_ARGUMENT` for bad options (the checker's `check` throws the
 *   path errors).
 *
 * @example
 * ```ts
 * const revocation = createRevocationChecker({ policy: 'prefer', providers: { bjca: 'require' } });
 * const result = await validateCertificatePath(leaf, { trustStore, revocation });
 * for (const w of result.warnings) log.warn(w.toJSON());
 * ```
 */
export function createRevocationChecker(options: RevocationOptions = {}): RevocationChecker {
  const s = settingsOf(options);
  const ocspCache = new LruCache<OcspSingleResponse & { readonly url: string }>(Math.max(s.cacheSize, 1));
  const crlCache = new LruCache<ParsedCrl>(Math.max(s.cacheSize, 1));
  const inflight = new Map<string, Promise<unknown>>();
  // Issuers (by SHA-256) whose key is known to have signed a CRL, so a cached or supplied CRL is
  // verified once per issuer rather than at every use.
  const verifiedBy = new WeakMap<ParsedCrl, Set<string>>();
  const crlProblem = (crl: ParsedCrl, issuer: Certificate): string | undefined => {
    if (verifiedBy.get(crl)?.has(issuer.sha256) === true) return undefined;
    const problem = crlUnusableReason(crl, issuer);
    if (problem === undefined) {
      const set = verifiedBy.get(crl) ?? new Set<string>();
      set.add(issuer.sha256);
      verifiedBy.set(crl, set);
    }
    return problem;
  };
  const supplied: ParsedCrl[] = (options.crls ?? []).map((input) => {
    try {
      return parseCrl(pemOrDer(input));
    } catch (e) {
      if (isYizhengError(e)) throw e;
      throw invalid(`a supplied CRL is malformed: ${e instanceof Error ? e.message : String(e)}`);
    }
  });

  const share = <T>(key: string, run: () => Promise<T>): Promise<T> => {
    const pending = inflight.get(key) as Promise<T> | undefined;
    if (pending !== undefined) return pending;
    const p = run().finally(() => inflight.delete(key));
    inflight.set(key, p);
    return p;
  };

  const download = async (url: string, init: RequestInit, limit: number): Promise<Downloaded> => {
    const fetchFn = s.fetch;
    if (fetchFn === undefined) throw new Error('no fetch function available');
    const signal = AbortSignal.timeout(s.timeoutMs);
    try {
      let current = new URL(url);
      for (let redirects = 0; ; redirects++) {
        const response = await abortable(fetchFn(current.href, { ...init, redirect: 'manual', signal }), signal);
        if (response.type === 'opaqueredirect') throw new Error('redirect not followed (its target is hidden from this fetch)');
        if (REDIRECTS.has(response.status)) {
          discard(response);
          const location = response.headers.get('location');
          if (location === null) throw new Error(`HTTP ${response.status} without a Location`);
          if (redirects >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
          const next = new URL(location, current);
          if (next.protocol !== current.protocol) throw new Error(`redirect from ${current.protocol} to ${next.protocol} refused`);
          if (init.method !== 'GET' && response.status !== 307 && response.status !== 308) {
            throw new Error(`HTTP ${response.status} redirect of a ${init.method ?? 'request'} not followed`);
          }
          current = next;
          continue;
        }
        if (!response.ok) {
          discard(response);
          throw new Error(`HTTP ${response.status}`);
        }
        const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
        return { body: await readBody(response, limit, signal), type };
      }
    } catch (e) {
      if (signal.aborted) throw new Error(`timeout: no answer within ${s.timeoutMs} ms`);
      throw e;
    }
  };

  async function viaOcsp(cert: Certificate, issuer: Certificate, at: Date, reasons: string[]): Promise<Answer | undefined> {
    const urls = cert.ocspUrls.filter(httpUrl);
    if (urls.length === 0) {
      reasons.push('no OCSP responder URL in the certificate');
      return undefined;
    }
    const id = certIdOf(cert, issuer, s.certIdHash);
    const key = certIdKey(id);
    if (s.cacheSize > 0) {
      const hit = ocspCache.get(key);
      if (hit !== undefined && ocspFreshnessProblem(hit, at, s.skewMs, s.ocspMaxAgeMs) === undefined) {
        return { kind: hit.status, source: 'ocsp', url: hit.url, cached: true, thisUpdate: hit.thisUpdate, nextUpdate: hit.nextUpdate, revocationTime: hit.revocationTime, reason: hit.reason };
      }
    }
    for (const url of urls) {
      try {
        const nonce = s.nonce === 'off' ? undefined : newNonce();
        const body = buildOcspRequest(id, nonce);
        const answer = await download(url, { method: 'POST', headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' }, body }, s.maxOcspBytes);
        const outcome = evaluateOcspResponse(parseDownloaded(answer, 'application/ocsp-response', parseOcspResponse), cert, issuer, {
          at,
          nonce,
          requireNonce: s.nonce === 'require',
          clockSkewMs: s.skewMs,
          maxAgeMs: s.ocspMaxAgeMs,
          verifyIssued,
        });
        if (!outcome.ok) {
          reasons.push(`OCSP ${url}: ${outcome.reason}`);
          continue;
        }
        const single = outcome.single;
        if (s.cacheSize > 0) ocspCache.set(key, { ...single, url });
        return { kind: single.status, source: 'ocsp', url, cached: false, thisUpdate: single.thisUpdate, nextUpdate: single.nextUpdate, revocationTime: single.revocationTime, reason: single.reason };
      } catch (e) {
        reasons.push(`OCSP ${url}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return undefined;
  }

  const fromCrl = (crl: ParsedCrl, cert: Certificate, url: string, cached: boolean): Answer => {
    const entry = crl.revoked.get(cert.serialNumber);
    const revoked = entry !== undefined && entry.reason !== 'removeFromCRL';
    return {
      kind: revoked ? 'revoked' : 'good',
      source: 'crl',
      url,
      cached,
      thisUpdate: crl.thisUpdate,
      nextUpdate: crl.nextUpdate,
      revocationTime: entry?.revocationDate,
      reason: entry?.reason,
    };
  };

  async function viaCrl(cert: Certificate, issuer: Certificate, at: Date, reasons: string[]): Promise<Answer | undefined> {
    const usable = (crl: ParsedCrl): string | undefined =>
      crlProblem(crl, issuer) ?? crlScopeProblem(crl, cert) ?? crlFreshnessProblem(crl, at, s.skewMs, s.crlMaxAgeMs);
    for (const crl of supplied) {
      if (!crl.issuer.equals(issuer.subject)) continue;
      const problem = usable(crl);
      if (problem === undefined) return fromCrl(crl, cert, 'supplied', false);
      reasons.push(`supplied CRL: ${problem}`);
    }
    const urls = cert.crlDistributionPoints.filter(httpUrl);
    if (urls.length === 0) {
      reasons.push('no HTTP CRL distribution point in the certificate');
      return undefined;
    }
    for (const url of urls) {
      if (s.cacheSize > 0) {
        const hit = crlCache.get(url);
        if (hit !== undefined && hit.issuer.equals(issuer.subject) && usable(hit) === undefined) return fromCrl(hit, cert, url, true);
      }
      try {
        const crl = await share(`crl:${url}`, async () => parseDownloaded(await download(url, { method: 'GET' }, s.maxCrlBytes), 'application/pkix-crl', parseCrl));
        const problem = usable(crl);
        if (problem !== undefined) {
          reasons.push(`CRL ${url}: ${problem}`);
          continue;
        }
        if (s.cacheSize > 0) crlCache.set(url, crl);
        return fromCrl(crl, cert, url, false);
      } catch (e) {
        reasons.push(`CRL ${url}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return undefined;
  }

  async function answerFor(cert: Certificate, issuer: Certificate, at: Date): Promise<Answer> {
    const reasons: string[] = [];
    for (const method of s.methods) {
      const a = method === 'ocsp' ? await viaOcsp(cert, issuer, at, reasons) : await viaCrl(cert, issuer, at, reasons);
      if (a !== undefined) return a;
    }
    return { kind: 'none', reasons };
  }

  const checker: RevocationChecker & { readonly [BRAND]: true } = {
    [BRAND]: true,
    clearCache(): void {
      ocspCache.clear();
      crlCache.clear();
    },
    async check(path: readonly Certificate[], context: RevocationContext): Promise<RevocationReport> {
      const provider = context.provider;
      const policy = (provider !== undefined ? s.providers[provider] : undefined) ?? s.policy;
      const last = s.checkIntermediates ? path.length - 1 : Math.min(1, path.length - 1);
      const targets: Array<{ cert: Certificate; issuer: Certificate; position: number }> = [];
      for (let i = 0; i < last; i++) {
        const cert = path[i];
        const issuer = path[i + 1];
        if (cert !== undefined && issuer !== undefined) targets.push({ cert, issuer, position: i });
      }
      if (policy === 'off') {
        return { statuses: targets.map((t) => ({ position: t.position, certificate: t.cert, status: 'not-checked' as const })), warnings: [] };
      }
      const answers = await Promise.all(targets.map((t) => answerFor(t.cert, t.issuer, context.at)));
      // A revoked certificate anywhere in the path outweighs a missing answer elsewhere.
      for (let k = 0; k < targets.length; k++) {
        const t = targets[k];
        const a = answers[k];
        if (t === undefined || a === undefined || (a.kind !== 'revoked' && a.kind !== 'unknown')) continue;
        const unknown = a.kind === 'unknown';
        const zhReason = unknown ? 'OCSP 状态未知（按已作废处理）' : a.reason === undefined ? '未说明原因' : CRL_REASON_ZH[a.reason];
        const enReason = unknown ? 'OCSP status unknown (treated as revoked)' : REASON_EN(a.reason);
        throw pathError(
          'CERT_REVOKED',
          t.cert,
          t.position,
          { zh: zhReason, en: enReason },
          {
            revocationTime: a.revocationTime?.toISOString() ?? '-',
            revocationReason: zhReason,
            revocationReasonEn: enReason,
            crlReason: a.reason,
            source: a.source,
            url: a.url,
          },
        );
      }
      const statuses: RevocationStatus[] = [];
      const warnings: YizhengError[] = [];
      for (let k = 0; k < targets.length; k++) {
        const t = targets[k];
        const a = answers[k];
        if (t === undefined || a === undefined) continue;
        if (a.kind === 'good') {
          statuses.push({ position: t.position, certificate: t.cert, status: 'good', source: a.source, url: a.url, cached: a.cached, thisUpdate: a.thisUpdate, nextUpdate: a.nextUpdate });
          continue;
        }
        if (a.kind !== 'none') continue;
        const reasonEn = a.reasons.join('; ') || 'no revocation source';
        const error = pathError(
          'REVOCATION_UNAVAILABLE',
          t.cert,
          t.position,
          { zh: '无法从CA的 OCSP 服务或证书作废列表（CRL）获得该证书的状态', en: reasonEn },
          { policy, attempts: a.reasons },
        );
        if (policy === 'require') throw error;
        warnings.push(error);
        statuses.push({ position: t.position, certificate: t.cert, status: 'unavailable', reason: reasonEn });
      }
      return { statuses, warnings };
    },
  };
  return Object.freeze(checker);
}
