/**
 * @yizheng/provider-huixin: Huixin CA (汇信CA, 浙江汇信).
 *
 * Huixin's certificate layout is not published anywhere we could find. This provider therefore
 * reads the identity from the GM/T 0015 extensions (2023 `1.2.156.10260.4.4`, 2012
 * `1.2.156.10260.4.1.*`) and the subject DN, and recognises certificates only by an issuer name
 * containing 汇信 or Huixin, an assumption shown as such in the evidence. Once Huixin confirms its
 * identity OIDs, issuer names, policy arcs or issuing-CA key ids, configure them with
 * {@link createHuixinProvider}.
 *
 * The key-client driver is in the `./browser` entry.
 *
 * @packageDocumentation
 */
import { type CaProvider, type ProviderInfo } from '@yizheng/core';
import { createConfigurableProvider, defineProviderInfo, type ConfigurableProviderOptions, type RecognitionProfile } from '@yizheng/core/providers';

/** Who this CA is and how its users reach its support desk (source: a public procurement platform's user manual). */
export const huixinProviderInfo: ProviderInfo = defineProviderInfo({
  id: 'huixin',
  names: { 'zh-CN': '汇信CA', en: 'Huixin CA' },
  aliases: ['汇信CA', '浙江汇信', '汇信', '汇信CA(介质版)', '汇信CA(移动版)', '汇信U-Key证书', '汇信CA(移动证书)'],
  support: [{ label: '服务热线', phone: '400-888-4636' }],
});

/** The recognition facts assumed until Huixin confirms its own: its name in the issuer (assumed). */
export const HUIXIN_ASSUMED_RECOGNITION: RecognitionProfile = Object.freeze<RecognitionProfile>({
  issuer: [
    { contains: '汇信', basis: 'assumed', weight: 0.5 },
    { contains: 'Huixin', basis: 'assumed', weight: 0.5 },
  ],
});

/** Options of {@link createHuixinProvider}: the facts a platform or Huixin confirms. */
export type HuixinProviderOptions = ConfigurableProviderOptions;

/**
 * A Huixin provider. Identity order: the configured `identityOids`, then GM/T 0015 and the DN;
 * entity name from the subject O, else CN.
 *
 * @example
 * ```ts
 * // After Huixin confirms its layout (the values here are placeholders):
 * const huixin = createHuixinProvider({
 *   identityOids: [{ oid: '1.2.3.4.5', as: 'uscc' }],
 *   issuerNames: ['ZJHX SM2 CA'],
 *   policyArcs: ['1.2.3.4.6'],
 * });
 * ```
 */
export function createHuixinProvider(options: HuixinProviderOptions = {}): CaProvider {
  return createConfigurableProvider({ info: huixinProviderInfo, assumed: HUIXIN_ASSUMED_RECOGNITION }, options);
}

/** The Huixin provider with only the assumed facts. */
export const huixinProvider: CaProvider = createHuixinProvider();
