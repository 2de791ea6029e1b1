/**
 * Pending challenges in Redis, shared by several application nodes, through `redis` (node-redis) or
 * any client with its `sendCommand` shape.
 *
 * Each challenge is one key, `{prefix}{purpose}:{sessionId}`, holding its JSON and expiring by Redis
 * TTL (`SET ... PX`); a sorted set `{prefix}expiry` indexes the keys by `expiresAt` for
 * `purgeExpired`. Every operation is one Lua script, so a put, a consume and a purge are each atomic
 * on the server: of any number of nodes consuming one challenge at once exactly one gets it.
 */
import { YizhengError } from '../errors/index';
import type { ChallengePurpose, ChallengeStore, PendingChallenge, StoreSet, Stores } from './types';
import { checkDate, checkId, checkPurpose, normalizeChallenge } from './validate';

/** A Redis client that sends a raw command: node-redis's `createClient()` result, connected. */
export interface RedisCommandClient {
  /** Sends one command, e.g. `['EVAL', script, '1', key]`, and resolves to its reply. */
  sendCommand(args: string[]): Promise<unknown>;
}

/** Options for {@link createRedisChallengeStore}: a Redis URL (a client is made) or your own client. */
export type RedisChallengeStoreOptions = {
  /** Prefix of every key the store writes (default `yizheng:challenge:`); separates platforms sharing one Redis. */
  readonly keyPrefix?: string;
  /**
   * How long a challenge is kept after `expiresAt` (default 10 minutes), so that `consume` can still
   * return it and the caller can tell "expired" from "never issued". Redis drops it after that.
   */
  readonly keepExpiredMs?: number;
} & (
  | {
      /** `redis://host:port` (or `rediss://`, with user and password as needed). */
      readonly url: string;
    }
  | {
      /** A connected client you own: `close()` leaves it open. */
      readonly client: RedisCommandClient;
    }
);

/** A {@link ChallengeStore} in Redis, with a way to let go of the connection it made. */
export interface RedisChallengeStore extends ChallengeStore {
  /** Closes the client made from `url` (a client passed in stays open). */
  close(): Promise<void>;
}

// KEYS: challenge key, index. ARGV: JSON, time to live (ms), expiresAt (ms).
const PUT = `redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], KEYS[1])
return 1`;

// KEYS: challenge key, index. Returns the JSON, or nil when there is none.
const CONSUME = `local v = redis.call('GET', KEYS[1])
if v then redis.call('DEL', KEYS[1]) end
redis.call('ZREM', KEYS[2], KEYS[1])
return v`;

// KEYS: index. ARGV: now (ms), batch size. Deletes challenges with expiresAt <= now, one batch.
const PURGE = `local keys = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local n = 0
for _, k in ipairs(keys) do
  n = n + redis.call('DEL', k)
  redis.call('ZREM', KEYS[1], k)
end
return {n, #keys}`;

const BATCH = 1000;

interface Stored {
  readonly n: string;
  readonly o: string;
  readonly i: number;
  readonly e: number;
}

function corrupt(): YizhengError {
  return new YizhengError('INTERNAL_ERROR', { reason: 'unexpected value in a Redis challenge key' });
}

function parse(sessionId: string, purpose: ChallengePurpose, text: unknown): PendingChallenge {
  if (typeof text !== 'string') throw corrupt();
  const v = JSON.parse(text) as Partial<Stored>;
  if (typeof v.n !== 'string' || typeof v.o !== 'string' || typeof v.i !== 'number' || typeof v.e !== 'number') throw corrupt();
  return { sessionId, purpose, nonce: v.n, origin: v.o, issuedAt: new Date(v.i), expiresAt: new Date(v.e) };
}

async function connect(url: string): Promise<{ client: RedisCommandClient; close: () => Promise<void> }> {
  let redis: typeof import('redis');
  try {
    redis = await import('redis');
  } catch (err) {
    throw new YizhengError(
      'INVALID_ARGUMENT',
      { reason: 'createRedisChallengeStore({ url }) needs the "redis" package: install it, or pass your own client' },
      { cause: err },
    );
  }
  const client = redis.createClient({ url });
  // A lost connection must not crash the process: the client reconnects, the next command reports it.
  client.on('error', () => undefined);
  await client.connect();
  return {
    client: { sendCommand: (args) => client.sendCommand(args) },
    close: async () => {
      await client.close();
    },
  };
}

/**
 * Pending challenges in Redis, for several application nodes behind one load balancer: a challenge
 * issued by one node is consumed on whichever node receives the signature, exactly once. Pass a Redis
 * URL (a `redis` client is made on first use, and closed by `close()`) or a connected client of your
 * own. Combine it with SQL stores for bindings and audit through {@link withChallengeStore}.
 *
 * @example
 * ```ts
 * const challenges = createRedisChallengeStore({ url: process.env.REDIS_URL, keyPrefix: 'bid:challenge:' });
 * const stores = withChallengeStore(createPostgresStores({ connectionString: process.env.DATABASE_URL }), challenges);
 * ```
 */
export function createRedisChallengeStore(options: RedisChallengeStoreOptions): RedisChallengeStore {
  const prefix = options.keyPrefix ?? 'yizheng:challenge:';
  if (typeof prefix !== 'string' || prefix.length > 200) {
    throw new YizhengError('INVALID_ARGUMENT', { reason: 'keyPrefix must be a string of at most 200 characters' });
  }
  const keep = options.keepExpiredMs ?? 600_000;
  if (!Number.isSafeInteger(keep) || keep < 0) {
    throw new YizhengError('INVALID_ARGUMENT', { reason: 'keepExpiredMs must be a non-negative integer' });
  }
  const index = `${prefix}expiry`;
  const keyOf = (sessionId: string, purpose: ChallengePurpose): string => `${prefix}${purpose}:${sessionId}`;

  let getClient: () => Promise<RedisCommandClient>;
  let closeClient: () => Promise<void>;
  if ('client' in options) {
    const { client } = options;
    getClient = () => Promise.resolve(client);
    closeClient = () => Promise.resolve();
  } else {
    const { url } = options;
    if (typeof url !== 'string' || url.length === 0) throw new YizhengError('INVALID_ARGUMENT', { reason: 'url or client is required' });
    // Made on first use, so creating the store neither loads redis nor touches the network.
    let made: ReturnType<typeof connect> | null = null;
    getClient = async () => (await (made ??= connect(url))).client;
    closeClient = async () => {
      if (made !== null) await (await made).close();
    };
  }
  let closed = false;
  const run = async (args: string[]): Promise<unknown> => {
    if (closed) throw new YizhengError('INVALID_ARGUMENT', { reason: 'the challenge store has been closed' });
    return (await getClient()).sendCommand(args);
  };

  return Object.freeze({
    async put(challenge: PendingChallenge): Promise<void> {
      const c = normalizeChallenge(challenge);
      const expires = c.expiresAt.getTime();
      const stored: Stored = { n: c.nonce, o: c.origin, i: c.issuedAt.getTime(), e: expires };
      const ttl = Math.max(expires - Date.now(), 0) + keep;
      await run(['EVAL', PUT, '2', keyOf(c.sessionId, c.purpose), index, JSON.stringify(stored), String(Math.max(ttl, 1)), String(expires)]);
    },
    async consume(sessionId: string, purpose: ChallengePurpose): Promise<PendingChallenge | null> {
      const id = checkId(sessionId, 'sessionId');
      const p = checkPurpose(purpose);
      const reply = await run(['EVAL', CONSUME, '2', keyOf(id, p), index]);
      return reply === null || reply === undefined ? null : parse(id, p, reply);
    },
    async purgeExpired(now: Date): Promise<number> {
      const at = String(checkDate(now, 'now').getTime());
      let total = 0;
      for (;;) {
        const reply = await run(['EVAL', PURGE, '1', index, at, String(BATCH)]);
        if (!Array.isArray(reply) || typeof reply[0] !== 'number' || typeof reply[1] !== 'number') throw corrupt();
        total += reply[0];
        if (reply[1] < BATCH) return total;
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await closeClient();
    },
  });
}

/**
 * The stores with their challenges kept elsewhere (e.g. {@link createRedisChallengeStore}), everything
 * else (bindings, audit, envelopes, orders, transactions) as it was. Inside `transaction`, `tx.challenges`
 * is that challenge store too: its puts and consumes take effect at once and are not rolled back
 * with the transaction (a challenge consumed by a failed binding stays consumed; the user signs a
 * new one). `close()` closes the stores only: close the challenge store yourself.
 *
 * @example
 * ```ts
 * const stores = withChallengeStore(createMysqlStores({ uri: process.env.MYSQL_URL }), createRedisChallengeStore({ url: process.env.REDIS_URL }));
 * ```
 */
export function withChallengeStore<S extends Stores>(stores: S, challenges: ChallengeStore): S {
  const transaction = <T>(fn: (tx: StoreSet) => Promise<T>): Promise<T> =>
    stores.transaction((tx) => fn(Object.freeze({ ...tx, challenges })));
  return Object.freeze({ ...stores, challenges, transaction }) as S;
}
