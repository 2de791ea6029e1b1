/**
 * Rate limits: a token bucket per connection for messages, and a PIN-attempt limiter per token, whose
 * wait doubles after each wrong PIN so a page cannot burn the key's tries.
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

/** Limits on PIN attempts per token (see {@link BridgeLimits}). */
export interface PinLimits {
  /** Least wait after a failed PIN attempt (of any kind) on one token. */
  readonly minIntervalMs: number;
  /** Wait after the first wrong PIN; doubles with each further one. */
  readonly wrongPinBaseMs: number;
  /** Longest wait. */
  readonly wrongPinMaxMs: number;
}

interface PinAttemptState {
  failures: number;
  nextAt: number;
  /** Failures before the attempt under way, while one is (see {@link PinAttemptLimiter.begin}). */
  before?: number;
}

/**
 * PIN attempts per key (the bridge uses one key per token: the serial the module resolves, whichever
 * page asks). An attempt is recorded **before** it reaches the token ({@link PinAttemptLimiter.begin}),
 * as a wrong PIN, so nothing that arrives while it runs, nor a crash, can skip the wait; its outcome
 * then corrects it. It also counts the wrong PINs in a row per key ({@link PinAttemptLimiter.wrongPins}).
 *
 * Nothing is ever evicted: a key is forgotten only after a right PIN. Keys are tokens that were
 * present, never strings a page chose, so the map stays as small as the number of keys plugged in.
 */
export class PinAttemptLimiter {
  readonly #limits: PinLimits;
  readonly #state = new Map<string, PinAttemptState>();

  constructor(limits: PinLimits) {
    this.#limits = limits;
  }

  /** Milliseconds to wait before `key` may try a PIN (0: now). */
  waitMs(key: string, now: number): number {
    const s = this.#state.get(key);
    return s ? Math.max(0, s.nextAt - now) : 0;
  }

  /**
   * Wrong PINs in a row on `key` since its last right one, as this limiter saw them (an attempt under
   * way is not counted until its outcome is known).
   */
  wrongPins(key: string): number {
    const s = this.#state.get(key);
    return s === undefined ? 0 : (s.before ?? s.failures);
  }

  /** Records that an attempt starts now, counted as a wrong PIN until {@link PinAttemptLimiter.record} says otherwise. */
  begin(key: string, now: number): void {
    const before = this.#state.get(key)?.failures ?? 0;
    this.#set(key, { failures: before + 1, nextAt: now + this.#wrongPinWait(before + 1), before });
  }

  /**
   * Records an attempt's outcome: a right PIN clears the state, a wrong one doubles the wait, any
   * other failure (device, protocol, cancelled, refused before the token) keeps the minimum interval.
   */
  record(key: string, now: number, outcome: 'ok' | 'wrong-pin' | 'failed'): void {
    if (outcome === 'ok') {
      this.#state.delete(key);
      return;
    }
    const s = this.#state.get(key);
    // An attempt that was begun already counted itself as a wrong PIN.
    const previous = s === undefined ? 0 : (s.before ?? s.failures);
    const failures = outcome === 'wrong-pin' ? previous + 1 : previous;
    const wait = outcome === 'wrong-pin' ? this.#wrongPinWait(failures) : 0;
    this.#set(key, { failures, nextAt: now + Math.max(wait, this.#limits.minIntervalMs) });
  }

  #wrongPinWait(failures: number): number {
    return Math.max(this.#limits.minIntervalMs, Math.min(this.#limits.wrongPinMaxMs, this.#limits.wrongPinBaseMs * 2 ** (failures - 1)));
  }

  #set(key: string, state: PinAttemptState): void {
    this.#state.set(key, state);
  }
}
