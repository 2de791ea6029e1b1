/**
 * Identity extraction as an ordered list of strategies (DOMAIN.md §3): each strategy looks in one
 * place (a vendor extension, a DN layout, the GM/T 0015 extensions), and for every identity field
 * the first strategy that finds a value wins. Values are normalised (prefixes such as `JJ`, `SF`,
 * `N`, `Z` stripped, hyphens and dots removed, extension values decoded as DER strings) and each
 * keeps the place it came from.
 */
import { DerReader, Tag } from '../asn1/der';
import { decodeString, isStringTag } from '../asn1/decode';
import type { Certificate } from '../cert/index';
import { normalizeEnterpriseCode, validateEnterpriseCode } from '../codes/index';
import { YizhengError } from '../errors/index';
import { extractGenericIdentity } from '../identity/index';
import type { ProviderIdentity } from './contract';

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
}

/** One place to look for the identity, in a provider's ordered list. */
export interface IdentityStrategy {
  /** What it reads, for documentation and debugging, e.g. `BJCA unique id (1.2.156.112562.2.1.1.1)`. */
  readonly name: string;
  /** The values it finds, in its own order of preference. A strategy that throws finds nothing. */
  find(certificate: Certificate): readonly IdentityFinding[];
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

/** Vendor prefixes (DOMAIN.md §3): BJCA `JJ` (机构, organisation) and `SF` (身份证, personal ID). */
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
      const text = extensionText(certificate, oid);
      return text === undefined ? [] : findingsOfValue(text, kind, `extension:${oid}`, options.vendorUid === true);
    },
  };
}

/**
 * Reads codes from a subject attribute (e.g. `OU` holding the USCC, as 重庆 cloud certificates do,
 * or `SERIALNUMBER`). A DN attribute is free text: only values that pass their checks count.
 */
export function subjectCodeStrategy(attribute: string, options: { readonly as?: IdentityValueKind } = {}): IdentityStrategy {
  const kind = options.as ?? 'auto';
  return {
    name: `subject ${attribute}`,
    find(certificate) {
      const out: IdentityFinding[] = [];
      for (const value of certificate.subject.getAll(attribute)) {
        const code = parseIdentityCode(value, kind === 'vendorUid' ? 'auto' : kind);
        if (code) out.push({ field: code.field, value: code.value, source: `subject:${attribute.toUpperCase()}` });
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
 * 2012 `1.2.156.10260.4.1.*`) and codes in the subject DN (`OU`, `SERIALNUMBER`, `O`). Put it after a
 * vendor's own strategies. It finds no entity name: add {@link subjectNameStrategy} for that.
 */
export function gmt0015Strategy(): IdentityStrategy {
  return {
    name: 'GM/T 0015 identity extensions and subject DN codes',
    find(certificate) {
      const id = extractGenericIdentity(certificate);
      const out: IdentityFinding[] = [];
      if (id.uscc) out.push({ field: 'uscc', value: id.uscc.normalized, source: id.uscc.source });
      if (id.orgCode) out.push({ field: 'orgCode', value: id.orgCode.normalized, source: id.orgCode.source });
      if (id.registrationNumber) out.push({ field: 'registrationNumber', value: id.registrationNumber.normalized, source: id.registrationNumber.source });
      if (id.personalId) out.push({ field: 'personalId', value: id.personalId.normalized, source: id.personalId.source });
      return out;
    },
  };
}

const FIELDS: readonly IdentityField[] = ['entityName', 'uscc', 'orgCode', 'registrationNumber', 'personalId', 'vendorUid'];

/**
 * Runs `strategies` in order and merges what they find: for each field the first value wins; a USCC
 * without an organisation code also gives the organisation code it embeds (positions 9-17, from the
 * USCC's source). A strategy that throws is skipped. Never throws.
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
  const values: Partial<Record<IdentityField, string>> = {};
  const source: Record<string, string> = {};
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
      const { field, value, source: where } = f as Partial<IdentityFinding>;
      if (field === undefined || !FIELDS.includes(field) || typeof value !== 'string' || value === '' || typeof where !== 'string') continue;
      if (values[field] !== undefined) continue;
      values[field] = value;
      source[field] = where;
    }
  }
  if (values.orgCode === undefined && values.uscc !== undefined) {
    const embedded = validateEnterpriseCode(values.uscc).orgCode;
    if (embedded !== undefined) {
      values.orgCode = embedded.replace('-', '');
      source['orgCode'] = source['uscc'] ?? '';
    }
  }
  return Object.freeze({
    entityName: values.entityName,
    ...(values.uscc !== undefined && { uscc: values.uscc }),
    ...(values.orgCode !== undefined && { orgCode: values.orgCode }),
    ...(values.registrationNumber !== undefined && { registrationNumber: values.registrationNumber }),
    ...(values.personalId !== undefined && { personalId: values.personalId }),
    ...(values.vendorUid !== undefined && { vendorUid: values.vendorUid }),
    source: Object.freeze(source),
  });
}
