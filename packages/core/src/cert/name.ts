/**
 * X.501 distinguished names: decoding from DER, lookup by OID or short name, and RFC 4514 strings.
 */
import { DerError, Tag, walkDer, type DerReader, type Tlv } from '../asn1/der';
import {
  checkBitString,
  checkInteger,
  checkNull,
  checkOid,
  checkString,
  decodeBoolean,
  decodeOid,
  decodeString,
  decodeTime,
  isStringTag,
  toHex,
} from '../asn1/decode';
import { OID_NAMES } from '../asn1/oids';

/** One attribute of a distinguished name, e.g. `{ oid: '2.5.4.3', shortName: 'CN', value: '张三' }`. */
export interface NameAttribute {
  /** Attribute type OID, e.g. `2.5.4.3`. */
  readonly oid: string;
  /** Conventional short name (`CN`, `O`, `OU`, `E`, `SERIALNUMBER`…), undefined for other types. */
  readonly shortName?: string | undefined;
  /**
   * The value as text for the ASN.1 string types (UTF8String, PrintableString, BMPString…);
   * for the two other types a name may hold (BIT STRING, e.g. x500UniqueIdentifier, and SEQUENCE,
   * e.g. postalAddress), `#` followed by the hex of its DER encoding, as RFC 4514 writes it.
   */
  readonly value: string;
  /** The DER tag of the value, e.g. 0x0c UTF8String, 0x13 PrintableString, 0x1e BMPString. */
  readonly valueTag: number;
}

/** A relative distinguished name: usually one attribute, several for a multi-valued RDN (`A+B`). */
export type RelativeDistinguishedName = readonly NameAttribute[];

/** Options for {@link DistinguishedName.format}. */
export interface DnFormatOptions {
  /**
   * `'rfc4514'` (default): most specific first (`CN=…, O=…, C=CN`), the conventional display order
   * and the one RFC 4514 uses. `'issuance'`: in encoding order (`C=CN, O=…, CN=…`), as OpenSSL's
   * `-nameopt oneline` and Node's `X509Certificate.subject` list them.
   */
  readonly order?: 'rfc4514' | 'issuance';
  /** Separator between RDNs; default `', '`. */
  readonly separator?: string;
}

const SHORT_NAMES: ReadonlyMap<string, string> = new Map([
  ['2.5.4.3', 'CN'],
  ['2.5.4.6', 'C'],
  ['2.5.4.10', 'O'],
  ['2.5.4.11', 'OU'],
  ['2.5.4.7', 'L'],
  ['2.5.4.8', 'ST'],
  ['2.5.4.9', 'STREET'],
  ['2.5.4.5', 'SERIALNUMBER'],
  ['1.2.840.113549.1.9.1', 'E'],
  ['2.5.4.12', 'T'],
  ['2.5.4.42', 'GN'],
  ['2.5.4.4', 'SN'],
  ['2.5.4.43', 'INITIALS'],
  ['2.5.4.41', 'NAME'],
  ['2.5.4.46', 'DNQUALIFIER'],
  ['2.5.4.17', 'POSTALCODE'],
  ['2.5.4.13', 'DESCRIPTION'],
  ['2.5.4.15', 'BUSINESSCATEGORY'],
  ['2.5.4.20', 'TELEPHONENUMBER'],
  ['2.5.4.65', 'PSEUDONYM'],
  ['2.5.4.97', 'ORGANIZATIONIDENTIFIER'],
  ['0.9.2342.19200300.100.1.25', 'DC'],
  ['0.9.2342.19200300.100.1.1', 'UID'],
]);

/** Upper-cased short names, long names and common aliases → OID, for {@link DistinguishedName.get}. */
const KEYS: ReadonlyMap<string, string> = (() => {
  const m = new Map<string, string>();
  for (const [oid, short] of SHORT_NAMES) m.set(short, oid);
  for (const [oid, name] of OID_NAMES) {
    if (oid.startsWith('2.5.4.') || oid.startsWith('0.9.2342.') || oid.startsWith('1.2.840.113549.1.9.')) {
      m.set(name.toUpperCase(), oid);
    }
  }
  m.set('S', '2.5.4.8');
  m.set('EMAIL', '1.2.840.113549.1.9.1');
  return m;
})();

/** The conventional short name of a name attribute OID (`2.5.4.3` → `CN`), or undefined. */
export function attributeShortName(oid: string): string | undefined {
  return SHORT_NAMES.get(oid);
}

function keyToOid(key: string): string | undefined {
  const c = key.charCodeAt(0);
  if (c >= 0x30 && c <= 0x39) return key;
  return KEYS.get(key.toUpperCase());
}

/** RFC 4514 §2.4 escaping of a string attribute value. */
export function escapeDnValue(value: string): string {
  let needs = value.length > 0 && (value[0] === ' ' || value[0] === '#' || value[value.length - 1] === ' ');
  for (let i = 0; !needs && i < value.length; i++) {
    const c = value.charCodeAt(i);
    needs = c === 0x2c || c === 0x2b || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x3b || c === 0;
  }
  if (!needs) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value.charAt(i);
    if (ch === '\0') out += '\\00';
    else if (',+"\\<>;'.includes(ch)) out += '\\' + ch;
    else if ((i === 0 && (ch === ' ' || ch === '#')) || (i === value.length - 1 && ch === ' ')) out += '\\' + ch;
    else out += ch;
  }
  return out;
}

function attributeToString(a: NameAttribute): string {
  const key = a.shortName ?? a.oid;
  return `${key}=${isStringTag(a.valueTag) ? escapeDnValue(a.value) : a.value}`;
}

/** Marks every copy's DistinguishedName (see its `Symbol.hasInstance`). */
const NAME_BRAND = Symbol.for('yizheng.distinguished-name');

/**
 * An X.501 distinguished name (a certificate's subject or issuer). Immutable.
 *
 * `rdns` keeps the encoding ("issuance") order, most general first (`C`, `O`, `OU`, `CN`). `toString()`
 * gives the conventional display order, most specific first (`CN=…, OU=…, O=…, C=CN`), with RFC 4514
 * escaping; `format({ order: 'issuance' })` gives the encoding order.
 */
export class DistinguishedName {
  /** True for a DistinguishedName from any copy of this package (ESM and CJS builds, bundles); a subclass checks as usual. */
  static [Symbol.hasInstance](value: unknown): value is DistinguishedName {
    if (this !== DistinguishedName) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { readonly [NAME_BRAND]?: unknown })[NAME_BRAND] === true;
  }

  static {
    Object.defineProperty(this.prototype, NAME_BRAND, { value: true });
  }

  /** The RDNs in encoding (issuance) order, most general first. */
  readonly rdns: readonly RelativeDistinguishedName[];
  readonly #der: Uint8Array;
  #string: string | undefined;

  /** @internal Use {@link parseCertificate}; names are built by the parser. */
  constructor(rdns: readonly RelativeDistinguishedName[], der: Uint8Array) {
    this.rdns = rdns;
    this.#der = der;
    Object.freeze(this);
  }

  /** The DER encoding of the Name (a copy); two names are the same name when these bytes match. */
  get der(): Uint8Array {
    return this.#der.slice();
  }

  /** Every attribute, flattened, in encoding order. */
  get attributes(): readonly NameAttribute[] {
    return this.rdns.flat();
  }

  /** True for an empty name (no RDN). */
  get isEmpty(): boolean {
    return this.rdns.length === 0;
  }

  /**
   * The first value (in encoding order) of the attribute named by a short name (`CN`, `O`, `E`,
   * `SERIALNUMBER`…, case-insensitive), a long name (`commonName`, `emailAddress`) or a dotted OID
   * (`2.5.4.10`); undefined when absent.
   */
  get(key: string): string | undefined {
    const oid = keyToOid(key);
    if (oid === undefined) return undefined;
    for (const rdn of this.rdns) for (const a of rdn) if (a.oid === oid) return a.value;
    return undefined;
  }

  /** Every value of the attribute (see {@link DistinguishedName.get} for keys), in encoding order. */
  getAll(key: string): string[] {
    const oid = keyToOid(key);
    const out: string[] = [];
    if (oid === undefined) return out;
    for (const rdn of this.rdns) for (const a of rdn) if (a.oid === oid) out.push(a.value);
    return out;
  }

  /** CN (first in encoding order), or undefined. */
  get commonName(): string | undefined {
    return this.get('2.5.4.3');
  }

  /** O (first in encoding order), or undefined. */
  get organization(): string | undefined {
    return this.get('2.5.4.10');
  }

  /** Every OU, in encoding order. */
  get organizationalUnits(): string[] {
    return this.getAll('2.5.4.11');
  }

  /** C, or undefined. */
  get country(): string | undefined {
    return this.get('2.5.4.6');
  }

  /** True when both names have the same DER encoding (`other` may come from another copy of the package). */
  equals(other: DistinguishedName): boolean {
    const a = this.#der;
    const b = #der in other ? other.#der : (other as { readonly der: Uint8Array }).der;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** The name as a string; see {@link DnFormatOptions}. Multi-valued RDNs are joined with `+`. */
  format(options: DnFormatOptions = {}): string {
    const issuance = options.order === 'issuance';
    const separator = options.separator ?? ', ';
    const rdns = this.rdns;
    const n = rdns.length;
    let out = '';
    for (let k = 0; k < n; k++) {
      const rdn = rdns[issuance ? k : n - 1 - k] ?? [];
      if (k > 0) out += separator;
      for (let j = 0; j < rdn.length; j++) {
        const a = rdn[j];
        if (a === undefined) continue;
        if (j > 0) out += '+';
        out += attributeToString(a);
      }
    }
    return out;
  }

  /** Most specific first, e.g. `CN=Beijing SM2 CA, OU=BJCA, O=BJCA, C=CN` (RFC 4514 escaping). */
  toString(): string {
    this.#string ??= this.format();
    return this.#string;
  }

  /** Same as {@link DistinguishedName.toString}, so names serialise as strings. */
  toJSON(): string {
    return this.toString();
  }
}

/**
 * A character string inside a name: valid for its type, and a BMPString without surrogates. UCS-2
 * (what X.680 says a BMPString holds) has none; the generic decoder reads well-formed pairs, as some
 * Windows software writes them elsewhere, but OpenSSL (and so Node) refuse a name holding one, and
 * no CA in the shared vectors uses them.
 */
function checkNameString(b: Uint8Array, tag: number, start: number, end: number): void {
  checkString(b, tag, start, end);
  if (tag !== Tag.BMPString) return;
  for (let i = start; i < end; i += 2) {
    const hi = b[i] ?? 0;
    if (hi >= 0xd8 && hi <= 0xdf) throw new DerError('surrogate in a BMPString name value (UCS-2 has none)', i);
  }
}

/** The content of one primitive universal TLV inside a structured name value, by the DER rules of its type. */
function checkPrimitive(b: Uint8Array, t: Tlv): void {
  const { tag, contentStart: s, end: e } = t;
  if (isStringTag(tag)) return checkNameString(b, tag, s, e);
  switch (tag) {
    case Tag.BOOLEAN:
      decodeBoolean(b, s, e);
      return;
    case Tag.INTEGER:
    case Tag.ENUMERATED:
      return checkInteger(b, s, e);
    case Tag.BIT_STRING:
      checkBitString(b, s, e);
      return;
    case Tag.OCTET_STRING:
      return;
    case Tag.NULL:
      return checkNull(s, e);
    case Tag.OID:
      return checkOid(b, s, e);
    case Tag.UTCTime:
    case Tag.GeneralizedTime:
      decodeTime(b, tag, s, e);
      return;
    default:
      throw new DerError(`unsupported universal type ${tag} inside a name attribute value`, t.start);
  }
}

/**
 * Checks a name attribute value that is not a character string. Only the two types real names use are
 * allowed, both strictly: BIT STRING (x500UniqueIdentifier, RFC 4519 §2.40) with DER padding, and
 * SEQUENCE (postalAddress and the other structured X.520 types) whose content is well-formed DER
 * all the way down, every primitive universal value valid for its type. Anything else (UTCTime,
 * NULL, OCTET STRING, INTEGER, a SET, a context tag, the string types Yizheng does not decode) is
 * refused: OpenSSL refuses those too, and a value nothing can read is a value nobody can check.
 */
function checkStructuredValue(b: Uint8Array, tag: number, start: number, contentStart: number, end: number): void {
  if (tag === Tag.BIT_STRING) {
    checkBitString(b, contentStart, end);
    return;
  }
  if (tag !== Tag.SEQUENCE) {
    throw new DerError(`name attribute value must be a character string, a BIT STRING or a SEQUENCE, not tag 0x${tag.toString(16)}`, start);
  }
  walkDer(
    b,
    (t) => {
      if (t.tagClass !== 0) return;
      if (!t.constructed) checkPrimitive(b, t);
      else if (t.tag !== Tag.SEQUENCE && t.tag !== Tag.SET) throw new DerError(`unsupported constructed type ${t.tagNumber} inside a name attribute value`, t.start);
    },
    {},
    start,
    end,
  );
}

/**
 * Reads the Name whose SEQUENCE is the reader's current TLV (RFC 5280 §4.1.2.4) and returns it when
 * `build` is true (validation only otherwise). Strictness: each RDN is a non-empty SET of
 * SEQUENCE { OID, value }; string values must be valid for their type (a BMPString without
 * surrogates); any other value is a BIT STRING or a SEQUENCE checked all the way down (see
 * checkStructuredValue); the DER sort order of multi-valued RDN SETs is not checked (some CAs get it
 * wrong and it is harmless). An empty name is accepted here (path validation decides whether an
 * empty issuer is acceptable).
 */
export function readName(r: DerReader, build: true): DistinguishedName;
export function readName(r: DerReader, build: boolean): DistinguishedName | undefined;
export function readName(r: DerReader, build: boolean): DistinguishedName | undefined {
  if (r.tag !== Tag.SEQUENCE) throw new DerError('Name must be a SEQUENCE', r.start);
  const b = r.bytes;
  const nameStart = r.start;
  const nameEnd = r.contentEnd;
  const rdns: RelativeDistinguishedName[] | undefined = build ? [] : undefined;
  r.enter();
  while (!r.done) {
    r.expect(Tag.SET, 'RelativeDistinguishedName');
    const setStart = r.start;
    r.enter();
    if (r.done) throw new DerError('empty RelativeDistinguishedName', setStart);
    const rdn: NameAttribute[] | undefined = build ? [] : undefined;
    while (!r.done) {
      r.expect(Tag.SEQUENCE, 'AttributeTypeAndValue');
      r.enter();
      r.expect(Tag.OID, 'attribute type');
      const oidStart = r.contentStart;
      const oidEnd = r.contentEnd;
      r.next();
      // Typed wide on purpose: TypeScript keeps `r.tag` narrowed by the SEQUENCE check above.
      const tag: number = r.tag;
      const isString = isStringTag(tag);
      // When building, decodeString checks strings itself; only the BMPString rule is extra.
      if (!isString) checkStructuredValue(b, tag, r.start, r.contentStart, r.contentEnd);
      else if (rdn === undefined || tag === Tag.BMPString) checkNameString(b, tag, r.contentStart, r.contentEnd);
      if (rdn === undefined) {
        checkOid(b, oidStart, oidEnd);
      } else {
        const oid = decodeOid(b, oidStart, oidEnd);
        const value = isString
          ? decodeString(b, tag, r.contentStart, r.contentEnd)
          : '#' + toHex(b, r.start, r.contentEnd);
        rdn.push(Object.freeze({ oid, shortName: SHORT_NAMES.get(oid), value, valueTag: tag }));
      }
      r.leave('AttributeTypeAndValue');
    }
    r.leave('RelativeDistinguishedName');
    if (rdns !== undefined && rdn !== undefined) rdns.push(Object.freeze(rdn));
  }
  r.leave('Name');
  return rdns === undefined ? undefined : new DistinguishedName(Object.freeze(rdns), b.subarray(nameStart, nameEnd));
}
