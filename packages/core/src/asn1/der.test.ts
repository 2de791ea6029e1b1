import { describe, expect, it } from 'vitest';
import { DerError, DerReader, MAX_DER_DEPTH, Tag, TagClass, contextTag, readTlv, walkDer } from './der';

const b = (...x: number[]): Uint8Array => Uint8Array.from(x);

function derError(fn: () => unknown): DerError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DerError);
    return e as DerError;
  }
  throw new Error('expected a DerError');
}

describe('readTlv', () => {
  it('reads a short-form TLV', () => {
    expect(readTlv(b(0x02, 0x01, 0x05))).toEqual({
      tag: 0x02,
      tagClass: TagClass.universal,
      constructed: false,
      tagNumber: 2,
      start: 0,
      contentStart: 2,
      end: 3,
    });
  });

  it('reads constructed, context and long-form lengths', () => {
    const data = new Uint8Array(4 + 300);
    data.set([0xa3, 0x82, 0x01, 0x2c]);
    const t = readTlv(data);
    expect([t.tagClass, t.constructed, t.tagNumber, t.contentStart, t.end]).toEqual([2, true, 3, 4, 304]);
    expect(readTlv(new Uint8Array([0x04, 0x81, 0x80, ...new Uint8Array(128)])).end).toBe(131);
  });

  it('reads high tag numbers and rejects non-minimal ones', () => {
    expect(readTlv(b(0x9f, 0x1f, 0x00)).tagNumber).toBe(31);
    expect(readTlv(b(0xbf, 0x81, 0x00, 0x00)).tagNumber).toBe(128);
    expect(derError(() => readTlv(b(0x9f, 0x1e, 0x00))).reason).toBe('non-minimal tag encoding');
    expect(derError(() => readTlv(b(0x9f, 0x80, 0x1f, 0x00))).reason).toBe('non-minimal tag encoding');
    expect(derError(() => readTlv(b(0x9f, 0xff, 0xff, 0xff, 0x7f, 0x00))).reason).toBe('tag number too large');
    expect(derError(() => readTlv(b(0x9f, 0x81))).reason).toBe('truncated tag');
  });

  it('rejects BER and non-minimal lengths', () => {
    expect(derError(() => readTlv(b(0x30, 0x80, 0x00, 0x00))).reason).toMatch(/indefinite length/);
    expect(derError(() => readTlv(b(0x04, 0x81, 0x05, 1, 2, 3, 4, 5))).reason).toBe('non-minimal length encoding');
    expect(derError(() => readTlv(b(0x04, 0x82, 0x00, 0x81, ...new Uint8Array(0x81)))).reason).toBe(
      'non-minimal length encoding',
    );
    expect(derError(() => readTlv(b(0x04, 0x85, 1, 0, 0, 0, 0))).reason).toBe('length too large');
    expect(derError(() => readTlv(b(0x00, 0x00))).reason).toMatch(/end-of-contents/);
  });

  it('never reads past the end or the limit', () => {
    expect(derError(() => readTlv(b())).reason).toBe('unexpected end of data');
    expect(derError(() => readTlv(b(0x30))).reason).toBe('truncated length');
    expect(derError(() => readTlv(b(0x04, 0x82, 0x01))).reason).toBe('truncated length');
    expect(derError(() => readTlv(b(0x04, 0x03, 1, 2))).reason).toBe('length exceeds the available data');
    expect(derError(() => readTlv(b(0x04, 0x84, 0xff, 0xff, 0xff, 0xff))).reason).toBe(
      'length exceeds the available data',
    );
    // A limit inside the buffer is honoured.
    expect(() => readTlv(b(0x04, 0x02, 1, 2, 0xff), 0, 3)).toThrow(DerError);
    const e = derError(() => readTlv(b(0x05, 0x00, 0x04, 0x05), 2));
    expect(e.offset).toBe(4);
    expect(e.message).toContain('at byte 4');
  });
});

describe('DerReader', () => {
  // SEQUENCE { INTEGER 5, [0] { BOOLEAN TRUE }, OCTET STRING { NULL } }
  const data = b(0x30, 0x0c, 0x02, 0x01, 0x05, 0xa0, 0x03, 0x01, 0x01, 0xff, 0x04, 0x02, 0x05, 0x00);

  it('walks a structure with expect/optional/enter/leave', () => {
    const r = new DerReader(data);
    r.expect(Tag.SEQUENCE, 'outer');
    r.finish('outer');
    r.enter();
    expect(r.depth).toBe(1);
    r.expect(Tag.INTEGER, 'int');
    expect([r.contentStart, r.contentEnd, r.length, r.constructed]).toEqual([4, 5, 1, false]);
    expect(r.optional(contextTag(1, true))).toBe(false);
    expect(r.peek()).toBe(0xa0);
    expect(r.optional(contextTag(0, true))).toBe(true);
    expect(r.constructed).toBe(true);
    r.enter();
    expect(r.next()).toBe(Tag.BOOLEAN);
    r.leave('[0]');
    r.expect(Tag.OCTET_STRING, 'octets');
    r.enterEncapsulated();
    r.expect(Tag.NULL, 'null');
    r.leave('octets');
    expect(r.done).toBe(true);
    expect(r.peek()).toBe(-1);
    r.leave('outer');
    expect(r.depth).toBe(0);
    expect(r.tlv()).toMatchObject({ tag: Tag.NULL, start: 12, end: 14 });
  });

  it('reports missing, unexpected and trailing elements', () => {
    const r = new DerReader(data);
    expect(derError(() => r.expect(Tag.INTEGER, 'thing')).reason).toBe('unexpected tag for thing');
    r.expect(Tag.SEQUENCE, 'outer');
    r.enter();
    r.next();
    expect(derError(() => r.leave('outer')).reason).toBe('trailing data in outer');
    const empty = new DerReader(b());
    expect(derError(() => empty.expect(Tag.INTEGER, 'thing')).reason).toBe('missing thing');
    expect(derError(() => new DerReader(b(0x05, 0x00, 0x05, 0x00)).finish('x')).reason).toBe(
      'trailing data after x',
    );
    expect(derError(() => empty.leave('x')).reason).toMatch(/without enter/);
  });

  it('refuses to enter primitives and enforces the depth limit', () => {
    const r = new DerReader(b(0x02, 0x01, 0x00));
    r.next();
    expect(derError(() => r.enter()).reason).toBe('expected a constructed value');
    const deep: number[] = [];
    for (let i = 0; i < 40; i++) deep.push(0x30, 2 * (39 - i));
    const d = new DerReader(Uint8Array.from(deep));
    let depth = 0;
    const e = derError(() => {
      for (;;) {
        d.next();
        d.enter();
        depth++;
      }
    });
    expect(e.reason).toBe('nesting too deep');
    expect(depth).toBe(MAX_DER_DEPTH);
  });

  it('validates its region', () => {
    expect(() => new DerReader(b(1, 2), 1, 5)).toThrow(DerError);
    expect(() => new DerReader(b(1, 2), 2, 1)).toThrow(DerError);
  });
});

describe('walkDer', () => {
  it('visits every TLV in order with its depth', () => {
    const seen: [number, number][] = [];
    walkDer(b(0x30, 0x07, 0x31, 0x03, 0x02, 0x01, 0x01, 0x05, 0x00), (t, d) => seen.push([t.tag, d]));
    expect(seen).toEqual([
      [0x30, 0],
      [0x31, 1],
      [0x02, 2],
      [0x05, 1],
    ]);
  });

  it('rejects trailing data, malformed children and excess depth or size', () => {
    expect(() => walkDer(b(0x05, 0x00, 0x00))).toThrow(/trailing data/);
    expect(() => walkDer(b(0x30, 0x03, 0x02, 0x05, 0x00))).toThrow(/length exceeds/);
    const deep: number[] = [];
    for (let i = 0; i < 50; i++) deep.push(0x30, 2 * (49 - i));
    expect(() => walkDer(Uint8Array.from(deep))).toThrow(/nesting too deep/);
    expect(() => walkDer(Uint8Array.from(deep), undefined, { maxDepth: 60 })).not.toThrow();
    expect(() => walkDer(b(0x05, 0x00, 0x02, 0x01, 0x07), undefined, {}, 2, 5)).not.toThrow();
    const flat = Uint8Array.from([0x30, 0x81, 200, ...new Array<number>(100).fill(0).flatMap(() => [0x05, 0x00])]);
    expect(() => walkDer(flat, undefined, { maxNodes: 50 })).toThrow(/too many elements/);
    expect(() => walkDer(flat)).not.toThrow();
  });
});
