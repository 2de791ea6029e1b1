/**
 * CPU time this process spent, in milliseconds. Tests that bound how long hostile input may take
 * measure CPU time rather than wall time, so a loaded CI machine (other test workers, a build) does
 * not make them fail while a real quadratic blow-up still does.
 */
export function cpuNowMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
