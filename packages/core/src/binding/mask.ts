/**
 * Masks an account id for display to someone who does not own it (platform FAQs answer "该证书已被绑定" by
 * saying where, without handing out the account): keeps the first and last two characters.
 */
export function maskAccountId(accountId: string): string {
  const chars = [...accountId];
  if (chars.length <= 2) return '*'.repeat(chars.length);
  if (chars.length <= 4) return `${chars[0] ?? ''}${'*'.repeat(chars.length - 1)}`;
  return `${chars.slice(0, 2).join('')}${'*'.repeat(Math.min(chars.length - 4, 6))}${chars.slice(-2).join('')}`;
}
