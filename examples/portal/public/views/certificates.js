// 【关联数字证书】: link a certificate (for oneself, or as the organisation's admin for another
// account), check its details first, and, after a CA login, the linked certificates with
// 【权限管理】 and 【解除绑定】. A password session sees the linking part only.
import { requestChallenge } from '/vendor/core/client.js';
import { api, csrfHeader } from '../api.js';
import { formatDate, t } from '../i18n.js';
import { createKeyPanel } from '../keypanel.js';
import { busy, h, openDialog, showBanner } from '../ui.js';

export async function renderCertificates(ctx) {
  const { lang, state } = ctx;
  const s = state.session;
  const parts = [h('h1', {}, t(lang, 'certs.title'))];
  if (s.may['bind-certificate']) parts.push(await bindSection(ctx));
  parts.push(s.may['view-own-certificates'] ? await listSection(ctx) : h('p', { className: 'notice', 'data-testid': 'password-only' }, t(lang, 'certs.list.passwordOnly')));
  return h('div', { className: 'stack' }, ...parts);
}

async function bindSection(ctx) {
  const { lang, state } = ctx;
  const admin = state.session.account.isAdmin;
  const preview = h('div', { className: 'preview', 'data-testid': 'cert-preview' });
  let previewFor = 0;
  const showPreview = async (cert) => {
    const mine = ++previewFor;
    preview.replaceChildren();
    if (!cert) return;
    try {
      const info = await api('POST', '/api/certificates/preview', { certificate: cert.certificate });
      if (mine !== previewFor) return;
      preview.replaceChildren(h('h3', {}, t(lang, 'certs.preview')), h('dl', {},
        ...[['col.cn', info.cn], ['col.code', info.enterpriseCode], ['col.serial', info.serialNumber], ['col.validity', `${formatDate(info.notBefore)} ~ ${formatDate(info.notAfter)}`], ['col.ca', info.ca?.[lang] ?? '—']]
          .flatMap(([k, v]) => [h('dt', {}, t(lang, k)), h('dd', {}, v ?? '—')])));
    } catch {
      // the details are a courtesy: linking itself reports any problem with the certificate
    }
  };
  const panel = await createKeyPanel({ lang, onCertificate: (cert) => void showPreview(cert) });
  const extra = [];
  let target = null;
  let makeAdmin = null;
  if (admin) {
    const { accounts } = await api('GET', '/api/accounts');
    target = h('select', { 'data-testid': 'bind-target', id: 'bind-target' }, ...accounts.map((a) => h('option', { value: a.id, selected: a.id === state.session.account.id }, a.id === state.session.account.id ? `${a.name}${t(lang, 'certs.bind.self')}` : a.name)));
    makeAdmin = h('input', { type: 'checkbox', 'data-testid': 'bind-admin', id: 'bind-admin' });
    extra.push(h('label', { className: 'field' }, h('span', {}, t(lang, 'certs.bind.target')), target), h('label', { className: 'check' }, makeAdmin, h('span', {}, t(lang, 'certs.bind.admin'))));
  }
  const submit = h('button', { type: 'button', className: 'primary', 'data-testid': 'bind' }, t(lang, 'certs.bind.submit'));
  submit.addEventListener('click', () => void busy(submit, lang, async () => {
    const token = await panel.sign(() => requestChallenge('/api/challenge', { purpose: 'bind', headers: csrfHeader() }));
    if (!token) return;
    const answer = await api('POST', '/api/certificates', {
      token,
      ...(target && { targetAccountId: target.value }),
      ...(makeAdmin?.checked && { isAdmin: true }),
    });
    const b = answer.binding;
    showBanner('ok', [h('p', { 'data-testid': 'bind-ok' }, t(lang, 'certs.bind.ok', { cn: b.cn, serial: b.serialNumber, account: b.account.name }))]);
    await ctx.reload();
  }, [...panel.controls, ...(target ? [target, makeAdmin] : [])]));
  return h('section', { className: 'card' },
    h('h2', {}, t(lang, 'certs.bind.title')),
    h('p', { className: 'hint' }, t(lang, 'certs.bind.steps')),
    h('div', { className: 'bind-grid' }, h('div', {}, ...extra, panel.element), preview),
    h('div', { className: 'actions' }, submit));
}

function stateText(lang, expiry) {
  if (!expiry) return '';
  return expiry.state === 'expiring' ? t(lang, 'state.expiring', { days: expiry.daysLeft }) : t(lang, `state.${expiry.state}`);
}

async function listSection(ctx) {
  const { lang, state } = ctx;
  const may = state.session.may;
  const { certificates, wholeOrganization } = await api('GET', '/api/certificates');
  const columns = ['col.cn', 'col.code', 'col.serial', 'col.validity', 'col.ca', 'col.account', 'col.boundBy', 'col.admin', 'col.state'];
  const rows = certificates.map((c) => {
    const cells = [c.cn, c.enterpriseCode, c.serialNumber, `${formatDate(c.notBefore)} ~ ${formatDate(c.notAfter)}`, c.ca[lang], c.account.name, c.boundBy, t(lang, c.isAdmin ? 'yes' : 'no'), stateText(lang, c.expiry)];
    const actions = [];
    if (may['manage-permissions']) actions.push(h('button', { type: 'button', 'data-testid': 'permissions', onclick: (e) => void editPermissions(ctx, c, e.currentTarget) }, t(lang, 'action.permissions')));
    if (may['unbind-certificate']) actions.push(h('button', { type: 'button', className: 'danger', 'data-testid': 'unbind', onclick: (e) => void unbind(ctx, c, e.currentTarget) }, t(lang, 'action.unbind')));
    return h('tr', { 'data-serial': c.serialNumber, 'data-testid': 'cert-row' },
      ...cells.map((v, i) => h('td', { 'data-label': t(lang, columns[i]), className: i === 8 ? `state ${c.expiry?.state ?? ''}` : i === 3 ? 'validity' : '' }, v ?? '—')),
      h('td', { 'data-label': t(lang, 'col.actions') }, h('div', { className: 'row-actions' }, ...actions)));
  });
  return h('section', { className: 'card' },
    h('h2', {}, `${t(lang, 'certs.list.title')} · ${t(lang, wholeOrganization ? 'certs.list.org' : 'certs.list.own')}`),
    certificates.length === 0
      ? h('p', { 'data-testid': 'no-certs' }, t(lang, 'certs.list.empty'))
      : h('table', { className: 'certs', 'data-testid': 'certs' },
        h('thead', {}, h('tr', {}, ...[...columns, 'col.actions'].map((k) => h('th', { scope: 'col' }, t(lang, k))))),
        h('tbody', {}, ...rows)));
}

async function unbind(ctx, c, button) {
  const { lang, state } = ctx;
  const self = state.session.certificate?.serialNumber === c.serialNumber;
  const ok = await openDialog({
    title: t(lang, 'unbind.confirm.title'),
    body: [h('p', {}, t(lang, 'unbind.confirm.text', { cn: c.cn, serial: c.serialNumber, account: c.account.name })), ...(self ? [h('p', { className: 'warn-text' }, t(lang, 'unbind.confirm.self'))] : [])],
    confirmText: t(lang, 'action.unbind'),
    cancelText: t(lang, 'cancel'),
    danger: true,
    testid: 'unbind-dialog',
  });
  if (!ok) return;
  await busy(button, lang, async () => {
    const answer = await api('POST', `/api/certificates/${encodeURIComponent(c.id)}/unbind`);
    showBanner('ok', [h('p', { 'data-testid': 'unbind-ok' }, t(lang, 'unbind.ok', { cn: answer.removed.cn, serial: answer.removed.serialNumber }))], { sticky: answer.signedOut });
    if (answer.signedOut) await ctx.signedOut();
    else await ctx.reload();
  });
}

async function editPermissions(ctx, c, button) {
  const { lang, state } = ctx;
  const admin = h('input', { type: 'checkbox', checked: c.isAdmin, 'data-testid': 'perm-admin' });
  const boxes = state.permissions.map((p) => ({ p, box: h('input', { type: 'checkbox', checked: c.permissions.includes(p.id), value: p.id, 'data-testid': `perm-${p.id}` }) }));
  const ok = await openDialog({
    title: t(lang, 'perm.title', { cn: c.cn }),
    body: [
      h('label', { className: 'check' }, admin, h('span', {}, t(lang, 'perm.admin'))),
      h('p', { className: 'hint' }, t(lang, 'perm.admin.note')),
      h('fieldset', { className: 'perms' }, ...boxes.map(({ p, box }) => h('label', { className: 'check' }, box, h('span', {}, p[lang])))),
    ],
    confirmText: t(lang, 'perm.save'),
    cancelText: t(lang, 'cancel'),
    testid: 'perm-dialog',
  });
  if (!ok) return;
  await busy(button, lang, async () => {
    const answer = await api('POST', `/api/certificates/${encodeURIComponent(c.id)}/permissions`, {
      isAdmin: admin.checked,
      permissions: boxes.filter(({ box }) => box.checked).map(({ p }) => p.id),
    });
    showBanner('ok', [h('p', { 'data-testid': 'perm-ok' }, t(lang, 'perm.ok', { cn: answer.certificate.cn }))]);
    await ctx.reload();
  });
}
