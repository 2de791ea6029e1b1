/**
 * Public text (doc comments, READMEs, examples) states facts or names public sources; it never cites
 * the team's internal notes, which readers cannot see.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const FORBIDDEN = /DOMAIN\.md|DESIGN\.md|\bseed ?\d{3}\b|\bseeds\/|\bthe seeds\b/i;

function publicFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'packages', 'examples', 'README.md'], { cwd: root, encoding: 'utf8' });
  return listed
    .split('\n')
    .filter((f) => /\.(ts|mts|mjs|js|md)$/.test(f))
    .filter((f) => !/\.test\.ts$|\/test-utils\/|\/fixtures\/|\/bench\/|CHANGELOG\.md$/.test(f));
}

describe('public text', () => {
  it('cites no internal notes', () => {
    const offending: string[] = [];
    for (const file of publicFiles()) {
      let text: string;
      try {
        text = readFileSync(join(root, file), 'utf8');
      } catch {
        continue; // deleted in the work tree
      }
      text.split('\n').forEach((line, i) => {
        if (FORBIDDEN.test(line)) offending.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offending).toEqual([]);
  });
});
