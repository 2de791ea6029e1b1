/**
 * Time-ordered record ids: UUID version 7 (RFC 9562, section 5.7), a 48-bit Unix time in
 * milliseconds followed by 74 random bits. Ids made later sort later, so a unique index on them
 * grows at its end: a burst of audit records touches a few index pages instead of one random page
 * each (on SQLite, PostgreSQL and MySQL alike), which is what a commit has to write.
 */
import { randomFillSync } from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** Random bytes drawn 4 KiB at a time (one system call per 409 ids). */
const pool = new Uint8Array(4096);
let offset = pool.length;

function randomBytes10(): number {
  if (offset + 10 > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const at = offset;
  offset += 10;
  return at;
}

/** A new UUID version 7 for time `ms` (default: now), as lower-case hex with hyphens. */
export function timeOrderedId(ms: number = Date.now()): string {
  const t = Math.max(0, Math.min(Math.trunc(ms), 2 ** 48 - 1));
  const high = Math.floor(t / 2 ** 16); // the top 32 bits
  const low = t % 2 ** 16; // the next 16
  const r = randomBytes10();
  const h = (i: number): string => HEX[pool[r + i] as number] as string;
  const version = HEX[0x70 | ((pool[r] as number) & 0x0f)] as string;
  const variant = HEX[0x80 | ((pool[r + 2] as number) & 0x3f)] as string;
  const ids = high.toString(16).padStart(8, '0');
  return `${ids}-${HEX[low >>> 8] as string}${HEX[low & 0xff] as string}-${version}${h(1)}-${variant}${h(3)}-${h(4)}${h(5)}${h(6)}${h(7)}${h(8)}${h(9)}`;
}
