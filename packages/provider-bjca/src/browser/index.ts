/**
 * The page entry of @yizheng/provider-bjca: its key-client driver (being written).
 *
 * @module
 */
export {};
