/**
 * The default {@link CertificateTrust}: chain validation against per-provider anchors with
 * revocation per policy, turning the validator's soft failures into warnings the page can show.
 */
import { LruCache } from '../cert/cache';
import type { Certificate, CertificateInput } from '../cert/index';
import type { CaProvider } from '../providers/index';
import { untrusted } from '../trust/failure';
import {
  createRevocationChecker,
  validateCertificatePath,
  type RevocationChecker,
  type RevocationOptions,
  type RevocationPolicy,
  type TrustStore,
  type ValidatePathOptions,
  type ValidatedPath,
} from '../trust/index';
import { isRevocationChecker } from '../trust/revocation';
import type { CertificateTrust, LoginWarning } from './context';

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

  async function pathOf(certificate: Certificate, at: Date): Promise<ValidatedPath> {
    const t = at.getTime();
    const hit = paths.get(certificate.sha256);
    if (hit !== undefined && t >= hit.from && t <= hit.until) return hit.result;
    const result = await validateCertificatePath(certificate, { trustStore: options.trustStore, intermediates, at });
    const from = Math.max(...result.path.map((c) => c.notBefore.getTime()));
    const until = Math.min(...result.path.map((c) => c.notAfter.getTime()));
    paths.set(certificate.sha256, { result, from, until });
    return result;
  }

  /** The checker and the provider label to check with, for `provider`'s certificates. */
  function revocationFor(provider: CaProvider): { checker: RevocationChecker; label: string | undefined } | undefined {
    if (base === undefined) return undefined;
    const id = provider.info.id;
    const declared = provider.trust?.revocation;
    if (settings === undefined || declared === undefined || settings.providers?.[id] !== undefined) return { checker: base, label: id };
    const platform = settings.policy ?? 'prefer';
    if (STRICTNESS[declared] <= STRICTNESS[platform]) return { checker: base, label: id };
    let checker = stricter.get(declared);
    if (checker === undefined) {
      checker = createRevocationChecker({ ...settings, policy: declared, providers: undefined });
      stricter.set(declared, checker);
    }
    return { checker, label: undefined };
  }

  return {
    async validate(certificate, { provider, at }) {
      const result = await pathOf(certificate, at);
      // A labelled anchor vouches only for its own provider's certificates.
      if (result.anchor.provider !== undefined && result.anchor.provider !== provider.info.id) {
        throw untrusted(
          certificate,
          0,
          `证书链到 ${result.anchor.provider} 的根证书，但被识别为 ${provider.info.id} 的证书`,
          `it chains to an anchor of ${result.anchor.provider} but was recognised as a ${provider.info.id} certificate`,
        );
      }
      const check = revocationFor(provider);
      const report = check === undefined ? undefined : await check.checker.check(result.path, { at, provider: check.label });
      const warnings: LoginWarning[] = [...result.warnings, ...(report?.warnings ?? [])].map((w) => ({
        code: w.code === 'REVOCATION_UNAVAILABLE' ? 'REVOCATION_SOFT_FAIL' : w.code,
        message: { 'zh-CN': w.localizedMessage('zh-CN'), en: w.localizedMessage('en') },
        details: w.details,
      }));
      return { warnings };
    },
  };
}
