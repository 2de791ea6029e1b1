/**
 * A small, strict DER (X.690 Distinguished Encoding Rules) reader. It reads TLVs (tag, length,
 * value) by offsets into the caller's bytes and never copies them.
 *
 * Strictness (each is a DER rule; BER leniencies are rejected):
 * - definite lengths only: the indefinite form (0x80) is BER and is rejected;
 * - minimal length encoding: the long form only for lengths of 128 or more, without leading zero
 *   octets; at most 4 length octets (nothing Yizheng reads is near 4 GiB);
 * - minimal tag encoding: the high-tag-number form only for tag numbers of 31 or more, without a
 *   leading 0x80 octet; tag numbers are capped below 2^21;
 * - the end-of-contents marker (0x00 0x00) is BER-only and rejected;
 * - universal types use their DER form: strings, BIT STRING and OCTET STRING primitive (the
 *   constructed, segmented form is BER), SEQUENCE and SET constructed, INTEGER, OID, BOOLEAN,
 *   NULL, times primitive;
 * - a TLV must fit inside its parent: a declared length beyond the data is an error, never a read
 *   past the end;
 * - nesting depth is capped ({@link MAX_DER_DEPTH}), so hostile nesting fails fast.
 *
 * Two APIs: {@link readTlv} returns one TLV header as an object (simple, for occasional use), and
 * {@link DerReader} is an allocation-free cursor for hot paths such as certificate parsing.
 * Only Uint8Array is used (no Node Buffer), so this module also runs in browsers and workers.
 */

/** A DER decoding failure: what was wrong and the byte offset where it was found. */
export class DerError extends Error {
  override readonly name = 'DerError';
  /** Short English reason, e.g. `indefinite length (BER) is not allowed in DER`. */
  readonly reason: string;
  /** Byte offset in the input where the problem was found. */
  readonly offset: number;

  constructor(reason: string, offset: number) {
    super(`${reason} (at byte ${offset})`);
    this.reason = reason;
    this.offset = offset;
  }
}

/** ASN.1 tag classes (the two high bits of the identifier octet, shifted down). */
export const TagClass = {
  universal: 0,
  application: 1,
  context: 2,
  private: 3,
} as const;

/** One of the four ASN.1 tag classes, as a number 0..3. */
export type TagClass = (typeof TagClass)[keyof typeof TagClass];

/**
 * Identifier octets of the universal types Yizheng reads, as they appear in DER (constructed bit
 * included for SEQUENCE and SET). Compare with {@link Tlv.tag} / {@link DerReader.tag}.
 */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8String: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  NumericString: 0x12,
  PrintableString: 0x13,
  TeletexString: 0x14,
  IA5String: 0x16,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
  VisibleString: 0x1a,
  UniversalString: 0x1c,
  BMPString: 0x1e,
} as const;

/** Identifier octet of a context-specific tag `[n]` (n < 31), primitive or constructed. */
export function contextTag(n: number, constructed: boolean): number {
  return 0x80 | (constructed ? 0x20 : 0) | n;
}

/** One decoded TLV header. All offsets index the bytes that were read. */
export interface Tlv {
  /**
   * The first identifier octet. For tag numbers below 31 (every universal type) this identifies the
   * tag completely, e.g. 0x30 for SEQUENCE, 0xa3 for `[3]` constructed. For the high-tag-number form
   * its low five bits are 0x1f and {@link Tlv.tagNumber} holds the number.
   */
  readonly tag: number;
  /** Tag class, 0..3 (see {@link TagClass}). */
  readonly tagClass: TagClass;
  /** True for the constructed encoding. */
  readonly constructed: boolean;
  /** The tag number within its class. */
  readonly tagNumber: number;
  /** Offset of the identifier octet. */
  readonly start: number;
  /** Offset of the first content octet (the header is `contentStart - start` octets). */
  readonly contentStart: number;
  /** Offset just past the last content octet (the length is `end - contentStart`). */
  readonly end: number;
}

/** Default cap on nesting depth for {@link DerReader.enter} and {@link walkDer}. */
export const MAX_DER_DEPTH = 32;

/** Where {@link readHeader} writes its result. */
interface HeaderSink {
  tag: number;
  tagNumber: number;
  start: number;
  contentStart: number;
  contentEnd: number;
}

function readHeader(bytes: Uint8Array, offset: number, limit: number, out: HeaderSink): void {
  if (offset >= limit) throw new DerError('unexpected end of data', offset);
  let p = offset;
  const id = bytes[p++] ?? 0;
  let tagNumber = id & 0x1f;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    for (let first = true; ; first = false) {
      if (p >= limit) throw new DerError('truncated tag', p);
      const b = bytes[p++] ?? 0;
      if (first && b === 0x80) throw new DerError('non-minimal tag encoding', p - 1);
      if (tagNumber > 0x3fff) throw new DerError('tag number too large', p - 1);
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
    if (tagNumber < 31) throw new DerError('non-minimal tag encoding', offset);
  } else if (id < 0x40 && !formAllowed(UNIVERSAL_FORM[tagNumber] ?? 3, (id & 0x20) !== 0)) {
    // Universal types have a fixed form in DER: strings, BIT STRING and OCTET STRING primitive
    // (their constructed, segmented form is BER), SEQUENCE and SET constructed; tag 0 is BER's
    // end-of-contents marker.
    const reason = id === 0 ? 'end-of-contents marker (BER) is not allowed in DER' : 'wrong primitive/constructed form';
    throw new DerError(reason, offset);
  }
  if (p >= limit) throw new DerError('truncated length', p);
  let length = bytes[p++] ?? 0;
  if (length > 0x7f) {
    const n = length & 0x7f;
    if (n === 0) throw new DerError('indefinite length (BER) is not allowed in DER', p - 1);
    if (n > 4) throw new DerError('length too large', p - 1);
    if (limit - p < n) throw new DerError('truncated length', p);
    if (bytes[p] === 0) throw new DerError('non-minimal length encoding', p);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + (bytes[p++] ?? 0);
    if (length < 0x80) throw new DerError('non-minimal length encoding', p - n);
  }
  if (length > limit - p) throw new DerError('length exceeds the available data', p);
  out.tag = id;
  out.tagNumber = tagNumber;
  out.start = offset;
  out.contentStart = p;
  out.contentEnd = p + length;
}

/**
 * DER form of each low universal tag number: 1 primitive only, 2 constructed only, 3 either
 * (EXTERNAL, EMBEDDED PDV, CHARACTER STRING and unassigned numbers), 0 never (end-of-contents).
 */
const UNIVERSAL_FORM: readonly number[] = [
  0, 1, 1, 1, 1, 1, 1, 1, 3, 1, 1, 3, 1, 1, 1, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 1,
];

function formAllowed(form: number, constructed: boolean): boolean {
  return form === 3 || form === (constructed ? 2 : 1);
}

const scratch: HeaderSink = { tag: 0, tagNumber: 0, start: 0, contentStart: 0, contentEnd: 0 };

/** The {@link Tlv} a header read describes. */
function tlvOf(h: Readonly<HeaderSink>): Tlv {
  return {
    tag: h.tag,
    tagClass: (h.tag >> 6) as TagClass,
    constructed: (h.tag & 0x20) !== 0,
    tagNumber: h.tagNumber,
    start: h.start,
    contentStart: h.contentStart,
    end: h.contentEnd,
  };
}

/**
 * Reads the TLV header that starts at `offset`. `limit` is the end of the enclosing value (default:
 * the end of `bytes`); the whole TLV must end at or before it.
 *
 * @throws {DerError} on truncation or any non-DER header.
 */
export function readTlv(bytes: Uint8Array, offset = 0, limit: number = bytes.length): Tlv {
  readHeader(bytes, offset, limit, scratch);
  return tlvOf(scratch);
}

/**
 * An allocation-free cursor over DER. {@link DerReader.next} reads the next TLV of the current
 * region and exposes it through `tag`, `start`, `contentStart` and `contentEnd` (the "current TLV");
 * {@link DerReader.enter} descends into the current TLV's content and {@link DerReader.leave}
 * returns to the enclosing region after checking that nothing is left unread.
 *
 * ```ts
 * const r = new DerReader(der);
 * r.expect(Tag.SEQUENCE, 'Certificate');
 * r.enter();                       // into the Certificate SEQUENCE
 * r.expect(Tag.SEQUENCE, 'tbsCertificate');
 * ...
 * r.leave('Certificate');          // no trailing data inside it
 * r.finish('certificate');         // and nothing after it
 * ```
 */
export class DerReader {
  /** The bytes being read (not copied). */
  readonly bytes: Uint8Array;
  /** Maximum nesting depth {@link DerReader.enter} allows. */
  readonly maxDepth: number;
  /** Offset of the next TLV in the current region. */
  pos: number;
  /** End of the current region. */
  end: number;
  /** Identifier octet of the current TLV (-1 before the first read). */
  tag = -1;
  /** Tag number of the current TLV. */
  tagNumber = 0;
  /** Offset of the current TLV's identifier octet. */
  start = 0;
  /** Offset of the current TLV's first content octet. */
  contentStart = 0;
  /** Offset just past the current TLV's content. */
  contentEnd = 0;
  /** Current nesting depth (0 at the top region). */
  depth = 0;
  readonly #saved: number[] = [];

  constructor(bytes: Uint8Array, start = 0, end: number = bytes.length, maxDepth: number = MAX_DER_DEPTH) {
    if (start < 0 || end > bytes.length || start > end) throw new DerError('invalid region', start);
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
    this.maxDepth = maxDepth;
  }

  /** True when every TLV of the current region has been read. */
  get done(): boolean {
    return this.pos >= this.end;
  }

  /** The identifier octet of the next TLV, or -1 at the end of the region. */
  peek(): number {
    return this.pos < this.end ? (this.bytes[this.pos] ?? 0) : -1;
  }

  /** Reads the next TLV (it becomes the current TLV) and returns its identifier octet. */
  next(): number {
    readHeader(this.bytes, this.pos, this.end, this);
    this.pos = this.contentEnd;
    return this.tag;
  }

  /** Reads the next TLV and requires its identifier octet to be `tag`; `what` names it in errors. */
  expect(tag: number, what: string): void {
    if (this.pos >= this.end) throw new DerError(`missing ${what}`, this.pos);
    if (this.bytes[this.pos] !== tag) throw new DerError(`unexpected tag for ${what}`, this.pos);
    readHeader(this.bytes, this.pos, this.end, this);
    this.pos = this.contentEnd;
  }

  /** Reads the next TLV only if its identifier octet is `tag`; returns whether it did. */
  optional(tag: number): boolean {
    if (this.pos >= this.end || this.bytes[this.pos] !== tag) return false;
    readHeader(this.bytes, this.pos, this.end, this);
    this.pos = this.contentEnd;
    return true;
  }

  /** Descends into the content of the current TLV, which must be constructed. */
  enter(): void {
    if ((this.tag & 0x20) === 0) throw new DerError('expected a constructed value', this.start);
    if (this.depth >= this.maxDepth) throw new DerError('nesting too deep', this.start);
    this.#saved.push(this.pos, this.end);
    this.pos = this.contentStart;
    this.end = this.contentEnd;
    this.depth++;
  }

  /**
   * Descends into the content of the current TLV as DER even though it is primitive: for values
   * that encapsulate DER, such as an extension's OCTET STRING or an RSA key's BIT STRING (pass
   * `skip` = 1 to step over the unused-bits octet).
   */
  enterEncapsulated(skip = 0): void {
    if (this.depth >= this.maxDepth) throw new DerError('nesting too deep', this.start);
    if (this.contentStart + skip > this.contentEnd) throw new DerError('empty encapsulated value', this.start);
    this.#saved.push(this.pos, this.end);
    this.pos = this.contentStart + skip;
    this.end = this.contentEnd;
    this.depth++;
  }

  /**
   * Returns to the enclosing region, requiring the current one to be fully read; `what` names it in
   * the error. The current TLV is then undefined until the next read.
   */
  leave(what: string): void {
    if (this.pos < this.end) throw new DerError(`trailing data in ${what}`, this.pos);
    if (this.depth === 0) throw new DerError('leave() without enter()', this.pos);
    this.end = this.#saved.pop() ?? 0;
    this.pos = this.#saved.pop() ?? 0;
    this.depth--;
  }

  /** Requires the current region to be fully read (e.g. no bytes after a top-level value). */
  finish(what: string): void {
    if (this.pos < this.end) throw new DerError(`trailing data after ${what}`, this.pos);
  }

  /** True when the current TLV is constructed. */
  get constructed(): boolean {
    return (this.tag & 0x20) !== 0;
  }

  /** Content length of the current TLV. */
  get length(): number {
    return this.contentEnd - this.contentStart;
  }

  /** The current TLV as a {@link Tlv} object. */
  tlv(): Tlv {
    return tlvOf(this);
  }
}

/** Limits for {@link walkDer}. */
export interface WalkOptions {
  /** Maximum nesting depth (default {@link MAX_DER_DEPTH}). */
  readonly maxDepth?: number;
  /** Maximum number of TLVs visited (default 100,000). */
  readonly maxNodes?: number;
}

/**
 * Checks that `bytes[start..end)` is exactly one DER TLV whose constructed values recursively hold
 * well-formed TLVs, visiting each TLV in document order with its depth. Iterative (no recursion),
 * with depth and node-count limits. Primitive contents are not interpreted.
 *
 * @throws {DerError} when the encoding is not well-formed DER or a limit is exceeded.
 */
export function walkDer(
  bytes: Uint8Array,
  visit?: (tlv: Tlv, depth: number) => void,
  options: WalkOptions = {},
  start = 0,
  end: number = bytes.length,
): void {
  const maxDepth = options.maxDepth ?? MAX_DER_DEPTH;
  const maxNodes = options.maxNodes ?? 100_000;
  let tlv = readTlv(bytes, start, end);
  if (tlv.end !== end) throw new DerError('trailing data after the value', tlv.end);
  // Stack of [next position, end] of the constructed values being walked.
  const positions: number[] = [];
  const ends: number[] = [];
  let nodes = 0;
  for (;;) {
    if (++nodes > maxNodes) throw new DerError('too many elements', tlv.start);
    visit?.(tlv, positions.length);
    if (tlv.constructed && tlv.contentStart < tlv.end) {
      if (positions.length >= maxDepth) throw new DerError('nesting too deep', tlv.start);
      positions.push(tlv.contentStart);
      ends.push(tlv.end);
    }
    let depth = positions.length;
    while (depth > 0 && (positions[depth - 1] ?? 0) >= (ends[depth - 1] ?? 0)) {
      positions.pop();
      ends.pop();
      depth--;
    }
    if (depth === 0) return;
    tlv = readTlv(bytes, positions[depth - 1] ?? 0, ends[depth - 1] ?? 0);
    positions[depth - 1] = tlv.end;
  }
}
