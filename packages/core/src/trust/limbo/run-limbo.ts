/**
 * x509-limbo harness: runs the path-validation cases of a limbo JSON file (C2SP/x509-limbo) through
 * {@link validateCertificatePath} and counts pass / fail / documented / skip by feature and by id
 * prefix.
 *
 * Run it: `bash scripts/x.sh pnpm exec tsx packages/core/src/trust/limbo/run-limbo.ts`
 * (the file is read from `$YIZHENG_LIMBO`, default `../shared/vectors/x509-limbo/limbo-current.json`
 * beside the project). Exit status 1 when a case in scope fails without a documented reason.
 *
 * Each case: `trusted_certs` are the anchors, `untrusted_intermediates` the intermediates,
 * `peer_certificate` the leaf, `validation_time` (or now) the time, `max_chain_depth` the
 * `maxIntermediates`, `crls` the CRLs (then revocation is checked from them alone, policy
 * `require`, no network), `key_usage` a check that the leaf's keyUsage (when present) has those
 * bits, `extended_key_usage` a check that the leaf's extKeyUsage (when present) has those purposes
 * or anyExtendedKeyUsage (RFC 5280 §4.2.1.12: the application's purpose check, which Yizheng's login
 * does for clientAuth). `expected_peer_name(s)` are not checked (TLS name matching is out of scope).
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

/** One test case of the limbo JSON (the fields the harness reads). */
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
  /** CRLs (PEM) to check revocation with. */
  readonly crls?: readonly string[] | null;
}

/** Why a group of cases is out of scope, and their exact ids (every id must exist in the file). */
interface SkipGroup {
  readonly reason: string;
  readonly ids: readonly string[];
}

/**
 * Cases out of Yizheng's scope, skipped by exact id with the reason. Yizheng validates Chinese CA
 * certificate paths for login and signing (RFC 5280 with the GM/T 0015 profile in mind), not TLS
 * server certificates: host-name matching and the CA/Browser Forum Baseline Requirements (BR) are
 * the TLS stack's job. Every one of these is a Web PKI rule that RFC 5280 does not make.
 */
const SKIP_GROUPS: readonly SkipGroup[] = [
  {
    reason: 'TLS server-name matching of expected_peer_name against the subjectAltName (RFC 6125 / RFC 9525), not path validation',
    ids: [
      'rfc5280::ca-as-leaf-wrong-san',
      'webpki::san::mismatch-domain-san',
      'webpki::san::mismatch-subdomain-san',
      'webpki::san::mismatch-subdomain-apex-san',
      'webpki::san::mismatch-apex-subdomain-san',
      'webpki::san::wildcard-match-across-labels-san',
    ],
  },
  {
    reason: 'CA/B Forum BR 7.1.4.3 (a TLS subject commonName must copy a SAN entry): RFC 5280 sets no such rule',
    ids: [
      'webpki::cn::ipv4-hex-mismatch',
      'webpki::cn::ipv4-leading-zeros-mismatch',
      'webpki::cn::ipv6-uppercase-mismatch',
      'webpki::cn::ipv6-uncompressed-mismatch',
      'webpki::cn::ipv6-non-rfc5952-mismatch',
      'webpki::cn::punycode-not-in-san',
      'webpki::cn::utf8-vs-punycode-mismatch',
      'webpki::cn::not-in-san',
      'webpki::cn::case-mismatch',
    ],
  },
  {
    reason: 'CA/B Forum BR 3.2.2.6 (no wildcard over a public suffix, needs the Public Suffix List): a TLS issuance rule',
    ids: [
      'webpki::san::public-suffix-wildcard-san',
      'webpki::san::public-suffix-multi-label-wildcard-san',
      'webpki::san::public-suffix-private-namespace-wildcard-san',
    ],
  },
  {
    reason: 'CA/B Forum BR 7.1.2.7 / 7.1.2.1.2 extKeyUsage profile of TLS certificates (required, not critical, no anyExtendedKeyUsage, none in roots); RFC 5280 §4.2.1.12 allows all of these',
    ids: ['webpki::eku::ee-anyeku', 'webpki::eku::ee-critical-eku', 'webpki::eku::ee-without-eku', 'webpki::eku::root-has-eku'],
  },
  {
    reason: 'CA/B Forum BR 7.1.2.7 TLS subscriber profile (a SAN is required and is not critical with a subject; cA false; no CA in leaf position); RFC 5280 allows these (§4.2.1.6 SHOULD, §6.1 any target certificate)',
    ids: ['webpki::san::no-san', 'webpki::san::san-critical-with-nonempty-subject', 'webpki::ee-basicconstraints-ca', 'webpki::ca-as-leaf'],
  },
  {
    reason: 'CA/B Forum BR 7.1.1 (TLS certificates must be v3); RFC 5280 §4.1.2.1 allows v1/v2 end-entity certificates',
    ids: ['webpki::v1-cert'],
  },
  {
    reason: 'CA/B Forum BR 7.1.2.1.3 rule on the authorityKeyIdentifier of self-signed roots; RFC 5280 §4.2.1.1 lets a root omit or fill it',
    ids: [
      'webpki::aki::root-with-aki-missing-keyidentifier',
      'webpki::aki::root-with-aki-authoritycertissuer',
      'webpki::aki::root-with-aki-authoritycertserialnumber',
      'webpki::aki::root-with-aki-all-fields',
      'webpki::aki::root-with-aki-ski-mismatch',
    ],
  },
  {
    reason: 'CA/B Forum BR 6.1.5 (an RSA modulus a multiple of 8 bits): RFC 5280 has no such rule; the size floor (2048 by default) is enforced',
    ids: ['webpki::forbidden-rsa-not-divisible-by-8-in-root', 'webpki::forbidden-rsa-key-not-divisible-by-8-in-leaf'],
  },
];

/** Out-of-scope cases by exact id, with the reason. */
export const LIMBO_SKIPS: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(SKIP_GROUPS.flatMap((g) => g.ids.map((id) => [id, g.reason] as const))),
);

const AKI = 'accepted: RFC 5280 §4.2.1.1 asks CAs to include authorityKeyIdentifier "to facilitate certification path construction"; it is not a validation input (§6.1), so a missing one is a CA profile defect and the signature decides, as OpenSSL (without X509_STRICT), Go and Web eID do';
const SKI = 'accepted: RFC 5280 §4.2.1.2 asks CAs to include subjectKeyIdentifier to help path construction; it is not a validation input (§6.1), so the CA is chained by name and signature';
const SERIAL = 'accepted: RFC 5280 §4.1.2.2 says "certificate users SHOULD be prepared to gracefully handle such certificates"; the serial is kept exactly (sign included) for revocation';

/**
 * Failures in scope that are deliberate choices, each with its RFC 5280 clause. The limbo test fails
 * on any failure not listed here, and on a listed case that no longer fails.
 */
export const LIMBO_DOCUMENTED_CHOICES: Readonly<Record<string, string>> = Object.freeze({
  // RFC 5280 §4.2.1.9 asks CAs to mark basicConstraints critical, but the real national SM2 roots
  // (NRCAC ROOTCA, Civil Servant ROOT, in the shared vectors) carry it non-critical: refusing them
  // would refuse every certificate under them.
  'rfc5280::root-non-critical-basic-constraints':
    'accepted: RFC 5280 §4.2.1.9 "MUST mark the extension as critical" is a CA rule; a non-critical cA is honoured (the national NRCAC SM2 roots have it non-critical)',
  'rfc5280::nc::permitted-dns-match-noncritical':
    'accepted: RFC 5280 §4.2.1.10 "Conforming CAs MUST mark this extension as critical" is a CA rule; a non-critical nameConstraints is still enforced (§6.1.4 (g)), which only ever refuses more',
  'rfc5280::aki::leaf-missing-aki': AKI,
  'rfc5280::aki::intermediate-missing-aki': AKI,
  'rfc5280::aki::cross-signed-root-missing-aki': AKI,
  'rfc5280::ski::root-missing-ski': SKI,
  'rfc5280::ski::intermediate-missing-ski': SKI,
  'rfc5280::serial::too-long': SERIAL,
  'rfc5280::serial::zero': SERIAL,
  'rfc5280::serial::negative': SERIAL,
});

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

/** Counts for a group of cases; the four are disjoint. */
export interface LimboCounts {
  pass: number;
  /** Unexplained failures. */
  fail: number;
  /** Failures that are documented choices. */
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
  /** Ids in the skip or documented lists that the file does not have (stale entries). */
  readonly unknownIds: readonly string[];
}

/** The limbo file in the shared vectors. */
export const LIMBO_FILE = 'x509-limbo/limbo-current.json';

/** The default limbo file: `$YIZHENG_LIMBO`, else {@link LIMBO_FILE} in the shared vectors. */
export function defaultLimboPath(): string {
  const env = process.env['YIZHENG_LIMBO'];
  if (env !== undefined && env !== '') return resolve(env);
  const vectors = process.env['YIZHENG_VECTORS'] ?? fileURLToPath(new URL('../../../../../../shared/vectors', import.meta.url));
  return resolve(vectors, LIMBO_FILE);
}

/** extendedKeyUsage purposes by the names limbo uses (RFC 5280 §4.2.1.12). */
const KEY_PURPOSES: Readonly<Record<string, string>> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
};
const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

/** No network in the harness: CRLs come from the case. */
const noFetch = (): Promise<Response> => Promise.reject(new Error('the limbo harness does not fetch'));

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
    const crls = c.crls ?? [];
    const result = await validateCertificatePath(parseCertificate(c.peer_certificate), {
      trustStore: createTrustStore(c.trusted_certs),
      intermediates: c.untrusted_intermediates,
      at,
      ...(typeof c.max_chain_depth === 'number' && { maxIntermediates: c.max_chain_depth }),
      ...(crls.length > 0 && { revocation: { policy: 'require', methods: ['crl'], crls, fetch: noFetch, cacheSize: 0 } }),
    });
    const leaf = result.path[0];
    const required = (c.key_usage ?? []) as readonly KeyUsageName[];
    const ku = leaf?.keyUsage;
    if (ku !== undefined && required.some((k) => !ku.includes(k))) {
      return { actual: 'FAILURE', detail: `the leaf keyUsage lacks ${required.join(', ')}` };
    }
    const eku = leaf?.extKeyUsage;
    const purposes = c.extended_key_usage ?? [];
    if (eku !== undefined && !eku.includes(ANY_EXTENDED_KEY_USAGE)) {
      const missing = purposes.filter((p) => !eku.includes(KEY_PURPOSES[p] ?? p));
      if (missing.length > 0) return { actual: 'FAILURE', detail: `the leaf extKeyUsage lacks ${missing.join(', ')}` };
    }
    return { actual: 'SUCCESS' };
  } catch (e) {
    if (isYizhengError(e)) return { actual: 'FAILURE', detail: describeError(e) };
    throw e;
  }
}

const zero = (): LimboCounts => ({ pass: 0, fail: 0, documented: 0, skip: 0 });

function add(map: Record<string, LimboCounts>, key: string, outcome: LimboCaseResult['outcome']): void {
  (map[key] ??= zero())[outcome]++;
}

/**
 * Runs every case of the limbo file at `file` (default {@link defaultLimboPath}) and returns the
 * report: each case passes, fails (unexplained), fails as a documented choice, or is skipped.
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
    const skip = LIMBO_SKIPS[c.id];
    if (skip !== undefined) {
      result = { id: c.id, prefix, features, expected: c.expected_result, outcome: 'skip', detail: skip };
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
  const ids = new Set(json.testcases.map((c) => c.id));
  const unknownIds = [...Object.keys(LIMBO_SKIPS), ...Object.keys(LIMBO_DOCUMENTED_CHOICES)].filter((id) => !ids.has(id));
  return { file, total: results.length, counts, byFeature, byPrefix, results, unknownIds };
}

/** The report as text: totals, tables by prefix and feature, then every failure and skip with its reason. */
export function formatLimboReport(report: LimboReport): string {
  const row = (name: string, k: LimboCounts): string =>
    `  ${name.padEnd(32)} pass ${String(k.pass).padStart(3)}  fail ${String(k.fail).padStart(3)}  documented ${String(k.documented).padStart(3)}  skip ${String(k.skip).padStart(3)}`;
  const lines = [
    `x509-limbo: ${report.file}`,
    `${report.total} cases`,
    row('total', report.counts),
    ...(report.unknownIds.length > 0 ? ['', `STALE IDS in the skip / documented lists: ${report.unknownIds.join(', ')}`] : []),
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
  process.exitCode = report.counts.fail > 0 || report.unknownIds.length > 0 ? 1 : 0;
}
