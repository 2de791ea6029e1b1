// Sessions exist only after a successful login (password or certificate) and get a new id at every
// login, so anonymous traffic can neither fill the table nor push signed-in users out, and an id
// planted before login is worth nothing after it. Before login the page carries a random "pre" cookie
// that the server does not store: it keys the login challenge and the anonymous CSRF token.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * @param {{ cookiePrefix: string, secure: boolean, idleMs?: number, maxAgeMs?: number, max?: number, now?: () => number }} options
 */
export function createSessions({ cookiePrefix, secure, idleMs = 30 * 60_000, maxAgeMs = 8 * 3600_000, max = 20_000, now = Date.now }) {
  const secret = randomBytes(32);
  /** @type {Map<string, { id: string, accountId: string, method: 'password'|'certificate', binding?: object, createdAt: number, seenAt: number }>} */
  const table = new Map();
  const sidCookie = `${cookiePrefix}_sid`;
  const preCookie = `${cookiePrefix}_pre`;
  const cookieOptions = { httpOnly: true, sameSite: 'strict', path: '/', secure };

  const live = (s) => s && now() - s.seenAt < idleMs && now() - s.createdAt < maxAgeMs;

  return {
    /** The signed-in session of the request, or null (an unknown, idle or too old id is dropped). */
    current(req) {
      const id = req.cookies[sidCookie];
      if (!id || !ID.test(id)) return null;
      const s = table.get(id);
      if (!live(s)) {
        table.delete(id);
        return null;
      }
      s.seenAt = now();
      // Most recently used last, so the first entry is the one to evict.
      table.delete(id);
      table.set(id, s);
      return s;
    },
    /** The id that keys challenges and CSRF tokens before login; made (not stored) when missing. */
    preId(req, reply) {
      const existing = req.cookies[preCookie];
      if (existing && ID.test(existing)) return existing;
      const id = randomBytes(32).toString('base64url');
      reply.setCookie(preCookie, id, cookieOptions);
      req.cookies[preCookie] = id;
      return id;
    },
    /** Starts a session for a login, dropping the request's old one. */
    start(req, reply, data) {
      const old = req.cookies[sidCookie];
      if (old) table.delete(old);
      if (table.size >= max) table.delete(table.keys().next().value);
      const id = randomBytes(32).toString('base64url');
      const s = { ...data, id, createdAt: now(), seenAt: now() };
      table.set(id, s);
      reply.setCookie(sidCookie, id, cookieOptions);
      // A new pre id too: the anonymous CSRF token of before the login is dead.
      reply.setCookie(preCookie, randomBytes(32).toString('base64url'), cookieOptions);
      return s;
    },
    end(req, reply) {
      const id = req.cookies[sidCookie];
      if (id) table.delete(id);
      reply.clearCookie(sidCookie, { path: '/' });
    },
    /** The CSRF token for a session, or for the pre id before login: an HMAC, nothing stored. */
    csrfToken(key) {
      return createHmac('sha256', secret).update(`csrf\0${key}`).digest('base64url');
    },
    checkCsrf(key, token) {
      if (typeof token !== 'string' || token.length !== 43) return false;
      return timingSafeEqual(Buffer.from(token), Buffer.from(this.csrfToken(key)));
    },
    get size() {
      return table.size;
    },
  };
}
