/**
 * The page entry of @yizheng/provider-cmca: the token driver for CMCA keys through CMCA's local
 * client, over SOF calls. CMCA's client wire format is unknown: the driver speaks the SDK's documented
 * default shape until the platform configures CMCA's (see the driver and the README).
 *
 * @module
 */
export { CMCA_CLIENT_NAME, createCmcaDriver, type CmcaDriverOptions } from './sof';
