/**
 * Timing helpers the benchmarks share. They live in bench/lib/ because scripts/bench.mjs runs every
 * `*.mjs` directly in bench/ as a benchmark.
 */

/** The median of `xs` (the upper middle one for an even count). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Operations per second for `ops` operations that took `ns` nanoseconds. */
export const rate = (ops, ns) => (ops * 1e9) / ns;

/** A result from per-round ops/sec samples: median, min and max, the round count and the ops per round. */
export function summarize(name, samples, ops) {
  return {
    name,
    opsPerSec: Math.round(median(samples)),
    minOpsPerSec: Math.round(Math.min(...samples)),
    maxOpsPerSec: Math.round(Math.max(...samples)),
    rounds: samples.length,
    opsPerRound: ops,
  };
}

/**
 * Runs `fn(round)`, which performs `ops` operations (and may return a promise), for `warmup` +
 * `rounds` rounds, each after `before?.()` and a GC when it is exposed; summarises the rounds after
 * the warm-up. A synchronous `fn` is timed without an await.
 */
export async function measure(name, ops, fn, { rounds, warmup, before }) {
  const samples = [];
  for (let r = 0; r < warmup + rounds; r++) {
    before?.();
    globalThis.gc?.();
    const t0 = process.hrtime.bigint();
    const pending = fn(r);
    if (pending instanceof Promise) await pending;
    const ns = Number(process.hrtime.bigint() - t0);
    if (r >= warmup) samples.push(rate(ops, ns));
  }
  return summarize(name, samples, ops);
}
