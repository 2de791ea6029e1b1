import type { Certificate } from '../cert/index';
import type { CertificateCaches } from '../cert/parse';
import type { LruCache } from '../cert/cache';
import type { FixedTable } from '../crypto/sm2-curve';
import type { Locale, MenuNames } from '../errors/index';
import type { CaProvider, ProviderRegistry } from '../providers/index';
import type { Stores } from '../stores/index';

/** Something the page should show the user although the operation succeeded. */
export interface LoginWarning {
  /** Stable code, e.g. `CERT_EXPIRING`, `REVOCATION_SOFT_FAIL`, `PROVIDER_FALLBACK`. */
  readonly code: string;
  /** What to show, in both languages. */
  readonly message: { readonly 'zh-CN': string; readonly en: string };
  /** Machine-readable facts (days left, which certificate…). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** What trust validation returns when the chain is good. */
export interface TrustOutcome {
  /** Soft failures a policy allowed (e.g. revocation unreachable under `prefer`). */
  readonly warnings: readonly LoginWarning[];
}

/**
 * Decides whether a certificate chains to a CA the platform trusts for its provider and is not
 * revoked. Throws `CERT_UNTRUSTED`, `CERT_REVOKED`, `REVOCATION_UNAVAILABLE` (or the validity codes).
 * {@link createCertificateTrust} builds one from per-provider anchors; a platform may bring its own.
 */
export interface CertificateTrust {
  /** Validates `certificate` at time `at` for `provider`. */
  validate(certificate: Certificate, options: { readonly provider: CaProvider; readonly at: Date }): Promise<TrustOutcome>;
}

/** Where bindings live and which other scopes a login or binding accepts (一证通用). */
export interface ScopeConfig {
  /** This platform's scope, e.g. a province or city code; default `'default'`. */
  readonly current?: string;
  /** Other scopes whose bindings log in here too, searched in order after the current one. */
  readonly accepted?: readonly string[];
}

/** What login and binding need: plain data and small interfaces, so tests pass fakes and platforms wire their own. */
export interface YizhengContext {
  /** Challenges, bindings and the audit log. */
  readonly stores: Stores;
  /** The providers this platform accepts. */
  readonly providers: ProviderRegistry;
  /** Chain and revocation checks; required: without it any self-made certificate could log in. */
  readonly trust: CertificateTrust;
  /** The clock; default `() => new Date()`. */
  readonly clock?: () => Date;
  /** Challenge lifetime; default 5 minutes. */
  readonly challengeTtlMs?: number;
  /** Tolerated clock difference for validity checks; default 5 minutes. */
  readonly clockSkewMs?: number;
  /** Expiry reminder thresholds in days; default 60, 30, 7, 1. */
  readonly expiryThresholds?: readonly number[];
  /** Scopes (一证通用). */
  readonly scopes?: ScopeConfig;
  /** Locale of the error messages thrown; default zh-CN. */
  readonly locale?: Locale;
  /**
   * The platform's names of its binding and unbinding pages, for the remedies of the errors thrown
   * (`ALREADY_BOUND`, `NOT_BOUND`, …); default 证书绑定 / Certificate binding. Names that do not
   * check out (see `createYizheng`'s `menus`) leave the defaults.
   */
  readonly menus?: MenuNames;
  /** @internal Per-instance caches, set by `createYizheng`; without them the process-wide ones serve. */
  readonly caches?: ContextCaches;
}

/** @internal The caches one `createYizheng` instance owns. */
export interface ContextCaches {
  readonly certificates: CertificateCaches;
  readonly sm2Tables: LruCache<FixedTable>;
}
