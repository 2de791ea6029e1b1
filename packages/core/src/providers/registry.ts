import type { Certificate } from '../cert/index';
import { YizhengError } from '../errors/index';
import type { CaProvider, Recognition } from './contract';
import { CA_DIRECTORY, findCaInDirectory, type CaDirectoryEntry } from './directory';
import { createGenericProvider } from './generic';

/** Which provider issued a certificate, how sure the registry is, and whether it fell back. */
export interface ProviderMatch {
  readonly provider: CaProvider;
  /** The winning recognition; `null` when the generic fallback was used. */
  readonly recognition: Recognition | null;
  /** True when no registered provider recognised the certificate and the generic one was used. */
  readonly fallback: boolean;
  /** With the fallback: the directory CA the issuer's name points to, whose names and hotlines the provider carries. */
  readonly directoryEntry?: CaDirectoryEntry;
}

/** The providers a platform accepts. */
export interface ProviderRegistry {
  /** The registered providers, in registration order. */
  readonly providers: readonly CaProvider[];
  /** A provider by id or alias (case-insensitive), or `undefined`. */
  get(idOrAlias: string): CaProvider | undefined;
  /**
   * Identifies the certificate's provider. With `hint` (the provider the page said), that provider must
   * recognise the certificate at least as surely as any other registered provider. Throws
   * `PROVIDER_UNKNOWN` when the hint names no registered provider or a provider other than the best
   * match, or when nothing recognises the certificate and the fallback is off.
   */
  identify(certificate: Certificate, hint?: string): ProviderMatch;
  /**
   * Every registered provider that recognises the certificate, most confident first (ties keep
   * registration order); empty when none does. For diagnostics and conformance tests: an ambiguous
   * certificate shows up as two close confidences.
   */
  rank(certificate: Certificate): ProviderMatch[];
}

/** Options of {@link createProviderRegistry}. */
export interface ProviderRegistryOptions {
  /**
   * Use the generic GM/T 0015 provider for certificates no provider recognises (default true). A
   * platform that only accepts its listed CAs turns this off.
   */
  readonly fallback?: boolean;
  /**
   * CAs the fallback may name in messages (default {@link CA_DIRECTORY}; `[]` names none). A platform
   * adds its own: `[...CA_DIRECTORY, { info, issuerNames: [{ contains: 'XXCA', basis: 'configured' }] }]`.
   */
  readonly directory?: readonly CaDirectoryEntry[];
}

function safeRecognize(provider: CaProvider, certificate: Certificate): Recognition | null {
  try {
    const r = provider.recognize(certificate);
    return r && typeof r.confidence === 'number' && r.confidence > 0 ? r : null;
  } catch {
    // A plugin's bug must not become the user's error; it simply does not recognise the certificate.
    return null;
  }
}

/** Builds the registry that identifies a certificate's provider. */
export function createProviderRegistry(providers: readonly CaProvider[], options: ProviderRegistryOptions = {}): ProviderRegistry {
  const byName = new Map<string, CaProvider>();
  for (const p of providers) {
    for (const name of [p.info.id, ...p.info.aliases]) {
      const key = name.toLowerCase();
      const existing = byName.get(key);
      if (existing && existing !== p && name === p.info.id) {
        throw new YizhengError('INVALID_ARGUMENT', { reason: `two providers share the id "${p.info.id}"` });
      }
      if (!existing) byName.set(key, p);
    }
  }
  const fallbackProvider = options.fallback === false ? undefined : createGenericProvider();
  const directory = options.directory ?? CA_DIRECTORY;
  if (!Array.isArray(directory)) throw new YizhengError('INVALID_ARGUMENT', { reason: 'directory must be a list of CA entries' });
  const named = new Map<CaDirectoryEntry, CaProvider>();
  const namedGeneric = (entry: CaDirectoryEntry): CaProvider => {
    let provider = named.get(entry);
    if (!provider) named.set(entry, (provider = createGenericProvider(entry.info)));
    return provider;
  };
  const rank = (certificate: Certificate): ProviderMatch[] => {
    const matches: { match: ProviderMatch; confidence: number }[] = [];
    for (const provider of providers) {
      const recognition = safeRecognize(provider, certificate);
      if (recognition) matches.push({ match: { provider, recognition, fallback: false }, confidence: recognition.confidence });
    }
    // Array#sort is stable: equal confidences keep registration order, so the first registered wins a tie.
    return matches.sort((a, b) => b.confidence - a.confidence).map((m) => m.match);
  };
  // Recognition is a pure function of the certificate (and the page's hint): remembered per parsed
  // certificate, so a returning holder's login does not match issuer names again. Failures are not
  // remembered (each call throws a fresh error).
  const remembered = new WeakMap<Certificate, Map<string, ProviderMatch>>();
  const identify = (certificate: Certificate, hint?: string): ProviderMatch => {
    const key = hint === undefined ? '' : `hint:${hint}`;
    const known = remembered.get(certificate)?.get(key);
    if (known) return known;
    const match = identifyNow(certificate, hint);
    let byHint = remembered.get(certificate);
    if (!byHint) remembered.set(certificate, (byHint = new Map()));
    if (byHint.size < 8) byHint.set(key, Object.freeze(match));
    return match;
  };
  return {
    providers: [...providers],
    get: (idOrAlias) => byName.get(idOrAlias.toLowerCase()),
    identify,
    rank,
  };

  function identifyNow(certificate: Certificate, hint?: string): ProviderMatch {
    if (hint !== undefined) {
      const provider = byName.get(hint.toLowerCase());
      if (!provider) throw new YizhengError('PROVIDER_UNKNOWN', { provider: hint });
      const recognition = safeRecognize(provider, certificate);
      if (!recognition) throw new YizhengError('PROVIDER_UNKNOWN', { provider: hint });
      // The page's word only picks among the best matches: it must not move a certificate to a provider
      // that reads its identity differently or checks revocation less strictly.
      const [best] = rank(certificate);
      if (best?.recognition && best.provider !== provider && best.recognition.confidence > recognition.confidence) {
        throw new YizhengError('PROVIDER_UNKNOWN', { provider: hint, recognisedAs: best.provider.info.id });
      }
      return { provider, recognition, fallback: false };
    }
    const [best] = rank(certificate);
    if (best) return best;
    if (!fallbackProvider) throw new YizhengError('PROVIDER_UNKNOWN', { provider: certificate.issuer.toString() });
    const entry = findCaInDirectory(certificate, directory);
    if (entry) return { provider: namedGeneric(entry), recognition: null, fallback: true, directoryEntry: entry };
    return { provider: fallbackProvider, recognition: null, fallback: true };
  }
}
