// 首页: who is signed in, the subject registration state, and where to go next.
import { formatTime, t } from '../i18n.js';
import { h } from '../ui.js';

export async function renderHome({ lang, state }) {
  const s = state.session;
  const parts = [h('h1', {}, t(lang, 'home.title')), h('p', {}, t(lang, 'home.intro', { portal: state.city.name[lang] }))];
  if (!s) {
    parts.push(h('p', {}, h('a', { href: '/login', 'data-route': '/login', className: 'button primary', 'data-testid': 'home-login' }, t(lang, 'nav.login'))));
  } else {
    parts.push(h('p', { 'data-testid': 'home-who' }, t(lang, 'home.signedIn', { name: s.account.name, organization: s.organization.name })));
    if (state.city.kind === 'province') {
      parts.push(s.subjectSubmittedAt
        ? h('p', { className: 'ok-text', 'data-testid': 'subject-done' }, t(lang, 'home.subject.done', { time: formatTime(s.subjectSubmittedAt) }))
        : h('p', { className: 'warn-text', 'data-testid': 'subject-missing' }, t(lang, 'home.subject.missing')));
    }
  }
  return h('section', { className: 'card' }, ...parts);
}
