/**
 * Recognition from declared evidence: issuer names, policy OID arcs, the vendor's private extension
 * arc, authority key identifiers, CRL / OCSP / caIssuers hosts and subject layouts. Each rule that
 * matches adds a line of evidence saying how the fact is known; the confidence combines the rules'
 * weights as independent hints (1 − Π(1 − w)).
 */
import type { Certificate, DistinguishedName } from '../cert/index';
import { YizhengError } from '../errors/index';
import type { Recognition } from './contract';

/**
 * How a recognition fact is known: `verified` against a real artefact,
 * `field` seen in third-party integration code, `assumed` not confirmed, `configured` given by the
 * platform or the vendor at run time.
 */
export type EvidenceBasis = 'verified' | 'field' | 'assumed' | 'configured';

/** What every rule has. */
export interface RecognitionRule {
  /** How much this fact alone says, in (0, 1]; each kind of rule has a default. */
  readonly weight?: number;
  /** How the fact is known; shown in the evidence. Default `assumed`. */
  readonly basis?: EvidenceBasis;
}

/** A match on an issuer name attribute (case-insensitive). Give exactly one of `equals`, `contains`, `startsWith`. */
export interface IssuerNameRule extends RecognitionRule {
  /** The attribute (`O`, `OU`, `CN`…); default any of `O`, `OU`, `CN`. */
  readonly attribute?: string;
  /** The whole value (default weight 0.8). */
  readonly equals?: string;
  /** A part of the value (default weight 0.5). */
  readonly contains?: string;
  /** The start of the value (default weight 0.6). */
  readonly startsWith?: string;
}

/** An OID arc: the OID itself or anything under it. */
export interface OidArcRule extends RecognitionRule {
  /** Dotted OID, e.g. `2.16.156.112554`. */
  readonly arc: string;
}

/** An issuing CA's key identifier (the certificate's authorityKeyIdentifier), default weight 0.95. */
export interface KeyIdRule extends RecognitionRule {
  /** Hex, any case, colons allowed. */
  readonly keyId: string;
}

/** A host (or a parent domain) of the CRL, OCSP or caIssuers URLs, default weight 0.6. */
export interface HostRule extends RecognitionRule {
  /** e.g. `bjca.org.cn`: matches `crl.bjca.org.cn` too. */
  readonly host: string;
}

/**
 * A test on the subject name (a vendor's DN layout). Supporting evidence: it only counts when
 * another rule matched too, since any CA could issue such a name. Default weight 0.4.
 */
export interface SubjectRule extends RecognitionRule {
  /** What it checks, for the evidence line. */
  readonly description: string;
  /** The check; a throw counts as no match. */
  readonly test: (subject: DistinguishedName) => boolean;
}

/** Everything a provider declares to recognise its certificates. */
export interface RecognitionProfile {
  /** Issuer name matches. */
  readonly issuer?: readonly IssuerNameRule[];
  /** certificatePolicies arcs (default weight 0.9). */
  readonly policyArcs?: readonly OidArcRule[];
  /** Extension OID arcs only this vendor uses (default weight 0.85). */
  readonly extensionArcs?: readonly OidArcRule[];
  /** Issuing CA key identifiers. */
  readonly authorityKeyIds?: readonly KeyIdRule[];
  /** CRL / OCSP / caIssuers hosts. */
  readonly urlHosts?: readonly HostRule[];
  /** Subject layouts (supporting evidence only). */
  readonly subject?: readonly SubjectRule[];
}

const OID = /^[0-2](\.(0|[1-9]\d*))+$/;
const HEX = /^[0-9a-f]+$/;
const DEFAULT_ISSUER_ATTRIBUTES = ['O', 'OU', 'CN'] as const;

function invalid(reason: string): YizhengError {
  return new YizhengError('INVALID_ARGUMENT', { reason });
}

function checkWeight(rule: RecognitionRule, what: string): void {
  const w = rule.weight;
  if (w !== undefined && (typeof w !== 'number' || !(w > 0 && w <= 1))) throw invalid(`${what}: weight must be in (0, 1]`);
  const b = rule.basis;
  if (b !== undefined && b !== 'verified' && b !== 'field' && b !== 'assumed' && b !== 'configured') {
    throw invalid(`${what}: basis must be verified, field, assumed or configured`);
  }
}

/** Normalises a key identifier: lower-case hex without separators. */
export function normalizeKeyId(keyId: string): string {
  return keyId.replace(/[\s:]/g, '').toLowerCase();
}

/**
 * Checks a recognition profile when a provider is defined, so a typo (an OID with a space, a key id
 * that is not hex, a rule with two match kinds) fails at load time.
 *
 * @throws {YizhengError} `INVALID_ARGUMENT` naming the rule.
 */
export function checkRecognitionProfile(profile: RecognitionProfile): void {
  for (const rule of profile.issuer ?? []) {
    const kinds = [rule.equals, rule.contains, rule.startsWith].filter((v) => v !== undefined);
    if (kinds.length !== 1 || typeof kinds[0] !== 'string' || kinds[0].trim() === '') {
      throw invalid('an issuer rule needs exactly one non-empty equals, contains or startsWith');
    }
    checkWeight(rule, `issuer rule "${kinds[0]}"`);
  }
  for (const rule of [...(profile.policyArcs ?? []), ...(profile.extensionArcs ?? [])]) {
    if (typeof rule.arc !== 'string' || !OID.test(rule.arc)) throw invalid(`"${String(rule.arc)}" is not a dotted OID`);
    checkWeight(rule, `arc ${rule.arc}`);
  }
  for (const rule of profile.authorityKeyIds ?? []) {
    const id = typeof rule.keyId === 'string' ? normalizeKeyId(rule.keyId) : '';
    if (!HEX.test(id) || id.length % 2 !== 0) throw invalid(`"${String(rule.keyId)}" is not a hex key identifier`);
    checkWeight(rule, `key id ${id}`);
  }
  for (const rule of profile.urlHosts ?? []) {
    if (typeof rule.host !== 'string' || !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(rule.host)) throw invalid(`"${String(rule.host)}" is not a host name`);
    checkWeight(rule, `host ${rule.host}`);
  }
  for (const rule of profile.subject ?? []) {
    if (typeof rule.test !== 'function' || typeof rule.description !== 'string') throw invalid('a subject rule needs a description and a test function');
    checkWeight(rule, `subject rule "${rule.description}"`);
  }
}

function underArc(oid: string, arc: string): boolean {
  return oid === arc || oid.startsWith(arc + '.');
}

function hostOf(url: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#:@]+)/i.exec(url.trim());
  return m?.[1]?.toLowerCase();
}

function issuerMatch(issuer: DistinguishedName, rule: IssuerNameRule): string | undefined {
  const attributes = rule.attribute !== undefined ? [rule.attribute] : DEFAULT_ISSUER_ATTRIBUTES;
  for (const attribute of attributes) {
    for (const raw of issuer.getAll(attribute)) {
      const value = raw.toLowerCase();
      if (rule.equals !== undefined && value.trim() === rule.equals.toLowerCase()) return `issuer ${attribute.toUpperCase()} = "${raw}"`;
      if (rule.contains !== undefined && value.includes(rule.contains.toLowerCase())) return `issuer ${attribute.toUpperCase()} "${raw}" contains "${rule.contains}"`;
      if (rule.startsWith !== undefined && value.trimStart().startsWith(rule.startsWith.toLowerCase())) {
        return `issuer ${attribute.toUpperCase()} "${raw}" starts with "${rule.startsWith}"`;
      }
    }
  }
  return undefined;
}

interface Hit {
  readonly weight: number;
  readonly line: string;
  readonly supporting: boolean;
}

function hit(rule: RecognitionRule, fallbackWeight: number, line: string, supporting = false): Hit {
  return { weight: rule.weight ?? fallbackWeight, line: `${line} (${rule.basis ?? 'assumed'})`, supporting };
}

function collect(certificate: Certificate, profile: RecognitionProfile): Hit[] {
  const hits: Hit[] = [];
  const safely = (f: () => void): void => {
    try {
      f();
    } catch {
      // A certificate part that cannot be read is simply no evidence.
    }
  };
  safely(() => {
    for (const rule of profile.issuer ?? []) {
      const line = issuerMatch(certificate.issuer, rule);
      const weight = rule.equals !== undefined ? 0.8 : rule.startsWith !== undefined ? 0.6 : 0.5;
      if (line !== undefined) hits.push(hit(rule, weight, line));
    }
  });
  safely(() => {
    const policies = certificate.policies;
    for (const rule of profile.policyArcs ?? []) {
      const found = policies.find((p) => underArc(p, rule.arc));
      if (found !== undefined) hits.push(hit(rule, 0.9, `policy ${found} under arc ${rule.arc}`));
    }
  });
  safely(() => {
    const oids = certificate.extensions.map((e) => e.oid);
    for (const rule of profile.extensionArcs ?? []) {
      const found = oids.find((o) => underArc(o, rule.arc));
      if (found !== undefined) hits.push(hit(rule, 0.85, `extension ${found} under the vendor arc ${rule.arc}`));
    }
  });
  safely(() => {
    const aki = certificate.authorityKeyIdentifier;
    if (aki === undefined) return;
    for (const rule of profile.authorityKeyIds ?? []) {
      if (normalizeKeyId(rule.keyId) === aki) hits.push(hit(rule, 0.95, `authorityKeyIdentifier ${aki}`));
    }
  });
  safely(() => {
    const hosts = [...certificate.crlDistributionPoints, ...certificate.ocspUrls, ...certificate.caIssuerUrls]
      .map(hostOf)
      .filter((h): h is string => h !== undefined);
    for (const rule of profile.urlHosts ?? []) {
      const want = rule.host.toLowerCase();
      const found = hosts.find((h) => h === want || h.endsWith('.' + want));
      if (found !== undefined) hits.push(hit(rule, 0.6, `CRL/OCSP/caIssuers host ${found}`));
    }
  });
  for (const rule of profile.subject ?? []) {
    safely(() => {
      if (rule.test(certificate.subject)) hits.push(hit(rule, 0.4, `subject ${rule.description}`, true));
    });
  }
  return hits;
}

/**
 * Recognises a certificate by a {@link RecognitionProfile}: `null` when no rule (other than
 * supporting subject rules) matches. Never throws.
 *
 * @example
 * ```ts
 * recognizeByProfile(certificate, {
 *   issuer: [{ attribute: 'O', equals: 'BJCA', basis: 'verified' }],
 *   policyArcs: [{ arc: '2.16.156.112554', basis: 'field' }],
 * }); // { confidence: 0.8, evidence: ['issuer O = "BJCA" (verified)'] }
 * ```
 */
export function recognizeByProfile(certificate: Certificate, profile: RecognitionProfile): Recognition | null {
  try {
    const hits = collect(certificate, profile);
    if (!hits.some((h) => !h.supporting)) return null;
    let miss = 1;
    for (const h of hits) miss *= 1 - h.weight;
    const confidence = Math.min(1, Math.round((1 - miss) * 1000) / 1000);
    if (!(confidence > 0)) return null;
    return Object.freeze({ confidence, evidence: Object.freeze(hits.map((h) => h.line)) });
  } catch {
    return null;
  }
}
