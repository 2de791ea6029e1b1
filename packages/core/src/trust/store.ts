/**
 * Trust anchors: the CA certificates a platform accepts, optionally labelled with the provider
 * (CA vendor) they belong to.
 */
import { Certificate, parseCertificates, type CertificateInput, type DistinguishedName } from '../cert/index';
import { YizhengError } from '../errors/index';

/** A trust anchor with the provider (CA vendor id, e.g. `bjca`) it belongs to. */
export interface TrustAnchorEntry {
  /** The anchor: a parsed certificate, or PEM (one or more blocks) / DER / base64. */
  readonly certificate: Certificate | CertificateInput;
  /** Provider id; revocation policy can be set per provider. */
  readonly provider?: string | undefined;
}

/** What {@link createTrustStore} accepts: certificates, inputs, labelled entries, or a list of them. */
export type TrustAnchorInput = Certificate | CertificateInput | TrustAnchorEntry;

/** A trust anchor in the store. */
export interface TrustAnchor {
  /** The anchor certificate. */
  readonly certificate: Certificate;
  /** The provider id it was registered with, if any. */
  readonly provider?: string | undefined;
}

/**
 * A set of trust anchors. Anchors may be roots or intermediate CA certificates (as Web eID
 * recommends: trusting a vendor's issuing CA rather than a national root limits what is accepted);
 * a path ends at the first anchor reached, whether or not it is self-signed.
 */
export interface TrustStore {
  /** Every anchor, in the order given (duplicates removed). */
  readonly anchors: readonly TrustAnchor[];
  /** The anchors whose subject is `name` (DER-equal). */
  bySubject(name: DistinguishedName): readonly TrustAnchor[];
  /** The anchor with the same DER as `certificate`, if any. */
  find(certificate: Certificate): TrustAnchor | undefined;
}

function isEntry(v: unknown): v is TrustAnchorEntry {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !(v instanceof ArrayBuffer) && !(v instanceof Certificate) && 'certificate' in v;
}

function toCertificates(input: Certificate | CertificateInput): Certificate[] {
  return input instanceof Certificate ? [input] : parseCertificates(input);
}

/**
 * Builds a trust store from anchors: parsed certificates, PEM text (a bundle of several blocks is
 * fine), DER or base64, or `{ certificate, provider }` entries to label anchors with their CA
 * vendor. Duplicates (same DER) are kept once, with the first provider label given.
 *
 * @throws {YizhengError} `CERT_MALFORMED` for an anchor that does not parse; `INVALID_ARGUMENT`
 *   when no anchor is given or an anchor is a v3 certificate without basicConstraints cA (it could
 *   never issue anything).
 *
 * @example
 * ```ts
 * const store = createTrustStore([
 *   { certificate: readFileSync('bjca-sm2-root.pem', 'utf8'), provider: 'bjca' },
 *   { certificate: cfcaIssuingCaPem, provider: 'cfca' },
 * ]);
 * ```
 */
export function createTrustStore(anchors: TrustAnchorInput | Iterable<TrustAnchorInput>): TrustStore {
  const list: TrustAnchorInput[] =
    typeof anchors === 'string' || anchors instanceof Uint8Array || anchors instanceof ArrayBuffer || anchors instanceof Certificate || isEntry(anchors)
      ? [anchors]
      : [...(anchors as Iterable<TrustAnchorInput>)];
  const all: TrustAnchor[] = [];
  const bySha = new Map<string, TrustAnchor>();
  const bySubject = new Map<string, TrustAnchor[]>();
  for (const item of list) {
    const entry = isEntry(item) ? item : { certificate: item };
    for (const certificate of toCertificates(entry.certificate)) {
      if (bySha.has(certificate.sha256)) continue;
      const bc = certificate.basicConstraints;
      if (certificate.version === 3 && bc?.ca !== true) {
        throw new YizhengError('INVALID_ARGUMENT', {
          reason: `trust anchor ${certificate.subject.toString()} is not a CA certificate (no basicConstraints cA)`,
        });
      }
      const anchor: TrustAnchor = Object.freeze({ certificate, provider: entry.provider });
      all.push(anchor);
      bySha.set(certificate.sha256, anchor);
      const key = Buffer.from(certificate.subject.der).toString('latin1');
      const same = bySubject.get(key);
      if (same === undefined) bySubject.set(key, [anchor]);
      else same.push(anchor);
    }
  }
  if (all.length === 0) throw new YizhengError('INVALID_ARGUMENT', { reason: 'a trust store needs at least one anchor' });
  const frozen = Object.freeze(all);
  const none: readonly TrustAnchor[] = Object.freeze([]);
  return Object.freeze({
    anchors: frozen,
    bySubject(name: DistinguishedName): readonly TrustAnchor[] {
      return bySubject.get(Buffer.from(name.der).toString('latin1')) ?? none;
    },
    find(certificate: Certificate): TrustAnchor | undefined {
      return bySha.get(certificate.sha256);
    },
  });
}
