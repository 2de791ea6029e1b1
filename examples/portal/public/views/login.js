// 【账号登录】 and 【CA登录】. The city portal has CA login only: its certificates are linked at the
// province (一证通用).
import { requestChallenge, submitToken } from '/vendor/core/client.js';
import { api, csrfHeader, remember } from '../api.js';
import { t } from '../i18n.js';
import { createKeyPanel } from '../keypanel.js';
import { busy, h, showBanner } from '../ui.js';

let tab = 'password';

export async function renderLogin(ctx) {
  const { lang, state } = ctx;
  const province = state.city.kind === 'province';
  const current = province ? tab : 'certificate';
  const tabs = province
    ? h('div', { className: 'tabs', role: 'tablist' }, ...['password', 'certificate'].map((id) => h('button', {
      type: 'button', role: 'tab', 'aria-selected': String(current === id), 'data-testid': `tab-${id}`,
      onclick: () => { tab = id; void ctx.reload(); },
    }, t(lang, `login.tab.${id}`))))
    : null;
  const body = current === 'password' ? passwordForm(ctx) : await certificateForm(ctx);
  return h('section', { className: 'card narrow' }, h('h1', {}, t(lang, 'login.title')), tabs, body);
}

function passwordForm(ctx) {
  const { lang } = ctx;
  const account = h('input', { id: 'account', name: 'account', 'data-testid': 'account', autocomplete: 'username', placeholder: t(lang, 'login.account.hint'), maxLength: 100, required: true });
  const password = h('input', { id: 'password', name: 'password', type: 'password', 'data-testid': 'password', autocomplete: 'current-password', maxLength: 128, required: true });
  const submit = h('button', { type: 'submit', className: 'primary', 'data-testid': 'password-login' }, t(lang, 'login.submit'));
  const form = h('form', { className: 'form', onsubmit: (event) => {
    event.preventDefault();
    void busy(submit, lang, async () => {
      const answer = await api('POST', '/api/login/password', { account: account.value, password: password.value });
      password.value = '';
      await ctx.signedIn(answer);
      showBanner('ok', [t(lang, 'login.ok.password')]);
      await ctx.go('/certificates');
    }, [account, password]);
  } },
  h('label', { className: 'field' }, h('span', {}, t(lang, 'login.account')), account),
  h('label', { className: 'field' }, h('span', {}, t(lang, 'login.password')), password),
  h('p', { className: 'hint' }, t(lang, 'login.password.note')),
  h('div', { className: 'actions' }, submit));
  return form;
}

async function certificateForm(ctx) {
  const { lang, state } = ctx;
  const panel = await createKeyPanel({ lang });
  const submit = h('button', { type: 'button', className: 'primary', 'data-testid': 'ca-login' }, t(lang, 'key.caLogin'));
  submit.addEventListener('click', () => void busy(submit, lang, async () => {
    // One challenge per click, asked for only after the key accepted the PIN.
    const token = await panel.sign(() => requestChallenge('/api/challenge', { purpose: 'login', headers: csrfHeader() }));
    if (!token) return;
    const answer = remember(await submitToken('/api/login/certificate', token, { headers: csrfHeader() }));
    await ctx.signedIn(answer);
    showLoginResult(lang, answer);
    await ctx.go('/');
  }, panel.controls));
  const note = state.city.kind === 'city' ? h('p', { className: 'hint' }, t(lang, 'login.city.note', { province: state.city.province.name[lang] })) : null;
  return h('div', { className: 'form' }, note, panel.element, h('div', { className: 'actions' }, submit));
}

/** Login succeeded: say so, with the expiry reminder and any warning in the same banner. */
function showLoginResult(lang, answer) {
  const lines = [h('p', { 'data-testid': 'login-ok' }, t(lang, 'login.ok.certificate', { name: answer.session.account.name }))];
  if (answer.expiry?.message) {
    lines.push(h('p', { className: 'reminder', 'data-testid': 'expiry-reminder' }, `${t(lang, 'expiry.title')}${t(lang, 'colon')}${answer.expiry.message[lang]}`));
    const phones = (answer.ca?.support ?? []).map((s) => `${s.label} ${s.phone}`).join(t(lang, 'list.sep'));
    if (phones && answer.ca?.names) lines.push(h('p', { 'data-testid': 'hotline' }, t(lang, 'ca.hotline', { ca: answer.ca.names[lang], phones })));
  }
  for (const w of answer.warnings ?? []) lines.push(h('p', { 'data-testid': 'login-warning' }, w.message[lang]));
  showBanner(lines.length > 1 ? 'warn' : 'ok', lines);
}
