/**
 * Binding a certificate to an account (关联/绑定), for oneself or, as an organisation admin, for
 * another account of the same organisation. Proof of possession comes from a signed
 * `bind` challenge; the certificate's enterprise code must match the target organisation's.
 */
import { assertSameEnterprise } from '../codes/index';
import { isYizhengError, YizhengError } from '../errors/index';
import type { YizhengContext } from '../context/context';
import { currentScopeOf } from '../context/defaults';
import { certificateFacts, findBinding } from '../context/lookup';
import { verifyToken, type TokenRequest } from '../token/verify-token';
import type { Binding } from '../stores/index';
import { checkId, checkText } from '../stores/validate';
import { enterpriseCodeOf } from '../identity/key';
import { maskAccountId } from './mask';
import { inLocale } from '../context/localize';

/** Who is acting, as the platform's own session knows them. */
export interface Actor {
  /** The acting account. */
  readonly accountId: string;
  /** Its organisation. */
  readonly organizationId: string;
  /** Whether the actor is the organisation's administrator (机构管理员). */
  readonly isAdmin: boolean;
}

/** The account a certificate is bound to, as the platform registered it. */
export interface TargetAccount {
  /** The account. */
  readonly accountId: string;
  /** Its organisation. */
  readonly organizationId: string;
  /** The organisation's registered code (USCC, organisation code or registration number). */
  readonly enterpriseCode: string;
}

/** What {@link bindCertificate} takes. */
export interface BindRequest extends TokenRequest {
  /** Who is binding. */
  readonly actor: Actor;
  /** For whom. */
  readonly target: TargetAccount;
  /** The posted token answering the session's `bind` challenge. */
  readonly token: unknown;
  /** The CA's key id (CA锁ID) when the page's driver reports one. */
  readonly keyId?: string;
  /** Whether the bound certificate acts as administrator; default false. Only an admin of the organisation may set it. */
  readonly isAdmin?: boolean;
  /** Permissions granted to the certificate; default none. Only an admin of the organisation may grant them. */
  readonly permissions?: readonly string[];
}

/**
 * Throws `BIND_FORBIDDEN` unless the actor may manage the target account's bindings: the account
 * itself, or an administrator of its organisation. `details.reason` tells the cases apart:
 * `not-admin` (an employee acting for another account), `other-organization` (an administrator
 * acting on another organisation's account).
 */
export function assertMayActFor(actor: Actor, target: { readonly accountId: string; readonly organizationId: string }): void {
  const self = actor.accountId === target.accountId;
  const admin = actor.isAdmin && actor.organizationId === target.organizationId;
  if (!self && !admin) {
    throw new YizhengError('BIND_FORBIDDEN', {
      actorAccountId: actor.accountId,
      targetAccountId: target.accountId,
      reason: actor.isAdmin ? 'other-organization' : 'not-admin',
    });
  }
}

/**
 * Throws `BIND_FORBIDDEN` unless the actor is an administrator of the target's organisation, the
 * only one who sets a certificate's administrator flag and permissions: `reason` is `admin-only`
 * for anyone else of the organisation, `other-organization` for an administrator of another.
 */
export function assertMayGrantFor(actor: Actor, target: { readonly accountId: string; readonly organizationId: string }): void {
  if (actor.isAdmin && actor.organizationId === target.organizationId) return;
  throw new YizhengError('BIND_FORBIDDEN', {
    actorAccountId: actor.accountId,
    targetAccountId: target.accountId,
    reason: actor.isAdmin ? 'other-organization' : 'admin-only',
  });
}

/**
 * The request's own texts, checked before the challenge is consumed: a value no store can hold (NUL,
 * an unpaired UTF-16 surrogate, an empty or over-long id) fails with `INVALID_ARGUMENT` here, the
 * same on every store, instead of burning the challenge and failing in the store (on PostgreSQL as a
 * raw driver error). Texts read from the certificate are not the request's: they reach the store as
 * RFC 4514 strings (`\00` for a NUL) or cleaned by the provider's strategies.
 */
function checkRequestTexts(request: BindRequest): void {
  if (typeof request !== 'object' || request === null) throw new YizhengError('INVALID_ARGUMENT', { reason: 'bindCertificate takes a request object' });
  const { actor, target } = request;
  if (typeof actor !== 'object' || actor === null) throw new YizhengError('INVALID_ARGUMENT', { reason: 'actor must be an object' });
  if (typeof target !== 'object' || target === null) throw new YizhengError('INVALID_ARGUMENT', { reason: 'target must be an object' });
  checkId(actor.accountId, 'actor.accountId');
  checkId(target.accountId, 'target.accountId');
  checkId(target.organizationId, 'target.organizationId');
  if (request.keyId !== undefined) checkText(request.keyId, 'keyId');
  if (request.permissions !== undefined) {
    if (!Array.isArray(request.permissions)) throw new YizhengError('INVALID_ARGUMENT', { reason: 'permissions must be an array of strings' });
    for (const p of request.permissions) checkId(p, 'a permission');
  }
}

/** `ALREADY_BOUND` naming where the certificate is bound: the masked account, and the scope when it is another. */
function alreadyBound(binding: Binding, context: YizhengContext): YizhengError {
  return new YizhengError('ALREADY_BOUND', {
    accountId: maskAccountId(binding.accountId),
    bindingId: binding.id,
    scope: binding.scope,
    ...(binding.scope !== currentScopeOf(context) && { reason: 'other-scope' as const }),
  });
}

/**
 * Binds the certificate that signed the session's `bind` challenge to the target account, and records
 * it in the audit log in the same transaction. When the token carries the key's encryption
 * certificate (`encryptionCertificate`), it must be the signing certificate's partner (same CA, same
 * holder, an encryption key usage, valid now) and the binding keeps its facts.
 *
 * @throws {YizhengError} `BIND_FORBIDDEN` (`reason`: `not-admin` for an employee binding for someone
 *   else, `other-organization` for an admin of another organisation, `admin-only` for granting the
 *   admin flag or permissions without being the organisation's admin), any code of the shared token checks (as {@link verifyLogin}), `ENTERPRISE_CODE_MISMATCH` (with
 *   both codes, their kinds and the CA's hotline), `ENTERPRISE_CODE_UNDECIDED`, `CODE_INVALID`,
 *   `ALREADY_BOUND` (naming the masked account that holds it, and its scope with `reason: 'other-scope'`
 *   when that is an accepted scope rather than the current one); `CERT_WRONG_PURPOSE` with
 *   `reason: 'encryption-certificate-mismatch'` for an encryption certificate of another holder or CA; `INVALID_ARGUMENT`, before the
 *   challenge is consumed, for a request text no store can hold (`keyId`, permissions, account and
 *   organisation ids with NUL or an unpaired surrogate, empty or over 4096 characters).
 */
export async function bindCertificate(request: BindRequest, context: YizhengContext): Promise<Binding> {
  return inLocale(context.locale, () => bindCertificateUnlocalized(request, context), context.menus);
}

async function bindCertificateUnlocalized(request: BindRequest, context: YizhengContext): Promise<Binding> {
  checkRequestTexts(request);
  // Permission first: an actor who may not act for the target learns nothing about the certificate.
  assertMayActFor(request.actor, request.target);
  const grants = request.isAdmin === true || (request.permissions?.length ?? 0) > 0;
  // Only the organisation's admin hands out the admin flag and permissions.
  if (grants) assertMayGrantFor(request.actor, request.target);
  const verified = await verifyToken(request.token, request, 'bind', context);
  const { certificate, identity } = verified;
  const provider = verified.provider.provider;
  const certificateCode = enterpriseCodeOf(identity);
  if (certificateCode === undefined) {
    throw new YizhengError('IDENTITY_NOT_FOUND', { provider: provider.info.id, subject: certificate.subject.toString() });
  }
  assertSameEnterprise({
    certificateCode,
    accountCode: request.target.enterpriseCode,
    provider: { name: provider.info.names, hotline: provider.info.support.map((s) => s.phone) },
  });
  if (verified.identityKey instanceof Error) throw verified.identityKey;
  const identityKey = verified.identityKey;
  const existing = await findBinding(identityKey, context);
  if (existing) throw alreadyBound(existing, context);
  if (verified.legacyKey !== undefined) {
    // Bound before under the 0.x key: that binding moves on its first login, so it still holds this certificate.
    const legacy = await findBinding(verified.legacyKey, context);
    if (legacy && legacy.certificate.sha256 === certificate.sha256) throw alreadyBound(legacy, context);
  }
  try {
    return await context.stores.transaction(async (tx) => {
      const binding = await tx.bindings.insert({
        scope: currentScopeOf(context),
        identityKey,
        providerId: provider.info.id,
        accountId: request.target.accountId,
        organizationId: request.target.organizationId,
        enterpriseCode: certificateCode,
        entityName: identity.entityName ?? certificate.subject.toString(),
        certificate: { ...certificateFacts(certificate), ...(request.keyId !== undefined && { keyId: request.keyId }) },
        ...(verified.encryptionCertificate !== undefined && { encryptionCertificate: certificateFacts(verified.encryptionCertificate) }),
        isAdmin: request.isAdmin ?? false,
        permissions: request.permissions ?? [],
        boundBy: request.actor.accountId,
      });
      await tx.audit.append({
        type: 'bind',
        actorAccountId: request.actor.accountId,
        ...(request.actor.accountId !== request.target.accountId && { targetAccountId: request.target.accountId }),
        bindingId: binding.id,
        certificate: { serialNumber: certificate.serialNumber, sha256: certificate.sha256 },
        details: {
          provider: provider.info.id,
          enterpriseCode: certificateCode,
          ...(verified.encryptionCertificate !== undefined && {
            encryptionCertificate: { serialNumber: verified.encryptionCertificate.serialNumber, sha256: verified.encryptionCertificate.sha256 },
          }),
        },
      });
      return binding;
    });
  } catch (err) {
    // Lost a race with a concurrent bind of the same identity: report it like any other holder.
    if (isYizhengError(err, 'ALREADY_BOUND')) {
      const winner = await context.stores.bindings.findByIdentity(currentScopeOf(context), identityKey);
      if (winner) throw alreadyBound(winner, context);
    }
    throw err;
  }
}
