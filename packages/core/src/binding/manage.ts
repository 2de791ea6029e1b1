/**
 * Everything after a binding exists: unbind (解除绑定), the binding list, per-certificate admin flag
 * and permissions, and the reminder scan over expiring certificates.
 */
import { YizhengError } from '../errors/index';
import { assessExpiry, type ExpiryAssessment } from '../expiry/index';
import type { YizhengContext } from '../context/context';
import type { Binding, BindingPermissions } from '../stores/index';
import { assertMayActFor, assertMayGrantFor, type Actor } from './bind';
import { nowOf } from '../context/defaults';
import { inLocale } from '../context/localize';

async function loadBinding(bindingId: string, context: YizhengContext): Promise<Binding> {
  const binding = await context.stores.bindings.findById(bindingId);
  if (!binding) throw new YizhengError('BINDING_NOT_FOUND', { bindingId });
  return binding;
}

/**
 * Removes a binding; afterwards the certificate can be bound to another account and the account can
 * bind another certificate. The account itself or an admin of its organisation may do it.
 */
export async function unbindCertificate(request: { readonly actor: Actor; readonly bindingId: string }, context: YizhengContext): Promise<Binding> {
  return inLocale(context.locale, () => unbindCertificateUnlocalized(request, context), context.menus);
}

async function unbindCertificateUnlocalized(request: { readonly actor: Actor; readonly bindingId: string }, context: YizhengContext): Promise<Binding> {
  const binding = await loadBinding(request.bindingId, context);
  assertMayActFor(request.actor, binding);
  return context.stores.transaction(async (tx) => {
    const removed = await tx.bindings.delete(binding.id);
    if (!removed) throw new YizhengError('BINDING_NOT_FOUND', { bindingId: binding.id });
    await tx.audit.append({
      type: 'unbind',
      actorAccountId: request.actor.accountId,
      ...(request.actor.accountId !== binding.accountId && { targetAccountId: binding.accountId }),
      bindingId: binding.id,
      certificate: { serialNumber: binding.certificate.serialNumber, sha256: binding.certificate.sha256 },
    });
    return removed;
  });
}

/** A row of the binding list platforms show: account, name, CA, key id, code, expiry, bound at, bound by. */
export interface BindingListEntry {
  /** The binding. */
  readonly binding: Binding;
  /** Its certificate's validity now. */
  readonly expiry: ExpiryAssessment;
}

/** Lists the bindings of an account, or of every account of an organisation, with expiry now. */
export async function listBindings(
  query: { readonly accountId: string } | { readonly organizationId: string },
  context: YizhengContext,
): Promise<BindingListEntry[]> {
  return inLocale(context.locale, () => listBindingsUnlocalized(query, context), context.menus);
}

async function listBindingsUnlocalized(
  query: { readonly accountId: string } | { readonly organizationId: string },
  context: YizhengContext,
): Promise<BindingListEntry[]> {
  const bindings = 'accountId' in query
    ? await context.stores.bindings.listByAccount(query.accountId)
    : await context.stores.bindings.listByOrganization(query.organizationId);
  const now = nowOf(context);
  return bindings.map((binding) => ({
    binding,
    expiry: assessExpiry(binding.certificate, {
      now,
      ...(context.expiryThresholds && { thresholds: context.expiryThresholds }),
    }),
  }));
}

/**
 * Sets a bound certificate's admin flag and permissions. Only an admin of the same organisation may:
 * anyone else gets `BIND_FORBIDDEN` (`reason`: `admin-only`, or `other-organization` for an admin of
 * another organisation).
 */
export async function setBindingPermissions(
  request: { readonly actor: Actor; readonly bindingId: string; readonly permissions: BindingPermissions },
  context: YizhengContext,
): Promise<Binding> {
  return inLocale(context.locale, () => setBindingPermissionsUnlocalized(request, context), context.menus);
}

async function setBindingPermissionsUnlocalized(
  request: { readonly actor: Actor; readonly bindingId: string; readonly permissions: BindingPermissions },
  context: YizhengContext,
): Promise<Binding> {
  const binding = await loadBinding(request.bindingId, context);
  assertMayGrantFor(request.actor, binding);
  return context.stores.transaction(async (tx) => {
    const updated = await tx.bindings.setPermissions(binding.id, request.permissions);
    if (!updated) throw new YizhengError('BINDING_NOT_FOUND', { bindingId: binding.id });
    await tx.audit.append({
      type: 'permissions',
      actorAccountId: request.actor.accountId,
      bindingId: binding.id,
      details: { isAdmin: updated.isAdmin, permissions: [...updated.permissions] },
    });
    return updated;
  });
}

/** The one permission an account+password session has until it logs in with a certificate (platforms let a password login bind a certificate, nothing more). */
export const BIND_CERTIFICATE_PERMISSION = 'bind-certificate';

/** A session from account+password login. */
export interface PasswordSession {
  /** Authenticated with a password only. */
  readonly method: 'password';
  /** The account. */
  readonly accountId: string;
}

/** A session from CA login: the parts of a login result that authorisation reads. */
export interface CertificateSession {
  /** Authenticated with a certificate. */
  readonly method: 'certificate';
  /** The binding it logged in through. */
  readonly binding: Pick<Binding, 'isAdmin' | 'permissions'>;
}

/**
 * Whether a session may do something. A password session may only bind certificates; a certificate
 * session has its binding's permissions, and an admin certificate has all of them.
 */
export function isAuthorized(session: PasswordSession | CertificateSession, permission: string): boolean {
  if (session.method === 'password') return permission === BIND_CERTIFICATE_PERMISSION;
  return session.binding.isAdmin || permission === BIND_CERTIFICATE_PERMISSION || session.binding.permissions.includes(permission);
}

/**
 * As {@link isAuthorized}, but throws `PERMISSION_DENIED` (for a password session, with the hint to
 * log in with the certificate) when the session may not.
 */
export function authorize(session: PasswordSession | CertificateSession, permission: string): void {
  if (!isAuthorized(session, permission)) {
    throw new YizhengError('PERMISSION_DENIED', { permission, method: session.method });
  }
}

/** One page of bindings whose certificates expire soon, for reminder jobs. */
export interface ExpiringBindingsPage {
  /** Bindings with their expiry assessment, soonest first. */
  readonly items: readonly BindingListEntry[];
  /** Pass back as `cursor` for the next page; `null` at the end. */
  readonly nextCursor: string | null;
}

/**
 * Pages through bindings whose certificates end within `withinDays` from now (already expired ones
 * included when `includeExpired`), soonest first.
 */
export async function listExpiringBindings(
  query: { readonly withinDays: number; readonly cursor?: string | null; readonly limit?: number; readonly includeExpired?: boolean },
  context: YizhengContext,
): Promise<ExpiringBindingsPage> {
  return inLocale(context.locale, () => listExpiringBindingsUnlocalized(query, context), context.menus);
}

async function listExpiringBindingsUnlocalized(
  query: { readonly withinDays: number; readonly cursor?: string | null; readonly limit?: number; readonly includeExpired?: boolean },
  context: YizhengContext,
): Promise<ExpiringBindingsPage> {
  if (!Number.isFinite(query.withinDays) || query.withinDays <= 0 || query.withinDays > 3650) {
    throw new YizhengError('INVALID_ARGUMENT', { reason: 'withinDays must be between 0 and 3650' });
  }
  const now = nowOf(context);
  const page = await context.stores.bindings.listExpiring({
    before: new Date(now.getTime() + query.withinDays * 86_400_000),
    ...(!query.includeExpired && { after: now }),
    cursor: query.cursor ?? null,
    limit: query.limit ?? 500,
  });
  return {
    items: page.items.map((binding) => ({
      binding,
      expiry: assessExpiry(binding.certificate, { now, ...(context.expiryThresholds && { thresholds: context.expiryThresholds }) }),
    })),
    nextCursor: page.nextCursor,
  };
}
