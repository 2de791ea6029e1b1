/**
 * The x509-limbo conformance harness (development tool; not part of the package API).
 *
 * @module
 */
export {
  LIMBO_DOCUMENTED_CHOICES,
  LIMBO_FILE,
  LIMBO_SKIPS,
  defaultLimboPath,
  formatLimboReport,
  runLimbo,
  type LimboCase,
  type LimboCaseResult,
  type LimboCounts,
  type LimboReport,
} from './run-limbo';
