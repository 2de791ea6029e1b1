/**
 * Decoders for the X.509 v3 extensions Yizheng reads (RFC 5280 §4.2), and for GeneralName.
 * Each decoder validates the whole extension value and throws DerError when it is malformed, so a
 * certificate with a broken known extension fails at parse time.
 */
import { DerError, Tag, readTlv, type DerReader } from '../asn1/der';
import {
  checkBitString,
  checkInteger,
  checkOid,
  checkString,
  decodeBoolean,
  decodeOid,
  decodeString,
  integerToNumber,
  isNegativeInteger,
  isStringTag,
  knownOid,
  latin1,
  setBits,
  toHex,
} from '../asn1/decode';
import { OID, oidName } from '../asn1/oids';
import { readName, type DistinguishedName } from './name';

/** One extension as it appears in the certificate. */
export interface CertificateExtension {
  /** Extension OID, e.g. `2.5.29.15` or `1.2.156.10260.4.1.4`. */
  readonly oid: string;
  /** Known name, e.g. `keyUsage`, `bjcaUniqueId`; undefined for unknown OIDs. */
  readonly name?: string | undefined;
  /** The critical flag. */
  readonly critical: boolean;
  /** The extnValue OCTET STRING content (the extension's own DER). Read-only. */
  readonly value: Uint8Array;
  /**
   * The decoded text when the value is a single DER character string (UTF8String, PrintableString,
   * IA5String, BMPString, UniversalString, TeletexString, NumericString, VisibleString): Chinese CAs
   * store identity numbers that way (e.g. BJCA `1.2.156.112562.2.1.1.1` → `JJTEST002`).
   */
  readonly text?: string | undefined;
}

/** Names of the KeyUsage bits, in bit order (RFC 5280 §4.2.1.3). */
export const KEY_USAGE_NAMES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;

/** A KeyUsage bit name. `nonRepudiation` is called `contentCommitment` in later X.509 editions. */
export type KeyUsageName = (typeof KEY_USAGE_NAMES)[number];

/** The basicConstraints extension. */
export interface BasicConstraints {
  /** True for a CA certificate. */
  readonly ca: boolean;
  /** Maximum number of intermediate CAs below this one, when constrained. */
  readonly pathLength?: number | undefined;
}

/** The kinds of GeneralName (RFC 5280 §4.2.1.6). */
export type GeneralNameType =
  | 'otherName'
  | 'email'
  | 'dns'
  | 'x400Address'
  | 'directoryName'
  | 'ediPartyName'
  | 'uri'
  | 'ip'
  | 'registeredId';

/** A GeneralName, e.g. a subjectAltName entry. */
export interface GeneralName {
  /** Which choice of GeneralName this is. */
  readonly type: GeneralNameType;
  /**
   * The value as text: the IA5String for email/dns/uri; dotted or RFC 5952 text for ip; the RFC 4514
   * string for directoryName; the dotted OID for registeredId; for otherName the decoded string when
   * its value is a character string, otherwise `#` + hex of its DER (also for x400Address and
   * ediPartyName).
   */
  readonly value: string;
  /** The type-id OID of an otherName (e.g. `1.3.6.1.4.1.311.20.2.3` for a Microsoft UPN). */
  readonly oid?: string | undefined;
  /** The decoded name of a directoryName. */
  readonly name?: DistinguishedName | undefined;
}

/** Everything the known-extension decoders found; the Certificate exposes it. */
export interface DecodedExtensions {
  extensions: readonly CertificateExtension[];
  keyUsage?: readonly KeyUsageName[];
  extKeyUsage?: readonly string[];
  basicConstraints?: BasicConstraints;
  authorityKeyIdentifier?: string;
  subjectKeyIdentifier?: string;
  crlDistributionPoints?: readonly string[];
  ocspUrls?: readonly string[];
  caIssuerUrls?: readonly string[];
  policies?: readonly string[];
  subjectAltNames?: readonly GeneralName[];
}

function ipToString(bytes: Uint8Array, s: number, e: number): string {
  if (e - s === 4) return `${bytes[s]}.${bytes[s + 1]}.${bytes[s + 2]}.${bytes[s + 3]}`;
  const groups: number[] = [];
  for (let i = s; i < e; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  // RFC 5952: compress the longest run (length ≥ 2) of zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function gn(type: GeneralNameType, value: string, oid?: string, name?: DistinguishedName): GeneralName {
  return Object.freeze({ type, value, oid, name });
}

function ia5(r: DerReader, build: boolean): string {
  if (!build) {
    checkString(r.bytes, Tag.IA5String, r.contentStart, r.contentEnd);
    return '';
  }
  return decodeString(r.bytes, Tag.IA5String, r.contentStart, r.contentEnd);
}

/**
 * Reads the GeneralName that is the reader's current TLV; returns it when `build` is true.
 * IA5String choices must be ASCII, iPAddress 4 or 16 octets, OIDs valid, directoryName a valid Name.
 */
export function readGeneralName(r: DerReader, build: true): GeneralName;
export function readGeneralName(r: DerReader, build: boolean): GeneralName | undefined;
export function readGeneralName(r: DerReader, build: boolean): GeneralName | undefined {
  const b = r.bytes;
  switch (r.tag) {
    case 0xa0: {
      r.enter();
      r.expect(Tag.OID, 'otherName type-id');
      const oidStart = r.contentStart;
      const oidEnd = r.contentEnd;
      r.expect(0xa0, 'otherName value');
      r.enter();
      r.next();
      const tag = r.tag;
      let value = '';
      if (isStringTag(tag)) {
        if (build) value = decodeString(b, tag, r.contentStart, r.contentEnd);
        else checkString(b, tag, r.contentStart, r.contentEnd);
      } else if (build) {
        value = '#' + toHex(b, r.start, r.contentEnd);
      }
      r.leave('otherName value');
      r.leave('otherName');
      if (build) return gn('otherName', value, decodeOid(b, oidStart, oidEnd));
      checkOid(b, oidStart, oidEnd);
      return undefined;
    }
    case 0x81:
      return build ? gn('email', ia5(r, true)) : void ia5(r, false);
    case 0x82:
      return build ? gn('dns', ia5(r, true)) : void ia5(r, false);
    case 0x86:
      return build ? gn('uri', ia5(r, true)) : void ia5(r, false);
    case 0x87: {
      const len = r.contentEnd - r.contentStart;
      if (len !== 4 && len !== 16) throw new DerError('iPAddress must be 4 or 16 octets', r.start);
      return build ? gn('ip', ipToString(b, r.contentStart, r.contentEnd)) : undefined;
    }
    case 0x88:
      if (build) return gn('registeredId', decodeOid(b, r.contentStart, r.contentEnd));
      checkOid(b, r.contentStart, r.contentEnd);
      return undefined;
    case 0xa4: {
      r.enter();
      r.expect(Tag.SEQUENCE, 'directoryName');
      const name = readName(r, build);
      r.leave('directoryName');
      return name === undefined ? undefined : gn('directoryName', name.toString(), undefined, name);
    }
    case 0xa3:
    case 0xa5: {
      // x400Address, ediPartyName: structure checked one level deep, contents not interpreted.
      const start = r.start;
      const end = r.contentEnd;
      r.enter();
      while (!r.done) r.next();
      r.leave('GeneralName');
      return build ? gn(b[start] === 0xa3 ? 'x400Address' : 'ediPartyName', '#' + toHex(b, start, end)) : undefined;
    }
    default:
      throw new DerError('invalid GeneralName', r.start);
  }
}

/**
 * Reads GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName from the current region (the reader
 * has entered the SEQUENCE or the IMPLICIT tag that replaces it).
 */
function readGeneralNames(r: DerReader, into: GeneralName[] | undefined): void {
  if (r.done) throw new DerError('empty GeneralNames', r.pos);
  while (!r.done) {
    r.next();
    const name = readGeneralName(r, into !== undefined);
    if (name !== undefined) into?.push(name);
  }
}

/** Enters a SEQUENCE SIZE (1..MAX) that must be the next TLV. */
function enterNonEmpty(r: DerReader, what: string): void {
  r.expect(Tag.SEQUENCE, what);
  const at = r.start;
  r.enter();
  if (r.done) throw new DerError(`empty ${what}`, at);
}

type Decoder = (r: DerReader, out: DecodedExtensions | undefined) => void;

const decoders: ReadonlyMap<string, Decoder> = new Map<string, Decoder>([
  [
    OID.keyUsage,
    (r, out) => {
      r.expect(Tag.BIT_STRING, 'keyUsage');
      // Trailing zero bits are tolerated (DER wants them trimmed; several CAs leave them). Bits
      // beyond decipherOnly are ignored.
      checkBitString(r.bytes, r.contentStart, r.contentEnd);
      if (out === undefined) return;
      const names: KeyUsageName[] = [];
      for (const bit of setBits(r.bytes, r.contentStart + 1, r.contentEnd)) {
        const name = KEY_USAGE_NAMES[bit];
        if (name !== undefined) names.push(name);
      }
      out.keyUsage = Object.freeze(names);
    },
  ],
  [
    OID.extKeyUsage,
    (r, out) => {
      enterNonEmpty(r, 'extKeyUsage');
      const oids: string[] = [];
      while (!r.done) {
        r.expect(Tag.OID, 'KeyPurposeId');
        if (out === undefined) checkOid(r.bytes, r.contentStart, r.contentEnd);
        else oids.push(decodeOid(r.bytes, r.contentStart, r.contentEnd));
      }
      r.leave('extKeyUsage');
      if (out !== undefined) out.extKeyUsage = Object.freeze(oids);
    },
  ],
  [
    OID.basicConstraints,
    (r, out) => {
      r.expect(Tag.SEQUENCE, 'basicConstraints');
      r.enter();
      // An explicit cA FALSE is a DER default-value violation; tolerated (seen in the field, harmless).
      let ca = false;
      if (r.optional(Tag.BOOLEAN)) ca = decodeBoolean(r.bytes, r.contentStart, r.contentEnd);
      let pathLength: number | undefined;
      if (r.optional(Tag.INTEGER)) {
        checkInteger(r.bytes, r.contentStart, r.contentEnd);
        if (isNegativeInteger(r.bytes, r.contentStart)) throw new DerError('negative pathLenConstraint', r.start);
        pathLength = integerToNumber(r.bytes, r.contentStart, r.contentEnd);
      }
      r.leave('basicConstraints');
      if (out !== undefined) out.basicConstraints = Object.freeze({ ca, pathLength });
    },
  ],
  [
    OID.subjectKeyIdentifier,
    (r, out) => {
      r.expect(Tag.OCTET_STRING, 'subjectKeyIdentifier');
      if (out !== undefined) out.subjectKeyIdentifier = toHex(r.bytes, r.contentStart, r.contentEnd);
    },
  ],
  [
    OID.authorityKeyIdentifier,
    (r, out) => {
      r.expect(Tag.SEQUENCE, 'authorityKeyIdentifier');
      r.enter();
      if (r.optional(0x80) && out !== undefined) {
        out.authorityKeyIdentifier = toHex(r.bytes, r.contentStart, r.contentEnd);
      }
      if (r.optional(0xa1)) {
        r.enter();
        readGeneralNames(r, undefined);
        r.leave('authorityCertIssuer');
      }
      if (r.optional(0x82)) checkInteger(r.bytes, r.contentStart, r.contentEnd);
      r.leave('authorityKeyIdentifier');
    },
  ],
  [
    OID.cRLDistributionPoints,
    (r, out) => {
      enterNonEmpty(r, 'cRLDistributionPoints');
      const names: GeneralName[] | undefined = out === undefined ? undefined : [];
      while (!r.done) {
        r.expect(Tag.SEQUENCE, 'DistributionPoint');
        r.enter();
        if (r.optional(0xa0)) {
          r.enter();
          const choice = r.next();
          if (choice === 0xa0) {
            r.enter();
            readGeneralNames(r, names);
            r.leave('fullName');
          } else if (choice === 0xa1) {
            // nameRelativeToCRLIssuer: a SET OF AttributeTypeAndValue; checked, not returned.
            const at = r.start;
            r.enter();
            if (r.done) throw new DerError('empty nameRelativeToCRLIssuer', at);
            while (!r.done) {
              r.expect(Tag.SEQUENCE, 'AttributeTypeAndValue');
              r.enter();
              r.expect(Tag.OID, 'attribute type');
              checkOid(r.bytes, r.contentStart, r.contentEnd);
              r.next();
              r.leave('AttributeTypeAndValue');
            }
            r.leave('nameRelativeToCRLIssuer');
          } else {
            throw new DerError('invalid DistributionPointName', r.start);
          }
          r.leave('DistributionPointName');
        }
        if (r.optional(0x81)) checkBitString(r.bytes, r.contentStart, r.contentEnd);
        if (r.optional(0xa2)) {
          r.enter();
          readGeneralNames(r, undefined);
          r.leave('cRLIssuer');
        }
        r.leave('DistributionPoint');
      }
      r.leave('cRLDistributionPoints');
      if (out !== undefined && names !== undefined) {
        out.crlDistributionPoints = Object.freeze(names.filter((n) => n.type === 'uri').map((n) => n.value));
      }
    },
  ],
  [
    OID.authorityInfoAccess,
    (r, out) => {
      enterNonEmpty(r, 'authorityInfoAccess');
      const ocsp: string[] = [];
      const caIssuers: string[] = [];
      while (!r.done) {
        r.expect(Tag.SEQUENCE, 'AccessDescription');
        r.enter();
        r.expect(Tag.OID, 'accessMethod');
        const method = decodeOid(r.bytes, r.contentStart, r.contentEnd);
        r.next();
        const location = readGeneralName(r, out !== undefined);
        r.leave('AccessDescription');
        if (location?.type !== 'uri') continue;
        if (method === OID.ocsp) ocsp.push(location.value);
        else if (method === OID.caIssuers) caIssuers.push(location.value);
      }
      r.leave('authorityInfoAccess');
      if (out === undefined) return;
      out.ocspUrls = Object.freeze(ocsp);
      out.caIssuerUrls = Object.freeze(caIssuers);
    },
  ],
  [
    OID.certificatePolicies,
    (r, out) => {
      enterNonEmpty(r, 'certificatePolicies');
      const policies: string[] = [];
      while (!r.done) {
        r.expect(Tag.SEQUENCE, 'PolicyInformation');
        r.enter();
        r.expect(Tag.OID, 'policyIdentifier');
        if (out === undefined) checkOid(r.bytes, r.contentStart, r.contentEnd);
        else policies.push(decodeOid(r.bytes, r.contentStart, r.contentEnd));
        if (r.optional(Tag.SEQUENCE)) {
          const at = r.start;
          r.enter();
          if (r.done) throw new DerError('empty policyQualifiers', at);
          while (!r.done) {
            r.expect(Tag.SEQUENCE, 'PolicyQualifierInfo');
            r.enter();
            r.expect(Tag.OID, 'policyQualifierId');
            checkOid(r.bytes, r.contentStart, r.contentEnd);
            r.next();
            r.leave('PolicyQualifierInfo');
          }
          r.leave('policyQualifiers');
        }
        r.leave('PolicyInformation');
      }
      r.leave('certificatePolicies');
      if (out !== undefined) out.policies = Object.freeze(policies);
    },
  ],
  [
    OID.subjectAltName,
    (r, out) => {
      r.expect(Tag.SEQUENCE, 'subjectAltName');
      r.enter();
      const names: GeneralName[] | undefined = out === undefined ? undefined : [];
      readGeneralNames(r, names);
      r.leave('subjectAltName');
      if (out !== undefined && names !== undefined) out.subjectAltNames = Object.freeze(names);
    },
  ],
]);

/**
 * Reads the Extensions SEQUENCE that is the reader's current TLV (RFC 5280 §4.1.2.9). With `build`,
 * returns every extension and the decoded known ones; otherwise validates only.
 *
 * Strictness: a non-empty SEQUENCE of Extension { extnID, critical BOOLEAN DEFAULT FALSE, extnValue };
 * each OID at most once; critical a DER BOOLEAN (an explicit FALSE, a DER default-value violation,
 * is tolerated as OpenSSL does); known extensions (keyUsage, extKeyUsage, basicConstraints, AKI, SKI,
 * cRLDistributionPoints, authorityInfoAccess, certificatePolicies, subjectAltName) must decode fully,
 * with nothing after their value. Unknown extensions are opaque.
 */
export function readExtensions(r: DerReader, build: true): DecodedExtensions;
export function readExtensions(r: DerReader, build: boolean): DecodedExtensions | undefined;
export function readExtensions(r: DerReader, build: boolean): DecodedExtensions | undefined {
  const b = r.bytes;
  const listStart = r.start;
  const listEnd = r.contentEnd;
  // Offsets of each extnID's content, to find duplicates without building OID strings.
  const seen: number[] = [];
  let seenSet: Set<string> | undefined;
  const list: CertificateExtension[] | undefined = build ? [] : undefined;
  const out: DecodedExtensions | undefined = build ? { extensions: EMPTY_EXTENSIONS } : undefined;
  // With build, one private copy of the region backs every `value`, so writing into one cannot
  // alter the certificate's DER.
  const values = build ? b.slice(listStart, listEnd) : undefined;
  r.enter();
  if (r.done) throw new DerError('empty Extensions', listStart);
  while (!r.done) {
    r.expect(Tag.SEQUENCE, 'Extension');
    r.enter();
    r.expect(Tag.OID, 'extnID');
    const os = r.contentStart;
    const oe = r.contentEnd;
    checkOid(b, os, oe);
    if (seenSet === undefined && seen.length >= 32) {
      // Past 16 extensions, a set keeps a hostile certificate with thousands of them linear.
      seenSet = new Set();
      for (let k = 0; k < seen.length; k += 2) seenSet.add(latin1(b, seen[k] ?? 0, seen[k + 1] ?? 0));
    }
    let duplicate = false;
    if (seenSet === undefined) {
      for (let k = 0; k < seen.length && !duplicate; k += 2) duplicate = sameBytes(b, seen[k] ?? 0, seen[k + 1] ?? 0, os, oe);
      seen.push(os, oe);
    } else {
      const key = latin1(b, os, oe);
      duplicate = seenSet.has(key);
      seenSet.add(key);
    }
    if (duplicate) throw new DerError(`duplicate extension ${decodeOid(b, os, oe)}`, r.start);
    // Known OIDs come back as shared strings; unknown ones are only spelled out when building.
    const known = knownOid(b, os, oe);
    let critical = false;
    if (r.optional(Tag.BOOLEAN)) critical = decodeBoolean(b, r.contentStart, r.contentEnd);
    r.expect(Tag.OCTET_STRING, 'extnValue');
    const vs = r.contentStart;
    const ve = r.contentEnd;
    const decode = known === undefined ? undefined : decoders.get(known);
    let text: string | undefined;
    if (decode !== undefined) {
      r.enterEncapsulated();
      decode(r, out);
      r.leave('extension value');
    } else if (build && vs < ve && isStringTag(b[vs] ?? 0)) {
      text = singleString(b, vs, ve);
    }
    r.leave('Extension');
    if (list !== undefined && values !== undefined) {
      const oid = known ?? decodeOid(b, os, oe);
      const value = values.subarray(vs - listStart, ve - listStart);
      list.push(Object.freeze({ oid, name: oidName(oid), critical, value, text }));
    }
  }
  r.leave('Extensions');
  if (out === undefined || list === undefined) return undefined;
  out.extensions = Object.freeze(list);
  return out;
}

const EMPTY_EXTENSIONS: readonly CertificateExtension[] = Object.freeze([]);

function sameBytes(b: Uint8Array, a1: number, a2: number, c1: number, c2: number): boolean {
  if (a2 - a1 !== c2 - c1) return false;
  for (let i = 0; i < a2 - a1; i++) if (b[a1 + i] !== b[c1 + i]) return false;
  return true;
}

/** The text of an extension value that is exactly one valid character string, else undefined. */
function singleString(b: Uint8Array, vs: number, ve: number): string | undefined {
  try {
    const t = readTlv(b, vs, ve);
    return t.end === ve ? decodeString(b, t.tag, t.contentStart, t.end) : undefined;
  } catch (e) {
    if (e instanceof DerError) return undefined;
    throw e;
  }
}
