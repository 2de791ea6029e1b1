/**
 * @yizheng/provider-cfca: China Financial Certification Authority (CFCA).
 *
 * So far this package carries the CA's names and support contacts; certificate recognition,
 * identity extraction and the browser key driver arrive with the provider contract.
 *
 * @packageDocumentation
 */
import { defineProviderInfo, type ProviderInfo } from '@yizheng/core';

/** Who this CA is and how its users reach its support desk (source: seeds 004 and 000). */
export const cfcaProviderInfo: ProviderInfo = defineProviderInfo({
  id: 'cfca',
  names: { 'zh-CN': '中国金融认证中心 (CFCA)', en: 'China Financial Certification Authority (CFCA)' },
  aliases: ['CFCA', '中金金融认证中心', '中国金融认证中心'],
  support: [
    { label: '客服电话', phone: '400-880-9888' },
    { label: '客服电话', phone: '025-66085508' },
  ],
});
