// Starts the NestJS recipe on http://127.0.0.1:3004 (PORT and HOST override it) with SQLite in .data/ and
// the sample portal's demo CA, made on first start: its demo keys (private keys included, PIN 123456)
// are in .data/demo-keys.json. The recipe's test (server.test.ts) plays the page's part end to end.
import { join } from 'node:path';
import { createCertificateTrust, createYizheng } from '@yizheng/core';
import { createSqliteStores } from '@yizheng/core/stores';
import { createTrustStore } from '@yizheng/core/trust';
import { loadDemoKeys } from '@yizheng/example-portal/demo-data.mjs';
import { createApp } from './server';

const data = join(import.meta.dirname, '.data');
const demo = loadDemoKeys(data);
const host = process.env['HOST'] ?? '127.0.0.1';
const port = Number(process.env['PORT'] ?? 3004);
const origin = `http://${host}:${port}`;
const yizheng = createYizheng({
  stores: createSqliteStores({ path: join(data, 'yizheng.sqlite') }),
  providers: [],
  // The demo CA publishes no CRL or OCSP responder; a real platform sets 'require' or 'prefer'.
  trust: createCertificateTrust({ trustStore: createTrustStore(demo.ca), revocation: { policy: 'off' } }),
});
// The sample portal's zhangsan (张三, 厦门帝网): the first demo key holds his certificate.
const account = { accountId: 'zhangsan', organizationId: 'org-dimeng', isAdmin: false, enterpriseCode: '55620766-4' };
const app = await createApp({ yizheng, origin, account });
await app.listen(port, host);
console.log(`Yizheng NestJS recipe: ${origin}`);
