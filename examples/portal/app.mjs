// The sample portal's HTTP application: sessions, password login, CA login, binding. Kept in one
// file a platform developer can read top to bottom; every Yizheng call is marked "Yizheng:".
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { authorize, httpStatusOf, bindCertificate, createCertificateTrust, createProviderRegistry, isYizhengError, issueChallenge, listBindings, unbindCertificate, verifyLogin } from '@yizheng/core';
import { createTrustStore } from '@yizheng/core/trust';
import { ACCOUNTS, ORGANIZATIONS } from './demo-data.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const coreDist = join(dirname(createRequire(import.meta.url).resolve('@yizheng/core/package.json')), 'dist');
const MAX_BODY = 200 * 1024;

/**
 * Builds the request handler. `stores` are Yizheng stores (SQLite by default), `demo` the demo CA
 * and keys, `origin` the exact origin the page is served from (it goes into every signed text).
 */
export function createPortal({ stores, demo, origin }) {
  // Yizheng: the context every login and binding call takes. The demo CA is the only anchor.
  const context = {
    stores,
    providers: createProviderRegistry([]),
    // The demo CA publishes no CRL or OCSP responder; a real platform sets 'require' or 'prefer'.
    trust: createCertificateTrust({ trustStore: createTrustStore(demo.ca), revocation: { policy: 'off' } }),
    scopes: { current: 'fujian' },
  };
  const sessions = new Map();

  const accountById = (id) => ACCOUNTS.find((a) => a.id === id);
  const orgById = (id) => ORGANIZATIONS.find((o) => o.id === id);
  const actorOf = (session) => {
    const a = accountById(session.accountId);
    return { accountId: a.id, organizationId: a.organizationId, isAdmin: a.isAdmin };
  };

  const MAX_SESSIONS = 10_000;
  function newSession(res, data = {}) {
    if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value);
    const id = randomBytes(32).toString('base64url');
    sessions.set(id, data);
    res.setHeader('Set-Cookie', `sid=${id}; HttpOnly; SameSite=Strict; Path=/`);
    return { id, data };
  }
  function session(req, res) {
    const sid = /(?:^|;\s*)sid=([A-Za-z0-9_-]{43})/.exec(req.headers.cookie ?? '')?.[1];
    if (sid && sessions.has(sid)) return { id: sid, data: sessions.get(sid) };
    return newSession(res);
  }
  /** A new session id at every login, so an id planted before login is worth nothing after it. */
  function rotate(s, res) {
    sessions.delete(s.id);
    const fresh = newSession(res, s.data);
    s.id = fresh.id;
  }

  async function body(req) {
    let size = 0;
    const parts = [];
    for await (const chunk of req) {
      size += chunk.length;
      if (size > MAX_BODY) throw Object.assign(new Error('body too large'), { status: 413 });
      parts.push(chunk);
    }
    try {
      return JSON.parse(Buffer.concat(parts).toString('utf8') || '{}');
    } catch {
      throw Object.assign(new Error('body is not JSON'), { status: 400 });
    }
  }

  const routes = {
    'GET /api/me': async (_req, s) => ({ session: describe(s.data) }),
    'GET /api/demo': async () => ({
      // Demo only: the software keys' material. A real platform never has users' private keys.
      keys: demo.keys, accounts: ACCOUNTS.map(({ password: _, ...a }) => a), organizations: ORGANIZATIONS,
    }),
    'POST /api/password-login': async (req, s, _url, res) => {
      const { account, password } = await body(req);
      const a = accountById(account);
      if (!a || a.password !== password) throw Object.assign(new Error('wrong account or password'), { status: 401 });
      rotate(s, res);
      s.data.accountId = a.id;
      s.data.method = 'password';
      return { session: describe(s.data) };
    },
    'POST /api/challenge': async (req, s) => {
      const { purpose } = await body(req);
      // Yizheng: a fresh challenge for this session and purpose; the page signs `text` exactly.
      const challenge = await issueChallenge({ sessionId: s.id, origin, purpose }, context);
      return { text: challenge.text, expiresAt: challenge.expiresAt };
    },
    'POST /api/ca-login': async (req, s, _url, res) => {
      const token = tokenOf(await body(req));
      // Yizheng: all login checks in order; throws a YizhengError with its own code on any failure.
      const result = await verifyLogin(token, { sessionId: s.id, origin }, context);
      rotate(s, res);
      s.data.accountId = result.account.id;
      s.data.method = 'certificate';
      s.data.binding = { isAdmin: result.binding.isAdmin, permissions: result.binding.permissions };
      return { session: describe(s.data), warnings: result.warnings, expiry: result.expiry };
    },
    'POST /api/bindings': async (req, s, url) => {
      requireLogin(s);
      // Yizheng: an account+password session may still bind certificates: the platform manuals say so.
      authorize(sessionForAuthorize(s.data), 'bind-certificate');
      const token = tokenOf(await body(req));
      const target = accountById(url.searchParams.get('target') ?? s.data.accountId);
      if (!target) throw Object.assign(new Error('no such account'), { status: 404 });
      const org = orgById(target.organizationId);
      // Yizheng: proof of possession, who may bind for whom, enterprise code match, already bound.
      const binding = await bindCertificate({
        sessionId: s.id, origin, token, actor: actorOf(s.data),
        target: { accountId: target.id, organizationId: org.id, enterpriseCode: org.enterpriseCode },
      }, context);
      return { binding };
    },
    'GET /api/bindings': async (_req, s) => {
      requireLogin(s);
      const actor = actorOf(s.data);
      const entries = await listBindings(actor.isAdmin ? { organizationId: actor.organizationId } : { accountId: actor.accountId }, context);
      return { bindings: entries.map((e) => ({ ...e.binding, expiry: e.expiry })) };
    },
    'POST /api/unbind': async (req, s) => {
      requireLogin(s);
      const { bindingId } = await body(req);
      return { removed: await unbindCertificate({ actor: actorOf(s.data), bindingId }, context) };
    },
    'POST /api/logout': async (_req, s) => {
      sessions.set(s.id, {});
      return { session: null };
    },
  };

  // The page posts the token itself (as @yizheng/core/client's submitToken does) or `{ token }`.
  function tokenOf(payload) {
    return payload && typeof payload === 'object' && 'token' in payload ? payload.token : payload;
  }

  function describe(data) {
    const a = data.accountId ? accountById(data.accountId) : undefined;
    return a ? { account: { id: a.id, name: a.name, isAdmin: a.isAdmin, organization: orgById(a.organizationId) }, method: data.method } : null;
  }
  function requireLogin(s) {
    if (!s.data.accountId) throw Object.assign(new Error('log in first'), { status: 401 });
  }
  function sessionForAuthorize(data) {
    return data.method === 'certificate' ? { method: 'certificate', binding: data.binding } : { method: 'password', accountId: data.accountId };
  }

  async function serveStatic(res, path) {
    // The page and the browser entries of @yizheng/core (ESM, as built).
    const file = path === '/' ? join(here, 'public', 'index.html')
      : path.startsWith('/vendor/core/') ? join(coreDist, normalize(path.slice('/vendor/core/'.length)))
        : join(here, 'public', normalize(path));
    if (!file.startsWith(here) && !file.startsWith(coreDist)) return false;
    if (file.includes('..') || !/\.(html|js|css)$/.test(file)) return false;
    try {
      const content = await readFile(file);
      const type = file.endsWith('.html') ? 'text/html' : file.endsWith('.css') ? 'text/css' : 'text/javascript';
      res.writeHead(200, { 'Content-Type': `${type}; charset=utf-8`, 'Cache-Control': 'no-store' });
      res.end(content);
      return true;
    } catch {
      return false;
    }
  }

  return async function handle(req, res) {
    const url = new URL(req.url ?? '/', origin);
    const route = routes[`${req.method} ${url.pathname}`];
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (!route) {
      if (req.method === 'GET' && (await serveStatic(res, url.pathname))) return;
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'not found' } }));
      return;
    }
    const s = session(req, res);
    try {
      const out = await route(req, s, url, res);
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(out));
    } catch (err) {
      // Yizheng errors carry a stable code, both languages and a remedy: send them as they are.
      const status = isYizhengError(err) ? httpStatusOf(err) : (err.status ?? 500);
      const error = isYizhengError(err) ? err.toJSON() : { message: status === 500 ? 'internal error' : err.message };
      if (status === 500) console.error(err);
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error }));
    }
  };
}
