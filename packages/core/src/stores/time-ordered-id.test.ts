import { describe, expect, it } from 'vitest';
import { timeOrderedId } from './time-ordered-id';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('timeOrderedId', () => {
  it('is a UUID version 7 carrying the time in its first 48 bits (RFC 9562 example time)', () => {
    // RFC 9562, Appendix A.6: 2022-02-22 19:22:22 UTC = 0x017F22E279B0 ms.
    const id = timeOrderedId(Date.UTC(2022, 1, 22, 19, 22, 22));
    expect(id).toMatch(UUID_V7);
    expect(id.slice(0, 13)).toBe('017f22e2-79b0');
  });

  it('sorts later ids after earlier ones and never repeats in a burst', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => timeOrderedId(1_700_000_000_000 + Math.floor(i / 100)));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(UUID_V7);
    for (let i = 100; i < ids.length; i += 100) expect((ids[i] as string) > (ids[i - 1] as string)).toBe(true);
  });

  it('keeps 74 random bits: the bits after the time differ between ids of one millisecond', () => {
    const ids = Array.from({ length: 1000 }, () => timeOrderedId(0).slice(14));
    expect(new Set(ids).size).toBe(1000);
    // Each hex digit of the random tail takes many values (not a counter, not constant).
    for (const position of [1, 2, 6, 10, 20]) expect(new Set(ids.map((s) => s[position])).size).toBeGreaterThan(8);
  });
});
