// Shown in docs/guide/getting-started.md (both languages) and run by docs/getting-started.test.ts.
// #region instance
import { createCertificateTrust, createYizheng } from '@yizheng/core';
import { createMemoryStores } from '@yizheng/core/stores';
import { createTrustStore } from '@yizheng/core/trust';

export function createPlatformYizheng(caPem) {
  return createYizheng({
    stores: createMemoryStores(),
    providers: [],
    trust: createCertificateTrust({
      trustStore: createTrustStore(caPem),
      revocation: { policy: 'off' },
    }),
    locale: 'zh-CN',
  });
}
// #endregion instance
