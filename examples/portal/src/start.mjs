// Starts the portals: the province subject database and, optionally, a city trading platform that
// shares its subject database and bindings (一证通用). Used by server.mjs and by the tests.
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createCertificateTrust, createYizheng } from '@yizheng/core';
import { createPostgresStores, createSqliteStores } from '@yizheng/core/stores';
import { createTrustStore } from '@yizheng/core/trust';
import { bjcaProvider } from '@yizheng/provider-bjca';
import { cfcaProvider } from '@yizheng/provider-cfca';
import { cmcaProvider } from '@yizheng/provider-cmca';
import { huixinProvider } from '@yizheng/provider-huixin';
import { ACCOUNTS, ORGANIZATIONS, loadDemoKeys } from '../demo-data.mjs';
import { readKeyDescriptors } from '../keys/descriptors.mjs';
import { createPortalApp } from './app.mjs';
import { demoProvider } from './demo-provider.mjs';
import { createDirectory } from './directory.mjs';
import { PORTAL_MENUS } from './menus.mjs';

export const PROVINCE = { id: 'fujian', kind: 'province', name: { 'zh-CN': '福建省主体库', en: 'Fujian Subject Database' } };
export const CITY = { id: 'xiamen', kind: 'city', name: { 'zh-CN': '厦门市公共资源交易平台', en: 'Xiamen Public Resource Trading Platform' } };

/**
 * Trusts the demo CA and the demo CAs of the key commands running now (their descriptors name them).
 * Demo only: a real platform's trust anchors are configuration, not files that come and go.
 */
function createDemoTrust(demoCa, dataDir) {
  let anchors = '';
  let trust;
  return {
    validate(certificate, options) {
      const pems = [demoCa, ...readKeyDescriptors(dataDir).caPems];
      if (pems.join('\n') !== anchors) {
        anchors = pems.join('\n');
        // The demo CAs publish no CRL or OCSP responder; a real platform sets 'require' or 'prefer'.
        trust = createCertificateTrust({ trustStore: createTrustStore(pems), revocation: { policy: 'off' } });
      }
      return trust.validate(certificate, options);
    },
  };
}

async function freePort(host) {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, host, resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * @param {{ dataDir: string, host?: string, port?: number, cities?: 1 | 2, store?: 'sqlite' | 'postgres',
 *   databaseUrl?: string, schema?: string, logLevel?: string }} options `port` 0 picks free ports.
 */
export async function startPortals(options) {
  const { dataDir, host = '127.0.0.1', cities = 1, store = 'sqlite' } = options;
  const demo = loadDemoKeys(dataDir);
  // Yizheng: SQLite (node:sqlite) for one server; one PostgreSQL database for several portals or servers.
  const stores = store === 'postgres'
    ? createPostgresStores({ connectionString: options.databaseUrl, schema: options.schema ?? 'portal' })
    : createSqliteStores({ path: join(dataDir, 'portal.sqlite') });
  await stores.migrate();
  const directory = await createDirectory({ organizations: ORGANIZATIONS, accounts: ACCOUNTS, dataDir });
  const providers = [demoProvider, bjcaProvider, cfcaProvider, huixinProvider, cmcaProvider];
  const trust = createDemoTrust(demo.ca, dataDir);
  const keys = () => readKeyDescriptors(dataDir);
  const started = [];
  try {
    for (const [index, city] of [PROVINCE, CITY].slice(0, cities).entries()) {
      const port = options.port === 0 ? await freePort(host) : (options.port ?? 8080) + index;
      const origin = `http://${host}:${port}`;
      // Yizheng: one configured instance per portal, each its own scope; the city accepts the province's bindings.
      const yizheng = createYizheng({
        stores,
        providers,
        trust,
        locale: 'zh-CN',
        scopes: city.kind === 'province' ? { current: PROVINCE.id } : { current: city.id, accepted: [PROVINCE.id] },
        menus: PORTAL_MENUS,
      });
      const portalCity = city.kind === 'city' ? { ...city, province: { name: PROVINCE.name, url: started[0]?.origin ?? '' } } : city;
      const app = await createPortalApp({ yizheng, directory, city: portalCity, origin, demoKeys: demo.keys, keys, ...(options.logLevel && { logLevel: options.logLevel }) });
      await app.listen({ port, host });
      started.push({ app, origin, city: portalCity, yizheng });
    }
  } catch (error) {
    for (const { app } of started) await app.close();
    await stores.close();
    throw error;
  }
  return {
    portals: started.map(({ app, origin, city, yizheng }) => ({ app, origin, city, yizheng })),
    stores,
    directory,
    demo,
    async stop() {
      for (const { app } of started) await app.close();
      await stores.close();
    },
  };
}
