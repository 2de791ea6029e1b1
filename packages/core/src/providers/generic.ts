import { extractGenericIdentity } from '../identity/index';
import type { CaProvider, ProviderIdentity } from './contract';
import { defineProviderInfo } from './info';

/** The id of the fallback provider used for certificates no registered provider recognises. */
export const GENERIC_PROVIDER_ID = 'generic';

/**
 * The vendor-neutral provider: GM/T 0015 identity extensions and DN fields, the default SM2 user id.
 * It recognises nothing by itself; the registry falls back to it and says so.
 */
export function createGenericProvider(): CaProvider {
  return {
    info: defineProviderInfo({
      id: GENERIC_PROVIDER_ID,
      names: { 'zh-CN': '通用CA（GM/T 0015）', en: 'Generic CA (GM/T 0015)' },
      aliases: [],
      support: [],
    }),
    recognize: () => null,
    extractIdentity: (certificate): ProviderIdentity => {
      const id = extractGenericIdentity(certificate);
      const source: Record<string, string> = {};
      if (id.uscc) source['uscc'] = id.uscc.source;
      if (id.orgCode) source['orgCode'] = id.orgCode.source;
      if (id.registrationNumber) source['registrationNumber'] = id.registrationNumber.source;
      if (id.personalId) source['personalId'] = id.personalId.source;
      return {
        entityName: id.entityName,
        ...(id.uscc && { uscc: id.uscc.normalized }),
        ...(id.orgCode && { orgCode: id.orgCode.normalized }),
        ...(id.registrationNumber && { registrationNumber: id.registrationNumber.normalized }),
        ...(id.personalId && { personalId: id.personalId.normalized }),
        source,
      };
    },
  };
}
