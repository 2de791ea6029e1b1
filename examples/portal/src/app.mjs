// The portal's HTTP application on Fastify 5. Every Yizheng call is marked "Yizheng:"; everything
// else is what any platform does anyway (sessions, CSRF, throttling, its own records).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import Fastify from 'fastify';
import { YizhengError, describeExpiry, isYizhengError, parseCertificate } from '@yizheng/core';
import { withMenuNames } from '@yizheng/core/errors';
import { errorAnswer, PortalError } from './errors.mjs';
import { authSessionOf, MANAGE_PERMISSIONS, PERMISSIONS } from './permissions.mjs';
import { createSessions } from './sessions.mjs';
import { createThrottle } from './throttle.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const publicDir = join(here, '..', 'public');
const require = createRequire(import.meta.url);
const distOf = (pkg) => join(dirname(require.resolve(`${pkg}/package.json`)), 'dist');
/** Browser bundles the page imports, by URL prefix. */
const VENDOR = {
  core: distOf('@yizheng/core'),
  'pkcs11-bridge': distOf('@yizheng/pkcs11-bridge'),
  'provider-bjca': distOf('@yizheng/provider-bjca'),
  'provider-cfca': distOf('@yizheng/provider-cfca'),
  'portal-keys': join(here, '..', 'keys'),
};
/** The vendor browser modules import `@yizheng/core/client` by name: the page maps the names to /vendor. */
const IMPORT_MAP = JSON.stringify({
  imports: {
    '@yizheng/core/client': '/vendor/core/client.js',
    '@yizheng/core/software-token': '/vendor/core/software-token.js',
    '@yizheng/pkcs11-bridge/browser': '/vendor/pkcs11-bridge/browser.js',
    '@yizheng/provider-bjca/browser': '/vendor/provider-bjca/browser.js',
    '@yizheng/provider-cfca/browser': '/vendor/provider-cfca/browser.js',
  },
});
const IMPORT_MAP_HASH = `'sha256-${createHash('sha256').update(IMPORT_MAP).digest('base64')}'`;
const PAGES = new Set(['/', '/login', '/certificates', '/subject', '/cas']);
const BODY_LIMIT = 64 * 1024;
const MINUTE = 60_000;

/**
 * @typedef {{ id: string, kind: 'province' | 'city', name: { 'zh-CN': string, en: string },
 *   province?: { name: { 'zh-CN': string, en: string }, url: string } }} City
 * @typedef {{ yizheng: import('@yizheng/core').Yizheng, directory: Awaited<ReturnType<typeof import('./directory.mjs').createDirectory>>,
 *   city: City, origin: string, demoKeys: unknown[],
 *   keys?: () => { descriptors: object[], scripts: Array<{ path: string, file: string }>, connectSrc: string[] },
 *   vendor?: Record<string, string>, logLevel?: string, now?: () => number }} PortalOptions
 */

/** Builds the portal. @param {PortalOptions} options */
export async function createPortalApp(options) {
  const { yizheng, directory, city, origin } = options;
  const keys = options.keys ?? (() => ({ descriptors: [], scripts: [], connectSrc: [] }));
  const vendor = { ...VENDOR, ...options.vendor };
  const app = Fastify({ bodyLimit: BODY_LIMIT, logger: { level: options.logLevel ?? 'warn' }, trustProxy: false });
  await app.register(fastifyCookie);
  // Every route, for the test that checks each one under every kind of session.
  const routes = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push(`${method} ${route.url}`);
  });
  app.decorate('portalRoutes', routes);
  const sessions = createSessions({ cookiePrefix: `yz_${city.id}`, secure: origin.startsWith('https:'), ...(options.now && { now: options.now }) });
  const throttles = {
    // Wrong passwords: 5 per account and 20 per address in 15 minutes.
    account: createThrottle({ limit: 5, windowMs: 15 * MINUTE }),
    address: createThrottle({ limit: 20, windowMs: 15 * MINUTE }),
    // Failed CA logins per address, and challenges per address (each one is a stored row).
    caLogin: createThrottle({ limit: 30, windowMs: 15 * MINUTE }),
    challenge: createThrottle({ limit: 30, windowMs: MINUTE }),
  };

  // ---- every request: who is signed in, security headers, CSRF on state changes -----------------
  app.addHook('onRequest', async (req, reply) => {
    req.session = sessions.current(req);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'same-origin');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Cache-Control', 'no-store');
    reply.header('Content-Security-Policy', contentSecurityPolicy(keys().connectSrc));
    if (req.method === 'GET' || req.method === 'HEAD') return;
    // A state change must come from this portal's own page: same Origin, JSON, and the CSRF token
    // of the session (or, before login, of the page's pre cookie).
    const key = req.session ? `sid:${req.session.id}` : req.cookies[`yz_${city.id}_pre`] ? `pre:${req.cookies[`yz_${city.id}_pre`]}` : null;
    const json = /^application\/json(;|$)/i.test(req.headers['content-type'] ?? '');
    if (req.headers.origin !== origin || !json || key === null || !sessions.checkCsrf(key, req.headers['x-csrf-token'])) {
      throw new PortalError('PORTAL_REQUEST_REJECTED');
    }
  });

  const csrfFor = (req, reply) => sessions.csrfToken(req.session ? `sid:${req.session.id}` : `pre:${sessions.preId(req, reply)}`);
  const challengeKey = (req) => (req.session ? req.session.id : `pre:${req.cookies[`yz_${city.id}_pre`]}`);

  /** Yizheng: the actor of a binding call; an admin only while signed in as the admin account (with an admin certificate, for a CA login). */
  const actorOf = (s) => {
    const account = directory.account(s.accountId);
    if (!account) throw new PortalError('PORTAL_SESSION_EXPIRED');
    const isAdmin = account.isAdmin && (s.method === 'password' || s.binding.isAdmin);
    return { accountId: account.id, organizationId: account.organizationId, isAdmin };
  };

  /**
   * The guard of every signed-in route: a session, its binding still there (re-read, so an unbind or a
   * permission change applies at once), and Yizheng's `authorize` for the route's permission.
   */
  const requirePermission = (permission) => async (req, reply) => {
    if (!req.session) throw new YizhengError('SIGN_IN_REQUIRED');
    if (!(await refreshBinding(req, reply))) throw new PortalError('PORTAL_SESSION_EXPIRED');
    // Yizheng: one call decides; a password session gets PERMISSION_DENIED for all but binding.
    yizheng.authorize(authSessionOf(req.session), permission);
  };

  /** Re-reads a certificate session's binding; false (and the session ended) when it is gone. */
  async function refreshBinding(req, reply) {
    const s = req.session;
    if (s.method !== 'certificate') return true;
    const binding = await yizheng.context.stores.bindings.findById(s.binding.id);
    if (!binding || binding.accountId !== s.accountId) {
      sessions.end(req, reply);
      req.session = null;
      return false;
    }
    s.binding = { ...s.binding, isAdmin: binding.isAdmin, permissions: [...binding.permissions] };
    return true;
  }

  const describeSession = (s) => {
    if (!s) return null;
    const account = directory.account(s.accountId);
    const organization = directory.organization(account.organizationId);
    const auth = authSessionOf(s);
    return {
      method: s.method,
      account: { id: account.id, name: account.name, isAdmin: actorOf(s).isAdmin },
      organization: { id: organization.id, name: organization.name, enterpriseCode: organization.enterpriseCode },
      certificate: s.method === 'certificate' ? { cn: s.binding.cn, serialNumber: s.binding.serialNumber, notAfter: s.binding.notAfter } : null,
      // What the menu shows; the server checks each route again.
      may: Object.fromEntries(['bind-certificate', 'view-own-certificates', 'unbind-certificate', MANAGE_PERMISSIONS, 'subject-info'].map((p) => [p, yizheng.isAuthorized(auth, p)])),
      subjectSubmittedAt: directory.subject(organization.id)?.submittedAt ?? null,
    };
  };

  const providerName = (providerId) => {
    const provider = yizheng.context.providers.providers.find((p) => p.info.id === providerId);
    return provider ? provider.info.names : { 'zh-CN': providerId, en: providerId };
  };
  const commonName = (dn) => /(?:^|,\s*)CN=((?:\\.|[^,])*)/.exec(dn)?.[1]?.replace(/\\(.)/g, '$1') ?? dn;
  const accountName = (id) => directory.account(id)?.name ?? id;
  const row = (binding, expiry) => ({
    id: binding.id,
    cn: commonName(binding.certificate.subjectDn),
    entityName: binding.entityName,
    enterpriseCode: binding.enterpriseCode,
    serialNumber: binding.certificate.serialNumber,
    notBefore: binding.certificate.notBefore,
    notAfter: binding.certificate.notAfter,
    ca: providerName(binding.providerId),
    account: { id: binding.accountId, name: accountName(binding.accountId) },
    boundBy: accountName(binding.boundBy),
    isAdmin: binding.isAdmin,
    permissions: binding.permissions,
    ...(expiry && { expiry: { state: expiry.state, daysLeft: expiry.daysLeft } }),
  });

  // ---- session ----------------------------------------------------------------------------------
  app.get('/api/session', async (req, reply) => ({
    session: req.session && (await refreshBinding(req, reply)) ? describeSession(req.session) : null,
    csrf: csrfFor(req, reply),
    city: { id: city.id, kind: city.kind, name: city.name, ...(city.province && { province: city.province }) },
    permissions: PERMISSIONS,
  }));

  const shortString = (value, max) => typeof value === 'string' && value.length > 0 && value.length <= max;

  app.post('/api/login/password', async (req, reply) => {
    if (city.kind !== 'province') throw new PortalError('PORTAL_NOT_FOUND');
    const { account, password } = req.body ?? {};
    if (!shortString(account, 100) || !shortString(password, 128)) throw new PortalError('PORTAL_LOGIN_FAILED');
    const accountKey = `a:${account.normalize('NFKC').trim().toUpperCase()}`;
    const addressKey = `i:${req.ip}`;
    const wait = Math.max(throttles.account.blockedFor(accountKey), throttles.address.blockedFor(addressKey));
    if (wait > 0) throw throttled(reply, wait);
    const found = await directory.checkPassword(account, password);
    if (!found) {
      throttles.account.hit(accountKey);
      throttles.address.hit(addressKey);
      throw new PortalError('PORTAL_LOGIN_FAILED');
    }
    throttles.account.reset(accountKey);
    req.session = sessions.start(req, reply, { accountId: found.id, method: 'password' });
    return { session: describeSession(req.session), csrf: csrfFor(req, reply) };
  });

  app.post('/api/challenge', async (req, reply) => {
    const purpose = req.body?.purpose;
    if (purpose !== 'login' && purpose !== 'bind') throw new PortalError('PORTAL_BAD_REQUEST');
    if (purpose === 'bind') await requirePermission('bind-certificate')(req, reply);
    const wait = throttles.challenge.blockedFor(`i:${req.ip}`);
    if (wait > 0) throw throttled(reply, wait, 'PORTAL_TOO_MANY_REQUESTS');
    throttles.challenge.hit(`i:${req.ip}`);
    // Yizheng: a single-use challenge for this session (or, before login, the page's pre id).
    const challenge = await yizheng.issueChallenge({ sessionId: challengeKey(req), origin, purpose });
    return { text: challenge.text, expiresAt: challenge.expiresAt };
  });

  app.post('/api/login/certificate', async (req, reply) => {
    const addressKey = `i:${req.ip}`;
    const wait = throttles.caLogin.blockedFor(addressKey);
    if (wait > 0) throw throttled(reply, wait, 'PORTAL_TOO_MANY_REQUESTS');
    let result;
    try {
      // Yizheng: every login check, in order; a YizhengError with its own code on any failure.
      result = await yizheng.verifyLogin(req.body?.token ?? req.body, { sessionId: challengeKey(req), origin });
    } catch (error) {
      if (isYizhengError(error)) throttles.caLogin.hit(addressKey);
      throw error;
    }
    const account = directory.account(result.account.id);
    if (!account) throw new PortalError('PORTAL_ACCOUNT_NOT_FOUND');
    // 一证通用: a city accepts the province's bindings once the subject is registered there.
    if (city.kind === 'city' && !directory.subject(account.organizationId)) {
      const organization = directory.organization(account.organizationId);
      throw new PortalError('PORTAL_SUBJECT_NOT_REGISTERED', {
        organization: organization.name, province: city.province.name['zh-CN'], provinceEn: city.province.name.en, provinceUrl: city.province.url, city: city.name['zh-CN'], cityEn: city.name.en,
      });
    }
    const b = result.binding;
    req.session = sessions.start(req, reply, {
      accountId: account.id,
      method: 'certificate',
      binding: { id: b.id, isAdmin: b.isAdmin, permissions: [...b.permissions], cn: result.certificate.subject.commonName ?? commonName(b.certificate.subjectDn), serialNumber: b.certificate.serialNumber, notAfter: b.certificate.notAfter },
    });
    return {
      session: describeSession(req.session),
      csrf: csrfFor(req, reply),
      // Yizheng: the expiry reminder by threshold (level null: nothing to remind) and what to show.
      expiry: { state: result.expiry.state, daysLeft: result.expiry.daysLeft, level: result.expiry.level, notAfter: result.expiry.notAfter, message: expiryMessage(result.expiry) },
      // CERT_EXPIRING says what `expiry.message` says: the page shows the reminder once.
      warnings: result.warnings.filter((w) => w.code !== 'CERT_EXPIRING').map((w) => ({ code: w.code, message: w.message })),
      ca: { names: providerName(result.providerId), support: providerSupport(result.providerId) },
    };
  });

  app.post('/api/logout', async (req, reply) => {
    sessions.end(req, reply);
    req.session = null;
    return { session: null, csrf: csrfFor(req, reply) };
  });

  // ---- 关联数字证书 -------------------------------------------------------------------------------
  app.get('/api/accounts', { preHandler: requirePermission('bind-certificate') }, async (req) => {
    const actor = actorOf(req.session);
    return { accounts: actor.isAdmin ? directory.accountsOf(actor.organizationId) : [directory.account(actor.accountId)] };
  });

  // What 【关联数字证书】 shows before 【确认关联】: the certificate's subject, code, serial, validity, CA.
  app.post('/api/certificates/preview', { preHandler: requirePermission('bind-certificate') }, async (req) => {
    const certificate = req.body?.certificate;
    if (!shortString(certificate, 16 * 1024)) throw new PortalError('PORTAL_BAD_REQUEST');
    // Yizheng: strict parse (size-limited), then who issued it and whom it speaks for.
    const cert = parseCertificate(certificate);
    const match = yizheng.context.providers.identify(cert);
    const identity = match.provider.extractIdentity(cert);
    return {
      cn: cert.subject.commonName ?? null,
      entityName: identity.entityName ?? null,
      enterpriseCode: identity.uscc ?? identity.orgCode ?? identity.registrationNumber ?? null,
      serialNumber: cert.serialNumber,
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      ca: match.fallback ? null : match.provider.info.names,
    };
  });

  app.post('/api/certificates', { preHandler: requirePermission('bind-certificate') }, async (req) => {
    const { token, targetAccountId, isAdmin } = req.body ?? {};
    const actor = actorOf(req.session);
    const target = targetAccountId === undefined ? directory.account(actor.accountId) : shortString(targetAccountId, 64) ? directory.account(targetAccountId) : null;
    if (!target) throw new PortalError('PORTAL_ACCOUNT_NOT_FOUND');
    const organization = directory.organization(target.organizationId);
    // Yizheng: proof of possession, who may bind for whom, enterprise code match, not bound elsewhere.
    const binding = await yizheng.bindCertificate({
      sessionId: req.session.id,
      origin,
      token,
      actor,
      target: { accountId: target.id, organizationId: organization.id, enterpriseCode: organization.enterpriseCode },
      ...(actor.isAdmin && isAdmin === true && { isAdmin: true }),
    }).catch(async (error) => {
      throw isYizhengError(error, 'ALREADY_BOUND') ? await alreadyBoundHere(error, actor) : error;
    });
    return { binding: row(binding) };
  });

  app.get('/api/certificates', { preHandler: requirePermission('view-own-certificates') }, async (req) => {
    const actor = actorOf(req.session);
    const wholeOrganization = actor.isAdmin || yizheng.isAuthorized(authSessionOf(req.session), 'view-organization-certificates');
    // Yizheng: the bindings with their expiry now.
    const entries = await yizheng.listBindings(wholeOrganization ? { organizationId: actor.organizationId } : { accountId: actor.accountId });
    return { certificates: entries.map((e) => row(e.binding, e.expiry)), wholeOrganization };
  });

  app.post('/api/certificates/:id/unbind', { preHandler: requirePermission('unbind-certificate') }, async (req, reply) => {
    // Yizheng: the account itself or its organisation's admin may unbind.
    const removed = await yizheng.unbindCertificate({ actor: actorOf(req.session), bindingId: String(req.params.id) });
    // Unbinding the certificate this session logged in with ends the session.
    const signedOut = req.session.method === 'certificate' && req.session.binding.id === removed.id;
    if (signedOut) sessions.end(req, reply);
    return { removed: row(removed), signedOut };
  });

  app.post('/api/certificates/:id/permissions', { preHandler: requirePermission(MANAGE_PERMISSIONS) }, async (req) => {
    const { isAdmin, permissions } = req.body ?? {};
    const known = new Set(PERMISSIONS.map((p) => p.id));
    if (typeof isAdmin !== 'boolean' || !Array.isArray(permissions) || permissions.length > known.size || !permissions.every((p) => known.has(p))) {
      throw new PortalError('PORTAL_BAD_REQUEST');
    }
    // Yizheng: only an admin of the same organisation may; written with an audit record.
    const updated = await yizheng.setBindingPermissions({ actor: actorOf(req.session), bindingId: String(req.params.id), permissions: { isAdmin, permissions: [...new Set(permissions)] } });
    return { certificate: row(updated) };
  });

  // ---- 主体信息登记 ------------------------------------------------------------------------------
  app.get('/api/subject', { preHandler: requirePermission('subject-info') }, async (req) => {
    const organization = directory.organization(actorOf(req.session).organizationId);
    return { organization, subject: directory.subject(organization.id) };
  });

  app.post('/api/subject', { preHandler: requirePermission('subject-info') }, async (req) => {
    const actor = actorOf(req.session);
    const organization = directory.organization(actor.organizationId);
    const info = checkSubject(req.body ?? {}, organization);
    return { subject: directory.saveSubject(organization.id, { ...info, submittedAt: new Date().toISOString(), submittedBy: actor.accountId }) };
  });

  // ---- public information ------------------------------------------------------------------------
  app.get('/api/cas', async () => ({
    cas: yizheng.context.providers.providers.map((p) => ({ id: p.info.id, names: p.info.names, support: p.info.support })),
  }));
  // Demo only: the demo keys' private keys go to the page. A real platform never holds users' keys.
  app.get('/api/keys', async () => ({ demoKeys: options.demoKeys, descriptors: keys().descriptors }));

  /**
   * Yizheng names the holding account masked (it cannot know who may see it). The portal can: within
   * the user's own organisation it names the account as the user knows it (该证书已被绑定 naming where).
   */
  async function alreadyBoundHere(error, actor) {
    const holder = await yizheng.context.stores.bindings.findById(error.details.bindingId);
    if (!holder || holder.organizationId !== actor.organizationId) return error;
    return withMenuNames(new YizhengError('ALREADY_BOUND', { ...error.details, accountId: accountName(holder.accountId) }), yizheng.config.menus);
  }

  function providerSupport(providerId) {
    return yizheng.context.providers.providers.find((p) => p.info.id === providerId)?.info.support ?? [];
  }

  // ---- pages and files ----------------------------------------------------------------------------
  const shell = (await readFile(join(publicDir, 'index.html'), 'utf8')).replace('<!--importmap-->', `<script type="importmap">${IMPORT_MAP}</script>`);
  app.get('/*', async (req, reply) => {
    const path = req.url.split('?')[0];
    if (path.startsWith('/api/')) throw new PortalError('PORTAL_NOT_FOUND');
    const emulator = keys().scripts.find((entry) => entry.path === path);
    const file = emulator ? { path: emulator.file, type: 'text/javascript; charset=utf-8' } : staticFile(path);
    if (file) {
      try {
        const body = await readFile(file.path);
        return reply.type(file.type).send(body);
      } catch {
        // fall through to the 404 page
      }
    }
    if (PAGES.has(path)) sessions.preId(req, reply);
    return reply.code(PAGES.has(path) ? 200 : 404).type('text/html; charset=utf-8').send(shell);
  });

  function staticFile(path) {
    let root;
    let rest;
    if (path.startsWith('/assets/')) [root, rest] = [publicDir, path.slice('/assets/'.length)];
    else {
      const m = /^\/vendor\/([a-z0-9-]+)\/(.+)$/.exec(path);
      if (!m || !vendor[m[1]]) return null;
      [root, rest] = [vendor[m[1]], m[2]];
    }
    if (!/^[\w-]+(\/[\w.-]+)*\.(js|css|svg)$/.test(rest) || rest.includes('..')) return null;
    const full = resolve(root, rest);
    if (!full.startsWith(root + sep)) return null;
    const type = full.endsWith('.css') ? 'text/css; charset=utf-8' : full.endsWith('.svg') ? 'image/svg+xml' : 'text/javascript; charset=utf-8';
    return { path: full, type };
  }

  app.setNotFoundHandler(async () => {
    throw new PortalError('PORTAL_NOT_FOUND');
  });
  app.setErrorHandler((error, req, reply) => {
    const answer = errorAnswer(error);
    if (answer.unexpected) req.log.error(error);
    return reply.code(answer.status).type('application/json; charset=utf-8').send(answer.body);
  });
  app.decorateRequest('session', null);
  return app;
}

function throttled(reply, waitMs, code = 'PORTAL_LOGIN_THROTTLED') {
  const seconds = Math.ceil(waitMs / 1000);
  reply.header('Retry-After', String(seconds));
  return new PortalError(code, { minutes: Math.ceil(seconds / 60), seconds });
}

/** The reminder to show at login: none while the certificate is simply valid (no threshold reached). */
function expiryMessage(expiry) {
  return expiry.state === 'valid' ? null : describeExpiry(expiry);
}

const PHONE = /^(?:1\d{10}|0\d{2,3}-?\d{7,8}|400-?\d{3}-?\d{4})$/;

/** Checks the subject registration form; PORTAL_FIELD_INVALID names the field in both languages. */
function checkSubject(body, organization) {
  const field = (name, zh, en, max) => {
    const value = typeof body[name] === 'string' ? body[name].trim() : '';
    if (value.length === 0) throw new PortalError('PORTAL_FIELD_INVALID', { field: zh, fieldEn: en, reason: '不能为空', reasonEn: 'it is empty' });
    if (value.length > max) throw new PortalError('PORTAL_FIELD_INVALID', { field: zh, fieldEn: en, reason: `不能超过${max}个字`, reasonEn: `more than ${max} characters` });
    return value;
  };
  const info = {
    name: organization.name,
    enterpriseCode: organization.enterpriseCode,
    legalRepresentative: field('legalRepresentative', '法定代表人', 'Legal representative', 50),
    contactName: field('contactName', '联系人', 'Contact person', 50),
    contactPhone: field('contactPhone', '联系电话', 'Contact phone', 20),
    address: field('address', '注册地址', 'Registered address', 200),
  };
  if (!PHONE.test(info.contactPhone.replace(/\s/g, ''))) {
    throw new PortalError('PORTAL_FIELD_INVALID', { field: '联系电话', fieldEn: 'Contact phone', reason: '应为手机号或区号-电话号码', reasonEn: 'use a mobile number or area code and number' });
  }
  return info;
}

/** The Content-Security-Policy: our own scripts (and the import map) and styles only; the key clients' loopback ports for connect. */
export function contentSecurityPolicy(connectSrc = []) {
  const local = connectSrc.filter((origin) => /^(ws|http)s?:\/\/(127\.0\.0\.1|localhost):\d{1,5}$/.test(origin));
  return [
    "default-src 'self'",
    `script-src 'self' ${IMPORT_MAP_HASH}`,
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${local.map((o) => ` ${o}`).join('')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
