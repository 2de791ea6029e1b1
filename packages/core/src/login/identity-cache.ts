import type { Certificate } from '../cert/index';
import { deriveIdentityKey } from '../binding/identity-key';
import type { CaProvider, ProviderIdentity } from '../providers/index';

/** A certificate's identity under a provider, with the binding key derived from it. */
export interface ResolvedIdentity {
  readonly identity: ProviderIdentity;
  /** The stable binding key, or the error deriving it raised (the caller decides when it matters). */
  readonly identityKey: string | Error;
}

// Parsed certificates are cached and immutable, so an identity worked out once per (certificate,
// provider) stays right; the WeakMap lets it go with the certificate.
const cache = new WeakMap<Certificate, Map<CaProvider, ResolvedIdentity>>();

/** The provider's identity for the certificate and its binding key, worked out once per pair. */
export function resolveIdentity(provider: CaProvider, certificate: Certificate): ResolvedIdentity {
  let perProvider = cache.get(certificate);
  const hit = perProvider?.get(provider);
  if (hit) return hit;
  const identity = provider.extractIdentity(certificate);
  let identityKey: string | Error;
  try {
    identityKey = deriveIdentityKey(provider.info.id, identity, certificate);
  } catch (err) {
    identityKey = err instanceof Error ? err : new Error(String(err));
  }
  const resolved = { identity, identityKey };
  if (!perProvider) cache.set(certificate, (perProvider = new Map()));
  perProvider.set(provider, resolved);
  return resolved;
}
