/**
 * The DER writer the certificate and crypto tests (and the test kit's SM2 signer) build their inputs
 * with. Framing (lengths, TLVs, OIDs, BOOLEAN, NULL) is the library's own encoder (`asn1/encode.ts`);
 * the string and time helpers and `set` take their content as given, without the encoder's checks
 * or SET sorting, so a test can write exactly the defect it wants to see refused. Not exported from
 * the package.
 */
import { concatBytes, derBoolean, derLength, derNull, derOid, derTlv } from '../asn1/encode';

export type Bytes = Uint8Array;

/** `value`, or a test failure when it is undefined (instead of a non-null assertion). */
export function must<T>(value: T | undefined | null, what = 'value'): T {
  if (value === undefined || value === null) throw new Error(`missing ${what}`);
  return value;
}

/** Concatenates byte arrays. */
export const cat = (...parts: Bytes[]): Bytes => concatBytes(...parts);
/** DER length octets (minimal). */
export const len = (n: number): Bytes => derLength(n);
/** A TLV with identifier octet `tag` around the concatenated `content`. */
export const tlv = (tag: number, ...content: Bytes[]): Bytes => derTlv(tag, ...content);

const text = (tag: number) => (s: string): Bytes => tlv(tag, new TextEncoder().encode(s));

export const seq = (...c: Bytes[]): Bytes => tlv(0x30, ...c);
/** A SET with its components in the order given (not sorted). */
export const set = (...c: Bytes[]): Bytes => tlv(0x31, ...c);
export const oid = (o: string): Bytes => derOid(o);
export const octets = (...c: Bytes[]): Bytes => tlv(0x04, ...c);
export const bool = (v: boolean): Bytes => derBoolean(v);
export const nul = (): Bytes => derNull();
export const utf8 = text(0x0c);
export const printable = text(0x13);
export const ia5 = text(0x16);
/** UTCTime with the given text, e.g. `240101000000Z`. */
export const utc = text(0x17);
/** GeneralizedTime with the given text, e.g. `20240101000000Z`. */
export const gen = text(0x18);
export const hex = (h: string): Bytes => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
