// The sample portal, on its embedded defaults: the province subject database (福建省主体库) at
// http://127.0.0.1:8080, SQLite in examples/portal/.data, a demo CA and demo software keys.
//
//   PORT, HOST       where the province portal listens (8080, 127.0.0.1); a city portal takes PORT+1
//   PORTAL_DATA      where the data lives (examples/portal/.data)
//   PORTAL_STORE     sqlite (default) or postgres (DATABASE_URL, else the URL scripts/postgres.sh wrote)
//   PORTAL_CITIES    2: also start the Xiamen city platform, sharing the subject database and the
//                    bindings (一证通用); `bash scripts/x.sh pnpm demo:cities` does it on PostgreSQL
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPortals } from './src/start.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const store = process.env.PORTAL_STORE ?? 'sqlite';
if (store !== 'sqlite' && store !== 'postgres') throw new Error(`PORTAL_STORE must be sqlite or postgres, not ${store}`);
const urlFile = join(here, '..', '..', '.tools', 'pg', 'url');
const databaseUrl = process.env.DATABASE_URL ?? (existsSync(urlFile) ? readFileSync(urlFile, 'utf8').trim() : undefined);
if (store === 'postgres' && !databaseUrl) throw new Error('PORTAL_STORE=postgres needs DATABASE_URL, or run bash scripts/postgres.sh first');

const running = await startPortals({
  dataDir: process.env.PORTAL_DATA ?? join(here, '.data'),
  host: process.env.HOST ?? '127.0.0.1',
  port: Number(process.env.PORT ?? 8080),
  cities: process.env.PORTAL_CITIES === '2' ? 2 : 1,
  store,
  ...(databaseUrl && { databaseUrl }),
});
for (const { origin, city } of running.portals) console.log(`一证 Yizheng sample portal — ${city.name['zh-CN']} ${city.name.en}: ${origin}`);
console.log('账号 accounts (password 11111111): 厦门帝网信息科技有限公司 (or 55620766-4), zhangsan, lisi, 北京示例科技有限公司; demo key PIN 123456');
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => running.stop().then(() => process.exit(0)));
