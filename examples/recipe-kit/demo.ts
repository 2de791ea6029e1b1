// What each recipe's main.ts starts from: SQLite stores in its data directory, the sample portal's demo
// CA (made on first start; its demo keys, private keys included, PIN 123456, are in <dataDir>/demo-keys.json),
// the demo account, and where to listen (PORT and HOST override the defaults).
import { join } from 'node:path';
import { createCertificateTrust, createYizheng, type Yizheng } from '@yizheng/core';
import type { PlatformAccount } from '@yizheng/core/http';
import { createSqliteStores } from '@yizheng/core/stores';
import { createTrustStore } from '@yizheng/core/trust';
import { loadDemoKeys } from '@yizheng/example-portal/demo-data.mjs';

/** A recipe's demo: Yizheng, the one account, and the origin, host and port to serve on. */
export interface DemoSetup {
  readonly yizheng: Yizheng;
  readonly account: PlatformAccount;
  readonly origin: string;
  readonly host: string;
  readonly port: number;
}

/** Yizheng on SQLite in `dataDir` trusting the demo CA, listening on 127.0.0.1:`defaultPort` unless HOST/PORT say otherwise. */
export function createDemoSetup(dataDir: string, defaultPort: number): DemoSetup {
  const demo = loadDemoKeys(dataDir);
  const host = process.env['HOST'] ?? '127.0.0.1';
  const port = Number(process.env['PORT'] ?? defaultPort);
  const origin = `http://${host}:${port}`;
  const yizheng = createYizheng({
    stores: createSqliteStores({ path: join(dataDir, 'yizheng.sqlite') }),
    providers: [],
    // The demo CA publishes no CRL or OCSP responder; a real platform sets 'require' or 'prefer'.
    trust: createCertificateTrust({ trustStore: createTrustStore(demo.ca), revocation: { policy: 'off' } }),
  });
  // The sample portal's zhangsan (张三, 厦门帝网): the first demo key holds his certificate.
  const account = { accountId: 'zhangsan', organizationId: 'org-dimeng', isAdmin: false, enterpriseCode: '55620766-4' };
  return { yizheng, account, origin, host, port };
}
