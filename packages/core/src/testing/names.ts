/**
 * Distinguished names for the test CA kit.
 */
import { derIa5String, derOid, derPrintableString, derSequence, derSet, derUtf8String } from '../asn1/encode';

/**
 * A distinguished name for a test certificate:
 * - a string in RFC 4514 order, most specific first: `CN=张三, O=某某科技有限公司, C=CN` (`\,` escapes a
 *   comma; `+` is not supported, use the array form for multi-valued RDNs);
 * - an array of `[attribute, value]` pairs in encoding order, most general first:
 *   `[['C', 'CN'], ['O', '某某科技有限公司'], ['CN', '张三']]`; an inner array of pairs makes one
 *   multi-valued RDN;
 * - a Uint8Array: the Name DER as is (e.g. an empty `30 00` name).
 *
 * Attributes are short names (`CN`, `O`, `OU`, `C`, `ST`, `L`, `E`, `SERIALNUMBER`, `DC`, `T`,
 * `GN`, `SN`) or dotted OIDs. `C` and `SERIALNUMBER` are PrintableString (when the value allows),
 * `E` and `DC` IA5String, every other value UTF8String.
 */
export type TestName =
  | string
  | Uint8Array
  | ReadonlyArray<readonly [string, string] | ReadonlyArray<readonly [string, string]>>;

const ATTRIBUTES: Readonly<Record<string, string>> = {
  CN: '2.5.4.3',
  SN: '2.5.4.4',
  SERIALNUMBER: '2.5.4.5',
  C: '2.5.4.6',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  STREET: '2.5.4.9',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  T: '2.5.4.12',
  GN: '2.5.4.42',
  E: '1.2.840.113549.1.9.1',
  DC: '0.9.2342.19200300.100.1.25',
  UID: '0.9.2342.19200300.100.1.1',
};

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

function attribute(type: string, value: string): Uint8Array {
  const oid = ATTRIBUTES[type.toUpperCase()] ?? (/^\d+(\.\d+)+$/.test(type) ? type : undefined);
  if (oid === undefined) throw new RangeError(`unknown name attribute ${JSON.stringify(type)}`);
  let encoded: Uint8Array;
  if ((oid === '2.5.4.6' || oid === '2.5.4.5') && PRINTABLE.test(value)) encoded = derPrintableString(value);
  else if (oid === '1.2.840.113549.1.9.1' || oid === '0.9.2342.19200300.100.1.25') encoded = derIa5String(value);
  else encoded = derUtf8String(value);
  return derSequence(derOid(oid), encoded);
}

/** Splits an RFC 4514-style string on unescaped commas; returns the RDNs in encoding order. */
function parseNameString(text: string): Array<[string, string]> {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c === '\\' && i + 1 < text.length) {
      current += text[++i] ?? '';
    } else if (c === ',') {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  if (current.trim() !== '' || parts.length > 0) parts.push(current);
  return parts
    .map((p): [string, string] => {
      const eq = p.indexOf('=');
      if (eq < 0) throw new RangeError(`name component ${JSON.stringify(p)} has no "="`);
      return [p.slice(0, eq).trim(), p.slice(eq + 1).trim()];
    })
    .reverse();
}

/** The Name DER of a {@link TestName}. */
export function encodeTestName(name: TestName): Uint8Array {
  if (name instanceof Uint8Array) return name.slice();
  const rdns = typeof name === 'string' ? parseNameString(name) : name;
  return derSequence(
    ...rdns.map((rdn) => {
      if (typeof rdn[0] === 'string' && typeof rdn[1] === 'string') return derSet(attribute(rdn[0], rdn[1]));
      const multi = rdn as ReadonlyArray<readonly [string, string]>;
      return derSet(...multi.map(([t, v]) => attribute(t, v)));
    }),
  );
}
