/**
 * A sequential reader over one region of DER, built on the strict header parser of `asn1/`
 * ({@link readTlv}: definite minimal lengths, minimal tags, DER forms of universal types), with
 * TLV objects for readable schema code. Signatures and CMS messages are small, so the allocation
 * of one object per TLV does not matter here.
 *
 * @internal
 */
import { DerError, MAX_DER_DEPTH, readTlv, type Tlv } from '../asn1/index';

export class Region {
  readonly bytes: Uint8Array;
  pos: number;
  readonly end: number;
  readonly depth: number;

  constructor(bytes: Uint8Array, start = 0, end: number = bytes.length, depth = 0) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
    this.depth = depth;
  }

  /** True when every TLV of the region has been read. */
  get done(): boolean {
    return this.pos >= this.end;
  }

  /** The identifier octet of the next TLV, or -1 at the end. */
  peek(): number {
    return this.pos < this.end ? (this.bytes[this.pos] ?? -1) : -1;
  }

  /** Reads the next TLV, whatever its tag. */
  next(): Tlv {
    const t = readTlv(this.bytes, this.pos, this.end);
    this.pos = t.end;
    return t;
  }

  /** Reads the next TLV, which must have identifier octet `tag`. */
  expect(tag: number, what: string): Tlv {
    if (this.pos >= this.end) throw new DerError(`missing ${what}`, this.pos);
    if (this.bytes[this.pos] !== tag) throw new DerError(`unexpected tag for ${what}`, this.pos);
    return this.next();
  }

  /** Reads the next TLV only when its identifier octet is `tag`. */
  optional(tag: number): Tlv | undefined {
    return this.peek() === tag ? this.next() : undefined;
  }

  /** A region over the content of the constructed `tlv`. */
  enter(tlv: Tlv): Region {
    if (!tlv.constructed) throw new DerError('expected a constructed value', tlv.start);
    if (this.depth >= MAX_DER_DEPTH) throw new DerError('nesting too deep', tlv.start);
    return new Region(this.bytes, tlv.contentStart, tlv.end, this.depth + 1);
  }

  /** Requires the region to be fully read. */
  finish(what: string): void {
    if (this.pos < this.end) throw new DerError(`trailing data in ${what}`, this.pos);
  }
}
