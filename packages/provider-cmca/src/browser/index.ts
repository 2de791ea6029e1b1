/**
 * The page entry of @yizheng/provider-cmca: the token driver for CMCA keys through CMCA's local
 * client, over SOF calls (the transport is an assumption until CMCA publishes it: see the driver).
 *
 * @module
 */
export { CMCA_CLIENT_NAME, createCmcaDriver, type CmcaDriverOptions } from './sof';
