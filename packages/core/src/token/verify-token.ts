/**
 * The checks a login and a binding share, in the order of the login guide's table. Each step fails with
 * its own code; the challenge is consumed first, so any failure burns it.
 */
import { oidName, parseCertificate, type Certificate } from '../cert/index';
import { assertSignature } from '../crypto/index';
import { withCertificateCaches } from '../cert/parse';
import { withSm2Tables } from '../crypto/sm2';
import { isYizhengError, YizhengError } from '../errors/index';
import { assessExpiry, describeExpiry, type ExpiryAssessment } from '../expiry/index';
import { maskPersonalId } from '../identity/index';
import { identityKeyParts } from '../identity/key';
import type { CaProvider, IdentityConflict, ProviderIdentity, ProviderMatch } from '../providers/index';
import { pathError } from '../trust/failure';
import type { ChallengePurpose, PendingChallenge } from '../stores/index';
import { consumeChallenge, formatChallengeText } from '../challenge/challenge';
import { resolveIdentity } from '../identity/cache';
import type { LoginWarning, YizhengContext } from '../context/context';
import { parseLoginToken } from './parse';
import { clockOf, clockSkewOf } from '../context/defaults';

/** The request a token answers: the platform's own session and configured origin. */
export interface TokenRequest {
  /** The platform's session id. */
  readonly sessionId: string;
  /** The origin the platform serves the page from (configuration, not a request header). */
  readonly origin: string;
}

/** A token that passed every shared check. */
export interface VerifiedToken {
  /** The challenge it answered (already consumed). */
  readonly challenge: PendingChallenge;
  /** The signing certificate. */
  readonly certificate: Certificate;
  /** The provider that issued it. */
  readonly provider: ProviderMatch;
  /** Who it speaks for. */
  readonly identity: ProviderIdentity;
  /** The stable binding key, or why none could be derived (`IDENTITY_NOT_FOUND`). */
  readonly identityKey: string | Error;
  /** The key prefix shared by every holder of the same company at the same issuing CA. */
  readonly companyPrefix?: string;
  /** The key Yizheng 0.x bound this certificate under, when it differs from the current one. */
  readonly legacyKey?: string;
  /** Its validity at the time of the check. */
  readonly expiry: ExpiryAssessment;
  /** What the page should still tell the user. */
  readonly warnings: LoginWarning[];
  /**
   * The encryption certificate the token carried, checked to be the signing certificate's partner
   * (see {@link assertEncryptionPartner}); absent when the token carried none.
   */
  readonly encryptionCertificate?: Certificate;
}

/** A not-yet-valid certificate whose chain and signature were verified, as {@link VerifyTokenOptions.explainNotYetValid} sees it. */
export interface NotYetValidToken {
  /** The signing certificate, not valid yet. */
  readonly certificate: Certificate;
  /** Its binding key. */
  readonly identityKey: string;
}

/** What a caller of {@link verifyToken} may add. */
export interface VerifyTokenOptions {
  /**
   * Asked when the signing certificate is not valid yet, only after its chain (at its own start
   * time) and its signature over the challenge were verified, so that the answer, which may reveal
   * whether a binding exists, is only given to the key's holder. Resolves to the `details.reason` the
   * `CERT_NOT_YET_VALID` error should carry, or `undefined`. The error is thrown either way.
   */
  readonly explainNotYetValid?: (token: NotYetValidToken) => Promise<'renewed-not-yet-valid' | undefined>;
}


/** keyUsage bits that make a signing certificate (Chinese keys hold a separate encryption certificate). */
function isSigningCertificate(certificate: Certificate): boolean {
  return certificate.purpose === 'signing' || certificate.purpose === 'both';
}

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

/**
 * When extendedKeyUsage is present it must allow client authentication, or a usage the provider
 * declares for its signing certificates: a TLS server certificate (serverAuth only) is no login key.
 */
function assertLoginKeyPurpose(certificate: Certificate, provider: CaProvider): void {
  const eku = certificate.extKeyUsage;
  if (eku === undefined) return;
  const allowed = provider.loginKeyPurposes ?? [];
  if (eku.some((oid) => oid === CLIENT_AUTH || oid === ANY_EXTENDED_KEY_USAGE || allowed.includes(oid))) return;
  const names = eku.map((oid) => oidName(oid) ?? oid).join(', ');
  throw new YizhengError('CERT_WRONG_PURPOSE', {
    reason: 'extended-key-usage',
    purpose: certificate.purpose,
    extKeyUsage: names === '' ? '-' : names,
    serialNumber: certificate.serialNumber,
  });
}

/** Throws `ENTERPRISE_CODE_CONFLICT` when places the CA vouches for name different codes. */
function assertNoConflict(identity: ProviderIdentity, provider: CaProvider): void {
  const conflicts = identity.conflicts;
  if (conflicts === undefined || conflicts.length === 0) return;
  const hotline = provider.info.support.map((s) => s.phone).filter((p) => p.trim() !== '');
  // ID numbers are personal data: the error (and every log it reaches) shows them masked.
  const shown = (c: IdentityConflict): string[] => (c.field === 'personalId' ? c.values.map(maskPersonalId) : [...c.values]);
  throw new YizhengError('ENTERPRISE_CODE_CONFLICT', {
    provider: provider.info.id,
    codes: conflicts.map((c) => shown(c).join(' / ')).join('; '),
    sources: [...new Set(conflicts.flatMap((c) => c.sources))].join(', '),
    fields: conflicts.map((c) => c.field),
    caName: provider.info.names['zh-CN'],
    caNameEn: provider.info.names.en,
    hotline: hotline.length > 0 ? hotline.join(' / ') : '-',
  });
}

/**
 * The `details.reason` for a not-yet-valid certificate, asked of `explain` only once the certificate
 * chains to the provider's anchors at its own start time and its signature over the challenge holds;
 * `undefined` when either fails (the plain `CERT_NOT_YET_VALID` is thrown then, as before).
 */
async function explainNotYetValid(
  explain: NonNullable<VerifyTokenOptions['explainNotYetValid']>,
  certificate: Certificate,
  provider: CaProvider,
  context: YizhengContext,
  checkSignature: () => void,
): Promise<'renewed-not-yet-valid' | undefined> {
  try {
    await context.trust.validate(certificate, { provider, at: certificate.notBefore });
    checkSignature();
  } catch {
    return undefined;
  }
  const { identityKey } = resolveIdentity(provider, certificate);
  if (typeof identityKey !== 'string') return undefined;
  return explain({ certificate, identityKey });
}

/** What {@link assertEncryptionPartner} compares the encryption certificate with. */
export interface EncryptionPartnerCheck {
  /** The verified signing certificate. */
  readonly certificate: Certificate;
  /** The provider's identity for it. */
  readonly identity: ProviderIdentity;
  /** The provider that issued it. */
  readonly provider: CaProvider;
  /** The time of the check. */
  readonly now: Date;
  /** Trust, clock skew. */
  readonly context: YizhengContext;
}

function encryptionMismatch(
  encryption: Certificate,
  mismatch: 'issuer' | 'holder' | 'key-usage' | 'not-yet-valid' | 'expired',
  cause?: unknown,
): YizhengError {
  return new YizhengError(
    'CERT_WRONG_PURPOSE',
    { reason: 'encryption-certificate-mismatch', purpose: encryption.purpose, serialNumber: encryption.serialNumber, mismatch },
    cause === undefined ? {} : { cause },
  );
}

const sameText = (a: string, b: string): boolean => a.normalize('NFC') === b.normalize('NFC');

/**
 * Checks that a token's encryption certificate (加密证书) is the signing certificate's partner on the
 * same key (双证书), and resolves to the warnings of its trust validation. A binding keeps its facts and
 * bids may be sealed to it, so nobody may attach someone else's (encryption certificates are public):
 *
 * - keyUsage allows keyEncipherment or dataEncipherment;
 * - the same issuer name and the same issuing CA key (AKI) as the signing certificate, and it chains
 *   to the provider's anchors, not revoked (a copied issuer name alone proves nothing);
 * - valid now (with the context's clock skew);
 * - the same holder: the provider's identity for it gives the same company part of the binding key,
 *   and the same vouched personal ID number when both certificates carry one, else (the holder part of
 *   an encryption certificate without a vouched ID number is its own key, never equal to the signing
 *   key's) exactly the same subject DN. Two holders of one company whose certificates have the same
 *   subject DN and no vouched ID number cannot be told apart by their certificates: a CA that issues
 *   such certificates leaves that to the platform (the holder never proves possession of the
 *   encryption key here).
 *
 * @throws {YizhengError} `CERT_WRONG_PURPOSE` with `reason: 'encryption-certificate-mismatch'` and
 *   `mismatch` naming the failed check; `CERT_REVOKED` or `REVOCATION_UNAVAILABLE` as the trust
 *   policy decides for it.
 */
export async function assertEncryptionPartner(encryption: Certificate, check: EncryptionPartnerCheck): Promise<readonly LoginWarning[]> {
  const { certificate, provider, context } = check;
  const usage = encryption.keyUsage ?? [];
  if (!usage.includes('keyEncipherment') && !usage.includes('dataEncipherment')) throw encryptionMismatch(encryption, 'key-usage');
  if (!sameText(encryption.issuer.toString(), certificate.issuer.toString())
    || encryption.authorityKeyIdentifier !== certificate.authorityKeyIdentifier) {
    throw encryptionMismatch(encryption, 'issuer');
  }
  const expiry = assessExpiry(encryption, { now: check.now, clockSkewMs: clockSkewOf(context) });
  if (expiry.state === 'not-yet-valid' || expiry.state === 'expired') throw encryptionMismatch(encryption, expiry.state);
  let same = false;
  try {
    const signing = identityKeyParts(provider.info.id, check.identity, certificate);
    const encrypting = identityKeyParts(provider.info.id, provider.extractIdentity(encryption), encryption);
    const bothVouched = signing.holder.startsWith('pid:') && encrypting.holder.startsWith('pid:');
    same = signing.issuingCa === encrypting.issuingCa && signing.company === encrypting.company
      && (bothVouched ? signing.holder === encrypting.holder : sameText(encryption.subject.toString(), certificate.subject.toString()));
  } catch {
    same = false;
  }
  if (!same) throw encryptionMismatch(encryption, 'holder');
  try {
    return (await context.trust.validate(encryption, { provider, at: check.now })).warnings;
  } catch (err) {
    if (isYizhengError(err, 'CERT_UNTRUSTED')) throw encryptionMismatch(encryption, 'issuer', err);
    throw err;
  }
}

/** The PROVIDER_FALLBACK warning, made once per recognised certificate (the match is remembered per certificate). */
const fallbackWarnings = new WeakMap<ProviderMatch, LoginWarning>();
function fallbackWarning(provider: ProviderMatch, certificate: Certificate): LoginWarning {
  const known = fallbackWarnings.get(provider);
  if (known) return known;
  const ca = provider.directoryEntry?.info.names;
  // Shared by every login of the certificate: frozen all the way down.
  const warning: LoginWarning = Object.freeze({
    code: 'PROVIDER_FALLBACK',
    message: Object.freeze(ca
      ? {
          'zh-CN': `证书由${ca['zh-CN']}签发（按签发者名称判断），平台未配置该CA的专用插件，已按通用规则（GM/T 0015）读取主体信息。`,
          en: `The certificate was issued by ${ca.en} (judged by the issuer's name); with no provider configured for that CA, subject data was read by the generic GM/T 0015 rules.`,
        }
      : {
          'zh-CN': '未识别证书的CA机构，已按通用规则（GM/T 0015）读取主体信息。',
          en: "The certificate's CA was not recognised; subject data was read by the generic GM/T 0015 rules.",
        }),
    details: Object.freeze({ issuer: certificate.issuer.toString(), ...(provider.directoryEntry && { ca: provider.directoryEntry.info.id }) }),
  });
  fallbackWarnings.set(provider, warning);
  return warning;
}

/**
 * Runs the shared checks for `purpose` and returns what they established.
 *
 * @throws {YizhengError} any code of the shared checks (see `verifyLogin`); `CERT_WRONG_PURPOSE`
 *   with `reason: 'encryption-certificate-mismatch'` for an encryption certificate that is not the
 *   signing certificate's partner (see {@link assertEncryptionPartner}).
 */
export async function verifyToken(
  rawToken: unknown,
  request: TokenRequest,
  purpose: ChallengePurpose,
  context: YizhengContext,
  options: VerifyTokenOptions = {},
): Promise<VerifiedToken> {
  const clock = clockOf(context);
  // 1. Consume the session's challenge before looking at the token: a failed attempt burns it.
  const challenge = await consumeChallenge(request.sessionId, purpose, request.origin, {
    stores: context.stores,
    clock,
  });
  // 2. Size and shape.
  const token = parseLoginToken(rawToken);
  // 3. Certificate.
  const caches = context.caches;
  const certificate = caches ? withCertificateCaches(caches.certificates, () => parseCertificate(token.certificate)) : parseCertificate(token.certificate);
  // 4. Provider: the one the page named must recognise it; otherwise the registry decides.
  const provider = context.providers.identify(certificate, token.provider);
  const warnings: LoginWarning[] = [];
  if (provider.fallback) warnings.push(fallbackWarning(provider, certificate));
  // 5. Purpose: log in and bind with the signing certificate, never the encryption one.
  if (!isSigningCertificate(certificate)) {
    throw new YizhengError('CERT_WRONG_PURPOSE', { purpose: certificate.purpose, serialNumber: certificate.serialNumber });
  }
  assertLoginKeyPurpose(certificate, provider.provider);
  // 6. Validity now (with clock skew).
  const now = clock();
  const expiry = assessExpiry(certificate, {
    now,
    clockSkewMs: clockSkewOf(context),
    ...(context.expiryThresholds && { thresholds: context.expiryThresholds }),
  });
  // 9 (used early by a not-yet-valid certificate). Signature over the platform's own rebuilt text,
  // never over anything the token carries.
  const checkSignature = (): void => {
    const check = (): void =>
      assertSignature({
        certificate,
        data: formatChallengeText(challenge),
        signature: token.signature,
        format: token.signatureFormat,
        ...(provider.provider.signature?.sm2UserId !== undefined && { sm2UserId: provider.provider.signature.sm2UserId }),
      });
    if (caches) withSm2Tables(caches.sm2Tables, check);
    else check();
  };
  if (expiry.state === 'not-yet-valid') {
    const notBefore = certificate.notBefore.toISOString();
    const valid = { zh: `有效期从 ${notBefore} 开始`, en: `valid from ${notBefore}` };
    const reason = options.explainNotYetValid === undefined
      ? undefined
      : await explainNotYetValid(options.explainNotYetValid, certificate, provider.provider, context, checkSignature);
    throw pathError('CERT_NOT_YET_VALID', certificate, 0, valid, { notBefore, ...(reason !== undefined && { reason }) });
  }
  if (expiry.state === 'expired') {
    const notAfter = certificate.notAfter.toISOString();
    throw pathError('CERT_EXPIRED', certificate, 0, { zh: `有效期至 ${notAfter}`, en: `valid until ${notAfter}` }, { notAfter });
  }
  if (expiry.state === 'expiring') {
    warnings.push({ code: 'CERT_EXPIRING', message: describeExpiry(expiry), details: { daysLeft: expiry.daysLeft, level: expiry.level } });
  }
  // 7–8. Chain to the provider's anchors, then revocation per policy.
  const trust = await context.trust.validate(certificate, { provider: provider.provider, at: now });
  if (trust.warnings.length > 0) warnings.push(...trust.warnings);
  // 9. Signature over the platform's own rebuilt text, never over anything the token carries.
  checkSignature();
  // 10. Identity (and the binding key it gives), once per certificate and provider. Vouched places
  // that disagree about the company or the holder fail closed.
  const { identity, identityKey, companyPrefix, legacyKey } = resolveIdentity(provider.provider, certificate);
  assertNoConflict(identity, provider.provider);
  // 11. The encryption certificate, when the token carries one: the same holder's, from the same CA.
  let encryptionCertificate: Certificate | undefined;
  if (token.encryptionCertificate !== undefined && typeof identityKey === 'string') {
    const encPem = token.encryptionCertificate;
    encryptionCertificate = caches ? withCertificateCaches(caches.certificates, () => parseCertificate(encPem)) : parseCertificate(encPem);
    warnings.push(...(await assertEncryptionPartner(encryptionCertificate, { certificate, identity, provider: provider.provider, now, context })));
  }
  // Optional fields only when present (built in place: every login returns one).
  const verified: { -readonly [K in keyof VerifiedToken]: VerifiedToken[K] } = { challenge, certificate, provider, identity, identityKey, expiry, warnings };
  if (companyPrefix !== undefined) verified.companyPrefix = companyPrefix;
  if (legacyKey !== undefined) verified.legacyKey = legacyKey;
  if (encryptionCertificate !== undefined) verified.encryptionCertificate = encryptionCertificate;
  return verified;
}
