import { validateEnterpriseCode } from './validate';

/**
 * The organisation code (9 characters, no hyphen) a valid USCC embeds in positions 9–17, or
 * `undefined` when `uscc` is not a valid USCC. Internal: identity extraction and binding keys use it.
 */
export function embeddedOrgCode(uscc: string): string | undefined {
  return validateEnterpriseCode(uscc).orgCode?.replace('-', '');
}
