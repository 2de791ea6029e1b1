/**
 * The conformance checks as plain functions returning the problems they found (an empty list when
 * the provider conforms). The vitest suite asserts each list is empty, so a failure names exactly
 * what is wrong; core's own tests run them against broken providers.
 */
import type { Certificate } from '../cert/index';
import { embeddedOrgCode } from '../codes/embedded';
import { validateEnterpriseCode } from '../codes/index';
import { verifySignature } from '../crypto/index';
import { CLIENT_ERROR_CATALOGUE, isYizhengError } from '../errors/index';
import {
  createProviderRegistry,
  defineProvider,
  defineProviderInfo,
  isResidentId,
  type CaProvider,
  type ClientSignatureFormat,
  type ProviderIdentity,
} from '../providers/index';
import type { NamedCertificate } from './fixtures';

/** The identity a fixture must give: every field the provider returns, and nothing else. */
export interface ExpectedIdentity {
  /** The entity's name; absent means the provider must find none. */
  readonly entityName?: string;
  /** Unified social credit code. */
  readonly uscc?: string;
  /** Organisation code (9 characters, no hyphen). */
  readonly orgCode?: string;
  /** Business registration number. */
  readonly registrationNumber?: string;
  /** Personal ID number. */
  readonly personalId?: string;
  /** The vendor's unique id. */
  readonly vendorUid?: string;
  /** Where each field comes from; checked exactly when given. */
  readonly source?: Readonly<Record<string, string>>;
}

/** A signature the vendor's client made (or a faithful imitation), to verify with the provider's conventions. */
export interface SignatureSample {
  /** What it is. */
  readonly name: string;
  /** The signer's certificate (a fixture). */
  readonly certificate: Certificate;
  /** The signed text or bytes, as the server rebuilds them (a challenge text). */
  readonly data: string | Uint8Array;
  /** The signature, bytes or base64. */
  readonly signature: string | Uint8Array;
  /** Its encoding, when known; it must be one the provider declares. */
  readonly format?: ClientSignatureFormat;
}

const IDENTITY_FIELDS = ['entityName', 'uscc', 'orgCode', 'registrationNumber', 'personalId', 'vendorUid'] as const;
const CODE_FIELDS = ['uscc', 'orgCode', 'registrationNumber', 'personalId', 'vendorUid'] as const;
const HAN = /\p{Script=Han}/u;

function message(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** Problems with the provider as a plugin: what {@link defineProvider} checks at load time. */
export function definitionProblems(provider: CaProvider): string[] {
  try {
    defineProvider(provider);
    return [];
  } catch (err) {
    return [`defineProvider rejects it: ${message(err)}`];
  }
}

/** Problems with names and support contacts: both languages, a Chinese name, dialable numbers, a usable id. */
export function infoProblems(provider: CaProvider): string[] {
  const problems: string[] = [];
  const info = provider.info;
  try {
    defineProviderInfo(info);
  } catch (err) {
    return [`info: ${message(err)}`];
  }
  if (info.id === 'generic') problems.push('info: the id "generic" is reserved for the fallback provider');
  if (!HAN.test(info.names['zh-CN'])) problems.push(`info: the zh-CN name "${info.names['zh-CN']}" has no Chinese characters`);
  for (const alias of info.aliases) if (typeof alias !== 'string' || alias.trim() === '') problems.push('info: an alias is empty');
  for (const contact of info.support) {
    if (contact.label.trim() === '') problems.push(`info: the support number ${contact.phone} has no label`);
    const digits = contact.phone.replace(/-/g, '');
    if (digits.length < 7 || digits.length > 12) problems.push(`info: "${contact.phone}" has ${digits.length} digits, not a phone number`);
  }
  try {
    const registry = createProviderRegistry([provider]);
    for (const name of [info.id, ...info.aliases]) {
      if (registry.get(name) !== provider) problems.push(`info: the registry does not find the provider by "${name}"`);
    }
  } catch (err) {
    problems.push(`info: a registry refuses it: ${message(err)}`);
  }
  return problems;
}

/** Problems recognising one of the provider's own certificates: it must, with a confidence in (0, 1] and evidence. */
export function ownRecognitionProblems(provider: CaProvider, fixture: NamedCertificate): string[] {
  let r: ReturnType<CaProvider['recognize']>;
  try {
    r = provider.recognize(fixture.certificate);
  } catch (err) {
    return [`recognize threw on ${fixture.name}: ${message(err)}`];
  }
  if (r === null || typeof r !== 'object') return [`does not recognise its own ${fixture.name}`];
  const problems: string[] = [];
  if (typeof r.confidence !== 'number' || !(r.confidence > 0 && r.confidence <= 1)) {
    problems.push(`confidence ${String(r.confidence)} for ${fixture.name} is not in (0, 1]`);
  }
  if (!Array.isArray(r.evidence) || r.evidence.length === 0 || r.evidence.some((e) => typeof e !== 'string' || e.trim() === '')) {
    problems.push(`recognition of ${fixture.name} gives no evidence lines`);
  }
  return problems;
}

/** Problems with a foreign certificate: the provider must not recognise it, nor throw. */
export function foreignRecognitionProblems(provider: CaProvider, fixture: NamedCertificate): string[] {
  try {
    const r = provider.recognize(fixture.certificate);
    if (r !== null && typeof r === 'object' && typeof r.confidence === 'number' && r.confidence > 0) {
      return [`recognises foreign ${fixture.name} (confidence ${r.confidence}: ${Array.isArray(r.evidence) ? r.evidence.join('; ') : ''})`];
    }
    return [];
  } catch (err) {
    return [`recognize threw on foreign ${fixture.name}: ${message(err)}`];
  }
}

/** Problems with the shape and normalisation of an identity, whatever the certificate. */
export function identityShapeProblems(identity: unknown, what: string): string[] {
  if (typeof identity !== 'object' || identity === null) return [`extractIdentity returned ${String(identity)} for ${what}`];
  const id = identity as Partial<Record<string, unknown>>;
  const problems: string[] = [];
  if (id['entityName'] !== undefined && typeof id['entityName'] !== 'string') problems.push(`entityName of ${what} is not a string`);
  for (const field of CODE_FIELDS) {
    const v = id[field];
    if (v !== undefined && (typeof v !== 'string' || v === '' || v !== v.trim())) problems.push(`${field} of ${what} is not a trimmed non-empty string`);
  }
  const source = id['source'];
  if (typeof source !== 'object' || source === null) {
    problems.push(`identity of ${what} has no source map`);
  } else {
    for (const [k, v] of Object.entries(source)) if (typeof v !== 'string') problems.push(`source.${k} of ${what} is not a string`);
    for (const field of CODE_FIELDS) {
      if (typeof id[field] === 'string' && typeof (source as Record<string, unknown>)[field] !== 'string') problems.push(`${field} of ${what} has no source`);
    }
  }
  const uscc = id['uscc'];
  if (typeof uscc === 'string') {
    const v = validateEnterpriseCode(uscc);
    if (!v.valid || v.kind !== 'uscc' || v.normalized !== uscc) problems.push(`uscc "${uscc}" of ${what} is not a valid normalised USCC`);
  }
  const org = id['orgCode'];
  if (typeof org === 'string') {
    const v = validateEnterpriseCode(org);
    if (!v.valid || v.kind !== 'org-code' || v.normalized !== org) problems.push(`orgCode "${org}" of ${what} is not a valid 9-character organisation code without hyphen`);
  }
  const reg = id['registrationNumber'];
  if (typeof reg === 'string' && !/^\d{15}$/.test(reg)) problems.push(`registrationNumber "${reg}" of ${what} is not 15 digits`);
  const pid = id['personalId'];
  if (typeof pid === 'string' && !isResidentId(pid)) problems.push(`personalId of ${what} is not a valid resident ID number`);
  return problems;
}

/** Problems extracting the identity of one of the provider's own certificates: it must equal `expected`. */
export function identityProblems(provider: CaProvider, fixture: NamedCertificate, expected: ExpectedIdentity): string[] {
  let identity: ProviderIdentity;
  try {
    identity = provider.extractIdentity(fixture.certificate);
  } catch (err) {
    return [`extractIdentity threw on ${fixture.name}: ${message(err)}`];
  }
  const problems = identityShapeProblems(identity, fixture.name);
  if (problems.length > 0) return problems;
  for (const field of IDENTITY_FIELDS) {
    if (identity[field] !== expected[field]) {
      problems.push(`${field} of ${fixture.name}: expected ${JSON.stringify(expected[field])}, got ${JSON.stringify(identity[field])}`);
    }
  }
  if (expected.source !== undefined) {
    const got = JSON.stringify(Object.entries(identity.source).sort());
    const want = JSON.stringify(Object.entries(expected.source).sort());
    if (got !== want) problems.push(`source of ${fixture.name}: expected ${want}, got ${got}`);
  }
  try {
    if (JSON.stringify(provider.extractIdentity(fixture.certificate)) !== JSON.stringify(identity)) problems.push(`extractIdentity of ${fixture.name} is not deterministic`);
  } catch (err) {
    problems.push(`extractIdentity threw the second time on ${fixture.name}: ${message(err)}`);
  }
  return problems;
}

/**
 * Problems taking a code from free text over a vouched one: on a certificate whose vouched places
 * name company A or a person, a USCC planted in a DN attribute (company B) must not appear.
 */
export function freeTextProblems(provider: CaProvider, fixture: NamedCertificate, plantedUscc: string): string[] {
  let identity: ProviderIdentity;
  try {
    identity = provider.extractIdentity(fixture.certificate);
  } catch (err) {
    return [`extractIdentity threw on ${fixture.name}: ${message(err)}`];
  }
  const plantedOrg = embeddedOrgCode(plantedUscc);
  const problems: string[] = [];
  if (identity.uscc === plantedUscc) problems.push(`${fixture.name}: took the USCC from free text (${identity.source['uscc'] ?? '?'})`);
  if (plantedOrg !== undefined && identity.orgCode === plantedOrg) problems.push(`${fixture.name}: took the organisation code from free text (${identity.source['orgCode'] ?? '?'})`);
  return problems;
}

/** Problems with any certificate the provider may be handed: no throw, well-formed results. */
export function robustnessProblems(provider: CaProvider, fixture: NamedCertificate): string[] {
  const problems: string[] = [];
  try {
    const r = provider.recognize(fixture.certificate);
    if (r !== null && (typeof r !== 'object' || typeof r.confidence !== 'number' || !Array.isArray(r.evidence))) {
      problems.push(`recognize returned a malformed result on ${fixture.name}`);
    }
  } catch (err) {
    problems.push(`recognize threw on ${fixture.name}: ${message(err)}`);
  }
  try {
    problems.push(...identityShapeProblems(provider.extractIdentity(fixture.certificate), fixture.name));
  } catch (err) {
    problems.push(`extractIdentity threw on ${fixture.name}: ${message(err)}`);
  }
  return problems;
}

/** Problems with the registry: beside `others`, the provider wins for its own certificates. */
export function registryProblems(provider: CaProvider, others: readonly CaProvider[], own: readonly NamedCertificate[]): string[] {
  const problems: string[] = [];
  for (const order of [
    [...others, provider],
    [provider, ...others],
  ]) {
    let registry;
    try {
      registry = createProviderRegistry(order);
    } catch (err) {
      return [`a registry with ${order.map((p) => p.info.id).join(', ')} refuses them: ${message(err)}`];
    }
    for (const fixture of own) {
      const match = registry.identify(fixture.certificate);
      if (match.provider !== provider) {
        problems.push(`the registry picks ${match.provider.info.id} for ${fixture.name} (order ${order.map((p) => p.info.id).join(', ')})`);
      }
    }
  }
  return [...new Set(problems)];
}

/** Problems with the declared signature conventions. */
export function signatureConventionProblems(provider: CaProvider): string[] {
  const problems = definitionProblems(provider);
  const s = provider.signature;
  if (s?.sm2UserId !== undefined && /[^\x20-\x7e]/.test(s.sm2UserId)) {
    problems.push(`sm2UserId "${s.sm2UserId}" is not printable ASCII: clients disagree on how to encode anything else`);
  }
  return problems;
}

/** Problems verifying a signature sample with the provider's conventions (SM2 user id, declared formats). */
export function signatureSampleProblems(provider: CaProvider, sample: SignatureSample): string[] {
  const formats = provider.signature?.formats;
  if (sample.format !== undefined && formats !== undefined && !formats.includes(sample.format)) {
    return [`${sample.name} is in ${sample.format}, which the provider does not declare (${formats.join(', ')})`];
  }
  try {
    const ok = verifySignature({
      certificate: sample.certificate,
      data: sample.data,
      signature: sample.signature,
      ...(sample.format !== undefined && { format: sample.format }),
      ...(provider.signature?.sm2UserId !== undefined && { sm2UserId: provider.signature.sm2UserId }),
    });
    return ok ? [] : [`${sample.name} does not verify with the provider's conventions`];
  } catch (err) {
    return [`${sample.name} cannot be verified: ${message(err)}`];
  }
}

const CLIENT_CODES: ReadonlySet<string> = new Set(Object.keys(CLIENT_ERROR_CATALOGUE));
const PIN_SOURCES: ReadonlySet<unknown> = new Set(['exact', 'flags', 'unknown']);

/**
 * Problems with the errors a browser driver produced for failing client calls: each must be a
 * `YizhengError` with one of the client codes (`CLIENT_NOT_RUNNING`, `PIN_INCORRECT`, …), and a
 * `PIN_INCORRECT` must carry the PIN status (`remaining` a number or null, `source`).
 */
export function driverErrorProblems(errors: readonly unknown[]): string[] {
  if (!Array.isArray(errors) || errors.length === 0) return ['the driver error hook produced no errors to check'];
  const problems: string[] = [];
  errors.forEach((err, i) => {
    if (!isYizhengError(err)) {
      problems.push(`error ${i} is not a YizhengError: ${message(err)}`);
      return;
    }
    if (!CLIENT_CODES.has(err.code)) {
      problems.push(`error ${i} has code ${err.code}, not a client code (${[...CLIENT_CODES].join(', ')})`);
      return;
    }
    if (err.code === 'PIN_INCORRECT') {
      const d = err.details as Record<string, unknown>;
      const remaining = d['remaining'];
      if (!(remaining === null || (typeof remaining === 'number' && Number.isInteger(remaining) && remaining >= 0))) {
        problems.push(`error ${i} (PIN_INCORRECT) has no valid details.remaining (a count or null)`);
      }
      if (!PIN_SOURCES.has(d['source'])) problems.push(`error ${i} (PIN_INCORRECT) has no details.source (exact, flags or unknown)`);
    }
  });
  return problems;
}
