/**
 * The page entry of @yizheng/provider-cmca: its key-client driver (being written).
 *
 * @module
 */
export {};
