/**
 * Locates the shared test vectors at `../shared/vectors/` beside the project root. They are read in
 * place, never copied. Outside CI a missing folder skips the dependent tests with a visible note; under
 * CI (`CI=true`) it is a failure, so a green CI run always means the vectors were checked.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const VECTORS_DIR = process.env['YIZHENG_VECTORS'] ?? resolve(REPO_ROOT, '../shared/vectors');

const present = existsSync(VECTORS_DIR);
if (!present) {
  if (process.env['CI'] === 'true') {
    throw new Error(`Shared test vectors are required under CI but were not found at ${VECTORS_DIR}`);
  }
  console.warn(`[yizheng] shared test vectors not found at ${VECTORS_DIR}: vector tests are SKIPPED`);
}

/** True when the shared vectors are available; use with `describe.skipIf(!hasVectors)`. */
export const hasVectors = present;

/** Absolute path of a file or folder inside the vectors folder. */
export function vectorPath(...parts: string[]): string {
  return join(VECTORS_DIR, ...parts);
}

export function readVector(...parts: string[]): Buffer {
  return readFileSync(vectorPath(...parts));
}

export function readVectorText(...parts: string[]): string {
  return readFileSync(vectorPath(...parts), 'utf8');
}

export function listVectors(...parts: string[]): string[] {
  return readdirSync(vectorPath(...parts)).sort();
}
