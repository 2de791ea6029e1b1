import type { Certificate } from '../cert/index';
import { companyKeyPrefix, deriveLegacyIdentityKey, identityKeyParts } from './key';
import type { CaProvider, ProviderIdentity } from '../providers/index';
import { isYizhengError, YizhengError } from '../errors/index';

/** A certificate's identity under a provider, with the binding keys derived from it. */
export interface ResolvedIdentity {
  readonly identity: ProviderIdentity;
  /** The stable binding key, or the error deriving it raised (the caller decides when it matters). */
  readonly identityKey: string | Error;
  /** The prefix every holder of the same company at the same issuing CA shares (absent with no key). */
  readonly companyPrefix?: string;
  /** The key Yizheng 0.x bound this certificate under, when it differs from the current one. */
  readonly legacyKey?: string;
}

// Parsed certificates are cached and immutable, so an identity worked out once per (certificate,
// provider) stays right; the WeakMap lets it go with the certificate.
const cache = new WeakMap<Certificate, Map<CaProvider, ResolvedIdentity>>();

function resolve(provider: CaProvider, certificate: Certificate): ResolvedIdentity {
  const identity = provider.extractIdentity(certificate);
  const legacy = deriveLegacyIdentityKey(provider.info.id, identity, certificate);
  try {
    const parts = identityKeyParts(provider.info.id, identity, certificate);
    const companyPrefix = companyKeyPrefix(parts);
    const identityKey = `${companyPrefix}${parts.holder}`;
    return { identity, identityKey, companyPrefix, ...(legacy !== undefined && legacy !== identityKey && { legacyKey: legacy }) };
  } catch (err) {
    return { identity, identityKey: err instanceof Error ? err : new Error(String(err)) };
  }
}

/** The provider's identity for the certificate and its binding keys, worked out once per pair. */
export function resolveIdentity(provider: CaProvider, certificate: Certificate): ResolvedIdentity {
  let perProvider = cache.get(certificate);
  const hit = perProvider?.get(provider);
  if (hit) return typeof hit.identityKey === 'string' ? hit : { ...hit, identityKey: freshError(hit.identityKey) };
  const resolved = resolve(provider, certificate);
  if (!perProvider) cache.set(certificate, (perProvider = new Map()));
  perProvider.set(provider, resolved);
  return resolved;
}

/**
 * A new error object for each request that meets the cached one: callers throw it, the instance
 * rewrites its message into its own locale, and a platform's error handler may add to it, so one
 * shared object would carry one request's changes (and stack) into another's.
 */
function freshError(error: Error): Error {
  if (isYizhengError(error)) return new YizhengError(error.code, error.details as never);
  return new Error(error.message, { cause: error });
}
