/**
 * The in-memory adapter: for tests, demos and single-process development. Every call runs alone
 * (see `syncStores`); a transaction keeps an undo log and replays it backwards on failure.
 */
import { MemoryEnvelopes, MemoryOrders } from './memory-renewal';
import { syncStores, type Direct, type SyncEngine } from './unit-of-work';
import type {
  AuditEvent,
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
  RenewalStores,
  SealedEnvelope,
  ServiceOrder,
  StoreOptions,
} from './types';
import {
  alreadyBound,
  auditCursor,
  bindingChanged,
  checkAuditQuery,
  checkDate,
  checkExpiringQuery,
  checkId,
  checkIdentityMove,
  checkPrefixQuery,
  checkPurpose,
  compareExpiryKey,
  duplicateId,
  expiringCursor,
  normalizeChallenge,
  normalizeEncryptionFacts,
  normalizeFacts,
  normalizeNewBinding,
  normalizeNewEvent,
  normalizePermissions,
} from './validate';

/** Undo steps of the running transaction, replayed in reverse on rollback. */
class Journal {
  #undo: (() => void)[] | null = null;

  begin(): void {
    this.#undo = [];
  }

  commit(): void {
    this.#undo = null;
  }

  rollback(): void {
    const steps = this.#undo;
    this.#undo = null;
    if (steps === null) return;
    for (let i = steps.length - 1; i >= 0; i--) steps[i]?.();
  }

  record(undo: () => void): void {
    this.#undo?.push(undo);
  }
}

/** A map whose changes are journaled. */
class JournaledMap<K, V> {
  readonly #map = new Map<K, V>();
  readonly #journal: Journal;
  readonly #onChange: () => void;

  constructor(journal: Journal, onChange: () => void = () => undefined) {
    this.#journal = journal;
    this.#onChange = onChange;
  }

  get(key: K): V | undefined {
    return this.#map.get(key);
  }

  values(): IterableIterator<V> {
    return this.#map.values();
  }

  set(key: K, value: V): void {
    this.#remember(key);
    this.#map.set(key, value);
    this.#onChange();
  }

  delete(key: K): void {
    if (!this.#map.has(key)) return;
    this.#remember(key);
    this.#map.delete(key);
    this.#onChange();
  }

  #remember(key: K): void {
    if (this.#map.has(key)) {
      const previous = this.#map.get(key) as V;
      this.#journal.record(() => {
        this.#map.set(key, previous);
        this.#onChange();
      });
    } else {
      this.#journal.record(() => {
        this.#map.delete(key);
        this.#onChange();
      });
    }
  }
}

const pair = (a: string, b: string): string => `${a}\u0000${b}`;

function copyFacts(f: CertificateFacts): CertificateFacts {
  const facts: CertificateFacts = {
    serialNumber: f.serialNumber,
    sha256: f.sha256,
    subjectDn: f.subjectDn,
    issuerDn: f.issuerDn,
    notBefore: new Date(f.notBefore.getTime()),
    notAfter: new Date(f.notAfter.getTime()),
  };
  return f.keyId === undefined ? facts : { ...facts, keyId: f.keyId };
}

function copyBinding(b: Binding): Binding {
  return {
    ...b,
    certificate: copyFacts(b.certificate),
    ...(b.encryptionCertificate !== undefined && { encryptionCertificate: copyFacts(b.encryptionCertificate) }),
    permissions: [...b.permissions],
    boundAt: new Date(b.boundAt.getTime()),
    updatedAt: new Date(b.updatedAt.getTime()),
  };
}

function copyChallenge(c: PendingChallenge): PendingChallenge {
  return { ...c, issuedAt: new Date(c.issuedAt.getTime()), expiresAt: new Date(c.expiresAt.getTime()) };
}

function copyEvent(e: AuditEvent): AuditEvent {
  let copy: AuditEvent = { ...e, at: new Date(e.at.getTime()) };
  if (e.certificate !== undefined) copy = { ...copy, certificate: { ...e.certificate } };
  if (e.details !== undefined) copy = { ...copy, details: structuredClone(e.details) };
  return copy;
}

class MemoryChallenges implements Direct<ChallengeStore> {
  readonly #rows: JournaledMap<string, PendingChallenge>;

  constructor(journal: Journal) {
    this.#rows = new JournaledMap(journal);
  }

  put(challenge: PendingChallenge): void {
    const c = normalizeChallenge(challenge);
    this.#rows.set(pair(c.sessionId, c.purpose), c);
  }

  consume(sessionId: string, purpose: ChallengePurpose): PendingChallenge | null {
    const key = pair(checkId(sessionId, 'sessionId'), checkPurpose(purpose));
    const found = this.#rows.get(key);
    if (found === undefined) return null;
    this.#rows.delete(key);
    return copyChallenge(found);
  }

  purgeExpired(now: Date): number {
    const ms = checkDate(now, 'now').getTime();
    const expired = [...this.#rows.values()].filter((c) => c.expiresAt.getTime() <= ms);
    for (const c of expired) this.#rows.delete(pair(c.sessionId, c.purpose));
    return expired.length;
  }
}

class MemoryBindings implements Direct<BindingStore> {
  readonly #byId: JournaledMap<string, Binding>;
  readonly #byIdentity: JournaledMap<string, string>;
  readonly #clock: () => Date;
  /** Bindings sorted by (notAfter, id), rebuilt on demand after a change. */
  #sorted: Binding[] | null = null;

  constructor(journal: Journal, clock: () => Date) {
    this.#byId = new JournaledMap(journal, () => {
      this.#sorted = null;
    });
    this.#byIdentity = new JournaledMap(journal);
    this.#clock = clock;
  }

  insert(binding: NewBinding): Binding {
    const b = normalizeNewBinding(binding, this.#clock());
    const holder = this.#byIdentity.get(pair(b.scope, b.identityKey));
    const existing = holder === undefined ? undefined : this.#byId.get(holder);
    if (existing !== undefined) throw alreadyBound(existing);
    if (this.#byId.get(b.id) !== undefined) throw duplicateId('binding', b.id);
    this.#byId.set(b.id, b);
    this.#byIdentity.set(pair(b.scope, b.identityKey), b.id);
    return copyBinding(b);
  }

  findByIdentity(scope: string, identityKey: string): Binding | null {
    const id = this.#byIdentity.get(pair(checkId(scope, 'scope'), checkId(identityKey, 'identityKey')));
    const found = id === undefined ? undefined : this.#byId.get(id);
    return found === undefined ? null : copyBinding(found);
  }

  findById(id: string): Binding | null {
    const found = this.#byId.get(checkId(id, 'id'));
    return found === undefined ? null : copyBinding(found);
  }

  listByAccount(accountId: string): Binding[] {
    checkId(accountId, 'accountId');
    return this.#list((b) => b.accountId === accountId);
  }

  listByOrganization(organizationId: string): Binding[] {
    checkId(organizationId, 'organizationId');
    return this.#list((b) => b.organizationId === organizationId);
  }

  updateCertificateFacts(
    id: string,
    facts: CertificateFacts,
    expectedSerial?: string,
    encryptionCertificate?: CertificateFacts,
  ): Binding | null {
    const found = this.#byId.get(checkId(id, 'id'));
    const certificate = normalizeFacts(facts);
    const encryption = encryptionCertificate === undefined ? undefined : normalizeEncryptionFacts(encryptionCertificate);
    if (expectedSerial !== undefined) checkId(expectedSerial, 'expectedSerial');
    if (found === undefined) return null;
    if (expectedSerial !== undefined && found.certificate.serialNumber !== expectedSerial) {
      throw bindingChanged(found.id, expectedSerial, found.certificate.serialNumber);
    }
    const updated: Binding = {
      ...found,
      certificate,
      ...(encryption !== undefined && { encryptionCertificate: encryption }),
      updatedAt: new Date(this.#clock().getTime()),
    };
    this.#byId.set(found.id, updated);
    return copyBinding(updated);
  }

  updateIdentityKey(id: string, fromKey: string, toKey: string): Binding | null {
    const move = checkIdentityMove(id, fromKey, toKey);
    const found = this.#byId.get(move.id);
    if (found === undefined || found.identityKey !== move.fromKey) return null;
    const holder = this.#byIdentity.get(pair(found.scope, move.toKey));
    const existing = holder === undefined || holder === found.id ? undefined : this.#byId.get(holder);
    if (existing !== undefined) throw alreadyBound(existing);
    const updated: Binding = { ...found, identityKey: move.toKey, updatedAt: new Date(this.#clock().getTime()) };
    this.#byIdentity.delete(pair(found.scope, found.identityKey));
    this.#byIdentity.set(pair(found.scope, updated.identityKey), found.id);
    this.#byId.set(found.id, updated);
    return copyBinding(updated);
  }

  findByIdentityPrefix(scope: string, prefix: string, limit: number): Binding[] {
    const q = checkPrefixQuery(scope, prefix, limit);
    return this.#list((b) => b.scope === q.scope && b.identityKey.startsWith(q.prefix), q.limit);
  }

  setPermissions(id: string, permissions: BindingPermissions): Binding | null {
    const found = this.#byId.get(checkId(id, 'id'));
    const p = normalizePermissions(permissions);
    if (found === undefined) return null;
    const updated: Binding = { ...found, isAdmin: p.isAdmin, permissions: p.permissions, updatedAt: new Date(this.#clock().getTime()) };
    this.#byId.set(found.id, updated);
    return copyBinding(updated);
  }

  delete(id: string): Binding | null {
    const found = this.#byId.get(checkId(id, 'id'));
    if (found === undefined) return null;
    this.#byId.delete(found.id);
    this.#byIdentity.delete(pair(found.scope, found.identityKey));
    return copyBinding(found);
  }

  listExpiring(query: ExpiringQuery): Page<Binding> {
    const q = checkExpiringQuery(query);
    const sorted = this.#sortedByExpiry();
    // First index whose key is past the cursor (or at/after `after`): binary search.
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const b = sorted[mid] as Binding;
      const ms = b.certificate.notAfter.getTime();
      const before =
        q.from === null ? ms < q.afterMs : compareExpiryKey(ms, b.id, q.from.ms, q.from.id) <= 0 || ms < q.afterMs;
      if (before) lo = mid + 1;
      else hi = mid;
    }
    const items: Binding[] = [];
    for (let i = lo; i < sorted.length && items.length <= q.limit; i++) {
      const b = sorted[i] as Binding;
      if (b.certificate.notAfter.getTime() >= q.beforeMs) break;
      items.push(b);
    }
    const more = items.length > q.limit;
    const page = items.slice(0, q.limit).map(copyBinding);
    const last = page[page.length - 1];
    return { items: page, nextCursor: more && last !== undefined ? expiringCursor(last) : null };
  }

  #sortedByExpiry(): Binding[] {
    this.#sorted ??= [...this.#byId.values()].sort((a, b) =>
      compareExpiryKey(a.certificate.notAfter.getTime(), a.id, b.certificate.notAfter.getTime(), b.id),
    );
    return this.#sorted;
  }

  #list(keep: (b: Binding) => boolean, limit?: number): Binding[] {
    return [...this.#byId.values()]
      .filter(keep)
      .sort((a, b) => a.boundAt.getTime() - b.boundAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, limit)
      .map(copyBinding);
  }
}

class MemoryAudit implements Direct<AuditLog> {
  readonly #events: { readonly seq: number; readonly event: AuditEvent }[] = [];
  readonly #ids = new Set<string>();
  readonly #journal: Journal;
  readonly #clock: () => Date;
  #seq = 0;

  constructor(journal: Journal, clock: () => Date) {
    this.#journal = journal;
    this.#clock = clock;
  }

  append(event: NewAuditEvent): AuditEvent {
    const e = normalizeNewEvent(event, this.#clock());
    if (this.#ids.has(e.id)) throw duplicateId('audit event', e.id);
    this.#events.push({ seq: ++this.#seq, event: e });
    this.#ids.add(e.id);
    this.#journal.record(() => {
      this.#events.pop();
      this.#ids.delete(e.id);
    });
    return copyEvent(e);
  }

  list(query: AuditQuery): Page<AuditEvent> {
    const q = checkAuditQuery(query);
    const found: { seq: number; event: AuditEvent }[] = [];
    for (let i = this.#events.length - 1; i >= 0 && found.length <= q.limit; i--) {
      const row = this.#events[i] as { seq: number; event: AuditEvent };
      if (q.belowSeq !== null && row.seq >= q.belowSeq) continue;
      const e = row.event;
      if (q.accountId !== null && e.actorAccountId !== q.accountId && e.targetAccountId !== q.accountId) continue;
      if (q.bindingId !== null && e.bindingId !== q.bindingId) continue;
      found.push(row);
    }
    const more = found.length > q.limit;
    const page = found.slice(0, q.limit);
    const last = page[page.length - 1];
    return { items: page.map((r) => copyEvent(r.event)), nextCursor: more && last !== undefined ? auditCursor(last.seq) : null };
  }
}

/**
 * Stores that live in this process's memory and vanish with it: for tests, demos and development.
 * Transactions roll back through an undo log; calls and transactions run one at a time.
 *
 * @example
 * ```ts
 * const stores = createMemoryStores();
 * await stores.transaction(async (tx) => {
 *   const binding = await tx.bindings.insert(newBinding);
 *   await tx.audit.append({ type: 'bind', actorAccountId: 'u1', bindingId: binding.id });
 * });
 * ```
 */
export function createMemoryStores(options: StoreOptions = {}): RenewalStores {
  const clock = options.clock ?? (() => new Date());
  const journal = new Journal();
  const engine: SyncEngine = {
    kind: 'memory',
    impl: {
      challenges: new MemoryChallenges(journal),
      bindings: new MemoryBindings(journal, clock),
      audit: new MemoryAudit(journal, clock),
      envelopes: new MemoryEnvelopes(new JournaledMap<string, SealedEnvelope>(journal), clock),
      orders: new MemoryOrders(new JournaledMap<string, ServiceOrder>(journal), clock),
    },
    begin: () => journal.begin(),
    commit: () => journal.commit(),
    rollback: () => journal.rollback(),
    single<T>(fn: () => T): T {
      journal.begin();
      try {
        const result = fn();
        journal.commit();
        return result;
      } catch (err) {
        journal.rollback();
        throw err;
      }
    },
    migrate: () => undefined,
    close: () => undefined,
  };
  return syncStores(engine);
}
