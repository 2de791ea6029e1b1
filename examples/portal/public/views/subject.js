// 【主体信息登记】: after a CA login with the permission; once submitted, the organisation's linked
// certificates work at the province's city platforms.
import { api } from '../api.js';
import { formatTime, t } from '../i18n.js';
import { busy, h, showBanner } from '../ui.js';

const FIELDS = [
  ['legalRepresentative', 'subject.legal', 50],
  ['contactName', 'subject.contact', 50],
  ['contactPhone', 'subject.phone', 20],
  ['address', 'subject.address', 200],
];

export async function renderSubject(ctx) {
  const { lang, state } = ctx;
  if (!state.session?.may['subject-info']) return h('section', { className: 'card narrow' }, h('h1', {}, t(lang, 'subject.title')), h('p', { className: 'notice' }, t(lang, 'subject.caOnly')));
  const { organization, subject } = await api('GET', '/api/subject');
  const inputs = Object.fromEntries(FIELDS.map(([name, , max]) => [name, h('input', { name, 'data-testid': `subject-${name}`, maxLength: max, required: true, value: subject?.[name] ?? '' })]));
  const submit = h('button', { type: 'submit', className: 'primary', 'data-testid': 'subject-submit' }, t(lang, 'subject.submit'));
  const form = h('form', { className: 'form', onsubmit: (event) => {
    event.preventDefault();
    void busy(submit, lang, async () => {
      await api('POST', '/api/subject', Object.fromEntries(Object.entries(inputs).map(([k, input]) => [k, input.value])));
      showBanner('ok', [h('p', { 'data-testid': 'subject-ok' }, t(lang, 'subject.ok'))]);
      await ctx.reload();
    }, Object.values(inputs));
  } },
  h('dl', {}, h('dt', {}, t(lang, 'subject.name')), h('dd', {}, organization.name), h('dt', {}, t(lang, 'subject.code')), h('dd', {}, organization.enterpriseCode)),
  ...FIELDS.map(([name, key]) => h('label', { className: 'field' }, h('span', {}, t(lang, key)), inputs[name])),
  subject ? h('p', { className: 'ok-text', 'data-testid': 'subject-submitted' }, t(lang, 'subject.submitted', { time: formatTime(subject.submittedAt) })) : null,
  h('div', { className: 'actions' }, submit));
  return h('section', { className: 'card narrow' }, h('h1', {}, t(lang, 'subject.title')), h('p', { className: 'hint' }, t(lang, 'subject.note')), form);
}
