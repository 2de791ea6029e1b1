/**
 * @yizheng/provider-cmca: China Mobile CA (CMCA, 中国移动CA).
 *
 * CMCA's certificate layout is not published anywhere we could find. This provider therefore
 * reads the identity from the GM/T 0015 extensions (2023 `1.2.156.10260.4.4`, 2012
 * `1.2.156.10260.4.1.*`) and the subject DN, and recognises certificates only by an issuer name
 * containing 中国移动, China Mobile or CMCA, an assumption shown as such in the evidence. Once CMCA
 * confirms its identity OIDs, issuer names, policy arcs or issuing-CA key ids, configure them with
 * {@link createCmcaProvider}.
 *
 * The key-client driver is in the `./browser` entry.
 *
 * @packageDocumentation
 */
import { type CaProvider, type ProviderInfo } from '@yizheng/core';
import { createConfigurableProvider, defineProviderInfo, type ConfigurableProviderOptions, type RecognitionProfile } from '@yizheng/core/providers';

/** Who this CA is (source: CMCA's certificate-application user manual, which gives no hotline). */
export const cmcaProviderInfo: ProviderInfo = defineProviderInfo({
  id: 'cmca',
  names: { 'zh-CN': '中国移动CA (CMCA)', en: 'China Mobile CA (CMCA)' },
  aliases: ['CMCA', '中国移动CA'],
  support: [],
});

/** The recognition facts assumed until CMCA confirms its own: its name in the issuer (assumed). */
export const CMCA_ASSUMED_RECOGNITION: RecognitionProfile = Object.freeze<RecognitionProfile>({
  issuer: [
    { contains: '中国移动', basis: 'assumed', weight: 0.5 },
    { contains: 'China Mobile', basis: 'assumed', weight: 0.5 },
    { attribute: 'CN', contains: 'CMCA', basis: 'assumed', weight: 0.5 },
    { attribute: 'O', equals: 'CMCA', basis: 'assumed', weight: 0.5 },
  ],
});

/** Options of {@link createCmcaProvider}: the facts a platform or CMCA confirms. */
export type CmcaProviderOptions = ConfigurableProviderOptions;

/**
 * A CMCA provider. Identity order: the configured `identityOids`, then GM/T 0015 and the DN; entity
 * name from the subject O, else CN.
 *
 * @example
 * ```ts
 * // After CMCA confirms its layout (the values here are placeholders):
 * const cmca = createCmcaProvider({ identityOids: [{ oid: '1.2.3.4.7', vendorUid: true }], issuerNames: ['CMCA SM2 CA'] });
 * ```
 */
export function createCmcaProvider(options: CmcaProviderOptions = {}): CaProvider {
  return createConfigurableProvider({ info: cmcaProviderInfo, assumed: CMCA_ASSUMED_RECOGNITION }, options);
}

/** The CMCA provider with only the assumed facts. */
export const cmcaProvider: CaProvider = createCmcaProvider();
