/**
 * The checks a login and a binding share, in the order of the login guide's table. Each step fails with
 * its own code; the challenge is consumed first, so any failure burns it.
 */
import { oidName, parseCertificate, type Certificate } from '../cert/index';
import { assertSignature } from '../crypto/index';
import { withCertificateCaches } from '../cert/parse';
import { withSm2Tables } from '../crypto/sm2';
import { YizhengError } from '../errors/index';
import { assessExpiry, describeExpiry, type ExpiryAssessment } from '../expiry/index';
import { maskPersonalId } from '../identity/index';
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

/** Runs the shared checks for `purpose` and returns what they established. */
export async function verifyToken(
  rawToken: unknown,
  request: TokenRequest,
  purpose: ChallengePurpose,
  context: YizhengContext,
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
  if (provider.fallback) {
    const ca = provider.directoryEntry?.info.names;
    warnings.push({
      code: 'PROVIDER_FALLBACK',
      message: ca
        ? {
            'zh-CN': `证书由${ca['zh-CN']}签发（按签发者名称判断），平台未配置该CA的专用插件，已按通用规则（GM/T 0015）读取主体信息。`,
            en: `The certificate was issued by ${ca.en} (judged by the issuer's name); with no provider configured for that CA, subject data was read by the generic GM/T 0015 rules.`,
          }
        : {
            'zh-CN': '未识别证书的CA机构，已按通用规则（GM/T 0015）读取主体信息。',
            en: "The certificate's CA was not recognised; subject data was read by the generic GM/T 0015 rules.",
          },
      details: { issuer: certificate.issuer.toString(), ...(provider.directoryEntry && { ca: provider.directoryEntry.info.id }) },
    });
  }
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
  if (expiry.state === 'not-yet-valid') {
    const notBefore = certificate.notBefore.toISOString();
    throw pathError('CERT_NOT_YET_VALID', certificate, 0, { zh: `有效期从 ${notBefore} 开始`, en: `valid from ${notBefore}` }, { notBefore });
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
  warnings.push(...trust.warnings);
  // 9. Signature over the platform's own rebuilt text, never over anything the token carries.
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
  // 10. Identity (and the binding key it gives), once per certificate and provider. Vouched places
  // that disagree about the company or the holder fail closed.
  const { identity, identityKey, companyPrefix, legacyKey } = resolveIdentity(provider.provider, certificate);
  assertNoConflict(identity, provider.provider);
  return {
    challenge, certificate, provider, identity, identityKey, expiry, warnings,
    ...(companyPrefix !== undefined && { companyPrefix }),
    ...(legacyKey !== undefined && { legacyKey }),
  };
}
