import type { CaProvider } from './contract';
import { defineProvider } from './define';
import type { ProviderInfo } from './info';
import { extractIdentityWith, gmt0015Strategy, subjectNameStrategy } from './strategies';

/** The id of the fallback provider used for certificates no registered provider recognises. */
export const GENERIC_PROVIDER_ID = 'generic';

/**
 * The vendor-neutral provider: GM/T 0015 identity extensions and DN fields, the default SM2 user id.
 * It recognises nothing by itself; the registry falls back to it and says so.
 *
 * @param namedAs A CA from the directory (see `CA_DIRECTORY`) whose names and hotlines messages should
 *   show; the provider keeps the id `generic`, its rules and its binding keys.
 */
export function createGenericProvider(namedAs?: ProviderInfo): CaProvider {
  const strategies = [gmt0015Strategy(), subjectNameStrategy(['O', 'CN'])];
  return defineProvider({
    info: {
      id: GENERIC_PROVIDER_ID,
      names: namedAs?.names ?? { 'zh-CN': '通用CA（GM/T 0015）', en: 'Generic CA (GM/T 0015)' },
      aliases: [],
      support: namedAs?.support ?? [],
    },
    recognize: () => null,
    extractIdentity: (certificate) => extractIdentityWith(certificate, strategies),
  });
}
