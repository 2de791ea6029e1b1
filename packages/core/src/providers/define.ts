/**
 * Load-time checks for provider plugins: a provider with a typo (an unknown signature format, an
 * SM2 user id too long for ENTL, an anchor that is not a CA) fails when the platform starts, not in
 * front of a user.
 */
import { Certificate, parseCertificates } from '../cert/index';
import { YizhengError } from '../errors/index';
import type {
  CaProvider,
  ClientSignatureFormat,
  ProviderIdentity,
  ProviderTrust,
  Recognition,
  SignatureConventions,
} from './contract';
import { defineProviderInfo, type ProviderInfo } from './info';
import { checkRecognitionProfile, recognizeByProfile, type RecognitionProfile } from './recognition';
import { extractIdentityWith, type IdentityStrategy } from './strategies';

const FORMATS: ReadonlySet<string> = new Set<ClientSignatureFormat>(['der', 'raw', 'skf', 'cms']);
const SIGNED_DATA: ReadonlySet<string> = new Set(['utf8', 'base64-decoded']);
const POLICIES: ReadonlySet<string> = new Set(['require', 'prefer', 'off']);
/** The lowest `trust.minRsaBits` a provider may declare (RSA-1024, for legacy CAs). */
const MIN_RSA_BITS_FLOOR = 1024;
/** ENTL is the user id's length in bits in two bytes: at most 8191 bytes. */
const MAX_SM2_USER_ID_BYTES = 8191;

function invalid(id: string, reason: string): YizhengError {
  return new YizhengError('INVALID_ARGUMENT', { reason: `provider ${id}: ${reason}` });
}

/**
 * Checks signature conventions.
 *
 * @throws {YizhengError} `INVALID_ARGUMENT`.
 */
function checkSignature(id: string, s: SignatureConventions): SignatureConventions {
  if (typeof s !== 'object' || s === null) throw invalid(id, 'signature must be an object');
  if (s.sm2UserId !== undefined) {
    if (typeof s.sm2UserId !== 'string' || s.sm2UserId === '') throw invalid(id, 'sm2UserId must be a non-empty string');
    if (new TextEncoder().encode(s.sm2UserId).length > MAX_SM2_USER_ID_BYTES) throw invalid(id, `sm2UserId is longer than ${MAX_SM2_USER_ID_BYTES} bytes`);
  }
  if (s.formats !== undefined) {
    if (!Array.isArray(s.formats) || s.formats.length === 0) throw invalid(id, 'signature formats must be a non-empty list');
    for (const f of s.formats) if (!FORMATS.has(f)) throw invalid(id, `unknown signature format "${String(f)}" (der, raw, skf, cms)`);
    if (new Set(s.formats).size !== s.formats.length) throw invalid(id, 'signature formats are listed twice');
  }
  if (s.signedData !== undefined && !SIGNED_DATA.has(s.signedData)) throw invalid(id, `unknown signedData "${String(s.signedData)}" (utf8, base64-decoded)`);
  return Object.freeze({
    ...(s.sm2UserId !== undefined && { sm2UserId: s.sm2UserId }),
    ...(s.formats !== undefined && { formats: Object.freeze([...s.formats]) }),
    ...(s.signedData !== undefined && { signedData: s.signedData }),
  });
}

const DOTTED_OID = /^[0-2](\.(0|[1-9]\d{0,9})){1,30}$/;

/**
 * Checks the extendedKeyUsage OIDs a provider accepts for login.
 *
 * @throws {YizhengError} `INVALID_ARGUMENT`.
 */
function checkKeyPurposes(id: string, purposes: readonly string[]): readonly string[] {
  if (!Array.isArray(purposes)) throw invalid(id, 'loginKeyPurposes must be a list of OIDs');
  for (const p of purposes) if (typeof p !== 'string' || !DOTTED_OID.test(p)) throw invalid(id, `loginKeyPurposes: "${String(p)}" is not a dotted OID`);
  return Object.freeze([...purposes]);
}

/**
 * Checks the trust hook; anchors are parsed now and must be CA certificates.
 *
 * @throws {YizhengError} `INVALID_ARGUMENT`, or `CERT_MALFORMED` for an anchor that does not parse.
 */
function checkTrust(id: string, t: ProviderTrust): ProviderTrust {
  if (typeof t !== 'object' || t === null) throw invalid(id, 'trust must be an object');
  if (t.revocation !== undefined && !POLICIES.has(t.revocation)) throw invalid(id, `unknown revocation policy "${String(t.revocation)}"`);
  if (t.minRsaBits !== undefined && (!Number.isSafeInteger(t.minRsaBits) || t.minRsaBits < MIN_RSA_BITS_FLOOR)) {
    throw invalid(id, `minRsaBits must be an integer of at least ${MIN_RSA_BITS_FLOOR}`);
  }
  let anchors: Certificate[] | undefined;
  if (t.anchors !== undefined) {
    if (!Array.isArray(t.anchors)) throw invalid(id, 'trust anchors must be a list');
    anchors = t.anchors.flatMap((a) => (a instanceof Certificate ? [a] : parseCertificates(a)));
    for (const a of anchors) {
      if (a.version === 3 && a.basicConstraints?.ca !== true) throw invalid(id, `trust anchor ${a.subject.toString()} is not a CA certificate`);
    }
  }
  return Object.freeze({
    ...(anchors !== undefined && { anchors: Object.freeze(anchors) }),
    ...(t.revocation !== undefined && { revocation: t.revocation }),
    ...(t.minRsaBits !== undefined && { minRsaBits: t.minRsaBits }),
  });
}

/**
 * Checks and freezes a provider plugin at load time: its info (see {@link defineProviderInfo}),
 * that `recognize` and `extractIdentity` are functions, its signature conventions (formats among
 * `der`, `raw`, `skf`, `cms`; an SM2 user id of 1 to 8191 bytes), its trust hook (a known revocation
 * policy; anchors that parse and are CA certificates; a `minRsaBits` of at least 1024) and the factory slots. Recognition results are
 * kept within the contract: a confidence outside (0, 1] or a non-number becomes `null` or is clamped.
 *
 * @throws {YizhengError} `INVALID_ARGUMENT` naming the provider and the problem; `CERT_MALFORMED`
 *   for an anchor that does not parse.
 *
 * @example
 * ```ts
 * export const gdcaProvider = defineProvider({
 *   info: { id: 'gdca', names: { 'zh-CN': '数安时代 (GDCA)', en: 'GDCA' }, aliases: ['GDCA'], support: [] },
 *   recognize: (c) => (c.issuer.organization === 'GDCA' ? { confidence: 0.8, evidence: ['issuer O = GDCA'] } : null),
 *   extractIdentity: (c) => extractIdentityWith(c, [gmt0015Strategy(), subjectNameStrategy()]),
 *   signature: { formats: ['der'] },
 * });
 * ```
 */
export function defineProvider(provider: CaProvider): CaProvider {
  if (typeof provider !== 'object' || provider === null) throw new YizhengError('INVALID_ARGUMENT', { reason: 'a provider must be an object' });
  const info: ProviderInfo = defineProviderInfo(provider.info);
  const id = info.id;
  if (typeof provider.recognize !== 'function') throw invalid(id, 'recognize must be a function');
  if (typeof provider.extractIdentity !== 'function') throw invalid(id, 'extractIdentity must be a function');
  if (provider.browserDriver !== undefined && typeof provider.browserDriver !== 'function') throw invalid(id, 'browserDriver must be a factory function');
  if (provider.serviceClient !== undefined && typeof provider.serviceClient !== 'function') throw invalid(id, 'serviceClient must be a factory function');
  const signature = provider.signature !== undefined ? checkSignature(id, provider.signature) : undefined;
  const loginKeyPurposes = provider.loginKeyPurposes !== undefined ? checkKeyPurposes(id, provider.loginKeyPurposes) : undefined;
  const trust = provider.trust !== undefined ? checkTrust(id, provider.trust) : undefined;
  const recognize = provider.recognize.bind(provider);
  const extractIdentity = provider.extractIdentity.bind(provider);
  const defined: CaProvider = {
    info,
    recognize(certificate: Certificate): Recognition | null {
      const r = recognize(certificate);
      if (r === null || typeof r !== 'object' || typeof r.confidence !== 'number' || !(r.confidence > 0)) return null;
      const evidence = Array.isArray(r.evidence) ? r.evidence.filter((e): e is string => typeof e === 'string') : [];
      return Object.freeze({ confidence: Math.min(1, r.confidence), evidence: Object.freeze(evidence) });
    },
    extractIdentity(certificate: Certificate): ProviderIdentity {
      return extractIdentity(certificate);
    },
    ...(signature !== undefined && { signature }),
    ...(trust !== undefined && { trust }),
    ...(loginKeyPurposes !== undefined && { loginKeyPurposes }),
    ...(provider.browserDriver !== undefined && { browserDriver: provider.browserDriver.bind(provider) }),
    ...(provider.serviceClient !== undefined && { serviceClient: provider.serviceClient.bind(provider) }),
  };
  return Object.freeze(defined);
}

/** What {@link createProfileProvider} builds a provider from: data, not code. */
export interface ProviderProfile {
  /** Names, aliases and support contacts. */
  readonly info: ProviderInfo;
  /** How its certificates are recognised. */
  readonly recognition: RecognitionProfile;
  /** Where its identity lives, in order (see {@link extractIdentityWith}). */
  readonly identity: readonly IdentityStrategy[];
  /** Signature conventions of its client. */
  readonly signature?: SignatureConventions;
  /** Trust anchors and revocation policy. */
  readonly trust?: ProviderTrust;
  /** extendedKeyUsage OIDs accepted for login besides clientAuth (see {@link CaProvider.loginKeyPurposes}). */
  readonly loginKeyPurposes?: readonly string[];
}

/**
 * Builds a provider from a declarative profile: recognition by {@link recognizeByProfile}, identity
 * by {@link extractIdentityWith} over the ordered strategies, checked by {@link defineProvider}.
 *
 * @throws {YizhengError} `INVALID_ARGUMENT` for a bad rule, strategy or convention.
 */
export function createProfileProvider(profile: ProviderProfile): CaProvider {
  checkRecognitionProfile(profile.recognition);
  if (!Array.isArray(profile.identity) || profile.identity.some((s) => typeof s?.find !== 'function')) {
    throw new YizhengError('INVALID_ARGUMENT', { reason: `provider ${profile.info.id}: identity must be a list of strategies` });
  }
  const recognition = profile.recognition;
  const strategies = Object.freeze([...profile.identity]);
  return defineProvider({
    info: profile.info,
    recognize: (certificate) => recognizeByProfile(certificate, recognition),
    extractIdentity: (certificate) => extractIdentityWith(certificate, strategies),
    ...(profile.signature !== undefined && { signature: profile.signature }),
    ...(profile.trust !== undefined && { trust: profile.trust }),
    ...(profile.loginKeyPurposes !== undefined && { loginKeyPurposes: profile.loginKeyPurposes }),
  });
}
