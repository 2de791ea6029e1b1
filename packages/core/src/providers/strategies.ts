/**
 * Identity extraction as an ordered list of strategies: each strategy looks in one
 * place (a vendor extension, a DN layout, the GM/T 0015 extensions), and for every identity field
 * the first strategy that finds a value wins. Values are normalised (prefixes such as `JJ`, `SF`,
 * `N`, `Z` stripped, hyphens and dots removed, extension values decoded as DER strings) and each
 * keeps the place it came from.
 */
import { DerReader, Tag } from '../asn1/der';
import { decodeString, isStringTag } from '../asn1/decode';
import type { Certificate } from '../cert/index';
import { embeddedOrgCode } from '../codes/embedded';
import { normalizeEnterpriseCode, validateEnterpriseCode } from '../codes/index';
import { YizhengError } from '../errors/index';
import { findIdentityCodes, type FoundCode } from '../identity/index';
import type { IdentityConflict, ProviderIdentity } from './contract';

/** A field of {@link ProviderIdentity}. */
export type IdentityField = 'entityName' | 'uscc' | 'orgCode' | 'registrationNumber' | 'personalId' | 'vendorUid';

/** One value a strategy found. */
export interface IdentityFinding {
  /** Which field. */
  readonly field: IdentityField;
  /** The normalised value. */
  readonly value: string;
  /** Where it was found: `extension:<oid>` or `subject:<attribute>`. */
  readonly source: string;
  /**
   * True when the place is free text the CA does not vouch for as a code (a DN attribute such as
   * `OU`, `O` or `serialNumber`). Free-text codes count only when no vouched place holds a code.
   */
  readonly freeText?: boolean;
}

/** One place to look for the identity, in a provider's ordered list. */
export interface IdentityStrategy {
  /** What it reads, for documentation and debugging, e.g. `BJCA unique id (1.2.156.112562.2.1.1.1)`. */
  readonly name: string;
  /** The values it finds, in its own order of preference. A strategy that throws finds nothing. */
  find(certificate: Certificate): readonly IdentityFinding[];
  /** True when every place it reads is free text (see {@link IdentityFinding.freeText}). */
  readonly freeText?: boolean;
}

/** How to read a code-bearing value: by its shape (`auto`) or as one field. */
export type IdentityValueKind = 'auto' | 'uscc' | 'orgCode' | 'registrationNumber' | 'personalId' | 'vendorUid';

/** A code read from a value, after normalisation. */
export interface ParsedIdentityCode {
  /** The field it fills. */
  readonly field: Exclude<IdentityField, 'entityName' | 'vendorUid'>;
  /** The normalised code. */
  readonly value: string;
  /** The prefix that was stripped (e.g. `JJ`, `SF`, `N`), when one was. */
  readonly prefix?: string;
}

/** Vendor prefixes: BJCA `JJ` (机构, organisation) and `SF` (身份证, personal ID). */
const ORGANISATION_PREFIX = 'JJ';
const PERSONAL_PREFIX = 'SF';
/** Longest value read: identity values are short; anything longer is not an identity code. */
const MAX_VALUE_CHARS = 256;

const RESIDENT_ID = /^\d{17}[\dX]$/;
const OLD_RESIDENT_ID = /^\d{15}$/;
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11643 resident ID: 18 characters with its ISO 7064 MOD 11-2 check, or the old 15-digit form. */
export function isResidentId(id: string): boolean {
  if (OLD_RESIDENT_ID.test(id)) return true;
  if (!RESIDENT_ID.test(id)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (id.charCodeAt(i) - 48) * (ID_WEIGHTS[i] ?? 0);
  return '10X98765432'[sum % 11] === id[17];
}

/**
 * Cleans a value read from a certificate or a vendor client: drops control characters (stray DER
 * tag and length bytes such as `\f\t` before `JJTEST002`), NUL padding and surrounding spaces, and
 * composes Unicode (NFC). Returns `''` for values too long to be an identity.
 */
export function cleanIdentityText(text: string): string {
  if (typeof text !== 'string' || text.length > MAX_VALUE_CHARS * 4) return '';
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const cleaned = text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200d\ufeff]/g, '').trim().normalize('NFC');
  return cleaned.length > MAX_VALUE_CHARS ? '' : cleaned;
}

function codeOf(text: string): ParsedIdentityCode | undefined {
  const v = validateEnterpriseCode(text);
  if (!v.valid) return undefined;
  switch (v.kind) {
    case 'uscc':
      return { field: 'uscc', value: v.normalized };
    case 'org-code':
      return { field: 'orgCode', value: v.normalized };
    case 'registration-number':
      return { field: 'registrationNumber', value: v.normalized };
    default:
      return undefined;
  }
}

function personalIdOf(text: string): string | undefined {
  const id = normalizeEnterpriseCode(text);
  return isResidentId(id) ? id : undefined;
}

/**
 * Reads an enterprise or personal code from a value, the way Chinese CAs write them: a bare code
 * (USCC, organisation code with or without hyphen, registration number, resident ID), or one behind
 * a vendor prefix: `JJ` + enterprise code, `SF` + ID number, or any one letter + code (CFCA's type
 * letters such as `N` and `Z`, whose table is unpublished). Only codes that pass their check
 * characters are returned. Never throws.
 *
 * @param kind `auto` (default) decides by shape; another kind accepts only that field.
 *
 * @example
 * ```ts
 * parseIdentityCode('JJ91350200556207664B'); // { field: 'uscc', value: '91350200556207664B', prefix: 'JJ' }
 * parseIdentityCode('SF11010519491231002X'); // { field: 'personalId', value: '11010519491231002X', prefix: 'SF' }
 * ```
 */
export function parseIdentityCode(value: string, kind: IdentityValueKind = 'auto'): ParsedIdentityCode | undefined {
  const text = normalizeEnterpriseCode(cleanIdentityText(value));
  if (text === '' || text.length > 64) return undefined;
  const accept = (c: ParsedIdentityCode | undefined): ParsedIdentityCode | undefined =>
    c !== undefined && (kind === 'auto' || kind === c.field) ? c : undefined;
  const personal = (id: string | undefined, prefix?: string): ParsedIdentityCode | undefined =>
    id === undefined ? undefined : accept({ field: 'personalId', value: id, ...(prefix !== undefined && { prefix }) });
  // A bare value first: a USCC may itself start with a letter (e.g. `N…`, `Y…`).
  const bare = accept(codeOf(text)) ?? personal(personalIdOf(text));
  if (bare) return bare;
  if (text.startsWith(PERSONAL_PREFIX)) {
    const id = personal(personalIdOf(text.slice(2)), PERSONAL_PREFIX);
    if (id) return id;
  }
  if (text.startsWith(ORGANISATION_PREFIX)) {
    const code = accept(codeOf(text.slice(2)));
    if (code) return { ...code, prefix: ORGANISATION_PREFIX };
  }
  const letter = /^[A-Z]/.exec(text)?.[0];
  if (letter !== undefined) {
    const rest = text.slice(1);
    const code = accept(codeOf(rest)) ?? personal(personalIdOf(rest), letter);
    if (code) return code.prefix === undefined ? { ...code, prefix: letter } : code;
  }
  return undefined;
}

/**
 * An extension's value as text: the DER character string it holds (UTF8String, PrintableString,
 * IA5String, BMPString…), also when a CA wrapped that string once more in an OCTET STRING or a
 * one-element SEQUENCE. Never the raw bytes; `undefined` when the value is not a string. Never throws.
 */
export function extensionText(certificate: Certificate, oid: string): string | undefined {
  try {
    const extension = certificate.extension(oid);
    if (extension === undefined) return undefined;
    if (extension.text !== undefined) return extension.text;
    const bytes = extension.value;
    const r = new DerReader(bytes);
    r.next();
    if (r.tag === Tag.OCTET_STRING || r.tag === Tag.SEQUENCE) {
      const inner = new DerReader(bytes, r.contentStart, r.contentEnd);
      inner.next();
      if (isStringTag(inner.tag) && inner.done && r.done) return decodeString(bytes, inner.tag, inner.contentStart, inner.contentEnd);
    }
    return undefined;
  } catch {
    return undefined;
  }
}

/** Printable ASCII only: what a raw, untagged identity value may hold. */
const PRINTABLE_ASCII = /^[\x20-\x7e]{1,256}$/;

/**
 * An extension's value read as plain ASCII, for the places a CA is known to store untagged text.
 * `undefined` unless every byte is printable ASCII (a DER string or structure starts with a tag
 * byte below 0x20 or above 0x7e only by accident, so a value that parses as DER is left to
 * {@link extensionText}). Never throws.
 */
export function rawExtensionText(certificate: Certificate, oid: string): string | undefined {
  try {
    const bytes = certificate.extension(oid)?.value;
    if (bytes === undefined || bytes.length === 0 || bytes.length > 256) return undefined;
    const text = String.fromCharCode(...bytes);
    return PRINTABLE_ASCII.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

function findingsOfValue(value: string, kind: IdentityValueKind, source: string, vendorUid: boolean): IdentityFinding[] {
  const out: IdentityFinding[] = [];
  const cleaned = cleanIdentityText(value);
  if (cleaned === '') return out;
  if (vendorUid || kind === 'vendorUid') out.push({ field: 'vendorUid', value: cleaned.toUpperCase(), source });
  if (kind === 'vendorUid') return out;
  const code = parseIdentityCode(cleaned, kind);
  if (code) out.push({ field: code.field, value: code.value, source });
  return out;
}

/** Options of {@link extensionStrategy}. */
export interface ExtensionStrategyOptions {
  /** How to read the value; default `auto` (by its shape, prefixes stripped). */
  readonly as?: IdentityValueKind;
  /** Also keep the whole value (cleaned, upper case) as the vendor's unique id. */
  readonly vendorUid?: boolean;
  /** A name for documentation; default `extension <oid>`. */
  readonly name?: string;
  /**
   * The CA is known to store plain ASCII with no DER string tag in this place (BJCA writes
   * `1.2.156.112562.2.1.1.4` that way on some certificates): when the value is not a DER string,
   * read its bytes as text, provided they are all printable ASCII. Off by default: elsewhere such
   * bytes are not an identity.
   */
  readonly raw?: boolean;
}

/**
 * Reads a code from an extension holding a DER string (e.g. BJCA `1.2.156.112562.2.1.1.1` →
 * `JJ556207664` gives the organisation code `556207664`, and with `vendorUid: true` also the
 * vendor id `JJ556207664`).
 *
 * @throws {YizhengError} `INVALID_ARGUMENT` when `oid` is not a dotted OID.
 */
export function extensionStrategy(oid: string, options: ExtensionStrategyOptions = {}): IdentityStrategy {
  if (typeof oid !== 'string' || !/^[0-2](\.(0|[1-9]\d*))+$/.test(oid)) {
    throw new YizhengError('INVALID_ARGUMENT', { reason: `identity extension "${String(oid)}" is not a dotted OID` });
  }
  const kind = options.as ?? 'auto';
  return {
    name: options.name ?? `extension ${oid}`,
    find(certificate) {
      const text = extensionText(certificate, oid) ?? (options.raw === true ? rawExtensionText(certificate, oid) : undefined);
      return text === undefined ? [] : findingsOfValue(text, kind, `extension:${oid}`, options.vendorUid === true);
    },
  };
}

/**
 * Reads codes from a subject attribute (e.g. `OU` holding the USCC, as 重庆 cloud certificates do,
 * or `SERIALNUMBER`). A DN attribute is free text: only values that pass their checks count, and
 * they count only when no vouched place (an extension, a vendor's documented CN layout) holds a code.
 */
export function subjectCodeStrategy(attribute: string, options: { readonly as?: IdentityValueKind } = {}): IdentityStrategy {
  const kind = options.as ?? 'auto';
  return {
    name: `subject ${attribute}`,
    freeText: true,
    find(certificate) {
      const out: IdentityFinding[] = [];
      for (const value of certificate.subject.getAll(attribute)) {
        const code = parseIdentityCode(value, kind === 'vendorUid' ? 'auto' : kind);
        if (code) out.push({ field: code.field, value: code.value, source: `subject:${attribute.toUpperCase()}`, freeText: true });
      }
      return out;
    },
  };
}

/** The entity name from the first of these subject attributes that is present; default `O`, then `CN`. */
export function subjectNameStrategy(attributes: readonly string[] = ['O', 'CN']): IdentityStrategy {
  return {
    name: `entity name from ${attributes.join(', ')}`,
    find(certificate) {
      for (const attribute of attributes) {
        const value = cleanIdentityText(certificate.subject.get(attribute) ?? '');
        if (value !== '') return [{ field: 'entityName', value, source: `subject:${attribute.toUpperCase()}` }];
      }
      return [];
    },
  };
}

/**
 * The vendor-neutral places: the GM/T 0015 identity extensions (2023 `1.2.156.10260.4.4`, then
 * 2012 `1.2.156.10260.4.1.*`), which the CA vouches for, and codes in the subject DN (`OU`,
 * `SERIALNUMBER`, `O`), which are free text and count only when no vouched place holds a code. Put
 * it after a vendor's own strategies. It finds no entity name: add {@link subjectNameStrategy} for that.
 */
export function gmt0015Strategy(): IdentityStrategy {
  return {
    name: 'GM/T 0015 identity extensions, then subject DN codes (free text)',
    find(certificate) {
      const out: IdentityFinding[] = [];
      for (const code of findIdentityCodes(certificate)) {
        if (!code.valid) continue;
        const field = CODE_FIELD[code.kind];
        if (field === undefined) continue;
        const freeText = code.source.startsWith('subject:');
        out.push({ field, value: code.normalized, source: code.source, ...(freeText && { freeText }) });
      }
      return out;
    },
  };
}

const CODE_FIELD: Readonly<Partial<Record<FoundCode['kind'], IdentityField>>> = {
  uscc: 'uscc',
  'org-code': 'orgCode',
  'registration-number': 'registrationNumber',
  'personal-id': 'personalId',
};

const FIELDS: readonly IdentityField[] = ['entityName', 'uscc', 'orgCode', 'registrationNumber', 'personalId', 'vendorUid'];
const CODE_FIELDS: ReadonlySet<IdentityField> = new Set(['uscc', 'orgCode', 'registrationNumber', 'personalId']);

/** Collects the well-formed findings of every strategy, in order, each marked vouched or free text. */
function collectFindings(certificate: Certificate, strategies: readonly IdentityStrategy[]): IdentityFinding[] {
  const all: IdentityFinding[] = [];
  for (const strategy of strategies) {
    let findings: readonly IdentityFinding[];
    try {
      findings = strategy.find(certificate);
    } catch {
      continue;
    }
    if (!Array.isArray(findings)) continue;
    for (const f of findings as readonly unknown[]) {
      if (typeof f !== 'object' || f === null) continue;
      const { field, value, source, freeText } = f as Partial<IdentityFinding>;
      if (field === undefined || !FIELDS.includes(field) || typeof value !== 'string' || value === '' || typeof source !== 'string') continue;
      all.push({ field, value, source, ...((strategy.freeText === true || freeText === true) && { freeText: true }) });
    }
  }
  return all;
}

/**
 * Codes that cannot all be true of one holder: two USCCs, two organisation codes (a USCC counts with
 * the organisation code it embeds), two registration numbers or two personal ID numbers.
 */
function findConflicts(findings: readonly IdentityFinding[]): IdentityConflict[] {
  const groups = new Map<IdentityConflict['field'], Map<string, string[]>>();
  const add = (field: IdentityConflict['field'], value: string, source: string): void => {
    let values = groups.get(field);
    if (!values) groups.set(field, (values = new Map()));
    const sources = values.get(value) ?? [];
    if (!sources.includes(source)) sources.push(source);
    values.set(value, sources);
  };
  for (const f of findings) {
    if (f.field === 'uscc') {
      add('uscc', f.value, f.source);
      const embedded = embeddedOrgCode(f.value);
      if (embedded !== undefined) add('orgCode', embedded, f.source);
    } else if (f.field === 'orgCode' || f.field === 'registrationNumber' || f.field === 'personalId') {
      add(f.field, f.value, f.source);
    }
  }
  const conflicts: IdentityConflict[] = [];
  for (const [field, values] of groups) {
    if (values.size < 2) continue;
    conflicts.push(Object.freeze({
      field,
      values: Object.freeze([...values.keys()]),
      sources: Object.freeze([...new Set([...values.values()].flat())]),
    }));
  }
  return conflicts;
}

/**
 * Runs `strategies` in order and merges what they find: for each field the first value wins; a USCC
 * without an organisation code also gives the organisation code it embeds (positions 9-17, from the
 * USCC's source). A strategy that throws is skipped. Never throws.
 *
 * Codes come only from places the CA vouches for (extensions, a vendor's documented CN layout) when
 * any of them holds a code; free-text findings (a DN `OU`, `O` or `serialNumber`) are used only when
 * none does, and the fields taken from them are listed in `freeText`. Vouched places that disagree
 * (two different USCCs, a USCC and an organisation code of two companies, two ID numbers) are listed
 * in `conflicts`; login and binding refuse such a certificate with `ENTERPRISE_CODE_CONFLICT`.
 *
 * @example
 * ```ts
 * extractIdentityWith(certificate, [
 *   extensionStrategy('1.2.156.112562.2.1.1.1', { vendorUid: true }),
 *   gmt0015Strategy(),
 *   subjectNameStrategy(),
 * ]);
 * ```
 */
export function extractIdentityWith(certificate: Certificate, strategies: readonly IdentityStrategy[]): ProviderIdentity {
  const all = collectFindings(certificate, strategies);
  const vouchedCode = all.some((f) => f.freeText !== true && CODE_FIELDS.has(f.field));
  // Free text never adds or overrides a code when the CA vouched for one: a company-A certificate
  // with company B's USCC in its OU stays company A's, and a personal certificate stays personal.
  const used = vouchedCode ? all.filter((f) => f.freeText !== true || !CODE_FIELDS.has(f.field)) : all;
  const values: Partial<Record<IdentityField, string>> = {};
  const source: Record<string, string> = {};
  const freeText: IdentityField[] = [];
  for (const f of used) {
    if (values[f.field] !== undefined) continue;
    values[f.field] = f.value;
    source[f.field] = f.source;
    if (f.freeText === true && CODE_FIELDS.has(f.field)) freeText.push(f.field);
  }
  if (values.orgCode === undefined && values.uscc !== undefined) {
    const embedded = embeddedOrgCode(values.uscc);
    if (embedded !== undefined) {
      values.orgCode = embedded;
      source['orgCode'] = source['uscc'] ?? '';
      if (freeText.includes('uscc')) freeText.push('orgCode');
    }
  }
  const conflicts = findConflicts(used);
  return Object.freeze({
    entityName: values.entityName,
    ...(values.uscc !== undefined && { uscc: values.uscc }),
    ...(values.orgCode !== undefined && { orgCode: values.orgCode }),
    ...(values.registrationNumber !== undefined && { registrationNumber: values.registrationNumber }),
    ...(values.personalId !== undefined && { personalId: values.personalId }),
    ...(values.vendorUid !== undefined && { vendorUid: values.vendorUid }),
    source: Object.freeze(source),
    ...(freeText.length > 0 && { freeText: Object.freeze(freeText) }),
    ...(conflicts.length > 0 && { conflicts: Object.freeze(conflicts) }),
  });
}
