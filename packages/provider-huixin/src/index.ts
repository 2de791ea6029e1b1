/**
 * @yizheng/provider-huixin: Huixin CA.
 *
 * So far this package carries the CA's names and support contacts; certificate recognition,
 * identity extraction and the browser key driver arrive with the provider contract.
 *
 * @packageDocumentation
 */
import { defineProviderInfo, type ProviderInfo } from '@yizheng/core';

/** Who this CA is and how its users reach its support desk (source: seed 004). */
export const huixinProviderInfo: ProviderInfo = defineProviderInfo({
  id: 'huixin',
  names: { 'zh-CN': '汇信CA', en: 'Huixin CA' },
  aliases: ['汇信CA', '浙江汇信', '汇信'],
  support: [
    { label: '服务热线', phone: '400-888-4636' },
  ],
});
