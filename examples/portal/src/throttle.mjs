// Counts failures (wrong passwords, failed CA logins) and requests (challenges) per key in a fixed
// window; memory is bounded, the oldest keys go first.

/** @param {{ limit: number, windowMs: number, maxKeys?: number, now?: () => number }} options */
export function createThrottle({ limit, windowMs, maxKeys = 100_000, now = Date.now }) {
  /** @type {Map<string, { count: number, start: number }>} */
  const counts = new Map();
  const entry = (key) => {
    const e = counts.get(key);
    if (e && now() - e.start < windowMs) return e;
    if (e) counts.delete(key);
    return undefined;
  };
  return {
    /** Milliseconds until `key` may try again, or 0 when it may now. */
    blockedFor(key) {
      const e = entry(key);
      return e && e.count >= limit ? windowMs - (now() - e.start) : 0;
    },
    /** Counts one for `key`; returns the milliseconds it is now blocked for (0 when not). */
    hit(key) {
      let e = entry(key);
      if (!e) {
        if (counts.size >= maxKeys) counts.delete(counts.keys().next().value);
        e = { count: 0, start: now() };
        counts.set(key, e);
      }
      e.count += 1;
      return this.blockedFor(key);
    },
    reset(key) {
      counts.delete(key);
    },
  };
}
