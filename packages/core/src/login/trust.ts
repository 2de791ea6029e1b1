/**
 * The default {@link CertificateTrust}: chain validation against per-provider anchors with
 * revocation per policy, turning the validator's soft failures into warnings the page can show.
 */
import type { Certificate, CertificateInput } from '../cert/index';
import { untrusted } from '../trust/failure';
import { validateCertificatePath, type TrustStore, type ValidatePathOptions } from '../trust/index';
import type { CertificateTrust, LoginWarning } from './context';

/** Options of {@link createCertificateTrust}. */
export interface CertificateTrustOptions {
  /**
   * The anchors. An anchor labelled with a provider (`{ certificate, provider }`) only vouches for
   * that provider's certificates; an unlabelled one for any provider.
   */
  readonly trustStore: TrustStore;
  /** Intermediate CA certificates the platform knows (vendor issuing CAs); key clients rarely send them. */
  readonly intermediates?: Iterable<Certificate | CertificateInput>;
  /** Revocation checking: a checker (keep one per application, it caches) or its options. */
  readonly revocation?: ValidatePathOptions['revocation'];
}

/** Builds the platform's trust decision from a trust store, known intermediates and a revocation policy. */
export function createCertificateTrust(options: CertificateTrustOptions): CertificateTrust {
  const intermediates = options.intermediates ? [...options.intermediates] : [];
  return {
    async validate(certificate, { provider, at }) {
      const result = await validateCertificatePath(certificate, {
        trustStore: options.trustStore,
        intermediates,
        at,
        ...(options.revocation !== undefined && { revocation: options.revocation }),
      });
      // A labelled anchor vouches only for its own provider's certificates.
      if (result.anchor.provider !== undefined && result.anchor.provider !== provider.info.id) {
        throw untrusted(
          certificate,
          0,
          `证书链到 ${result.anchor.provider} 的根证书，但被识别为 ${provider.info.id} 的证书`,
          `it chains to an anchor of ${result.anchor.provider} but was recognised as a ${provider.info.id} certificate`,
        );
      }
      const warnings: LoginWarning[] = result.warnings.map((w) => ({
        code: w.code === 'REVOCATION_UNAVAILABLE' ? 'REVOCATION_SOFT_FAIL' : w.code,
        message: { 'zh-CN': w.localizedMessage('zh-CN'), en: w.localizedMessage('en') },
        details: w.details,
      }));
      return { warnings };
    },
  };
}
