/**
 * One configured instance: the configuration checked once, the verbs bound to it, errors in the
 * configured language, caches of its own.
 */
import { createCertificateCaches } from '../cert/parse';
import { issueChallenge, type ChallengeRequest, type IssuedChallenge } from '../challenge/challenge';
import type { YizhengContext } from '../context/context';
import { createSm2TableCache } from '../crypto/sm2';
import { bindCertificate, type BindRequest } from '../binding/bind';
import {
  authorize,
  isAuthorized,
  listBindings,
  listExpiringBindings,
  setBindingPermissions,
  unbindCertificate,
  type BindingListEntry,
  type CertificateSession,
  type ExpiringBindingsPage,
  type PasswordSession,
} from '../binding/manage';
import type { Actor } from '../binding/bind';
import { verifyLogin, type LoginResult } from '../login/verify-login';
import type { TokenRequest } from '../token/verify-token';
import type { Binding, BindingPermissions } from '../stores/types';
import { resolveConfig, type ResolvedConfig, type YizhengConfig } from './config';
import { inLocaleSync } from '../context/localize';

/** A configured Yizheng: the verbs a platform calls, bound to one configuration. */
export interface Yizheng {
  /** The checked configuration, defaults filled in. */
  readonly config: ResolvedConfig;
  /**
   * The context the standalone verbs take (`verifyLogin(token, request, yizheng.context)`), for code
   * written against them.
   */
  readonly context: YizhengContext;
  /** Issues a single-use challenge for the session's CA login or binding. */
  issueChallenge(request: ChallengeRequest): Promise<IssuedChallenge>;
  /** Verifies a CA login token and returns who logged in. */
  verifyLogin(token: unknown, request: TokenRequest): Promise<LoginResult>;
  /** Binds the certificate that signed the session's `bind` challenge to an account. */
  bindCertificate(request: BindRequest): Promise<Binding>;
  /** Removes a binding (the holder or an administrator of its organisation). */
  unbindCertificate(request: { readonly actor: Actor; readonly bindingId: string }): Promise<Binding>;
  /** The bindings of an account or of an organisation, each with its certificate's expiry. */
  listBindings(query: { readonly accountId: string } | { readonly organizationId: string }): Promise<BindingListEntry[]>;
  /** Changes a binding's administrator flag and permissions (an administrator of its organisation). */
  setBindingPermissions(request: { readonly actor: Actor; readonly bindingId: string; readonly permissions: BindingPermissions }): Promise<Binding>;
  /** Throws `PERMISSION_DENIED` unless the session holds `permission`. */
  authorize(session: PasswordSession | CertificateSession, permission: string): void;
  /** Whether the session holds `permission`. */
  isAuthorized(session: PasswordSession | CertificateSession, permission: string): boolean;
  /** Bindings whose certificates expire within `withinDays`, a page at a time (for reminders). */
  listExpiringBindings(query: {
    readonly withinDays: number;
    readonly cursor?: string | null;
    readonly limit?: number;
    readonly includeExpired?: boolean;
  }): Promise<ExpiringBindingsPage>;
}

/**
 * Checks the whole configuration once and returns the verbs bound to it. Errors are thrown in the
 * configured `locale`, their remedies naming the configured `menus`; every {@link YizhengError} still
 * carries both languages in `toJSON()`.
 *
 * @example
 * ```ts
 * import { createYizheng, createCertificateTrust } from '@yizheng/core';
 * import { createSqliteStores } from '@yizheng/core/stores';
 * import { createTrustStore } from '@yizheng/core/trust';
 * import { bjcaProvider } from '@yizheng/provider-bjca';
 *
 * const stores = createSqliteStores({ path: 'yizheng.sqlite' });
 * await stores.migrate();
 * const yizheng = createYizheng({
 *   stores,
 *   providers: [bjcaProvider],
 *   trust: createCertificateTrust({
 *     trustStore: createTrustStore([{ certificate: bjcaRootPem, provider: 'bjca' }]),
 *     revocation: { policy: 'prefer' },
 *   }),
 * });
 * const challenge = await yizheng.issueChallenge({ sessionId, origin: 'https://bid.example.gov.cn', purpose: 'login' });
 * // … the page signs challenge.text with the USB key and posts the token back …
 * const login = await yizheng.verifyLogin(token, { sessionId, origin: 'https://bid.example.gov.cn' });
 * ```
 *
 * @throws {YizhengError} `INVALID_ARGUMENT` naming the first wrong setting.
 */
export function createYizheng(config: YizhengConfig): Yizheng {
  const { context: base, resolved } = inLocaleSync(localeHint(config), () => resolveConfig(config));
  const context: YizhengContext = Object.freeze({
    ...base,
    caches: Object.freeze({ certificates: createCertificateCaches(resolved.cache.certificates), sm2Tables: createSm2TableCache(resolved.cache.sm2Tables) }),
  });
  const { locale, menus } = resolved;
  // The context verbs throw in context.locale, with context.menus, themselves; authorize takes no context.
  return Object.freeze({
    config: resolved,
    context,
    issueChallenge: (request) => issueChallenge(request, context),
    verifyLogin: (token, request) => verifyLogin(token, request, context),
    bindCertificate: (request) => bindCertificate(request, context),
    unbindCertificate: (request) => unbindCertificate(request, context),
    listBindings: (query) => listBindings(query, context),
    setBindingPermissions: (request) => setBindingPermissions(request, context),
    authorize: (session, permission) => inLocaleSync(locale, () => authorize(session, permission), menus),
    isAuthorized: (session, permission) => inLocaleSync(locale, () => isAuthorized(session, permission), menus),
    listExpiringBindings: (query) => listExpiringBindings(query, context),
  } satisfies Yizheng);
}

/** The locale to report configuration errors in, when the configuration names a valid one. */
function localeHint(config: unknown): 'zh-CN' | 'en' {
  const locale = typeof config === 'object' && config !== null ? (config as { locale?: unknown }).locale : undefined;
  return locale === 'en' ? 'en' : 'zh-CN';
}
