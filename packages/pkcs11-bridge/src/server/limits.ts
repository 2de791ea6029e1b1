/**
 * Rate limits: a token bucket per connection for messages, and a PIN-attempt limiter per origin and
 * token, whose wait doubles after each wrong PIN so a page cannot burn the key's tries.
 */

/** A token bucket: `burst` messages at once, refilled at `perSecond`. */
export class TokenBucket {
  #tokens: number;
  #last: number;
  readonly #perSecond: number;
  readonly #burst: number;

  constructor(perSecond: number, burst: number, now: number) {
    this.#perSecond = perSecond;
    this.#burst = burst;
    this.#tokens = burst;
    this.#last = now;
  }

  /** Takes one token; false when the bucket is empty. */
  take(now: number): boolean {
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.#perSecond);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** Limits on PIN attempts per origin and token (see {@link BridgeLimits}). */
export interface PinLimits {
  /** Least wait after a failed PIN attempt (of any kind) of one origin on one token. */
  readonly minIntervalMs: number;
  /** Wait after the first wrong PIN; doubles with each further one. */
  readonly wrongPinBaseMs: number;
  /** Longest wait. */
  readonly wrongPinMaxMs: number;
}

/** PIN attempts per origin and token. */
export class PinAttemptLimiter {
  readonly #limits: PinLimits;
  readonly #state = new Map<string, { failures: number; nextAt: number }>();

  constructor(limits: PinLimits) {
    this.#limits = limits;
  }

  /** Milliseconds to wait before `key` may try a PIN (0: now). */
  waitMs(key: string, now: number): number {
    const s = this.#state.get(key);
    return s ? Math.max(0, s.nextAt - now) : 0;
  }

  /**
   * Records an attempt's outcome: a right PIN clears the state, a wrong one doubles the wait, any
   * other failure (device, protocol) keeps the minimum interval.
   */
  record(key: string, now: number, outcome: 'ok' | 'wrong-pin' | 'failed'): void {
    if (outcome === 'ok') {
      this.#state.delete(key);
      return;
    }
    const previous = this.#state.get(key)?.failures ?? 0;
    const failures = outcome === 'wrong-pin' ? previous + 1 : previous;
    const wait = outcome === 'wrong-pin' ? Math.min(this.#limits.wrongPinMaxMs, this.#limits.wrongPinBaseMs * 2 ** (failures - 1)) : 0;
    this.#state.set(key, { failures, nextAt: now + Math.max(wait, this.#limits.minIntervalMs) });
    if (this.#state.size > 10_000) this.#state.delete(this.#state.keys().next().value ?? key);
  }
}
