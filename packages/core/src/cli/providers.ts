/**
 * The CA provider packages the CLI uses when they are installed: each names its CA and knows where
 * that CA writes the enterprise code. None is required; without them the generic GM/T 0015 rules
 * and the CA directory still name most CAs.
 */
import type { Certificate } from '../cert/index';
import {
  createProviderRegistry,
  type CaProvider,
  type ProviderIdentity,
  type ProviderMatch,
  type ProviderRegistry,
} from '../providers/index';
import type { CliIo } from './io';

/** The provider packages the CLI looks for, in registration order (the first wins a tie). */
export const PROVIDER_PACKAGES = [
  '@yizheng/provider-bjca',
  '@yizheng/provider-cfca',
  '@yizheng/provider-huixin',
  '@yizheng/provider-cmca',
] as const;

/** Which provider packages were used, which are not installed, and which failed to load. */
export interface ProviderPackages {
  /** Loaded: package name and the provider id it gave. */
  readonly loaded: readonly { readonly package: string; readonly provider: string }[];
  /** Not installed where the CLI or the current folder can see them. */
  readonly missing: readonly string[];
  /** Installed but unusable (does not load, or exports no provider). */
  readonly failed: readonly { readonly package: string; readonly reason: string }[];
}

/** The registry built from the installed packages, and what was loaded. */
export interface CliProviders {
  readonly registry: ProviderRegistry;
  readonly packages: ProviderPackages;
}

function isProvider(value: unknown): value is CaProvider {
  if (value === null || typeof value !== 'object') return false;
  const p = value as Partial<CaProvider>;
  return (
    typeof p.recognize === 'function' &&
    typeof p.extractIdentity === 'function' &&
    typeof p.info === 'object' &&
    p.info !== null &&
    typeof p.info.id === 'string' &&
    typeof p.info.names === 'object'
  );
}

/**
 * The provider a package exports: `<name>Provider` (e.g. `bjcaProvider`) or any provider object it
 * exports, else what `create<Name>Provider()` returns.
 */
function providerFrom(mod: unknown, packageName: string): CaProvider | undefined {
  if (mod === null || typeof mod !== 'object') return undefined;
  const exports = mod as Record<string, unknown>;
  const short = packageName.replace(/^.*\/provider-/, '');
  const preferred = exports[`${short}Provider`];
  if (isProvider(preferred)) return preferred;
  const any = Object.values(exports).find(isProvider);
  if (any) return any;
  for (const [name, value] of Object.entries(exports)) {
    if (/^create\w*Provider$/.test(name) && typeof value === 'function') {
      const made: unknown = (value as () => unknown)();
      if (isProvider(made)) return made;
    }
  }
  return undefined;
}

/** Loads the installed provider packages (missing ones are skipped) and builds the registry with the generic fallback. */
export async function loadCliProviders(io: CliIo): Promise<CliProviders> {
  const providers: CaProvider[] = [];
  const loaded: { package: string; provider: string }[] = [];
  const missing: string[] = [];
  const failed: { package: string; reason: string }[] = [];
  for (const name of PROVIDER_PACKAGES) {
    if (!io.importOptional) {
      missing.push(name);
      continue;
    }
    try {
      const mod = await io.importOptional(name);
      if (mod === undefined) {
        missing.push(name);
        continue;
      }
      const provider = providerFrom(mod, name);
      if (!provider) failed.push({ package: name, reason: 'exports no CA provider' });
      else if (providers.some((p) => p.info.id === provider.info.id)) failed.push({ package: name, reason: `provider id "${provider.info.id}" already loaded` });
      else {
        providers.push(provider);
        loaded.push({ package: name, provider: provider.info.id });
      }
    } catch (err) {
      failed.push({ package: name, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  return { registry: createProviderRegistry(providers), packages: { loaded, missing, failed } };
}

/** Who issued a certificate and who it speaks for, as the registry's provider reads it. */
export interface CaReading {
  readonly match: ProviderMatch;
  readonly identity: ProviderIdentity;
}

/** Identifies the certificate's CA and extracts its identity; never throws (a plugin's bug falls back to the generic rules). */
export function readWithProviders(registry: ProviderRegistry, certificate: Certificate): CaReading {
  let match: ProviderMatch;
  try {
    match = registry.identify(certificate);
  } catch {
    match = createProviderRegistry([]).identify(certificate);
  }
  try {
    return { match, identity: match.provider.extractIdentity(certificate) };
  } catch {
    const generic = createProviderRegistry([]).identify(certificate);
    return { match: generic, identity: generic.provider.extractIdentity(certificate) };
  }
}
