// 受理CA: the CAs this platform accepts, with their hotlines, from the providers it is configured with.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { h } from '../ui.js';

export async function renderCas({ lang }) {
  const { cas } = await api('GET', '/api/cas');
  return h('section', { className: 'card' },
    h('h1', {}, t(lang, 'cas.title')),
    h('p', {}, t(lang, 'cas.note')),
    h('ul', { className: 'ca-list', 'data-testid': 'ca-list' }, ...cas.map((ca) => h('li', {},
      h('strong', {}, ca.names[lang]),
      // Each CA words its own lines (客服电话, 服务热线, ...): shown as it gives them.
      h('span', {}, ca.support.length > 0
        ? ca.support.map((s) => `${s.label}${t(lang, 'colon')}${s.phone}`).join(t(lang, 'list.sep'))
        : `${t(lang, 'cas.hotline')}${t(lang, 'colon')}${t(lang, 'cas.none')}`)))));
}
