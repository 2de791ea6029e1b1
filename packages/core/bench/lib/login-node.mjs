/**
 * One application node of the bid-opening benchmark, started by bid-opening.mjs with
 * child_process.fork: opens the store named by YZ_BID_NODE (JSON: `{ store, caDer, poolSize }`),
 * builds its own Yizheng instance, opens its connections, and answers on the IPC channel:
 *
 *   → { op: 'load', file }          reads `{ warmup, logins }` (each `[{ sessionId, accountId, token }]`,
 *                                   JSON), runs the warm-up logins (one extra holder, so the code is
 *                                   compiled but no burst holder is cached);  ← { event: 'loaded' }
 *   → { op: 'go', concurrency }     runs the burst;            ← { event: 'done', latencies, wallMs, failures, firstError }
 *   → { op: 'close' }               closes the store and exits
 *
 * It says `{ event: 'ready' }` once its store answers, and `{ event: 'error', message }` on failure.
 */
import { readFileSync } from 'node:fs';
import { clearSignatureCaches } from '@yizheng/core/crypto';
import { freshYizheng, loginBurst, openStores, pool } from './bid-common.mjs';

const send = (message) => new Promise((resolve) => process.send(message, resolve));
const config = JSON.parse(process.env.YZ_BID_NODE ?? '{}');
let stores;
let logins = [];

async function main() {
  stores = openStores(config.store, config.poolSize);
  const yizheng = freshYizheng(stores, config.caDer);
  // Open the pool's connections (a lookup that misses), so the burst does not pay for connecting.
  await pool(Array.from({ length: config.poolSize * 2 }), config.poolSize, () => stores.bindings.findByIdentity('default', 'warm-up:none'));
  process.on('message', (message) => {
    void (async () => {
      try {
        if (message.op === 'load') {
          const data = JSON.parse(readFileSync(message.file, 'utf8'));
          logins = data.logins;
          const warm = await loginBurst(yizheng, data.warmup, message.concurrency);
          if (warm.failures > 0) throw new Error(`${warm.failures} warm-up logins failed (first: ${warm.firstError})`);
          clearSignatureCaches();
          globalThis.gc?.();
          await send({ event: 'loaded' });
        } else if (message.op === 'go') {
          const result = await loginBurst(yizheng, logins, message.concurrency);
          await send({ event: 'done', ...result });
        } else if (message.op === 'close') {
          await stores.close().catch(() => {});
          process.exit(0);
        }
      } catch (err) {
        await send({ event: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) });
      }
    })();
  });
  process.on('disconnect', () => process.exit(0));
  await send({ event: 'ready' });
}

main().catch(async (err) => {
  await send({ event: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) }).catch(() => {});
  await stores?.close().catch(() => {});
  process.exit(1);
});
