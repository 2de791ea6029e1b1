/**
 * @yizheng/core/stores: where challenges, bindings and audit events live. Four adapters behind
 * one contract — memory (tests, demos), SQLite through `node:sqlite`, PostgreSQL through `pg`, MySQL /
 * MariaDB through `mysql2` — each with a unit of work so a binding change and its audit event commit or
 * roll back together; and pending challenges in Redis, shared by several application nodes.
 *
 * @module
 */
export type {
  AuditEvent,
  AuditEventType,
  AuditLog,
  AuditQuery,
  Binding,
  BindingPermissions,
  BindingStore,
  CertificateFacts,
  ChallengePurpose,
  ChallengeStore,
  ExpiringQuery,
  NewAuditEvent,
  NewBinding,
  Page,
  PendingChallenge,
  StoreOptions,
  StoreSet,
  Stores,
  AccountPageQuery,
  EnvelopeRecipient,
  NewSealedEnvelope,
  NewServiceOrder,
  OpenEnvelopeQuery,
  OrderQuery,
  OrderTransition,
  RenewalStores,
  RenewalStoreSet,
  SealedEnvelope,
  SealedEnvelopeStatus,
  SealedEnvelopeStore,
  ServiceOrder,
  ServiceOrderCertificate,
  ServiceOrderEvent,
  ServiceOrderKind,
  ServiceOrderState,
  ServiceOrderStore,
} from './types';
// Sealed bids and CA service orders: the risk assessment and the order state model.
export * from '../renewal/index';
export { DEFAULT_SCOPE, MAX_PAGE_SIZE } from './validate';
export { createMemoryStores } from './memory';
export { createSqliteStores, SQLITE_MIGRATIONS, type SqliteStoreOptions } from './sqlite';
export {
  createPostgresStores,
  POSTGRES_MIGRATIONS,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryable,
  type PostgresQueryResult,
  type PostgresStoreOptions,
} from './postgres';
export {
  createMysqlStores,
  MYSQL_MIGRATIONS,
  type MysqlPool,
  type MysqlPoolConnection,
  type MysqlQueryable,
  type MysqlQueryOptions,
  type MysqlStoreOptions,
} from './mysql';
export {
  createRedisChallengeStore,
  withChallengeStore,
  type RedisChallengeStore,
  type RedisChallengeStoreOptions,
  type RedisCommandClient,
} from './redis';
