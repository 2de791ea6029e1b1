/**
 * @yizheng/provider-bjca: Beijing Certificate Authority (BJCA).
 *
 * So far this package carries the CA's names and support contacts; certificate recognition,
 * identity extraction and the browser key driver arrive with the provider contract.
 *
 * @packageDocumentation
 */
import { defineProviderInfo, type ProviderInfo } from '@yizheng/core';

/** Who this CA is and how its users reach its support desk (source: seed 004). */
export const bjcaProviderInfo: ProviderInfo = defineProviderInfo({
  id: 'bjca',
  names: { 'zh-CN': '北京数字认证 (BJCA)', en: 'Beijing Certificate Authority (BJCA)' },
  aliases: ['BJCA', '北京CA', '北京数字认证', '北京 CA'],
  support: [
    { label: '服务热线', phone: '010-5851-5511' },
    { label: '服务热线', phone: '400-919-7888' },
  ],
});
