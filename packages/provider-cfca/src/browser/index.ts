/**
 * The page entry of @yizheng/provider-cfca: the token driver for CFCA keys through the CFCA CryptoKit
 * browser extension (pass CFCA's `nmCryptokit` wrapper object).
 *
 * @module
 */
export { CFCA_CLIENT_NAME, createCfcaDriver, type CfcaCryptoKit, type CfcaDriverOptions, type CryptoKitResult } from './cryptokit';
