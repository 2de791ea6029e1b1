// The sample portal, on its embedded defaults: the province subject database (福建省主体库) at
// http://127.0.0.1:8080, SQLite in examples/portal/.data, a demo CA and demo software keys.
//
//   PORT, HOST          where the province portal listens (8080, 127.0.0.1)
//   PORTAL_DATA         where the data lives (examples/portal/.data)
//   PORTAL_STORE        sqlite (default) or postgres (DATABASE_URL, else the URL scripts/postgres.sh wrote)
//   PORTAL_CITIES       2: also start the Xiamen city portal on PORT+1, sharing the subject database
//                       and the bindings (一证通用); it needs PORTAL_STORE=postgres
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCertificateTrust, createYizheng } from '@yizheng/core';
import { createPostgresStores, createSqliteStores } from '@yizheng/core/stores';
import { createTrustStore } from '@yizheng/core/trust';
import { bjcaProvider } from '@yizheng/provider-bjca';
import { cfcaProvider } from '@yizheng/provider-cfca';
import { cmcaProvider } from '@yizheng/provider-cmca';
import { huixinProvider } from '@yizheng/provider-huixin';
import { ACCOUNTS, ORGANIZATIONS, loadDemoKeys } from './demo-data.mjs';
import { createPortalApp } from './src/app.mjs';
import { demoProvider } from './src/demo-provider.mjs';
import { createDirectory } from './src/directory.mjs';
import { PORTAL_MENUS } from './src/menus.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8080);
const dataDir = process.env.PORTAL_DATA ?? join(here, '.data');
const storeKind = process.env.PORTAL_STORE ?? 'sqlite';
const cities = Number(process.env.PORTAL_CITIES ?? 1);

export const PROVINCE = { id: 'fujian', kind: 'province', name: { 'zh-CN': '福建省主体库', en: 'Fujian Subject Database' } };
export const CITY = {
  id: 'xiamen',
  kind: 'city',
  name: { 'zh-CN': '厦门市公共资源交易平台', en: 'Xiamen Public Resource Trading Platform' },
  province: { name: PROVINCE.name, url: '' },
};

function openStores() {
  if (storeKind === 'sqlite') {
    if (cities > 1) throw new Error('PORTAL_CITIES=2 shares one database between two portals: set PORTAL_STORE=postgres (bash scripts/x.sh pnpm demo:cities does)');
    // Yizheng: the embedded default store is SQLite through node:sqlite.
    return createSqliteStores({ path: join(dataDir, 'portal.sqlite') });
  }
  if (storeKind === 'postgres') {
    const urlFile = join(root, '.tools', 'pg', 'url');
    const url = process.env.DATABASE_URL ?? (existsSync(urlFile) ? readFileSync(urlFile, 'utf8').trim() : undefined);
    if (!url) throw new Error('PORTAL_STORE=postgres needs DATABASE_URL, or run bash scripts/postgres.sh first');
    // Yizheng: one PostgreSQL database for every portal; each portal is a scope in it.
    return createPostgresStores({ connectionString: url, schema: 'portal' });
  }
  throw new Error(`PORTAL_STORE must be sqlite or postgres, not ${storeKind}`);
}

/** Starts the portals; resolves with their origins and a stop function. */
export async function startPortals() {
  const demo = loadDemoKeys(dataDir);
  const stores = openStores();
  await stores.migrate();
  const directory = await createDirectory({ organizations: ORGANIZATIONS, accounts: ACCOUNTS, dataDir });
  const providers = [demoProvider, bjcaProvider, cfcaProvider, huixinProvider, cmcaProvider];
  // The demo CA publishes no CRL or OCSP responder; a real platform sets 'require' or 'prefer'.
  const trust = createCertificateTrust({ trustStore: createTrustStore(demo.ca), revocation: { policy: 'off' } });
  const started = [];
  for (const [index, city] of [PROVINCE, CITY].slice(0, cities).entries()) {
    const origin = `http://${host}:${port + index}`;
    // Yizheng: one configured instance per portal; the city accepts the province's bindings.
    const yizheng = createYizheng({
      stores,
      providers,
      trust,
      locale: 'zh-CN',
      scopes: city.kind === 'province' ? { current: PROVINCE.id } : { current: city.id, accepted: [PROVINCE.id] },
      // menus: PORTAL_MENUS,
    });
    const portalCity = city.kind === 'city' ? { ...city, province: { ...city.province, url: started[0]?.origin ?? '' } } : city;
    const app = await createPortalApp({ yizheng, directory, city: portalCity, origin, demoKeys: demo.keys });
    await app.listen({ port: port + index, host });
    started.push({ app, origin, city });
  }
  return {
    portals: started.map(({ origin, city }) => ({ origin, city })),
    async stop() {
      for (const { app } of started) await app.close();
      await stores.close();
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const running = await startPortals();
  for (const { origin, city } of running.portals) console.log(`一证 Yizheng sample portal — ${city.name['zh-CN']}: ${origin}`);
  console.log('账号 accounts (password 11111111): 厦门帝网信息科技有限公司 (or 55620766-4), zhangsan, lisi, 北京示例科技有限公司; demo key PIN 123456');
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => running.stop().then(() => process.exit(0)));
}
