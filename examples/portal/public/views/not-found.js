// The 404 page (the server answers such paths with status 404 and this page).
import { t } from '../i18n.js';
import { h } from '../ui.js';

export async function renderNotFound({ lang }) {
  return h('section', { className: 'card narrow', 'data-testid': 'not-found' },
    h('h1', {}, t(lang, 'notFound.title')),
    h('p', {}, t(lang, 'notFound.text')),
    h('p', {}, h('a', { href: '/', 'data-route': '/', className: 'button primary' }, t(lang, 'notFound.home'))));
}
