/**
 * nameConstraints (RFC 5280 §4.2.1.10): reading a CA's permitted and excluded subtrees and
 * checking a certificate's names against them.
 *
 * Supported forms: directoryName (RDN prefix match, attribute values compared case-insensitively
 * with whitespace collapsed), dNSName (the name and its subdomains, label by label; a leading dot,
 * which RFC 5280 allows for URIs and mail domains but not for DNS names, makes the extension
 * malformed), rfc822Name (a mailbox, a host or `.domain`; `*` is a literal character),
 * uniformResourceIdentifier (host or `.domain`) and iPAddress (address and mask). A constraint of
 * another form (otherName, x400Address, ediPartyName, registeredID) fails closed: any certificate
 * name of that form is refused. minimum / maximum (which RFC 5280 forbids) make the extension
 * malformed, and so does a dNSName or rfc822Name constraint that is not a valid name.
 *
 * Certificate names that cannot be compared fail closed against any constraint of their form: a
 * dNSName outside the preferred name syntax (`.example.com`, `a_b.example.com`), a mailbox that is
 * not one (`a@b@example.com`), a URI without a host. A wildcard dNSName (`*.example.com`) stands for
 * every name it could match: it violates an excluded subtree any of them falls in
 * (`bar.example.com`), and is permitted only when all of them are.
 */
import { DerError, DerReader, Tag } from '../asn1/der';
import { decodeString } from '../asn1/decode';
import type { Certificate, DistinguishedName, GeneralName } from '../cert/index';
import { readName } from '../cert/name';

/** One subtree's base name. */
type Base =
  | { readonly kind: 'dns' | 'email' | 'uri'; readonly value: string }
  | { readonly kind: 'ip'; readonly address: Uint8Array; readonly mask: Uint8Array }
  | { readonly kind: 'dn'; readonly name: DistinguishedName }
  | { readonly kind: 'other'; readonly tag: number };

/** The decoded nameConstraints of a CA certificate. */
export interface NameConstraints {
  readonly permitted: readonly Base[];
  readonly excluded: readonly Base[];
}

const NC_OID = '2.5.29.30';

/** An LDH label (RFC 1034 §3.5 as relaxed by RFC 1123 §2.1: may start with a digit). */
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;
const NUMERIC = /^[0-9]+$/;

/**
 * True when `name` is a host name in the preferred name syntax that RFC 5280 §4.2.1.6 requires of a
 * dNSName (RFC 1034 §3.5, RFC 1123 §2.1): LDH labels of 1 to 63 characters, at most 253 in all, no
 * empty label (so no leading, trailing or double dot), no underscore, and a last label that is not
 * all digits (RFC 1123 §2.1: a host name never has the dotted-decimal form of an IP address). With
 * `wildcard`, a leftmost label of exactly `*` followed by at least one label is allowed too.
 */
export function isDnsName(name: string, wildcard = false): boolean {
  const labels = name.split('.');
  if (wildcard && labels[0] === '*' && labels.length > 1) labels.shift();
  const last = labels[labels.length - 1] ?? '';
  return name.length <= 253 && !NUMERIC.test(last) && labels.every((l) => DNS_LABEL.test(l));
}

function validDnsConstraint(v: string): boolean {
  return v === '' || isDnsName(v);
}

/** A local-part: a dot-string of atoms (`*` is an atom character) or a quoted string (RFC 5321 §4.1.2). */
const LOCAL_PART = /^(?:[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*|"(?:[^"\\]|\\.)*")$/i;

/** True for a Mailbox of RFC 5321 §4.1.2 (local-part `@` domain) with a host-name domain. */
export function isMailbox(v: string): boolean {
  const at = v.lastIndexOf('@');
  return at > 0 && LOCAL_PART.test(v.slice(0, at)) && isDnsName(v.slice(at + 1));
}

/** An rfc822Name constraint: a mailbox, a host, or `.domain` (RFC 5280 §4.2.1.10). */
function validEmailConstraint(v: string): boolean {
  if (v.includes('@')) return isMailbox(v);
  return isDnsName(v.startsWith('.') ? v.slice(1) : v);
}

function contiguousMask(mask: Uint8Array): boolean {
  let zero = false;
  for (const byte of mask) {
    for (let bit = 7; bit >= 0; bit--) {
      const set = ((byte >> bit) & 1) === 1;
      if (set && zero) return false;
      if (!set) zero = true;
    }
  }
  return true;
}

function readSubtrees(r: DerReader, into: Base[]): void {
  const at = r.start;
  r.enter();
  if (r.done) throw new DerError('empty GeneralSubtrees', at);
  while (!r.done) {
    r.expect(Tag.SEQUENCE, 'GeneralSubtree');
    r.enter();
    const tag = r.next();
    const b = r.bytes;
    switch (tag) {
      case 0x81:
      case 0x82:
      case 0x86: {
        const value = decodeString(b, Tag.IA5String, r.contentStart, r.contentEnd);
        const kind = tag === 0x81 ? 'email' : tag === 0x82 ? 'dns' : 'uri';
        if (kind === 'dns' && !validDnsConstraint(value)) throw new DerError(`invalid dNSName constraint ${JSON.stringify(value)}`, r.start);
        if (kind === 'email' && !validEmailConstraint(value)) throw new DerError(`invalid rfc822Name constraint ${JSON.stringify(value)}`, r.start);
        into.push({ kind, value: value.toLowerCase() });
        break;
      }
      case 0x87: {
        const len = r.contentEnd - r.contentStart;
        if (len !== 8 && len !== 32) throw new DerError('an iPAddress constraint must be 8 or 32 octets', r.start);
        const address = b.slice(r.contentStart, r.contentStart + len / 2);
        const mask = b.slice(r.contentStart + len / 2, r.contentEnd);
        if (!contiguousMask(mask)) throw new DerError('an iPAddress constraint mask must be contiguous', r.start);
        for (let i = 0; i < address.length; i++) {
          if (((address[i] ?? 0) & ~(mask[i] ?? 0)) !== 0) throw new DerError('iPAddress constraint has host bits set', r.start);
        }
        into.push({ kind: 'ip', address, mask });
        break;
      }
      case 0xa4: {
        r.enter();
        r.expect(Tag.SEQUENCE, 'directoryName');
        into.push({ kind: 'dn', name: readName(r, true) });
        r.leave('directoryName');
        break;
      }
      default:
        into.push({ kind: 'other', tag });
    }
    if (!r.done) throw new DerError('GeneralSubtree minimum / maximum are not allowed (RFC 5280)', r.pos);
    r.leave('GeneralSubtree');
  }
  r.leave('GeneralSubtrees');
}

/**
 * The nameConstraints of `ca`, or undefined when it has none.
 *
 * @throws {DerError} when the extension is malformed (including invalid dNSName or iPAddress
 *   constraints, an empty constraint list, minimum / maximum).
 */
export function readNameConstraints(ca: Certificate): NameConstraints | undefined {
  const ext = ca.extension(NC_OID);
  if (ext === undefined) return undefined;
  const v = ext.value;
  const r = new DerReader(v);
  r.expect(Tag.SEQUENCE, 'NameConstraints');
  r.finish('NameConstraints');
  r.enter();
  const permitted: Base[] = [];
  const excluded: Base[] = [];
  if (r.optional(0xa0)) readSubtrees(r, permitted);
  if (r.optional(0xa1)) readSubtrees(r, excluded);
  r.leave('NameConstraints');
  if (permitted.length === 0 && excluded.length === 0) throw new DerError('empty NameConstraints', 0);
  return { permitted, excluded };
}

/** `name` is `constraint` or one of its subdomains (both lowercase, `constraint` may be empty). */
const within = (name: string, constraint: string): boolean => constraint === '' || name === constraint || name.endsWith('.' + constraint);

/**
 * A dNSName against a dNSName constraint; undefined when the name is not in the preferred name
 * syntax. A wildcard name stands for every `label.rest` it could match: `some` asks whether any of
 * them is within the constraint (for an excluded subtree), otherwise all must be (permitted).
 */
function dnsMatches(name: string, constraint: string, some: boolean): boolean | undefined {
  if (!isDnsName(name, true)) return undefined;
  const n = name.toLowerCase();
  if (!n.startsWith('*.')) return within(n, constraint);
  const rest = n.slice(2);
  if (within(rest, constraint)) return true;
  // Some label L makes `L.rest` the constraint itself (`*.example.com` and `bar.example.com`).
  return some && constraint.endsWith('.' + rest) && !constraint.slice(0, -rest.length - 1).includes('.');
}

function hostMatches(host: string, constraint: string): boolean {
  const h = host.toLowerCase();
  if (constraint.startsWith('.')) return h.endsWith(constraint);
  return h === constraint;
}

/** A mailbox against an rfc822Name constraint; undefined when it is not a valid mailbox. */
function emailMatches(mailbox: string, constraint: string): boolean | undefined {
  if (!isMailbox(mailbox)) return undefined;
  if (constraint.includes('@')) return mailbox.toLowerCase() === constraint;
  return hostMatches(mailbox.slice(mailbox.lastIndexOf('@') + 1), constraint);
}

function uriHost(uri: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(uri);
  const host = m?.[1];
  return host === undefined || host === '' ? undefined : host;
}

function ipBytes(text: string): Uint8Array | undefined {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(text)) return Uint8Array.from(text.split('.').map(Number));
  if (!text.includes(':')) return undefined;
  // IPv6 text as the certificate parser writes it (RFC 5952, `::` at most once).
  const [head = '', tail] = text.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) return undefined;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}

function ipMatches(ip: Uint8Array, address: Uint8Array, mask: Uint8Array): boolean {
  if (ip.length !== address.length) return false;
  for (let i = 0; i < ip.length; i++) if (((ip[i] ?? 0) & (mask[i] ?? 0)) !== (address[i] ?? 0)) return false;
  return true;
}

const normalise = (s: string): string => s.trim().replace(/\s+/g, ' ').toLowerCase();

function dnWithin(name: DistinguishedName, base: DistinguishedName): boolean {
  if (base.rdns.length > name.rdns.length) return false;
  return base.rdns.every((rdn, i) => {
    const other = name.rdns[i];
    if (other === undefined || other.length !== rdn.length) return false;
    return rdn.every((a) => other.some((b) => b.oid === a.oid && normalise(b.value) === normalise(a.value)));
  });
}

/** A certificate name to check, with its form and a printable form. */
type Name =
  | { readonly kind: 'dns' | 'email' | 'uri'; readonly value: string }
  | { readonly kind: 'ip'; readonly bytes: Uint8Array | undefined; readonly value: string }
  | { readonly kind: 'dn'; readonly name: DistinguishedName; readonly value: string }
  | { readonly kind: 'other'; readonly tag: number; readonly value: string };

const OTHER_TAGS: Readonly<Record<string, number>> = { otherName: 0xa0, x400Address: 0xa3, ediPartyName: 0xa5, registeredId: 0x88 };

function namesOf(c: Certificate): Name[] {
  const out: Name[] = [];
  if (!c.subject.isEmpty) out.push({ kind: 'dn', name: c.subject, value: `DN:${c.subject.toString()}` });
  const sans: readonly GeneralName[] = c.subjectAltNames;
  for (const n of sans) {
    switch (n.type) {
      case 'dns':
        out.push({ kind: 'dns', value: n.value });
        break;
      case 'email':
        out.push({ kind: 'email', value: n.value });
        break;
      case 'uri':
        out.push({ kind: 'uri', value: n.value });
        break;
      case 'ip':
        out.push({ kind: 'ip', bytes: ipBytes(n.value), value: n.value });
        break;
      case 'directoryName':
        if (n.name !== undefined) out.push({ kind: 'dn', name: n.name, value: `DN:${n.value}` });
        break;
      default:
        out.push({ kind: 'other', tag: OTHER_TAGS[n.type] ?? 0, value: `${n.type}:${n.value}` });
    }
  }
  // RFC 5280 §4.2.1.10: without a subjectAltName, rfc822Name constraints apply to emailAddress.
  if (sans.length === 0) for (const e of c.subject.getAll('E')) out.push({ kind: 'email', value: e });
  return out;
}

/** True / false; undefined when the name cannot be compared (fails closed). `some`: see {@link dnsMatches}. */
function matches(name: Name, base: Base, some: boolean): boolean | undefined {
  if (name.kind === 'other' || base.kind === 'other') {
    return name.kind === 'other' && base.kind === 'other' && name.tag === base.tag ? undefined : false;
  }
  if (name.kind !== base.kind) return false;
  switch (base.kind) {
    case 'dns':
      return dnsMatches(name.value, base.value, some);
    case 'email':
      return emailMatches(name.value, base.value);
    case 'uri': {
      const host = uriHost(name.value);
      return host === undefined ? undefined : hostMatches(host, base.value);
    }
    case 'ip':
      return name.kind === 'ip' && name.bytes !== undefined ? ipMatches(name.bytes, base.address, base.mask) : undefined;
    case 'dn':
      return name.kind === 'dn' ? dnWithin(name.name, base.name) : false;
  }
}

/**
 * Most name-by-constraint comparisons one certificate may need against one CA's constraints (the
 * bound Go's crypto/x509 uses). A certificate beyond it is refused rather than checked: thousands
 * of names against thousands of subtrees is a denial of service, not a real certificate.
 */
export const MAX_NAME_CONSTRAINT_COMPARISONS = 250_000;

/** The comparisons checking `c` against `nc` needs: names times subtrees. */
export function nameConstraintWork(nc: NameConstraints, c: Certificate): number {
  return namesOf(c).length * (nc.permitted.length + nc.excluded.length);
}

/**
 * Checks every name of `c` (its subject and subjectAltName entries) against `nc`; returns the
 * first name that violates it, as text, or undefined when all pass. A name that cannot be compared
 * (a URI without a host, an unparsable IP, a malformed dNSName or mailbox, a name form Yizheng does
 * not compare) violates any constraint of its form.
 */
export function checkNameConstraints(nc: NameConstraints, c: Certificate): string | undefined {
  for (const name of namesOf(c)) {
    for (const base of nc.excluded) {
      // undefined: same form but not comparable, which fails closed.
      if (matches(name, base, true) !== false) return name.value;
    }
    const sameForm = nc.permitted.filter((b) => b.kind === name.kind && (b.kind !== 'other' || (name.kind === 'other' && b.tag === name.tag)));
    if (sameForm.length > 0 && !sameForm.some((b) => matches(name, b, false) === true)) return name.value;
  }
  return undefined;
}
