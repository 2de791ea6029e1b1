/**
 * @yizheng/provider-cmca: China Mobile CA (CMCA).
 *
 * So far this package carries the CA's names and support contacts; certificate recognition,
 * identity extraction and the browser key driver arrive with the provider contract.
 *
 * @packageDocumentation
 */
import { defineProviderInfo, type ProviderInfo } from '@yizheng/core';

/** Who this CA is and how its users reach its support desk (source: seed 002 (no hotline given)). */
export const cmcaProviderInfo: ProviderInfo = defineProviderInfo({
  id: 'cmca',
  names: { 'zh-CN': '中国移动CA (CMCA)', en: 'China Mobile CA (CMCA)' },
  aliases: ['CMCA', '中国移动CA'],
  support: [],
});
