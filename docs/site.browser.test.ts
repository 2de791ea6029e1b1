// The built docs site in Chromium: crawls both languages from their home pages, following every link
// inside the site, and fails on a page that does not load, shows VitePress's "not found" page, or on
// a link to an anchor the target page does not have. Screenshots of both home pages go to
// docs/.test-output/ for a human to check that Chinese text renders.
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../packages/core/test-utils/chromium';

const DIST = fileURLToPath(new URL('./.vitepress/dist/', import.meta.url));
const OUTPUT = fileURLToPath(new URL('./.test-output/', import.meta.url));

/** The built site, or why the test skips (under CI=true a missing build is a failure). */
function findSite(): string | null {
  if (existsSync(join(DIST, 'index.html'))) return null;
  const message = `The docs site is not built (${DIST}): run bash scripts/x.sh pnpm docs:build`;
  if (process.env['CI'] === 'true') throw new Error(`CI=true: ${message}`);
  process.stderr.write(`[skip] ${message}\n`);
  return message;
}

const chromiumFound = findChromium();
const siteMissing = findSite();
const skip = chromiumFound.skip ?? siteMissing;

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The file a URL path names, as a static host serving VitePress's clean URLs does: `/a` is `a.html`, `/a/` is `a/index.html`. */
async function fileFor(pathname: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  const rel = normalize(decoded).replace(/^[/\\]+/, '');
  if (rel.split(sep).includes('..')) return undefined;
  const base = join(DIST, rel);
  const candidates = decoded.endsWith('/') ? [join(base, 'index.html')] : [base, `${base}.html`, join(base, 'index.html')];
  for (const file of candidates) if (await isFile(file)) return file;
  return undefined;
}

/** A tiny static server over the built site; unknown paths get VitePress's 404.html with status 404. */
function serve(): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    void (async () => {
      const { pathname } = new URL(req.url ?? '/', 'http://localhost');
      const file = await fileFor(pathname);
      if (file === undefined) {
        res.writeHead(404, { 'content-type': TYPES['.html'] });
        res.end(await readFile(join(DIST, '404.html')));
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(await readFile(file));
    })().catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}

/** What a page offers: its element ids (anchors) and its links. */
interface Visit {
  readonly notFound: boolean;
  readonly ids: readonly string[];
  readonly links: readonly string[];
}

/** What the rendered page shows: whether it is VitePress's "not found" page, its ids and its links. */
function readPage(page: Page): Promise<Visit> {
  return page.evaluate(() => ({
    notFound: document.querySelector('.NotFound') !== null,
    ids: [...document.querySelectorAll('[id]')].map((e) => e.id),
    links: [...document.querySelectorAll('a[href]')].map((a) => (a as HTMLAnchorElement).href),
  }));
}

/** Loads `url` and waits until VitePress has hydrated it; returns the HTTP status. */
async function load(page: Page, url: string): Promise<number> {
  const response = await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => '__vue_app__' in (document.querySelector('#app') ?? {}), undefined, { timeout: 10_000 });
  return response?.status() ?? 0;
}

/**
 * Renders `path` the way a reader clicking a link gets it: through VitePress's client router, which
 * loads only the page's own chunk (a full load per page would take a second each on a small machine).
 */
async function route(page: Page, path: string): Promise<Visit> {
  await page.evaluate(async (to) => {
    type Router = { go(href: string): Promise<void>; route: unknown };
    const app = (document.querySelector('#app') as unknown as { __vue_app__: { _context: { provides: Record<symbol, unknown> } } }).__vue_app__;
    const provides = app._context.provides;
    const router = Object.getOwnPropertySymbols(provides)
      .map((key) => provides[key])
      .find((v): v is Router => typeof v === 'object' && v !== null && 'go' in v && 'route' in v);
    if (router === undefined) throw new Error('VitePress router not found');
    await router.go(to);
    // The route change renders in Vue's next flush.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }, path);
  return readPage(page);
}

describe.skipIf(skip !== null)('docs site in Chromium', () => {
  let browser: Browser;
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    ({ server, origin } = await serve());
    browser = await chromium.launch({ executablePath: chromiumFound.path ?? undefined, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('renders both home pages with Chinese and English text', async () => {
    await mkdir(OUTPUT, { recursive: true });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    for (const [path, lang, file, heading] of [
      ['/', 'zh-CN', 'home-zh.png', '一证'],
      ['/en/', 'en', 'home-en.png', 'Yizheng'],
    ] as const) {
      expect(await load(page, origin + path), path).toBe(200);
      expect((await readPage(page)).notFound, path).toBe(false);
      expect(await page.getAttribute('html', 'lang'), path).toBe(lang);
      expect(await page.locator('.VPHero .name').first().innerText(), path).toContain(heading);
      await page.screenshot({ path: join(OUTPUT, file) });
    }
    await page.close();
  }, 120_000);

  it('has no broken internal link or anchor in either language', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
    expect(await load(page, `${origin}/`)).toBe(200);
    const pages = new Map<string, Visit>();
    const queue = ['/', '/en/'];
    /** Links with a hash: `from` links to `path#id`. */
    const anchors: { from: string; path: string; id: string }[] = [];
    const problems: string[] = [];
    const assets = new Set<string>();
    while (queue.length > 0) {
      const path = queue.shift() as string;
      if (pages.has(path)) continue;
      // What a static host answers for the URL (a reader opening it directly)...
      const response = await fetch(origin + path);
      const html = await response.text();
      if (response.status !== 200) problems.push(`${path}: HTTP ${response.status}`);
      else if (html.includes('class="NotFound"')) problems.push(`${path}: the server's page is the "not found" page`);
      // ...and what the reader sees after following a link to it.
      const result = await route(page, path);
      pages.set(path, result);
      if (result.notFound) problems.push(`${path}: shows the "not found" page`);
      for (const href of result.links) {
        const url = new URL(href);
        if (url.origin !== origin) continue;
        if (url.hash.length > 1) anchors.push({ from: path, path: url.pathname, id: decodeURIComponent(url.hash.slice(1)) });
        const ext = extname(url.pathname);
        if (ext !== '' && ext !== '.html') assets.add(url.pathname);
        else if (!pages.has(url.pathname)) queue.push(url.pathname);
      }
    }
    for (const asset of assets) {
      const response = await fetch(origin + asset);
      if (response.status !== 200) problems.push(`${asset}: HTTP ${response.status}`);
    }
    for (const { from, path, id } of anchors) {
      const target = pages.get(path);
      if (target && !target.notFound && !target.ids.includes(id)) problems.push(`${from}: links to ${path}#${id}, which has no such anchor`);
    }
    await page.close();
    problems.push(...errors);
    const visited = [...pages.keys()];
    // Both languages were reached, guides and reference alike.
    for (const path of ['/guide/getting-started', '/en/guide/getting-started', '/reference/errors', '/en/reference/errors', '/reference/faq', '/en/reference/faq', '/en/api/']) {
      expect(visited, path).toContain(path);
    }
    expect(visited.some((p) => p.startsWith('/en/api/@yizheng/core/'))).toBe(true);
    expect(problems).toEqual([]);
  }, 600_000);
});
