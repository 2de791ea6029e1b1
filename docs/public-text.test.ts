// The docs are public: they state facts or name public sources (RFCs, GB/T and GM/T standards, vendors'
// published documents). They never point readers at internal notes, which they cannot open.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '@yizheng/core/errors';

const DOCS = fileURLToPath(new URL('.', import.meta.url));

/** Words that name internal notes. */
const FORBIDDEN = [/\bDOMAIN\.md\b/i, /\bDESIGN\.md\b/i, /\bseeds?\b/i];

/** Generated output and installed packages: not written here (see .gitignore). */
const SKIP = [/^node_modules(\/|$)/, /^\.vitepress\/(dist|cache|\.temp)(\/|$)/, /^\.test-output(\/|$)/, /^en\/api(\/|$)/, /^(en\/)?reference\/errors\.md$/];

/** The hand-written public text: every Markdown page, and the site configuration (titles, descriptions, labels). */
function publicFiles(dir = DOCS): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const rel = relative(DOCS, path).split(sep).join('/');
    if (SKIP.some((re) => re.test(rel))) continue;
    if (entry.isDirectory()) files.push(...publicFiles(path));
    else if (rel.endsWith('.md') || /^\.vitepress\/[^/]+\.ts$/.test(rel)) files.push(path);
  }
  return files;
}

describe('public docs text', () => {
  const files = publicFiles();

  it('finds the pages of both languages', () => {
    const rel = files.map((f) => relative(DOCS, f).split(sep).join('/'));
    expect(rel).toContain('index.md');
    expect(rel).toContain('en/index.md');
    expect(rel).toContain('guide/getting-started.md');
    expect(rel).toContain('en/guide/getting-started.md');
  });

  it('never cites internal notes', () => {
    const hits: string[] = [];
    for (const file of files) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const re of FORBIDDEN) {
            if (re.test(line)) hits.push(`${relative(DOCS, file)}:${i + 1}: ${re.source}: ${line.trim().slice(0, 120)}`);
          }
        });
    }
    expect(hits).toEqual([]);
  });

  it('links only to error codes the catalogue has', () => {
    const unknown: string[] = [];
    for (const file of files) {
      for (const [, code] of readFileSync(file, 'utf8').matchAll(/errors#([A-Z][A-Z0-9_]+)\)/g)) {
        if (!Object.hasOwn(ERROR_CATALOGUE, code as string)) unknown.push(`${relative(DOCS, file)}: ${code}`);
      }
    }
    expect(unknown).toEqual([]);
  });
});
