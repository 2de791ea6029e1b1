/**
 * The configuration `createYizheng` takes, checked once so a wrong setting fails at start-up with a
 * clear `INVALID_ARGUMENT` instead of at the first supplier's login.
 */
import { DEFAULT_CERTIFICATE_CACHE_SIZE } from '../cert/parse';
import type { CertificateTrust, ScopeConfig, YizhengContext } from '../context/context';
import { DEFAULT_CHALLENGE_TTL_MS } from '../challenge/challenge';
import { DEFAULT_SM2_TABLE_CACHE_SIZE } from '../crypto/sm2';
import { YizhengError, type Locale, type MenuNames, type ResolvedMenuNames } from '../errors/index';
import { resolveMenuNames } from '../errors/menus';
import { DEFAULT_CLOCK_SKEW_MS, DEFAULT_EXPIRY_THRESHOLDS } from '../expiry/assess';
import type { CaProvider } from '../providers/contract';
import { createProviderRegistry, type ProviderRegistry } from '../providers/registry';
import type { Stores } from '../stores/types';
import { DEFAULT_SCOPE } from '../stores/validate';
import { checkId } from '../stores/validate';

/** Longest challenge lifetime accepted: a challenge is for one login, not a session. */
export const MAX_CHALLENGE_TTL_MS = 60 * 60 * 1000;
/** Largest clock skew accepted. */
export const MAX_CLOCK_SKEW_MS = 24 * 60 * 60 * 1000;
/** Largest cache size accepted. */
export const MAX_CACHE_ENTRIES = 1_000_000;

/** Sizes of the caches one instance owns. */
export interface CacheConfig {
  /** Parsed certificates kept (by SHA-256); default 1,000; 0 disables. */
  readonly certificates?: number;
  /** SM2 public keys that keep a precomputed table (about 150 KB each); default 64; 0 disables. */
  readonly sm2Tables?: number;
}

/** What {@link createYizheng} takes. */
export interface YizhengConfig {
  /** Challenges, bindings and the audit log (`@yizheng/core/stores`). */
  readonly stores: Stores;
  /** The CA providers this platform accepts: a registry, or the providers (then registered with the generic fallback). */
  readonly providers: ProviderRegistry | readonly CaProvider[];
  /** Chain and revocation checks ({@link createCertificateTrust}); required, since without it any self-made certificate could log in. */
  readonly trust: CertificateTrust;
  /** Language of the messages of thrown errors; default `'zh-CN'`. Every error still carries both languages in `toJSON()`. */
  readonly locale?: Locale;
  /** The clock; default the system clock. */
  readonly clock?: () => Date;
  /** This platform's scope and the other scopes whose bindings log in here (一证通用). */
  readonly scopes?: ScopeConfig;
  /** How long a challenge stays acceptable, in ms; default 5 minutes; from 10 seconds to 1 hour. */
  readonly challengeTtlMs?: number;
  /** Tolerated clock difference for validity checks, in ms; default 5 minutes, at most 24 hours. */
  readonly clockSkewMs?: number;
  /** Expiry reminder thresholds in days, e.g. `[60, 30, 7, 1]` (the default). */
  readonly expiryThresholds?: readonly number[];
  /** Cache sizes for this instance. */
  readonly cache?: CacheConfig;
  /**
   * The platform's own names of the pages where users bind (`bind`) and unbind (`unbind`) a
   * certificate, in each language and without brackets, e.g.
   * `{ bind: { 'zh-CN': '关联数字证书', en: 'Link certificate' }, unbind: { 'zh-CN': 'CA绑定与解绑', en: 'Bind or unbind CA' } }`.
   * The remedies of the errors the instance throws (`ALREADY_BOUND`, `NOT_BOUND`, `CERT_SUPERSEDED`)
   * send users there by these names, in `remedy`, `localizedRemedy(locale)` and `toJSON()`. A menu or
   * language left out keeps the default, 证书绑定 / Certificate binding. Each name is a non-empty
   * string of at most 64 characters without control characters.
   */
  readonly menus?: MenuNames;
}

/** The configuration after checking, with every default filled in. */
export interface ResolvedConfig {
  /** The language of thrown errors' messages. */
  readonly locale: Locale;
  readonly scopes: { readonly current: string; readonly accepted: readonly string[] };
  readonly challengeTtlMs: number;
  readonly clockSkewMs: number;
  readonly expiryThresholds: readonly number[];
  readonly cache: { readonly certificates: number; readonly sm2Tables: number };
  /** Both menus' names in both languages, the defaults filled in. */
  readonly menus: ResolvedMenuNames;
}

const KNOWN_KEYS = new Set(['stores', 'providers', 'trust', 'locale', 'clock', 'scopes', 'challengeTtlMs', 'clockSkewMs', 'expiryThresholds', 'cache', 'menus']);

function invalid(reason: string): YizhengError {
  return new YizhengError('INVALID_ARGUMENT', { reason });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function checkStores(value: unknown): Stores {
  if (!isObject(value)) throw invalid('config.stores is required (createMemoryStores, createSqliteStores or createPostgresStores from @yizheng/core/stores)');
  for (const part of ['challenges', 'bindings', 'audit'] as const) {
    if (!isObject(value[part])) throw invalid(`config.stores.${part} is missing: pass a store set from @yizheng/core/stores`);
  }
  if (typeof value['transaction'] !== 'function') throw invalid('config.stores.transaction must be a function');
  return value as unknown as Stores;
}

function checkProviders(value: unknown): ProviderRegistry {
  if (Array.isArray(value)) {
    value.forEach((p: unknown, i) => {
      if (!isObject(p) || !isObject(p['info']) || typeof p['extractIdentity'] !== 'function') {
        throw invalid(`config.providers[${i}] is not a CA provider (it needs info and extractIdentity)`);
      }
    });
    return createProviderRegistry(value as CaProvider[]);
  }
  if (!isObject(value) || typeof value['identify'] !== 'function' || !Array.isArray(value['providers'])) {
    throw invalid('config.providers must be a provider registry (createProviderRegistry) or an array of providers');
  }
  return value as unknown as ProviderRegistry;
}

function checkTrust(value: unknown): CertificateTrust {
  if (!isObject(value) || typeof value['validate'] !== 'function') {
    throw invalid('config.trust is required: build it with createCertificateTrust({ trustStore, revocation }) so only certificates of trusted CAs log in');
  }
  return value as unknown as CertificateTrust;
}

function checkInteger(value: unknown, what: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw invalid(`${what} must be an integer from ${min} to ${max}`);
  }
  return value;
}

function checkScopes(value: unknown): ResolvedConfig['scopes'] {
  if (value === undefined) return { current: DEFAULT_SCOPE, accepted: [] };
  if (!isObject(value)) throw invalid('config.scopes must be an object { current, accepted }');
  // Every setting is read once: a getter answering differently on a second read changes nothing.
  const rawCurrent = value['current'];
  const current = rawCurrent === undefined ? DEFAULT_SCOPE : checkId(rawCurrent, 'config.scopes.current');
  const accepted = copyList(value['accepted'] ?? [], 64, 'config.scopes.accepted must be an array of at most 64 scopes')
    .map((s: unknown, i) => checkId(s, `config.scopes.accepted[${i}]`));
  if (new Set([current, ...accepted]).size !== accepted.length + 1) throw invalid('config.scopes lists a scope twice');
  // Frozen: the instance's context shares these, so changing yizheng.config must not change what logs in.
  return Object.freeze({ current, accepted: Object.freeze(accepted) });
}

/**
 * A copy of an array of at most `max` elements, each read once (checks then run on the copy, so a
 * getter or a proxy answering differently on a second read cannot slip a value past them).
 */
function copyList(value: unknown, max: number, message: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(message);
  const length: unknown = value.length;
  if (typeof length !== 'number' || length > max) throw invalid(message);
  const copy: unknown[] = [];
  for (let i = 0; i < length; i++) copy.push(value[i]);
  return copy;
}

function checkThresholds(value: unknown): readonly number[] {
  if (value === undefined) return DEFAULT_EXPIRY_THRESHOLDS;
  const message = 'config.expiryThresholds must be an array of 1 to 16 day counts';
  const days = copyList(value, 16, message);
  if (days.length === 0) throw invalid(message);
  for (const d of days) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0 || d > 3660) throw invalid('config.expiryThresholds must hold whole days from 0 to 3660');
  }
  return Object.freeze((days as number[]).sort((a, b) => b - a));
}

/** Checks `config` and fills the defaults; throws `INVALID_ARGUMENT` naming the first wrong setting. */
export function resolveConfig(config: unknown): { context: Omit<YizhengContext, 'caches'>; resolved: ResolvedConfig } {
  if (!isObject(config)) throw invalid('createYizheng takes a configuration object { stores, providers, trust }');
  for (const key of Object.keys(config)) {
    if (!KNOWN_KEYS.has(key)) throw invalid(`config.${key} is not a Yizheng setting`);
  }
  const stores = checkStores(config['stores']);
  const providers = checkProviders(config['providers']);
  const trust = checkTrust(config['trust']);
  const rawLocale = config['locale'] ?? 'zh-CN';
  if (rawLocale !== 'zh-CN' && rawLocale !== 'en') throw invalid("config.locale must be 'zh-CN' or 'en'");
  const locale: Locale = rawLocale;
  const clock = config['clock'];
  if (clock !== undefined && typeof clock !== 'function') throw invalid('config.clock must be a function returning a Date');
  const cache = config['cache'] ?? {};
  if (!isObject(cache)) throw invalid('config.cache must be an object { certificates, sm2Tables }');
  const menus = resolveMenuNames(config['menus'], 'config.menus');
  if (typeof menus === 'string') throw invalid(menus);
  const resolved: ResolvedConfig = Object.freeze({
    locale,
    scopes: checkScopes(config['scopes']),
    challengeTtlMs: checkInteger(config['challengeTtlMs'], 'config.challengeTtlMs', 10_000, MAX_CHALLENGE_TTL_MS, DEFAULT_CHALLENGE_TTL_MS),
    clockSkewMs: checkInteger(config['clockSkewMs'], 'config.clockSkewMs', 0, MAX_CLOCK_SKEW_MS, DEFAULT_CLOCK_SKEW_MS),
    expiryThresholds: checkThresholds(config['expiryThresholds']),
    cache: Object.freeze({
      certificates: checkInteger(cache['certificates'], 'config.cache.certificates', 0, MAX_CACHE_ENTRIES, DEFAULT_CERTIFICATE_CACHE_SIZE),
      sm2Tables: checkInteger(cache['sm2Tables'], 'config.cache.sm2Tables', 0, 4096, DEFAULT_SM2_TABLE_CACHE_SIZE),
    }),
    menus,
  });
  const context = {
    stores,
    providers,
    trust,
    locale,
    scopes: resolved.scopes,
    challengeTtlMs: resolved.challengeTtlMs,
    clockSkewMs: resolved.clockSkewMs,
    expiryThresholds: resolved.expiryThresholds,
    menus,
    ...(clock !== undefined && { clock: checkedClock(clock as () => unknown) }),
  };
  return { context, resolved };
}

/** A clock that must return a valid Date: a broken clock would silently skew every validity check. */
function checkedClock(clock: () => unknown): () => Date {
  return () => {
    const now = clock();
    if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw invalid('config.clock returned something other than a valid Date');
    return now;
  };
}
