// The portal page: header, menu, language switch, the views, and one truth about who is signed in
// across tabs (a change in one tab is broadcast; every tab re-reads the session when it is shown).
import { api } from './api.js';
import { currentLang, setLang, t } from './i18n.js';
import { busy, h, showBanner, showError } from './ui.js';
import { renderCas } from './views/cas.js';
import { renderCertificates } from './views/certificates.js';
import { renderHome } from './views/home.js';
import { renderLogin } from './views/login.js';
import { renderNotFound } from './views/not-found.js';
import { renderSubject } from './views/subject.js';

const state = { lang: currentLang(), session: null, city: null, permissions: [] };
const channel = 'BroadcastChannel' in window ? new BroadcastChannel('yizheng-portal') : null;
const sessionKey = (s) => (s ? `${s.account.id}|${s.method}|${s.certificate?.serialNumber ?? ''}` : '');

async function loadSession() {
  const answer = await api('GET', '/api/session');
  state.session = answer.session;
  state.city = answer.city;
  state.permissions = answer.permissions;
}

/** Tells the other tabs of this portal that the session changed. */
function announce() {
  channel?.postMessage({ type: 'session', city: state.city.id });
}

/** Re-reads the session; when another tab changed it, shows it and says so. */
async function resync() {
  const before = sessionKey(state.session);
  try {
    await loadSession();
  } catch {
    return;
  }
  if (sessionKey(state.session) !== before) {
    await render();
    const note = t(state.lang, state.session ? 'signedIn.elsewhere' : 'signedOut.elsewhere');
    // After a refused action, keep its error on screen and add why; otherwise the note alone.
    const shown = document.querySelector('#banner .msg.error');
    if (shown) shown.append(h('p', { 'data-testid': 'msg-resync' }, note));
    else showBanner('warn', [note]);
  }
}

channel?.addEventListener('message', (event) => {
  if (event.data?.type === 'session' && event.data.city === state.city?.id) void resync();
});
window.addEventListener('portal:resync', () => void resync());
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') void resync();
});

/** The menu: what this session may open (the server checks every route again). */
function menu() {
  const s = state.session;
  const province = state.city.kind === 'province';
  if (s?.method === 'password') return [['/certificates', 'nav.certificates']];
  return [
    ['/', 'nav.home'],
    ...(s ? [] : [['/login', 'nav.login']]),
    ...(province && s ? [['/certificates', 'nav.certificates']] : []),
    ...(province && s?.may['subject-info'] ? [['/subject', 'nav.subject']] : []),
    ['/cas', 'nav.cas'],
  ];
}

function renderHeader() {
  const { lang, session, city } = state;
  document.documentElement.lang = lang;
  document.title = `${city.name[lang]} · ${t(lang, 'nav.' + routeName(location.pathname))}`;
  document.getElementById('portal-name').textContent = city.name[lang];
  const nav = document.getElementById('nav');
  nav.setAttribute('aria-label', t(lang, 'nav.main'));
  nav.replaceChildren(...menu().map(([path, key]) => h('a', {
    href: path,
    'data-route': path,
    'data-testid': `nav-${path === '/' ? 'home' : path.slice(1)}`,
    ...(location.pathname === path && { 'aria-current': 'page' }),
  }, t(lang, key))));
  const who = document.getElementById('who');
  who.textContent = session
    ? `${session.account.name} · ${t(lang, session.method === 'certificate' ? 'who.certificate' : 'who.password')}`
    : t(lang, 'who.none');
  const logout = document.getElementById('logout');
  logout.hidden = !session;
  logout.textContent = t(lang, 'logout');
  document.getElementById('lang').textContent = t(lang, 'lang.switch');
  document.getElementById('footer').textContent = `${city.name[lang]} · Yizheng 一证`;
}

function routeName(path) {
  return { '/': 'home', '/login': 'login', '/certificates': 'certificates', '/subject': 'subject', '/cas': 'cas' }[path] ?? 'home';
}

const VIEWS = { '/': renderHome, '/login': renderLogin, '/certificates': renderCertificates, '/subject': renderSubject, '/cas': renderCas };

/** Where a session may not be: a password session sees 关联数字证书 only; nobody signed in sees no member page. */
function redirectFor(path) {
  const s = state.session;
  if (!VIEWS[path]) return null;
  if (s?.method === 'password' && path !== '/certificates') return '/certificates';
  if (!s && (path === '/certificates' || path === '/subject')) return '/login';
  if (s && path === '/login') return '/';
  return null;
}

let rendering = 0;
async function render() {
  const mine = ++rendering;
  const target = redirectFor(location.pathname);
  if (target) history.replaceState(null, '', target);
  renderHeader();
  const view = VIEWS[location.pathname] ?? renderNotFound;
  const main = document.getElementById('view');
  const ctx = {
    state,
    lang: state.lang,
    go,
    signedIn: async (answer) => {
      state.session = answer.session;
      announce();
    },
    signedOut: async () => {
      await loadSession();
      announce();
      await go('/login');
    },
    reload: async () => {
      await loadSession();
      await render();
    },
    stale: () => mine !== rendering,
  };
  try {
    const content = await view(ctx);
    if (mine === rendering) main.replaceChildren(...[content].flat());
  } catch (error) {
    if (mine === rendering) showError(state.lang, error);
  }
}

async function go(path) {
  if (location.pathname !== path) history.pushState(null, '', path);
  await render();
}

document.addEventListener('click', (event) => {
  const link = event.target.closest?.('a[data-route]');
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  document.getElementById('banner').replaceChildren();
  void go(link.getAttribute('data-route'));
});
window.addEventListener('popstate', () => void render());

document.getElementById('lang').addEventListener('click', () => {
  state.lang = state.lang === 'en' ? 'zh-CN' : 'en';
  setLang(state.lang);
  document.getElementById('banner').replaceChildren();
  void render();
});

document.getElementById('logout').addEventListener('click', (event) => {
  void busy(event.currentTarget, state.lang, async () => {
    await api('POST', '/api/logout');
    state.session = null;
    announce();
    await go('/login');
  });
});

try {
  await loadSession();
  await render();
} catch (error) {
  document.getElementById('view').replaceChildren();
  showError(state.lang, error);
}
