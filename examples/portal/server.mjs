// The sample portal, on its embedded defaults: http://127.0.0.1:8080, SQLite in examples/portal/.data,
// a demo CA and demo software keys. `PORT`, `HOST` and `PORTAL_DATA` override them.
import { createServer } from 'node:http';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSqliteStores } from '@yizheng/core/stores';
import { createPortal } from './app.mjs';
import { ACCOUNTS, loadDemoKeys } from './demo-data.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8080);
const dataDir = process.env.PORTAL_DATA ?? join(here, '.data');

const demo = loadDemoKeys(dataDir);
// Yizheng: the embedded default store is SQLite through node:sqlite; createPostgresStores for several app servers.
const stores = createSqliteStores({ path: join(dataDir, 'portal.sqlite') });
const server = createServer();
server.listen(port, host, () => {
  const { port: actual } = server.address();
  const origin = `http://${host}:${actual}`;
  server.on('request', createPortal({ stores, demo, origin }));
  console.log(`一证 Yizheng sample portal: ${origin}`);
  console.log(`accounts (password 11111111): ${ACCOUNTS.map((a) => a.id).join(', ')}; demo key PIN: 123456`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => stores.close().then(() => process.exit(0))));
}
