/**
 * Debian's Chromium for browser tests (scripts/chromium.sh installs it), driven by playwright-core.
 * Under CI=true a missing browser is a failure; locally the tests skip and say how to run them.
 */
import { existsSync } from 'node:fs';

/** The flags every browser test launches Chromium with (no network beyond loopback, no first-run work). */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The executable, or why the tests skip. */
export function findChromium(): { path: string; skip: null } | { path: null; skip: string } {
  const path = process.env['YZ_CHROMIUM'] ?? '/usr/bin/chromium';
  if (existsSync(path)) return { path, skip: null };
  const message = `Chromium not found at ${path}: run bash scripts/chromium.sh`;
  if (process.env['CI'] === 'true') throw new Error(`CI=true: ${message}`);
  process.stderr.write(`[skip] ${message}\n`);
  return { path: null, skip: message };
}
