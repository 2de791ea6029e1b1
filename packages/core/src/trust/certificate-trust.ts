/**
 * The default {@link CertificateTrust}: chain validation against per-provider anchors with
 * revocation per policy, turning the validator's soft failures into warnings the page can show.
 */
import { LruCache } from '../cert/cache';
import type { Certificate, CertificateInput } from '../cert/index';
import { YizhengError } from '../errors/index';
import type { CaProvider } from '../providers/index';
import { DEFAULT_MIN_RSA_BITS, LOWEST_MIN_RSA_BITS, checkKey } from './checks';
import { untrusted } from './failure';
import {
  createRevocationChecker,
  validateCertificatePath,
  type RevocationChecker,
  type RevocationOptions,
  type RevocationPolicy,
  type TrustStore,
  type ValidatePathOptions,
  type ValidatedPath,
} from './index';
import { isRevocationChecker } from './revocation';
import type { CertificateTrust, LoginWarning } from '../context/context';

/** Options of {@link createCertificateTrust}. */
export interface CertificateTrustOptions {
  /**
   * The anchors. An anchor labelled with a provider (`{ certificate, provider }`) only vouches for
   * that provider's certificates; an unlabelled one for any provider. Add the anchors providers
   * declare with `providerTrustAnchors`.
   */
  readonly trustStore: TrustStore;
  /** Intermediate CA certificates the platform knows (vendor issuing CAs); key clients rarely send them. */
  readonly intermediates?: Iterable<Certificate | CertificateInput>;
  /**
   * Revocation checking: a checker (keep one per application, it caches) or its options. Required:
   * not checking is a decision (`{ policy: 'off' }`), never a default. The policy for a certificate is, in order: the options' `providers` entry for
   * the recognised provider; else the stricter of the options' `policy` and the provider's own
   * `trust.revocation` (a provider can raise the bar, never lower it). A checker you built yourself
   * is used as it is, selecting its policy by the recognised provider's id.
   */
  readonly revocation: NonNullable<ValidatePathOptions['revocation']>;
  /**
   * Smallest RSA modulus accepted anywhere in a path, the anchor's included, in bits; default
   * 2048. A provider's `trust.minRsaBits` replaces it for that provider's certificates, but a lower
   * value only counts on paths that end at an anchor labelled with that provider, so one legacy CA
   * never weakens what the others' anchors vouch for.
   */
  readonly minRsaBits?: number;
}

const STRICTNESS: Readonly<Record<RevocationPolicy, number>> = { off: 0, prefer: 1, require: 2 };

/** Validated paths kept per trust object (by leaf fingerprint). */
const PATH_CACHE_SIZE = 1024;

/** A validated path and the window in which every certificate in it is valid. */
interface CachedPath {
  readonly result: ValidatedPath;
  readonly from: number;
  readonly until: number;
}

/** Builds the platform's trust decision from a trust store, known intermediates and a revocation policy. */
export function createCertificateTrust(options: CertificateTrustOptions): CertificateTrust {
  const intermediates = options.intermediates ? [...options.intermediates] : [];
  const platformRsaBits = options.minRsaBits ?? DEFAULT_MIN_RSA_BITS;
  if (!Number.isSafeInteger(platformRsaBits) || platformRsaBits < LOWEST_MIN_RSA_BITS) {
    throw new YizhengError('INVALID_ARGUMENT', { reason: `minRsaBits must be an integer of at least ${LOWEST_MIN_RSA_BITS}` });
  }
  const revocation = options.revocation;
  // One checker for the application, so OCSP answers and CRLs are cached across logins.
  const base: RevocationChecker | undefined =
    revocation === undefined ? undefined : isRevocationChecker(revocation) ? revocation : createRevocationChecker(revocation);
  const settings: RevocationOptions | undefined = revocation !== undefined && !isRevocationChecker(revocation) ? revocation : undefined;
  const stricter = new Map<RevocationPolicy, RevocationChecker>();
  // The anchors and intermediates are fixed for this object, so a path validated once stays valid
  // while every certificate in it is; outside that window it is validated again (and fails with the
  // right code). Revocation is checked every time.
  const paths = new LruCache<CachedPath>(PATH_CACHE_SIZE);

  async function pathOf(certificate: Certificate, at: Date, minRsaBits: number): Promise<ValidatedPath> {
    const t = at.getTime();
    const key = `${certificate.sha256}/${minRsaBits}`;
    const hit = paths.get(key);
    if (hit !== undefined && t >= hit.from && t <= hit.until) return hit.result;
    const result = await validateCertificatePath(certificate, { trustStore: options.trustStore, intermediates, at, minRsaBits });
    const from = Math.max(...result.path.map((c) => c.notBefore.getTime()));
    const until = Math.min(...result.path.map((c) => c.notAfter.getTime()));
    paths.set(key, { result, from, until });
    return result;
  }

  /** The checker and the provider label to check with, for `provider`'s certificates. */
  function revocationFor(provider: CaProvider): { checker: RevocationChecker; label: string | undefined } | undefined {
    if (base === undefined) return undefined;
    const id = provider.info.id;
    const declared = provider.trust?.revocation;
    if (settings === undefined) return { checker: base, label: id };
    // The platform's own checker under this label applies this policy; 'off' checks nothing, so skip it.
    const own = settings.providers?.[id] ?? settings.policy ?? 'prefer';
    const platform = settings.policy ?? 'prefer';
    if (declared === undefined || settings.providers?.[id] !== undefined || STRICTNESS[declared] <= STRICTNESS[platform]) {
      return own === 'off' ? undefined : { checker: base, label: id };
    }
    let checker = stricter.get(declared);
    if (checker === undefined) {
      checker = createRevocationChecker({ ...settings, policy: declared, providers: undefined });
      stricter.set(declared, checker);
    }
    return { checker, label: undefined };
  }

  return {
    async validate(certificate, { provider, at }) {
      const minRsaBits = provider.trust?.minRsaBits ?? platformRsaBits;
      const result = await pathOf(certificate, at, minRsaBits);
      // A labelled anchor vouches only for its own provider's certificates.
      if (result.anchor.provider !== undefined && result.anchor.provider !== provider.info.id) {
        throw untrusted(
          certificate,
          0,
          `证书链到 ${result.anchor.provider} 的根证书，但被识别为 ${provider.info.id} 的证书`,
          `it chains to an anchor of ${result.anchor.provider} but was recognised as a ${provider.info.id} certificate`,
        );
      }
      // A provider's lower RSA floor holds only under its own labelled anchor.
      if (minRsaBits < platformRsaBits && result.anchor.provider !== provider.info.id) {
        for (const [i, c] of result.path.entries()) {
          const weak = checkKey(c, i, platformRsaBits);
          if (weak !== undefined) throw weak;
        }
      }
      const check = revocationFor(provider);
      const report = check === undefined ? undefined : await check.checker.check(result.path, { at, provider: check.label });
      if (result.warnings.length === 0 && (report === undefined || report.warnings.length === 0)) return { warnings: [] };
      const warnings: LoginWarning[] = [...result.warnings, ...(report?.warnings ?? [])].map((w) => ({
        code: w.code === 'REVOCATION_UNAVAILABLE' ? 'REVOCATION_SOFT_FAIL' : w.code,
        message: { 'zh-CN': w.localizedMessage('zh-CN'), en: w.localizedMessage('en') },
        details: w.details,
      }));
      return { warnings };
    },
  };
}
