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
   * with `BINDING_CHANGED`. Resolves to the updated binding, or `null` when there is no such binding.
   */
  updateCertificateFacts(id: string, facts: CertificateFacts, expectedSerial?: string): Promise<Binding | null>;
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
  /** Defaults to a random UUID; must be unique. */
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
  readonly kind: 'memory' | 'sqlite' | 'postgres';
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
