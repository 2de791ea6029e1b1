/**
 * The defaults every verb applies to a {@link YizhengContext}, written once: the clock, the scopes
 * and the clock-skew tolerance.
 */
import { DEFAULT_CLOCK_SKEW_MS } from '../expiry/assess';
import { DEFAULT_SCOPE } from '../stores/validate';
import type { YizhengContext } from './context';

const systemClock = (): Date => new Date();

/** The context's clock, or the system clock. */
export function clockOf(context: Pick<YizhengContext, 'clock'>): () => Date {
  return context.clock ?? systemClock;
}

/** The current time by the context's clock. */
export function nowOf(context: Pick<YizhengContext, 'clock'>): Date {
  return clockOf(context)();
}

/** The scopes a login or binding searches, in order: the current one, then the accepted ones. */
export function scopesOf(context: Pick<YizhengContext, 'scopes'>): string[] {
  return [currentScopeOf(context), ...(context.scopes?.accepted ?? [])];
}

/** The scope new bindings are stored in. */
export function currentScopeOf(context: Pick<YizhengContext, 'scopes'>): string {
  return context.scopes?.current ?? DEFAULT_SCOPE;
}

/** The tolerated clock difference for validity checks. */
export function clockSkewOf(context: Pick<YizhengContext, 'clockSkewMs'>): number {
  return context.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
}
