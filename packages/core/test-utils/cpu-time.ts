/**
 * CPU time this process spent, in milliseconds. Tests that bound how long hostile input may take
 * measure CPU time rather than wall time, so a loaded CI machine (other test workers, a build) does
 * not make them fail while a real quadratic blow-up still does.
 */
export function cpuNowMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * CPU milliseconds `run` takes. A call over `limitMs` is timed once more and the smaller figure kept:
 * a pathological input (quadratic parsing, a hang) is slow both times, while a one-off collector
 * pause or scheduler hiccup is not.
 */
export function cpuTimeOf(run: () => void, limitMs: number): number {
  const once = (): number => {
    const t0 = cpuNowMs();
    run();
    return cpuNowMs() - t0;
  };
  const first = once();
  return first <= limitMs ? first : Math.min(first, once());
}
