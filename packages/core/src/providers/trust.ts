/**
 * The providers' trust hooks, turned into what the platform's trust store takes.
 */
import type { TrustAnchorEntry } from '../trust/index';
import type { CaProvider } from './contract';

/**
 * The trust anchors the providers declare (`provider.trust.anchors`), each labelled with its
 * provider id, for `createTrustStore` (`@yizheng/core/trust`). A labelled anchor vouches only for its own provider's
 * certificates. Core never adds them by itself: trusting a vendor's roots is the platform's decision.
 *
 * @example
 * ```ts
 * const trustStore = createTrustStore([...providerTrustAnchors([bjcaProvider, cfcaProvider]), ...ownAnchors]);
 * ```
 */
export function providerTrustAnchors(providers: Iterable<CaProvider>): TrustAnchorEntry[] {
  const out: TrustAnchorEntry[] = [];
  for (const provider of providers) {
    for (const certificate of provider.trust?.anchors ?? []) out.push({ certificate, provider: provider.info.id });
  }
  return out;
}
