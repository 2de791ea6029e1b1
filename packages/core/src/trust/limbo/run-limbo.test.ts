import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasVectors } from '../../../test-utils/vectors';
import { LIMBO_DOCUMENTED_CHOICES, defaultLimboPath, formatLimboReport, runLimbo } from './index';

const file = defaultLimboPath();

describe.skipIf(!hasVectors || !existsSync(file))('x509-limbo', () => {
  it('has no unexplained failure: every failure in scope is a documented choice', async () => {
    const report = await runLimbo(file);
    const unexplained = report.results.filter((r) => r.outcome === 'fail');
    expect(unexplained, formatLimboReport(report)).toEqual([]);
    // Every documented choice is still needed (a fixed one must leave the list).
    const documented = report.results.filter((r) => r.outcome === 'documented').map((r) => r.id);
    expect(documented.sort()).toEqual(Object.keys(LIMBO_DOCUMENTED_CHOICES).sort());
    // Skips are the out-of-scope TLS cases only; everything else runs.
    expect(report.results.filter((r) => r.outcome === 'skip').every((r) => r.prefix === 'webpki' || r.id === 'rfc5280::wrong-eku')).toBe(true);
    expect(report.counts.pass).toBeGreaterThanOrEqual(75);
    expect(report.total).toBe(106);
  });
});
