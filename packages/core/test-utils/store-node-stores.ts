/** The stores a several-nodes test node opens: PostgreSQL or MySQL/MariaDB, challenges optionally on Redis. */
import { createMysqlStores } from '../src/stores/mysql';
import { createPostgresStores } from '../src/stores/postgres';
import { createRedisChallengeStore, withChallengeStore } from '../src/stores/redis';
import type { Stores } from '../src/stores/types';

/** Which shared database (and Redis) the node opens. */
export interface NodeStoreConfig {
  readonly kind: 'postgres' | 'mysql';
  readonly url: string;
  /** The PostgreSQL schema, or the MySQL database, of this test. */
  readonly namespace: string;
  readonly redis?: { readonly url: string; readonly keyPrefix: string };
}

/** Opens the node's stores on the shared database (already migrated by the parent). */
export async function openNodeStores(config: NodeStoreConfig): Promise<Stores> {
  const sql = config.kind === 'postgres'
    ? createPostgresStores({ connectionString: config.url, schema: config.namespace, poolSize: 4 })
    : createMysqlStores({ uri: config.url, database: config.namespace, poolSize: 4 });
  return config.redis ? withChallengeStore(sql, createRedisChallengeStore({ url: config.redis.url, keyPrefix: config.redis.keyPrefix })) : sql;
}
