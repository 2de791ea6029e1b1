/**
 * CA login (CA登录): how the platform decides, top to bottom. The shared checks (challenge, token,
 * certificate, provider, purpose, validity, trust, revocation, signature, identity) run in
 * {@link verifyToken}; this file adds the binding lookup and keeps the stored certificate facts fresh.
 */
import type { Certificate } from '../cert/index';
import { YizhengError } from '../errors/index';
import type { ExpiryAssessment } from '../expiry/index';
import type { ProviderIdentity } from '../providers/index';
import type { Binding, CertificateFacts } from '../stores/index';
import type { LoginWarning, YizhengContext } from './context';
import { verifyToken, type TokenRequest } from './verify-token';

/** A successful CA login. Authorisation is a separate call: {@link authorize}. */
export interface LoginResult {
  /** How the session authenticated: always `certificate` here (a password login is a {@link PasswordSession}). */
  readonly method: 'certificate';
  /** The account the certificate is bound to. */
  readonly account: { readonly id: string; readonly organizationId: string };
  /** The binding, with refreshed certificate facts. */
  readonly binding: Binding;
  /** The certificate that signed. */
  readonly certificate: Certificate;
  /** Who it speaks for. */
  readonly identity: ProviderIdentity;
  /** The provider that issued it. */
  readonly providerId: string;
  /** Its validity now: an expiring certificate logs in, with a warning (seed 001). */
  readonly expiry: ExpiryAssessment;
  /** What the page should show although login succeeded. */
  readonly warnings: readonly LoginWarning[];
}

/** The facts a binding keeps about its certificate. */
export function certificateFacts(certificate: Certificate): CertificateFacts {
  return {
    serialNumber: certificate.serialNumber,
    sha256: certificate.sha256,
    subjectDn: certificate.subject.toString(),
    issuerDn: certificate.issuer.toString(),
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
  };
}

/** The binding of an identity in the current scope, then in the scopes this platform accepts. */
export async function findBinding(identityKey: string, context: YizhengContext): Promise<Binding | null> {
  const scopes = [context.scopes?.current ?? 'default', ...(context.scopes?.accepted ?? [])];
  for (const scope of scopes) {
    const binding = await context.stores.bindings.findByIdentity(scope, identityKey);
    if (binding) return binding;
  }
  return null;
}

/**
 * Verifies a CA login token against the session's pending `login` challenge and returns who logged
 * in. Every failure is a {@link YizhengError} with its own code (`CHALLENGE_NOT_FOUND`,
 * `CHALLENGE_EXPIRED`, `TOKEN_MALFORMED`, `CERT_MALFORMED`, `PROVIDER_UNKNOWN`, `CERT_WRONG_PURPOSE`,
 * `CERT_NOT_YET_VALID`, `CERT_EXPIRED`, `CERT_UNTRUSTED`, `CERT_REVOKED`, `REVOCATION_UNAVAILABLE`,
 * `SIGNATURE_MALFORMED`, `SIGNATURE_INVALID`, `IDENTITY_NOT_FOUND`, `NOT_BOUND`, `CERT_SUPERSEDED`).
 *
 * On success the stored certificate facts are refreshed from the presented certificate (seed 000
 * FAQ 8); a renewed certificate (same provider and identity, issued after the bound one) continues its
 * binding and the audit log records the old and the new serial. An older certificate, or one issued
 * alongside the bound one, fails with `CERT_SUPERSEDED`.
 */
export async function verifyLogin(token: unknown, request: TokenRequest, context: YizhengContext): Promise<LoginResult> {
  const verified = await verifyToken(token, request, 'login', context);
  const { certificate, identity } = verified;
  const providerId = verified.provider.provider.info.id;
  if (verified.identityKey instanceof Error) throw verified.identityKey;
  const binding = await findBinding(verified.identityKey, context);
  if (!binding) {
    // What the page needs to offer binding: who the certificate is, not which accounts exist.
    throw new YizhengError('NOT_BOUND', {
      provider: providerId,
      entityName: identity.entityName ?? null,
      serialNumber: certificate.serialNumber,
    });
  }
  const stored = binding.certificate;
  if (stored.sha256 !== certificate.sha256 && certificate.notBefore.getTime() <= stored.notBefore.getTime()) {
    // Not a renewal: an older certificate, or another one issued alongside the bound one, must not
    // take the binding over (nor take it back after a renewal).
    throw new YizhengError('CERT_SUPERSEDED', {
      serialNumber: certificate.serialNumber,
      boundSerialNumber: stored.serialNumber,
      boundNotBefore: stored.notBefore.toISOString(),
    });
  }
  const renewed = stored.serialNumber !== certificate.serialNumber;
  // Compare cheaply first: the facts (with their DN strings) are only built when something changed.
  const changed = renewed || stored.sha256 !== certificate.sha256
    || stored.notAfter.getTime() !== certificate.notAfter.getTime()
    || stored.notBefore.getTime() !== certificate.notBefore.getTime();
  const current = !changed
    ? binding
    : await context.stores.transaction(async (tx) => {
        const facts = certificateFacts(certificate);
        const updated = await tx.bindings.updateCertificateFacts(
          binding.id,
          { ...facts, ...(binding.certificate.keyId !== undefined && { keyId: binding.certificate.keyId }) },
          binding.certificate.serialNumber,
        );
        if (!updated) throw new YizhengError('NOT_BOUND', { provider: providerId, serialNumber: certificate.serialNumber });
        await tx.audit.append({
          type: renewed ? 'renew' : 'refresh',
          actorAccountId: binding.accountId,
          bindingId: binding.id,
          certificate: { serialNumber: facts.serialNumber, sha256: facts.sha256 },
          ...(renewed && { previousSerial: binding.certificate.serialNumber }),
        });
        return updated;
      });
  await context.stores.audit.append({
    type: 'login',
    actorAccountId: current.accountId,
    bindingId: current.id,
    certificate: { serialNumber: certificate.serialNumber, sha256: certificate.sha256 },
  });
  return {
    method: 'certificate',
    account: { id: current.accountId, organizationId: current.organizationId },
    binding: current,
    certificate,
    identity,
    providerId,
    expiry: verified.expiry,
    warnings: verified.warnings,
  };
}
