/**
 * Finds enterprise and personal codes in a certificate through the vendor-neutral places: the
 * GM/T 0015 identity extensions and the subject DN fields. Vendor providers put their own
 * strategies first; this is what remains when a certificate's CA is unknown.
 */
import type { Certificate } from '../cert/index';
import { embeddedOrgCode } from '../codes/embedded';
import { validateEnterpriseCode, type CodeValidation } from '../codes/index';

/** Where a code was found: `extension:<oid>` or `subject:<attribute>`. */
export type IdentitySource = `extension:${string}` | `subject:${string}`;

/** One code found in a certificate. */
export interface FoundCode {
  /** What the code is, from its own shape and checks. */
  readonly kind: 'uscc' | 'org-code' | 'registration-number' | 'personal-id' | 'tax-number' | 'unknown';
  /** The value as stored in the certificate. */
  readonly value: string;
  /** The normalised code (prefix stripped, upper case). */
  readonly normalized: string;
  /** True when the code passes its check characters. */
  readonly valid: boolean;
  /** Where it was found. */
  readonly source: IdentitySource;
  /** A vendor prefix that was stripped (e.g. `JJ`, `N`), when one was. */
  readonly prefix?: string;
}

/** The generic identity of a certificate's subject. */
export interface GenericIdentity {
  /** The entity's name: the subject O, else its CN. */
  readonly entityName: string | undefined;
  /** The first valid USCC found, with its source. */
  readonly uscc?: FoundCode;
  /** The first valid organisation code found (or the one a USCC embeds, with the USCC's source). */
  readonly orgCode?: FoundCode;
  /** The first valid business registration number found. */
  readonly registrationNumber?: FoundCode;
  /** A personal ID number (GM/T 0015 1.2.156.10260.4.1.1); show it masked. */
  readonly personalId?: FoundCode;
  /** Every candidate, valid or not, in search order. */
  readonly codes: readonly FoundCode[];
}

/** GM/T 0015 identity extensions, in the order they are trusted. */
export const GMT0015_IDENTITY_OIDS = [
  { oid: '1.2.156.10260.4.4', meaning: 'uscc' }, // GM/T 0015-2023 (as XiPKI implements it; open)
  { oid: '1.2.156.10260.4.1.4', meaning: 'org-code' }, // in practice often the 18-char USCC
  { oid: '1.2.156.10260.4.1.3', meaning: 'registration-number' },
  { oid: '1.2.156.10260.4.1.5', meaning: 'tax-number' },
  { oid: '1.2.156.10260.4.1.1', meaning: 'personal-id' },
] as const;

/** Subject attributes some CAs put a code in (重庆 cloud certificates: OU; others: serialNumber, O). */
const SUBJECT_FIELDS = ['OU', 'SERIALNUMBER', 'O'] as const;

/** Vendor prefixes before a code: BJCA JJ/SF, CFCA type letters such as N and Z. */
const PREFIX = /^(JJ|SF|[A-Z])(?=[0-9A-Z]{9,18}$)/;

const RESIDENT_ID = /^\d{17}[\dX]$/;
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11643 resident ID check character (ISO 7064 MOD 11-2). */
function isValidResidentId(id: string): boolean {
  if (!RESIDENT_ID.test(id)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (id.charCodeAt(i) - 48) * (ID_WEIGHTS[i] ?? 0);
  return '10X98765432'[sum % 11] === id[17];
}

function classify(value: string, source: IdentitySource): FoundCode | undefined {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.length > 64) return undefined;
  const direct = validateEnterpriseCode(trimmed);
  if (direct.valid) return fromValidation(trimmed, direct, source);
  const match = PREFIX.exec(direct.normalized);
  if (match?.[1] !== undefined) {
    const rest = validateEnterpriseCode(direct.normalized.slice(match[1].length));
    if (rest.valid) return { ...fromValidation(trimmed, rest, source), prefix: match[1] };
  }
  return fromValidation(trimmed, direct, source);
}

function fromValidation(value: string, v: CodeValidation, source: IdentitySource): FoundCode {
  return { kind: v.kind, value, normalized: v.normalized, valid: v.valid, source };
}

/** Every code-like value in the GM/T 0015 extensions and the subject DN, in search order. */
export function findIdentityCodes(certificate: Certificate): FoundCode[] {
  const found: FoundCode[] = [];
  for (const { oid, meaning } of GMT0015_IDENTITY_OIDS) {
    const text = certificate.extension(oid)?.text;
    if (text === undefined) continue;
    const source: IdentitySource = `extension:${oid}`;
    if (meaning === 'personal-id' || meaning === 'tax-number') {
      const normalized = text.trim().toUpperCase();
      const valid = meaning === 'personal-id' ? isValidResidentId(normalized) : /^[0-9A-Z]{15,20}$/.test(normalized);
      found.push({ kind: meaning, value: text, normalized, valid, source });
      continue;
    }
    const code = classify(text, source);
    if (code) found.push(code);
  }
  for (const field of SUBJECT_FIELDS) {
    for (const value of certificate.subject.getAll(field)) {
      const code = classify(value, `subject:${field}`);
      // A DN field is free text (O is usually the company name): only codes that pass their checks count.
      if (code?.valid) found.push(code);
    }
  }
  return found;
}

/**
 * The generic identity: entity name plus the first valid code of each kind, each with its source.
 * Codes in the GM/T 0015 extensions (vouched for by the CA) come first; codes in the subject DN are
 * free text and are used only when no extension holds a valid code.
 */
export function extractGenericIdentity(certificate: Certificate): GenericIdentity {
  const codes = findIdentityCodes(certificate);
  const vouched = codes.some((c) => c.valid && c.source.startsWith('extension:'));
  const usable = (c: FoundCode): boolean => c.valid && (!vouched || c.source.startsWith('extension:'));
  const first = (kind: FoundCode['kind']): FoundCode | undefined => codes.find((c) => usable(c) && c.kind === kind);
  const uscc = first('uscc');
  let orgCode = first('org-code');
  if (!orgCode && uscc) {
    const embedded = embeddedOrgCode(uscc.normalized);
    if (embedded !== undefined) {
      orgCode = { kind: 'org-code', value: uscc.value, normalized: embedded, valid: true, source: uscc.source };
    }
  }
  const registrationNumber = first('registration-number');
  const personalId = first('personal-id');
  return {
    entityName: certificate.subject.organization ?? certificate.subject.commonName,
    ...(uscc && { uscc }),
    ...(orgCode && { orgCode }),
    ...(registrationNumber && { registrationNumber }),
    ...(personalId && { personalId }),
    codes,
  };
}

/** Masks a personal ID for display: keeps the first 3 and last 4 characters. */
export function maskPersonalId(id: string): string {
  return id.length <= 7 ? '*'.repeat(id.length) : `${id.slice(0, 3)}${'*'.repeat(id.length - 7)}${id.slice(-4)}`;
}
