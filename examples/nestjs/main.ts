// Starts the NestJS recipe on http://127.0.0.1:3004 (PORT and HOST override it) with SQLite in .data/ and
// the sample portal's demo CA, made on first start: its demo keys (private keys included, PIN 123456)
// are in .data/demo-keys.json. The recipe's test (server.test.ts) plays the page's part end to end.
import { join } from 'node:path';
import { createDemoSetup } from '@yizheng/example-recipe-kit/demo';
import { createApp } from './server';

const { yizheng, account, origin, host, port } = createDemoSetup(join(import.meta.dirname, '.data'), 3004);
const app = await createApp({ yizheng, origin, account });
await app.listen(port, host);
console.log(`Yizheng NestJS recipe: ${origin}`);
