/**
 * x509-limbo harness: runs the path-validation cases of a `limbo.json` (C2SP/x509-limbo) through
 * {@link validateCertificatePath} and counts pass / fail / skip by feature and by id prefix.
 *
 * Run it: `bash scripts/x.sh pnpm exec tsx packages/core/src/trust/limbo/run-limbo.ts`
 * (the file is read from `$YIZHENG_LIMBO`, default `../shared/vectors/x509-limbo/limbo.json` beside
 * the project). Exit status 1 when a case in scope fails without a documented reason.
 *
 * Each case: `trusted_certs` are the anchors, `untrusted_intermediates` the intermediates,
 * `peer_certificate` the leaf, `validation_time` (or now) the time, `max_chain_depth` the
 * `maxIntermediates`, `key_usage` a check that the leaf's keyUsage (when present) has those bits.
 * SUCCESS means the path validated; FAILURE means a YizhengError (a certificate that does not parse
 * counts as FAILURE too). Anything else thrown is a failure of the harness case.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KeyUsageName } from '../../cert/index';
import { parseCertificate } from '../../cert/index';
import { isYizhengError } from '../../errors/index';
import { validateCertificatePath } from '../path';
import { createTrustStore } from '../store';

/** One test case of limbo.json (the fields the harness reads). */
export interface LimboCase {
  readonly id: string;
  readonly description?: string;
  readonly features?: readonly string[] | null;
  readonly validation_kind?: string;
  readonly trusted_certs: readonly string[];
  readonly untrusted_intermediates: readonly string[];
  readonly peer_certificate: string;
  readonly validation_time?: string | null;
  readonly expected_result: 'SUCCESS' | 'FAILURE';
  readonly expected_peer_name?: { readonly kind: string; readonly value: string } | null;
  readonly extended_key_usage?: readonly string[] | null;
  readonly key_usage?: readonly string[] | null;
  readonly max_chain_depth?: number | null;
}

/**
 * Cases out of Yizheng's scope, skipped with the reason. Yizheng validates Chinese CA certificate
 * paths for login and signing (RFC 5280 with the GM/T 0015 profile in mind), not TLS server
 * certificates: host-name matching and the CA/Browser Forum Baseline Requirements are the TLS
 * stack's job.
 */
export const LIMBO_SKIPS: ReadonlyArray<{ readonly match: (c: LimboCase) => boolean; readonly reason: string }> = [
  {
    match: (c) => (c.extended_key_usage ?? []).length > 0,
    reason: 'requires the serverAuth extended key usage: TLS purpose checking; Yizheng leaves EKU to the caller (login / signing purpose check)',
  },
  {
    match: (c) =>
      /^webpki::(exact-san|mismatch-[a-z-]+-san|mismatch-domain-san|public-suffix-wildcard-san|leftmost-wildcard-san|wildcard-[a-z-]+-san|unicode-emoji-san|no-san)$/.test(
        c.id,
      ),
    reason: 'TLS server-name matching against expected_peer_name (SAN dNSName / wildcards): not path validation',
  },
  {
    match: (c) => c.id.startsWith('webpki::aki::'),
    reason: 'CA/B Forum BR rule on the authorityKeyIdentifier of self-signed roots (TLS Web PKI profile), not an RFC 5280 path rule',
  },
  {
    match: (c) => c.id === 'webpki::san-critical-with-nonempty-subject',
    reason: 'CA/B Forum BR rule (a SAN must not be critical when the subject is non-empty); RFC 5280 only says SHOULD',
  },
  {
    match: (c) => c.id === 'webpki::v1-cert',
    reason: 'CA/B Forum BR 7.1.1 (TLS certificates must be v3); RFC 5280 allows v1/v2 end-entity certificates',
  },
  {
    match: (c) => c.id === 'webpki::ee-basicconstraints-ca',
    reason: 'Web PKI rule that a TLS leaf must not be a CA; RFC 5280 path validation allows a CA certificate as the target',
  },
];

/**
 * Failures in scope that are deliberate choices, with the reason. The limbo test fails on any
 * failure not listed here.
 */
export const LIMBO_DOCUMENTED_CHOICES: Readonly<Record<string, string>> = {
  // RFC 5280 §4.2.1.9 asks CAs to mark basicConstraints critical, but the real national SM2 roots
  // (NRCAC ROOTCA, Civil Servant ROOT, in the shared vectors) carry it non-critical: refusing them
  // would refuse every certificate under them.
  'rfc5280::root-non-critical-basic-constraints':
    'accepted: a non-critical basicConstraints cA is honoured (the national NRCAC SM2 roots have it non-critical)',
  // RFC 5280 §4.2.1.1 / §4.2.1.2 require CAs to include AKI / SKI "to facilitate path construction";
  // they are not validation inputs. Yizheng uses them to choose among candidates and lets the
  // signature decide, as OpenSSL (without X509_STRICT), Go and Web eID do.
  'rfc5280::cross-signed-root-missing-aki': 'accepted: a missing authorityKeyIdentifier is a CA profile defect, not a path failure (the signature decides)',
  'rfc5280::intermediate-missing-aki': 'accepted: a missing authorityKeyIdentifier is a CA profile defect, not a path failure (the signature decides)',
  'rfc5280::leaf-missing-aki': 'accepted: a missing authorityKeyIdentifier is a CA profile defect, not a path failure (the signature decides)',
  'rfc5280::missing-ski': 'accepted: a CA without subjectKeyIdentifier is still chained by name and signature',
  // RFC 5280 §4.1.2.2: "Certificate users SHOULD be prepared to gracefully handle such
  // certificates"; the certificate parser accepts them deliberately.
  'rfc5280::serial-number-too-long': 'accepted: serial numbers longer than 20 octets are handled gracefully (RFC 5280 §4.1.2.2)',
  'rfc5280::serial-number-zero': 'accepted: a zero serial number is handled gracefully (RFC 5280 §4.1.2.2)',
};

/** Outcome of one case. */
export interface LimboCaseResult {
  readonly id: string;
  readonly prefix: string;
  readonly features: readonly string[];
  readonly expected: 'SUCCESS' | 'FAILURE';
  /** What Yizheng decided (absent when skipped). */
  readonly actual?: 'SUCCESS' | 'FAILURE' | undefined;
  /** `pass`, `fail` (unexplained), `documented` (a listed choice) or `skip` (out of scope). */
  readonly outcome: 'pass' | 'fail' | 'documented' | 'skip';
  /** The skip or documented reason, or for a FAILURE the error (code and English reason). */
  readonly detail?: string | undefined;
}

/** Counts for a group of cases. */
export interface LimboCounts {
  pass: number;
  fail: number;
  documented: number;
  skip: number;
}

/** The harness report. */
export interface LimboReport {
  readonly file: string;
  readonly total: number;
  readonly counts: LimboCounts;
  readonly byFeature: Readonly<Record<string, LimboCounts>>;
  readonly byPrefix: Readonly<Record<string, LimboCounts>>;
  readonly results: readonly LimboCaseResult[];
}

/** The default limbo.json: `$YIZHENG_LIMBO`, else `x509-limbo/limbo.json` in the shared vectors. */
export function defaultLimboPath(): string {
  const env = process.env['YIZHENG_LIMBO'];
  if (env !== undefined && env !== '') return resolve(env);
  const vectors = process.env['YIZHENG_VECTORS'] ?? fileURLToPath(new URL('../../../../../../shared/vectors', import.meta.url));
  return resolve(vectors, 'x509-limbo/limbo.json');
}

function describeError(e: unknown): string {
  if (isYizhengError(e)) {
    const reason = e.details['reasonEn'] ?? e.details['reason'];
    return `${e.code}${reason === undefined ? '' : `: ${String(reason)}`}${typeof e.details['position'] === 'number' ? ` (position ${e.details['position']})` : ''}`;
  }
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Runs one case; returns SUCCESS / FAILURE with the error, or throws for a harness error. */
async function decide(c: LimboCase): Promise<{ actual: 'SUCCESS' | 'FAILURE'; detail?: string }> {
  try {
    const at = c.validation_time ? new Date(c.validation_time) : new Date();
    const result = await validateCertificatePath(parseCertificate(c.peer_certificate), {
      trustStore: createTrustStore(c.trusted_certs),
      intermediates: c.untrusted_intermediates,
      at,
      ...(typeof c.max_chain_depth === 'number' && { maxIntermediates: c.max_chain_depth }),
    });
    const leaf = result.path[0];
    const required = (c.key_usage ?? []) as readonly KeyUsageName[];
    const ku = leaf?.keyUsage;
    if (ku !== undefined && required.some((k) => !ku.includes(k))) {
      return { actual: 'FAILURE', detail: `the leaf keyUsage lacks ${required.join(', ')}` };
    }
    return { actual: 'SUCCESS' };
  } catch (e) {
    if (isYizhengError(e)) return { actual: 'FAILURE', detail: describeError(e) };
    throw e;
  }
}

const zero = (): LimboCounts => ({ pass: 0, fail: 0, documented: 0, skip: 0 });

function add(map: Record<string, LimboCounts>, key: string, outcome: LimboCaseResult['outcome']): void {
  const counts = (map[key] ??= zero());
  if (outcome === 'documented') {
    counts.fail++;
    counts.documented++;
  } else counts[outcome]++;
}

/**
 * Runs every case of the limbo.json at `file` (default {@link defaultLimboPath}) and returns the
 * report. `fail` counts include the documented ones; an unexplained failure is `fail - documented`.
 */
export async function runLimbo(file: string = defaultLimboPath()): Promise<LimboReport> {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { testcases: LimboCase[] };
  const results: LimboCaseResult[] = [];
  const counts = zero();
  const byFeature: Record<string, LimboCounts> = {};
  const byPrefix: Record<string, LimboCounts> = {};
  for (const c of json.testcases) {
    const prefix = c.id.split('::')[0] ?? c.id;
    const features = c.features ?? [];
    let result: LimboCaseResult;
    const skip = LIMBO_SKIPS.find((s) => s.match(c));
    if (skip !== undefined) {
      result = { id: c.id, prefix, features, expected: c.expected_result, outcome: 'skip', detail: skip.reason };
    } else {
      let actual: 'SUCCESS' | 'FAILURE' | undefined;
      let detail: string | undefined;
      try {
        ({ actual, detail } = await decide(c));
      } catch (e) {
        detail = `harness error: ${describeError(e)}`;
      }
      const documented = LIMBO_DOCUMENTED_CHOICES[c.id];
      const outcome = actual === c.expected_result ? 'pass' : documented !== undefined ? 'documented' : 'fail';
      result = { id: c.id, prefix, features, expected: c.expected_result, actual, outcome, detail: outcome === 'documented' ? documented : detail };
    }
    results.push(result);
    add({ all: counts }, 'all', result.outcome);
    add(byPrefix, prefix, result.outcome);
    for (const f of features.length > 0 ? features : ['(none)']) add(byFeature, f, result.outcome);
  }
  return { file, total: results.length, counts, byFeature, byPrefix, results };
}

/** The report as text: totals, tables by prefix and feature, then every failure and skip with its reason. */
export function formatLimboReport(report: LimboReport): string {
  const row = (name: string, k: LimboCounts): string =>
    `  ${name.padEnd(28)} pass ${String(k.pass).padStart(3)}  fail ${String(k.fail).padStart(3)} (documented ${k.documented})  skip ${String(k.skip).padStart(3)}`;
  const lines = [
    `x509-limbo: ${report.file}`,
    `${report.total} cases`,
    row('total', report.counts),
    '',
    'by id prefix:',
    ...Object.entries(report.byPrefix).map(([k, v]) => row(k, v)),
    '',
    'by feature:',
    ...Object.entries(report.byFeature).map(([k, v]) => row(k, v)),
  ];
  const section = (title: string, outcome: LimboCaseResult['outcome']): void => {
    const list = report.results.filter((r) => r.outcome === outcome);
    if (list.length === 0) return;
    lines.push('', `${title} (${list.length}):`);
    for (const r of list) lines.push(`  ${r.id} [expected ${r.expected}${r.actual ? `, got ${r.actual}` : ''}]: ${r.detail ?? ''}`);
  };
  section('UNEXPLAINED FAILURES', 'fail');
  section('documented choices', 'documented');
  section('skipped (out of scope)', 'skip');
  return lines.join('\n') + '\n';
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const report = await runLimbo();
  process.stdout.write(formatLimboReport(report));
  process.exitCode = report.counts.fail - report.counts.documented > 0 ? 1 : 0;
}
