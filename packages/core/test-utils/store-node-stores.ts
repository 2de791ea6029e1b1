/** The stores a several-nodes test node opens: PostgreSQL (a schema of its own per test). */
import { createPostgresStores } from '../src/stores/postgres';
import type { Stores } from '../src/stores/types';

/** Which shared database the node opens. */
export interface NodeStoreConfig {
  readonly kind: 'postgres';
  readonly url: string;
  readonly schema: string;
}

/** Opens the node's stores on the shared database (already migrated by the parent). */
export async function openNodeStores(config: NodeStoreConfig): Promise<Stores> {
  return createPostgresStores({ connectionString: config.url, schema: config.schema, poolSize: 4 });
}
