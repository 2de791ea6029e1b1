/**
 * The page entry of @yizheng/provider-cfca: the token driver for CFCA keys through the CFCA CryptoKit
 * browser extension and its native host (configure the platform's product id, extension id and
 * build).
 *
 * @module
 */
export {
  CFCA_CLIENT_NAME,
  CRYPTOKIT_BUILDS,
  createCfcaDriver,
  type CfcaDriverOptions,
  type ChromeRuntimeLike,
  type CryptoKitBuild,
  type CryptoKitBuildName,
  type CryptoKitCall,
  type CryptoKitDocument,
} from './cryptokit';
