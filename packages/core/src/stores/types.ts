/**
 * The storage contracts login and binding are written against. Three adapters implement them (memory,
 * SQLite, PostgreSQL) and pass one shared contract suite; a platform may bring its own adapter.
 * All times are `Date`s with millisecond precision; all methods are async.
 */

/** What a challenge is for: a CA login, or binding a certificate to an account. */
export type ChallengePurpose = 'login' | 'bind';

/** A challenge waiting for its signature: at most one per (session, purpose). */
export interface PendingChallenge {
  /** The platform's session the challenge was issued to. */
  readonly sessionId: string;
  /** What signing it will do. */
  readonly purpose: ChallengePurpose;
  /** 32 random bytes, base64url without padding (43 characters). */
  readonly nonce: string;
  /** The page origin the challenge was issued for, e.g. `https://bid.example.gov.cn`. */
  readonly origin: string;
  /** When it was issued. */
  readonly issuedAt: Date;
  /** When it stops being acceptable. */
  readonly expiresAt: Date;
}

/** Pending challenges, each usable once. */
export interface ChallengeStore {
  /** Stores a challenge, replacing any pending one for the same session and purpose. */
  put(challenge: PendingChallenge): Promise<void>;
  /**
   * Removes and returns the pending challenge for the session and purpose, or `null` if there is none.
   * Atomic: of any number of concurrent calls exactly one gets the challenge. An expired challenge is
   * removed and returned all the same, so the caller can tell "expired" from "never issued" by
   * comparing `expiresAt` with its clock.
   */
  consume(sessionId: string, purpose: ChallengePurpose): Promise<PendingChallenge | null>;
  /** Deletes challenges with `expiresAt <= now`; resolves to how many were deleted. */
  purgeExpired(now: Date): Promise<number>;
}

/** What a binding remembers about its certificate; refreshed at every CA login. */
export interface CertificateFacts {
  /** Serial number as uppercase hex without separators, as the certificate parser prints it. */
  readonly serialNumber: string;
  /** SHA-256 of the certificate's DER, lowercase hex. */
  readonly sha256: string;
  /** Subject distinguished name, as displayed. */
  readonly subjectDn: string;
  /** Issuer distinguished name, as displayed. */
  readonly issuerDn: string;
  /** Start of the validity period. */
  readonly notBefore: Date;
  /** End of the validity period. */
  readonly notAfter: Date;
  /** The CA's key id (CA锁ID / 介质编号) when the provider knows it. */
  readonly keyId?: string;
}

/** A certificate identity bound to a platform account. */
export interface Binding {
  /** Stable id of this binding. */
  readonly id: string;
  /** Where uniqueness applies, e.g. a province or city code; `'default'` when the platform has one scope. */
  readonly scope: string;
  /**
   * The certificate's stable identity, unique within the scope: provider, issuing CA, company and
   * holder (a vouched ID number, else the public key), as `deriveIdentityKey` builds it. Never the
   * serial number (a certificate renewed for the same holder keeps its identity) and never a name.
   */
  readonly identityKey: string;
  /** The CA provider that issued the certificate. */
  readonly providerId: string;
  /** The account the certificate is bound to. */
  readonly accountId: string;
  /** The organisation (市场主体) the account belongs to. */
  readonly organizationId: string;
  /** The enterprise code checked at binding (USCC, organisation code or registration number). */
  readonly enterpriseCode: string;
  /** The entity's name as in the certificate. */
  readonly entityName: string;
  /** The certificate as last seen. */
  readonly certificate: CertificateFacts;
  /**
   * The encryption certificate (加密证书) of the same key (双证书), as last presented at binding or
   * login; absent when the page never sent one. Bids are sealed to it, so a renewal that changes it is
   * worth a warning. Its `keyId` is never stored (the key's id is the signing certificate's).
   */
  readonly encryptionCertificate?: CertificateFacts;
  /** Whether this certificate acts as the organisation's administrator (是否管理员). */
  readonly isAdmin: boolean;
  /** The permissions granted to this certificate (权限管理), sorted, without duplicates. */
  readonly permissions: readonly string[];
  /** When it was bound. */
  readonly boundAt: Date;
  /** The account that performed the binding (操作人): the account itself or an organisation admin. */
  readonly boundBy: string;
  /** Last change of certificate facts or permissions. */
  readonly updatedAt: Date;
}

/** What `BindingStore.insert` takes: a binding whose id, scope, flags and times may be defaulted. */
export interface NewBinding {
  /** Defaults to a random UUID. */
  readonly id?: string;
  /** Defaults to `'default'`. */
  readonly scope?: string;
  /** See {@link Binding.identityKey}. */
  readonly identityKey: string;
  /** See {@link Binding.providerId}. */
  readonly providerId: string;
  /** See {@link Binding.accountId}. */
  readonly accountId: string;
  /** See {@link Binding.organizationId}. */
  readonly organizationId: string;
  /** See {@link Binding.enterpriseCode}. */
  readonly enterpriseCode: string;
  /** See {@link Binding.entityName}. */
  readonly entityName: string;
  /** See {@link Binding.certificate}. */
  readonly certificate: CertificateFacts;
  /** See {@link Binding.encryptionCertificate}; defaults to none. */
  readonly encryptionCertificate?: CertificateFacts;
  /** Defaults to `false`. */
  readonly isAdmin?: boolean;
  /** Defaults to none. */
  readonly permissions?: readonly string[];
  /** Defaults to the store's clock. */
  readonly boundAt?: Date;
  /** See {@link Binding.boundBy}. */
  readonly boundBy: string;
}

/** A binding's authorisation: the admin flag and the granted permissions. */
export interface BindingPermissions {
  /** Whether the certificate acts as the organisation's administrator. */
  readonly isAdmin: boolean;
  /** Granted permissions; stored sorted and without duplicates. */
  readonly permissions: readonly string[];
}

/** One page of a keyset-paginated listing. */
export interface Page<T> {
  /** The items of this page, in listing order. */
  readonly items: readonly T[];
  /** Pass as `cursor` to get the next page; `null` when this page is the last. */
  readonly nextCursor: string | null;
}

/** Which bindings `BindingStore.listExpiring` returns. */
export interface ExpiringQuery {
  /** Only certificates with `notAfter` strictly before this time. */
  readonly before: Date;
  /** Only certificates with `notAfter` at or after this time (e.g. skip long-expired ones). */
  readonly after?: Date;
  /** The previous page's `nextCursor`. */
  readonly cursor?: string | null;
  /** Page size, 1 to 10,000. */
  readonly limit: number;
}

/** Certificate bindings, unique per (scope, identityKey). */
export interface BindingStore {
  /**
   * Stores a new binding and resolves to it as stored. Rejects with `ALREADY_BOUND` (details:
   * `accountId`, `bindingId`, `scope`, `identityKey`) when the identity is already bound in the scope,
   * whichever account holds it; of concurrent inserts of one identity exactly one succeeds.
   */
  insert(binding: NewBinding): Promise<Binding>;
  /** The binding of an identity in a scope, or `null`. */
  findByIdentity(scope: string, identityKey: string): Promise<Binding | null>;
  /** The binding with this id, or `null`. */
  findById(id: string): Promise<Binding | null>;
  /** An account's bindings, oldest first. */
  listByAccount(accountId: string): Promise<Binding[]>;
  /** An organisation's bindings (all its accounts), oldest first. */
  listByOrganization(organizationId: string): Promise<Binding[]>;
  /**
   * Replaces the stored certificate facts (refresh at login, continuation after renewal) and bumps
   * `updatedAt`. With `expectedSerial`, only when the stored serial still equals it; otherwise rejects
   * with `BINDING_CHANGED`. With `encryptionCertificate`, replaces the stored encryption certificate's
   * facts too (without it they stay as they are). Resolves to the updated binding, or `null` when
   * there is no such binding.
   */
  updateCertificateFacts(
    id: string,
    facts: CertificateFacts,
    expectedSerial?: string,
    encryptionCertificate?: CertificateFacts,
  ): Promise<Binding | null>;
  /**
   * Moves a binding to a new identity key (used when the key derivation changes: a binding stored
   * under an earlier key moves on the first login with its exact certificate). Conditional on the
   * current key, so of concurrent moves exactly one succeeds.
   *
   * Only when binding `id` exists and its identity key is still `fromKey`: sets it to `toKey` and bumps
   * `updatedAt`, resolving to the updated binding; otherwise (no such binding, or moved already)
   * resolves to `null`. Rejects with `ALREADY_BOUND` (details as for {@link BindingStore.insert},
   * naming the holder) when another binding holds `toKey` in the binding's scope.
   */
  updateIdentityKey(id: string, fromKey: string, toKey: string): Promise<Binding | null>;
  /**
   * Bindings of a scope whose identity key starts with `prefix` (e.g. every holder of one company at
   * one CA), oldest first.
   *
   * The prefix is matched exactly: case-sensitive, character for character, with no wildcards (`%` and
   * `_` are themselves). It must not be empty. Ordered by (`boundAt`, `id`); at most `limit` (1 to 100).
   */
  findByIdentityPrefix(scope: string, prefix: string, limit: number): Promise<Binding[]>;
  /** Sets the admin flag and permissions; resolves to the updated binding, or `null` when there is none. */
  setPermissions(id: string, permissions: BindingPermissions): Promise<Binding | null>;
  /** Deletes a binding; resolves to what was deleted, or `null` when there was none. */
  delete(id: string): Promise<Binding | null>;
  /**
   * Bindings whose certificates end in `[after, before)`, ordered by (`notAfter`, `id`), one page at
   * a time. Keyset pagination: pages stay consistent while bindings are added or removed elsewhere.
   */
  listExpiring(query: ExpiringQuery): Promise<Page<Binding>>;
}

/** Kinds of audit events; platforms may add their own. */
export type AuditEventType =
  | 'bind'
  | 'unbind'
  | 'rebind'
  | 'renew'
  | 'refresh'
  | 'login'
  | 'permissions'
  | (string & Record<never, never>);

/** Something that happened to a binding or an account, for the record. */
export interface AuditEvent {
  /** Unique id of the event. */
  readonly id: string;
  /** When it happened. */
  readonly at: Date;
  /** What happened. */
  readonly type: AuditEventType;
  /** Who did it. */
  readonly actorAccountId: string;
  /** Whom it was done for, when that is another account (an admin binding for an employee). */
  readonly targetAccountId?: string;
  /** The binding concerned. */
  readonly bindingId?: string;
  /** The certificate concerned. */
  readonly certificate?: { readonly serialNumber: string; readonly sha256: string };
  /** The serial before a renewal or rebind. */
  readonly previousSerial?: string;
  /** Anything else worth keeping; must survive JSON (it is stored as JSON). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** What `AuditLog.append` takes: an event whose id and time may be defaulted. */
export type NewAuditEvent = Omit<AuditEvent, 'id' | 'at'> & {
  /**
   * Defaults to a time-ordered UUID (version 7, RFC 9562: the time in milliseconds, then 74 random
   * bits), so that a burst of records appends to the end of the id index; must be unique.
   */
  readonly id?: string;
  /** Defaults to the store's clock. */
  readonly at?: Date;
};

/** Which events `AuditLog.list` returns. */
export interface AuditQuery {
  /** Only events where this account is the actor or the target. */
  readonly accountId?: string;
  /** Only events about this binding. */
  readonly bindingId?: string;
  /** Page size, 1 to 10,000. */
  readonly limit: number;
  /** The previous page's `nextCursor`. */
  readonly cursor?: string | null;
}

/** An append-only record of binding and login events. */
export interface AuditLog {
  /** Records an event and resolves to it as stored. A duplicate id rejects with `INVALID_ARGUMENT`. */
  append(event: NewAuditEvent): Promise<AuditEvent>;
  /** Events, most recently appended first, one page at a time. */
  list(query: AuditQuery): Promise<Page<AuditEvent>>;
}

/** The three stores, as seen inside or outside a transaction. */
export interface StoreSet {
  /** Pending challenges. */
  readonly challenges: ChallengeStore;
  /** Certificate bindings. */
  readonly bindings: BindingStore;
  /** The audit log. */
  readonly audit: AuditLog;
}

/**
 * The stores an adapter provides, with a unit of work. Outside a transaction every call is atomic on
 * its own.
 */
export interface Stores extends StoreSet {
  /** Which adapter this is. */
  readonly kind: 'memory' | 'sqlite' | 'postgres' | 'mysql';
  /**
   * Runs `fn` with stores whose writes commit together when `fn` resolves and roll back together when
   * it throws (the error is rethrown). Use only the `tx` argument inside `fn`: calling this object's
   * stores or `transaction` from inside rejects with `INVALID_ARGUMENT` (it would deadlock or escape
   * the transaction), and so does using `tx` after `fn` has settled. Errors the stores throw on
   * purpose (`ALREADY_BOUND`, `BINDING_CHANGED`, `INVALID_ARGUMENT`) leave the transaction usable, so
   * `fn` may catch them and go on; any other database error ends it and must be rethrown.
   */
  transaction<T>(fn: (tx: StoreSet) => Promise<T>): Promise<T>;
  /** Creates or upgrades the schema; idempotent and safe to run from several processes at once. */
  migrate(): Promise<void>;
  /** Waits for running work and releases connections (a pool passed in by the caller stays open). */
  close(): Promise<void>;
}

/** Options every adapter factory takes. */
export interface StoreOptions {
  /** The clock for defaulted times (`boundAt`, `updatedAt`, audit `at`). Defaults to `() => new Date()`. */
  readonly clock?: () => Date;
}

/** Where a sealed bid stands: still encrypted, opened at 开标, or withdrawn (撤回) by the supplier. */
export type SealedEnvelopeStatus = 'sealed' | 'opened' | 'withdrawn';

/** The encryption certificate a bid was sealed to (the 加密证书 of the supplier's dual-certificate key). */
export interface EnvelopeRecipient {
  /** SHA-256 of the encryption certificate's DER, lowercase hex. */
  readonly sha256: string;
  /** Its serial number, uppercase hex without separators. */
  readonly serialNumber: string;
  /** Its issuer distinguished name, as displayed. */
  readonly issuerDn: string;
  /** The CA provider that issued it, when known. */
  readonly providerId?: string;
}

/** The platform's record of one sealed bid (投标文件加密): whose key it needs and when it is opened. */
export interface SealedEnvelope {
  /** Stable id of this record. */
  readonly id: string;
  /** The platform's project or lot (项目/标段) the bid is for. */
  readonly projectId: string;
  /** The platform's id of the bid (投标文件). */
  readonly bidId: string;
  /** The account that submitted the bid. */
  readonly accountId: string;
  /** The organisation (市场主体) that bids. */
  readonly organizationId: string;
  /** The certificate whose key decrypts the bid. */
  readonly recipient: EnvelopeRecipient;
  /** When the bid was sealed (submitted). */
  readonly sealedAt: Date;
  /** When bids are opened (开标时间). */
  readonly opensAt: Date;
  /** Where the bid stands. */
  readonly status: SealedEnvelopeStatus;
  /** When it was opened; only for `opened`. */
  readonly openedAt?: Date;
  /** When it was withdrawn; only for `withdrawn`. */
  readonly withdrawnAt?: Date;
}

/** What `SealedEnvelopeStore.record` takes: a sealed bid whose id and seal time may be defaulted. */
export interface NewSealedEnvelope {
  /** Defaults to a random UUID; must be unique. */
  readonly id?: string;
  /** See {@link SealedEnvelope.projectId}. */
  readonly projectId: string;
  /** See {@link SealedEnvelope.bidId}. */
  readonly bidId: string;
  /** See {@link SealedEnvelope.accountId}. */
  readonly accountId: string;
  /** See {@link SealedEnvelope.organizationId}. */
  readonly organizationId: string;
  /** See {@link SealedEnvelope.recipient}. */
  readonly recipient: EnvelopeRecipient;
  /** Defaults to the store's clock. */
  readonly sealedAt?: Date;
  /** The 开标 time; must be after `sealedAt`. */
  readonly opensAt: Date;
}

/** Which envelopes `SealedEnvelopeStore.listOpenByRecipient` returns. */
export interface OpenEnvelopeQuery {
  /** Only envelopes whose 开标 time is strictly after this (e.g. skip records never marked opened long ago). */
  readonly opensAfter?: Date;
  /** Page size, 1 to 10,000. */
  readonly limit: number;
  /** The previous page's `nextCursor`. */
  readonly cursor?: string | null;
}

/** One page of a listing by account. */
export interface AccountPageQuery {
  /** Page size, 1 to 10,000. */
  readonly limit: number;
  /** The previous page's `nextCursor`. */
  readonly cursor?: string | null;
}

/**
 * Sealed bids and the certificates they were sealed to, so that a renewal or repair that changes the
 * encryption key can be checked against bids still waiting for 开标.
 */
export interface SealedEnvelopeStore {
  /** Stores a sealed bid as `sealed` and resolves to it as stored. A duplicate id rejects with `INVALID_ARGUMENT`. */
  record(envelope: NewSealedEnvelope): Promise<SealedEnvelope>;
  /** The envelope with this id, or `null`. */
  get(id: string): Promise<SealedEnvelope | null>;
  /**
   * Marks a sealed envelope opened at `at` (default: the store's clock). Resolves to the updated record,
   * or `null` when there is no envelope with this id that is still `sealed`; of concurrent calls exactly
   * one gets the record.
   */
  markOpened(id: string, at?: Date): Promise<SealedEnvelope | null>;
  /** As {@link SealedEnvelopeStore.markOpened}, marking the envelope `withdrawn`. */
  withdraw(id: string, at?: Date): Promise<SealedEnvelope | null>;
  /**
   * Envelopes sealed to the certificate with this SHA-256 that are still `sealed` (neither opened nor
   * withdrawn, whether or not their 开标 time has passed), ordered by (`opensAt`, `id`), one page at a time.
   */
  listOpenByRecipient(sha256: string, query: OpenEnvelopeQuery): Promise<Page<SealedEnvelope>>;
  /** An account's envelopes in any status, ordered by (`sealedAt`, `id`), one page at a time. */
  listByAccount(accountId: string, query: AccountPageQuery): Promise<Page<SealedEnvelope>>;
}

/**
 * The CA services a platform takes orders for: 申领 (`issue`), 续费与延期 (`renewal`), 修复 (`repair`)
 * and 冻结/解冻 (`freeze`).
 */
export type ServiceOrderKind = 'issue' | 'renewal' | 'repair' | 'freeze';

/**
 * Where an order stands. `created` (已提交), `paid` (已付款; for a renewal 已续费，未延期), `issued`
 * (已发证), `extended` (已延期), `repaired` (已修复), `cancelled` (已取消), `frozen` (已冻结) and
 * `unfrozen` (已解冻). Which states a kind uses, and how it moves between them, is `ORDER_TRANSITIONS`.
 */
export type ServiceOrderState = 'created' | 'paid' | 'issued' | 'extended' | 'repaired' | 'cancelled' | 'frozen' | 'unfrozen';

/** What happens to an order. */
export type ServiceOrderEvent = 'pay' | 'issue' | 'extend' | 'repair' | 'cancel' | 'freeze' | 'unfreeze';

/** The certificate a service order concerns. */
export interface ServiceOrderCertificate {
  /** Serial number, uppercase hex without separators. */
  readonly serialNumber: string;
  /** SHA-256 of the certificate's DER, lowercase hex. */
  readonly sha256: string;
}

/** A CA service order (CA服务订单). */
export interface ServiceOrder {
  /** Stable id of the order. */
  readonly id: string;
  /** Which service. */
  readonly kind: ServiceOrderKind;
  /** Where it stands. */
  readonly state: ServiceOrderState;
  /** The account that placed it. */
  readonly accountId: string;
  /** The organisation it is for. */
  readonly organizationId: string;
  /** The CA provider that performs it, when known. */
  readonly providerId?: string;
  /** The certificate concerned (none for an `issue` order until the certificate exists). */
  readonly certificate?: ServiceOrderCertificate;
  /** The CA's or payment system's reference (订单号), when there is one. */
  readonly reference?: string;
  /** When it was placed. */
  readonly createdAt: Date;
  /** When it last changed state. */
  readonly updatedAt: Date;
}

/** What `ServiceOrderStore.create` takes; the order starts in its kind's initial state. */
export interface NewServiceOrder {
  /** Defaults to a random UUID; must be unique. */
  readonly id?: string;
  /** See {@link ServiceOrder.kind}. */
  readonly kind: ServiceOrderKind;
  /** See {@link ServiceOrder.accountId}. */
  readonly accountId: string;
  /** See {@link ServiceOrder.organizationId}. */
  readonly organizationId: string;
  /** See {@link ServiceOrder.providerId}. */
  readonly providerId?: string;
  /** See {@link ServiceOrder.certificate}. */
  readonly certificate?: ServiceOrderCertificate;
  /** See {@link ServiceOrder.reference}. */
  readonly reference?: string;
  /** Defaults to the store's clock. */
  readonly createdAt?: Date;
}

/** A state change asked of `ServiceOrderStore.transition`. */
export interface OrderTransition {
  /** What happened. */
  readonly event: ServiceOrderEvent;
  /** The state the caller saw: the change applies only while the order is still in it. */
  readonly expectedState: ServiceOrderState;
  /** When; defaults to the store's clock. */
  readonly at?: Date;
}

/** Which orders `ServiceOrderStore.listByAccount` returns. */
export interface OrderQuery {
  /** Only orders of this kind. */
  readonly kind?: ServiceOrderKind;
  /** Only orders in this state (e.g. renewal orders `paid`: 已续费，未延期). */
  readonly state?: ServiceOrderState;
  /** Page size, 1 to 10,000. */
  readonly limit: number;
  /** The previous page's `nextCursor`. */
  readonly cursor?: string | null;
}

/** CA service orders, each moving through its kind's states. */
export interface ServiceOrderStore {
  /** Stores a new order in its kind's initial state. A duplicate id rejects with `INVALID_ARGUMENT`. */
  create(order: NewServiceOrder): Promise<ServiceOrder>;
  /** The order with this id, or `null`. */
  get(id: string): Promise<ServiceOrder | null>;
  /**
   * Applies an event, only while the order is still in `expectedState`: resolves to the updated order,
   * or `null` when there is no such order. Rejects with `ORDER_CHANGED` when the order has moved on
   * (of concurrent transitions from one state exactly one succeeds), and with
   * `ORDER_TRANSITION_INVALID` when the event is not allowed in that state.
   */
  transition(id: string, change: OrderTransition): Promise<ServiceOrder | null>;
  /** An account's orders, newest first (by `createdAt`, then `id`), one page at a time. */
  listByAccount(accountId: string, query: OrderQuery): Promise<Page<ServiceOrder>>;
}

/** The stores with sealed-bid records and CA service orders, as seen inside or outside a transaction. */
export interface RenewalStoreSet extends StoreSet {
  /** Sealed bids and the certificates they were sealed to. */
  readonly envelopes: SealedEnvelopeStore;
  /** CA service orders. */
  readonly orders: ServiceOrderStore;
}

/**
 * What the built-in adapters provide: {@link Stores} plus sealed-bid records and CA service orders,
 * all in one unit of work.
 */
export interface RenewalStores extends Stores, RenewalStoreSet {
  /** As {@link Stores.transaction}, the callback's stores including envelopes and orders. */
  transaction<T>(fn: (tx: RenewalStoreSet) => Promise<T>): Promise<T>;
}
