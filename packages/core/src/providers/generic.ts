import type { CaProvider } from './contract';
import { defineProvider } from './define';
import { extractIdentityWith, gmt0015Strategy, subjectNameStrategy } from './strategies';

/** The id of the fallback provider used for certificates no registered provider recognises. */
export const GENERIC_PROVIDER_ID = 'generic';

/**
 * The vendor-neutral provider: GM/T 0015 identity extensions and DN fields, the default SM2 user id.
 * It recognises nothing by itself; the registry falls back to it and says so.
 */
export function createGenericProvider(): CaProvider {
  const strategies = [gmt0015Strategy(), subjectNameStrategy(['O', 'CN'])];
  return defineProvider({
    info: {
      id: GENERIC_PROVIDER_ID,
      names: { 'zh-CN': '通用CA（GM/T 0015）', en: 'Generic CA (GM/T 0015)' },
      aliases: [],
      support: [],
    },
    recognize: () => null,
    extractIdentity: (certificate) => extractIdentityWith(certificate, strategies),
  });
}
