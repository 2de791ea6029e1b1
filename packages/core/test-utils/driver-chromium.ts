/**
 * A token driver in a real browser, for any driver package's tests: bundles the package's page entry
 * with esbuild (`@yizheng/core/client` and `@yizheng/core/software-token` taken from core's sources,
 * as the unit tests alias them, so a stale core build never matters), serves it on
 * `http://127.0.0.1:<random port>/`, launches Debian's Chromium (driven by playwright-core) with
 * {@link CHROMIUM_ARGS}, and lets the test call the driver's methods inside the page. Results come back
 * as values; failures come back as {@link DriverPageError}s carrying the page error's `code`,
 * `details`, both messages and both remedies (so `rejects.toMatchObject({ code, details })` works as
 * on the Node side).
 *
 * ```ts
 * import { findChromium, openDriverPage, type DriverPage } from '../../../core/test-utils/driver-chromium';
 *
 * const chromium = findChromium(); // CI=true: throws when Chromium is missing; locally: skip + note
 * describe.skipIf(chromium.skip !== null)(chromium.skip ?? 'driver in Chromium', () => {
 *   let page: DriverPage;
 *   beforeAll(async () => {
 *     page = await openDriverPage({ entry: new URL('./index.ts', import.meta.url), factory: 'createBjcaDriver' });
 *   }, 60_000);
 *   afterAll(() => page?.close());
 *
 *   it('lists', async () => {
 *     const driver = await page.driver({ url: emulator.url }); // the factory's options (structured-cloneable)
 *     expect(await driver.listCertificates()).toHaveLength(1);
 *     await expect(driver.login('c1', 'wrong!')).rejects.toMatchObject({ code: 'PIN_INCORRECT' });
 *     const pending = driver.begin('sign', ['c1', 'text']); // a call to abort later (USER_CANCELLED)
 *     await pending.abort();
 *     expect(await pending.settled).toMatchObject({ ok: false, error: { code: 'USER_CANCELLED' } });
 *     await driver.close();
 *   });
 * });
 * ```
 *
 * API (stable):
 * - {@link openDriverPage}`({ entry | script, factory, alias?, routes?, minify? })` → {@link DriverPage};
 * - `DriverPage`: `origin`, `driver(options?, { factory?, events? })` → {@link PageDriver}, `evaluate(js)`,
 *   `logs` (page console and errors), `page` (playwright's Page), `close()`;
 * - `PageDriver`: `listCertificates`, `login`, `sign`, `getPinStatus`, `changePin`, `logout` (each
 *   resolves or rejects with a {@link DriverPageError}), `call(method, args, { abortAfterMs? })`,
 *   `settle(method, args)` → {@link PageResult}, `begin(method, args)` → `{ abort(), result, settled }`,
 *   `events()` (the `TokenEvent`s received so far when created with `events: true`, which subscribes
 *   with `onEvent` at once), `info()` (`id`, `pinEntry`, which methods exist),
 *   `close()`.
 *
 * Test-only (never shipped): playwright-core is found wherever the workspace installed it (the
 * calling package, the pnpm store's hoisted folder, or yizheng-bridge's devDependencies).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { PinStatus, TokenCertificate, TokenEvent, TokenSignature } from '../src/client/token-driver';
import { CHROMIUM_ARGS, findChromium } from './chromium';

export { CHROMIUM_ARGS, findChromium } from './chromium';

const CORE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPO_ROOT = resolve(CORE_DIR, '../..');

/** The page-side aliases every bundle gets: core's page entries from sources. */
export const CORE_PAGE_ALIASES: Readonly<Record<string, string>> = {
  '@yizheng/core/client': resolve(CORE_DIR, 'src/client/index.ts'),
  '@yizheng/core/software-token': resolve(CORE_DIR, 'src/software-token/index.ts'),
};

/** Options of {@link openDriverPage}. */
export interface DriverPageOptions {
  /** The page entry to bundle (a path or file URL), e.g. `new URL('./index.ts', import.meta.url)`. */
  readonly entry?: string | URL;
  /** Instead of `entry`: ready ESM source to serve as the module (e.g. a package's built `dist/browser.js` read from disk, bundled). */
  readonly script?: string;
  /** The exported factory `driver()` calls by default, e.g. `createBjcaDriver`. */
  readonly factory: string;
  /** More esbuild aliases (added to {@link CORE_PAGE_ALIASES}). */
  readonly alias?: Readonly<Record<string, string>>;
  /** Minify the bundle (default false: readable stack traces). */
  readonly minify?: boolean;
  /** Extra routes on the page's server: return true when handled (e.g. a same-origin fake endpoint). */
  readonly routes?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
}

/** A page error as it crossed from the browser: a YizhengError's fields, or a plain error's. */
export interface SerialisedPageError {
  /** `YizhengError` for the page's errors, else the error's name. */
  readonly name: string;
  /** The stable code (YizhengErrors), else undefined. */
  readonly code?: string;
  /** The message in the error's locale (zh-CN by default). */
  readonly message: string;
  /** The details. */
  readonly details: Record<string, unknown>;
  /** Both messages (YizhengErrors). */
  readonly messages?: { readonly 'zh-CN': string; readonly en: string };
  /** Both remedies (YizhengErrors). */
  readonly remedies?: { readonly 'zh-CN': string; readonly en: string };
  /** True when the page's `isYizhengError` shape held (name `YizhengError` and a string code). */
  readonly isYizhengError: boolean;
  /** The cause's message, if any. */
  readonly cause?: string;
  /** The page-side stack. */
  readonly stack?: string;
}

/** An error thrown in the page, rethrown in the test with the same fields. */
export class DriverPageError extends Error {
  override readonly name: string;
  readonly code: string | undefined;
  readonly details: Record<string, unknown>;
  readonly messages: SerialisedPageError['messages'];
  readonly remedies: SerialisedPageError['remedies'];
  readonly isYizhengError: boolean;
  /** The serialised form. */
  readonly serialised: SerialisedPageError;

  constructor(e: SerialisedPageError) {
    super(e.message);
    this.name = e.name;
    this.code = e.code;
    this.details = e.details;
    this.messages = e.messages;
    this.remedies = e.remedies;
    this.isYizhengError = e.isYizhengError;
    this.serialised = e;
    if (e.stack !== undefined) this.stack = `${e.name}: ${e.message}\n    [page]\n${e.stack}`;
  }

  /** The remedy in zh-CN (YizhengErrors). */
  get remedy(): string | undefined {
    return this.remedies?.['zh-CN'];
  }
}

/** A call's outcome without throwing. */
export type PageResult<T = unknown> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SerialisedPageError };

/** A call started with {@link PageDriver.begin}. */
export interface PendingCall<T = unknown> {
  /** Aborts the call's signal in the page. */
  abort(): Promise<void>;
  /** The value, or rejects with a {@link DriverPageError}. */
  readonly result: Promise<T>;
  /** The outcome, never rejects. */
  readonly settled: Promise<PageResult<T>>;
}

/** Per-call options of {@link PageDriver.call}. */
export interface PageCallOptions {
  /** Pass `{ signal }` as the last argument and abort it after this many milliseconds. */
  readonly abortAfterMs?: number;
}

/** A driver living in the page; the TokenDriver's methods forwarded. */
export interface PageDriver {
  /** What the driver is: its id, pinEntry and which methods it has. */
  info(): Promise<{ id: string; pinEntry: string | undefined; methods: string[] }>;
  listCertificates(): Promise<TokenCertificate[]>;
  login(certId: string, pin: string): Promise<void>;
  sign(certId: string, text: string): Promise<TokenSignature>;
  getPinStatus(certId: string): Promise<PinStatus>;
  changePin(certId: string, oldPin: string, newPin: string): Promise<void>;
  logout(certId: string): Promise<void>;
  /** Any method by name; `args` must be structured-cloneable. */
  call<T = unknown>(method: string, args?: readonly unknown[], options?: PageCallOptions): Promise<T>;
  /** Any method by name, as a {@link PageResult}. */
  settle<T = unknown>(method: string, args?: readonly unknown[], options?: PageCallOptions): Promise<PageResult<T>>;
  /** Starts a call with an AbortSignal the test can abort. */
  begin<T = unknown>(method: string, args?: readonly unknown[]): PendingCall<T>;
  /** The `onEvent` events received so far: created with `events: true` only (else, and without `onEvent`, empty). */
  events(): Promise<TokenEvent[]>;
  /** Closes the driver in the page. */
  close(): Promise<void>;
}

/** A served page with the bundled driver module, in a running Chromium. */
export interface DriverPage {
  /** `http://127.0.0.1:<port>`: the page's origin (the page itself is `${origin}/`). */
  readonly origin: string;
  /** Page console lines and uncaught errors, for diagnosing a failure. */
  readonly logs: string[];
  /** playwright-core's Page, for anything else. */
  readonly page: PlaywrightPage;
  /**
   * Creates a driver in the page: `module[factory](options)`; with `events: true` it subscribes with
   * `onEvent` at once (which may call the client), for {@link PageDriver.events}.
   */
  driver(options?: Record<string, unknown>, how?: { readonly factory?: string; readonly events?: boolean }): Promise<PageDriver>;
  /**
   * Evaluates a JavaScript function body in the page (async allowed) with `mod` (the bundled module's
   * exports) and `arg` in scope, e.g. `evaluate('return Object.keys(mod)')`.
   */
  evaluate<T = unknown>(body: string, arg?: unknown): Promise<T>;
  /** Closes the browser and the server. */
  close(): Promise<void>;
}

/** The little of playwright-core's Page this harness uses (core does not depend on playwright-core's types). */
export interface PlaywrightPage {
  goto(url: string): Promise<unknown>;
  waitForFunction(expression: string): Promise<unknown>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  on(event: 'console', listener: (message: { type(): string; text(): string }) => void): unknown;
  on(event: 'pageerror', listener: (error: Error) => void): unknown;
  close(): Promise<void>;
}

interface PlaywrightBrowser {
  newPage(): Promise<PlaywrightPage>;
  close(): Promise<void>;
}

interface PlaywrightChromium {
  launch(options: { executablePath: string; headless: boolean; args: string[] }): Promise<PlaywrightBrowser>;
}

/** playwright-core, from wherever the workspace installed it. */
async function loadPlaywright(): Promise<PlaywrightChromium> {
  const require = createRequire(import.meta.url);
  const paths = [process.cwd(), resolve(REPO_ROOT, 'node_modules/.pnpm/node_modules'), resolve(REPO_ROOT, 'packages/pkcs11-bridge')];
  let file: string;
  try {
    file = require.resolve('playwright-core', { paths });
  } catch (err) {
    throw new Error(`playwright-core is not installed in this workspace (looked from ${paths.join(', ')}): run pnpm install`, { cause: err });
  }
  const mod = (await import(pathToFileURL(file).href)) as { chromium?: PlaywrightChromium; default?: { chromium?: PlaywrightChromium } };
  const chromium = mod.chromium ?? mod.default?.chromium;
  if (!chromium) throw new Error(`playwright-core at ${file} has no chromium export`);
  return chromium;
}

/** Bundles a page entry as one ESM file, core's page entries taken from sources. */
export async function bundlePageEntry(entry: string | URL, options: { alias?: Readonly<Record<string, string>>; minify?: boolean } = {}): Promise<string> {
  const out = await build({
    entryPoints: [entry instanceof URL ? fileURLToPath(entry) : entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: options.minify ?? false,
    write: false,
    logLevel: 'silent',
    alias: { ...CORE_PAGE_ALIASES, ...options.alias },
  });
  return out.outputFiles[0]?.text ?? '';
}

/**
 * The page-side runtime: keeps drivers by handle, runs their methods, serialises errors. Written as
 * plain JavaScript because it runs in the browser untranspiled.
 */
const PAGE_RUNTIME = `
import * as mod from '/driver.js';
const drivers = new Map();
const pending = new Map();
let next = 1;
const plain = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
const serialise = (e) => {
  if (e === null || typeof e !== 'object') return { name: 'Error', message: String(e), details: {}, isYizhengError: false };
  const yz = e instanceof Error && e.name === 'YizhengError' && typeof e.code === 'string';
  let json;
  try { json = typeof e.toJSON === 'function' ? e.toJSON() : undefined; } catch { json = undefined; }
  let details = {};
  try { details = plain(e.details ?? json?.details ?? {}) ?? {}; } catch { details = { unserialisable: String(e.details) }; }
  return {
    name: String(e.name ?? 'Error'),
    ...(typeof e.code === 'string' && { code: e.code }),
    message: String(e.message ?? ''),
    details,
    ...(json?.message && { messages: json.message }),
    ...(json?.remedy && { remedies: json.remedy }),
    isYizhengError: yz,
    ...(e.cause !== undefined && { cause: String(e.cause?.message ?? e.cause) }),
    ...(typeof e.stack === 'string' && { stack: e.stack }),
  };
};
window.__yz = {
  mod,
  async create(factory, options, subscribe) {
    const make = mod[factory];
    if (typeof make !== 'function') throw new Error('the page module exports no function ' + factory + ' (exports: ' + Object.keys(mod).join(', ') + ')');
    const driver = await make(options ?? {});
    const handle = next++;
    const events = [];
    const unsubscribe = subscribe && typeof driver.onEvent === 'function' ? driver.onEvent((e) => events.push(plain(e))) : undefined;
    drivers.set(handle, { driver, events, unsubscribe });
    return handle;
  },
  info(handle) {
    const { driver } = drivers.get(handle);
    const methods = ['listCertificates', 'login', 'sign', 'getPinStatus', 'changePin', 'logout', 'onEvent', 'close'].filter((m) => typeof driver[m] === 'function');
    return { id: driver.id, pinEntry: driver.pinEntry, methods };
  },
  async call(handle, method, args, abortAfterMs, callId) {
    const entry = drivers.get(handle);
    if (!entry) return { ok: false, error: serialise(new Error('no driver ' + handle)) };
    const fn = entry.driver[method];
    if (typeof fn !== 'function') return { ok: false, error: serialise(new TypeError('the driver has no method ' + method)) };
    const controller = new AbortController();
    if (callId !== undefined) pending.set(callId, controller);
    const extra = callId !== undefined || abortAfterMs !== undefined ? [{ signal: controller.signal }] : [];
    const timer = abortAfterMs !== undefined ? setTimeout(() => controller.abort(), abortAfterMs) : undefined;
    try {
      const value = await fn.apply(entry.driver, [...args, ...extra]);
      return { ok: true, value: plain(value) };
    } catch (e) {
      return { ok: false, error: serialise(e) };
    } finally {
      clearTimeout(timer);
      if (callId !== undefined) pending.delete(callId);
    }
  },
  abort(callId) {
    pending.get(callId)?.abort();
  },
  events(handle) {
    return drivers.get(handle)?.events ?? [];
  },
  async close(handle) {
    const entry = drivers.get(handle);
    if (!entry) return;
    drivers.delete(handle);
    entry.unsubscribe?.();
    await entry.driver.close?.();
  },
  async evaluate(body, arg) {
    return plain(await new Function('mod', 'arg', 'return (async () => {' + body + '})()')(mod, arg));
  },
};
document.body.dataset.ready = 'yes';
`;

interface PageRuntime {
  create(factory: string, options: unknown, subscribe: boolean): Promise<number>;
  info(handle: number): { id: string; pinEntry: string | undefined; methods: string[] };
  call(handle: number, method: string, args: unknown[], abortAfterMs: number | undefined, callId: number | undefined): Promise<PageResult>;
  abort(callId: number): void;
  events(handle: number): TokenEvent[];
  close(handle: number): Promise<void>;
  evaluate(body: string, arg: unknown): Promise<unknown>;
}

/** The page's global holding the runtime (functions given to `page.evaluate` run in the page, so they name it inline). */
type PageGlobal = { __yz: PageRuntime };

async function serve(script: string, routes: DriverPageOptions['routes']): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    void (async () => {
      try {
        if (routes && (await routes(req, res))) return;
        const path = (req.url ?? '/').split('?')[0];
        if (req.method === 'GET' && path === '/') {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(`<!doctype html><html><head><meta charset="utf-8"><title>driver test</title></head><body><script type="module" src="/runtime.js"></script></body></html>`);
        } else if (req.method === 'GET' && path === '/runtime.js') {
          res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
          res.end(PAGE_RUNTIME);
        } else if (req.method === 'GET' && path === '/driver.js') {
          res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
          res.end(script);
        } else {
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end('not found');
        }
      } catch (err) {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      }
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { origin: `http://127.0.0.1:${port}`, server };
}

/**
 * Bundles the entry, serves the page, launches Chromium and opens the page. Throws when Chromium is
 * missing (guard the suite with {@link findChromium}: under CI=true that throws, locally it skips).
 */
export async function openDriverPage(options: DriverPageOptions): Promise<DriverPage> {
  const executable = findChromium();
  if (executable.path === null) throw new Error(executable.skip);
  let script = options.script;
  if (script === undefined) {
    if (options.entry === undefined) throw new Error('openDriverPage: give entry or script');
    script = await bundlePageEntry(options.entry, { ...(options.alias && { alias: options.alias }), ...(options.minify !== undefined && { minify: options.minify }) });
  }
  const { origin, server } = await serve(script, options.routes);
  const logs: string[] = [];
  let browser: PlaywrightBrowser | undefined;
  try {
    const chromium = await loadPlaywright();
    browser = await chromium.launch({ executablePath: executable.path, headless: true, args: [...CHROMIUM_ARGS] });
    const page = await browser.newPage();
    page.on('console', (m) => void logs.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => void logs.push(`[pageerror] ${e.message}`));
    await page.goto(`${origin}/`);
    await page.waitForFunction("document.body.dataset.ready === 'yes'");
    return makePage(page, browser, server, origin, logs, options.factory);
  } catch (err) {
    await browser?.close().catch(() => undefined);
    await new Promise<void>((r) => server.close(() => r()));
    throw err;
  }
}

function makePage(page: PlaywrightPage, browser: PlaywrightBrowser, server: Server, origin: string, logs: string[], defaultFactory: string): DriverPage {
  let nextCall = 1;
  const unwrap = async <T>(settled: Promise<PageResult>): Promise<T> => {
    const r = await settled;
    if (r.ok) return r.value as T;
    throw new DriverPageError(r.error);
  };
  const makeDriver = (handle: number): PageDriver => {
    const settle = <T>(method: string, args: readonly unknown[] = [], o: PageCallOptions = {}): Promise<PageResult<T>> =>
      page.evaluate(([h, m, a, ms]) => (globalThis as unknown as PageGlobal).__yz.call(h, m, a, ms, undefined), [handle, method, [...args], o.abortAfterMs] as [number, string, unknown[], number | undefined]) as Promise<PageResult<T>>;
    const call = <T>(method: string, args: readonly unknown[] = [], o: PageCallOptions = {}): Promise<T> => unwrap<T>(settle(method, args, o));
    return {
      info: () => page.evaluate((h) => (globalThis as unknown as PageGlobal).__yz.info(h), handle),
      listCertificates: () => call('listCertificates'),
      login: (certId, pin) => call('login', [certId, pin]),
      sign: (certId, text) => call('sign', [certId, text]),
      getPinStatus: (certId) => call('getPinStatus', [certId]),
      changePin: (certId, oldPin, newPin) => call('changePin', [certId, oldPin, newPin]),
      logout: (certId) => call('logout', [certId]),
      call,
      settle,
      begin<T>(method: string, args: readonly unknown[] = []): PendingCall<T> {
        const callId = nextCall++;
        const settled = page.evaluate(([h, m, a, id]) => (globalThis as unknown as PageGlobal).__yz.call(h, m, a, undefined, id), [handle, method, [...args], callId] as [number, string, unknown[], number]) as Promise<PageResult<T>>;
        const result = unwrap<T>(settled);
        result.catch(() => undefined); // observed through `settled` too; avoid an unhandled rejection
        return { abort: () => page.evaluate((id) => (globalThis as unknown as PageGlobal).__yz.abort(id), callId), result, settled };
      },
      events: () => page.evaluate((h) => (globalThis as unknown as PageGlobal).__yz.events(h), handle),
      close: () => page.evaluate((h) => (globalThis as unknown as PageGlobal).__yz.close(h), handle),
    };
  };
  return {
    origin,
    logs,
    page,
    async driver(driverOptions = {}, how = {}) {
      const factory = how.factory ?? defaultFactory;
      let handle: number;
      try {
        handle = await page.evaluate(([f, o, e]) => (globalThis as unknown as PageGlobal).__yz.create(f, o, e), [factory, driverOptions, how.events === true] as [string, Record<string, unknown>, boolean]);
      } catch (err) {
        throw new Error(`creating ${factory} in the page failed; page log:\n${logs.join('\n')}`, { cause: err });
      }
      return makeDriver(handle);
    },
    evaluate: <T>(body: string, arg?: unknown) => page.evaluate(([b, a]) => (globalThis as unknown as PageGlobal).__yz.evaluate(b, a), [body, arg] as [string, unknown]) as Promise<T>,
    async close() {
      await browser.close().catch(() => undefined);
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
