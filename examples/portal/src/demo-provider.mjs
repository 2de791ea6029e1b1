// The demo CA as a provider, written the way a CA vendor writes one: how its certificates are
// recognised and where the enterprise code is. With it the portal names the CA and its hotline
// instead of falling back to the generic provider.
import { createProfileProvider, defineProviderInfo, extensionStrategy, subjectNameStrategy } from '@yizheng/core/providers';
import { DEMO_USCC_OID } from '../demo-data.mjs';

export const demoProvider = createProfileProvider({
  info: defineProviderInfo({
    id: 'yizheng-demo',
    names: { 'zh-CN': '一证演示CA', en: 'Yizheng demo CA' },
    aliases: ['Yizheng Demo CA'],
    support: [{ label: '演示客服热线（虚构）', phone: '400-000-0000' }],
  }),
  recognition: { issuer: [{ attribute: 'O', contains: '一证演示CA', basis: 'verified', weight: 1 }] },
  identity: [extensionStrategy(DEMO_USCC_OID, { as: 'uscc', name: 'demo USCC' }), subjectNameStrategy(['O', 'CN'])],
});
