/**
 * The only encoding work the page does: checking that what a key client returned is base64 (a
 * certificate, a signature), without decoding it.
 */

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * `value` as standard base64 without whitespace (key clients wrap long values in CR/LF), with its
 * padding; undefined when it is not a non-empty base64 string. A PEM certificate is accepted: its
 * armour lines are dropped.
 */
export function cleanBase64(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  let text = value;
  if (text.includes('-----BEGIN')) text = text.replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, '');
  text = text.replace(/\s+/g, '');
  if (text.length % 4 === 1 || !BASE64.test(text)) return undefined;
  while (text.length % 4 !== 0) text += '=';
  return BASE64.test(text) ? text : undefined;
}
