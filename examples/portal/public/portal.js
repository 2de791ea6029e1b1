// The login page: what a platform's page does with Yizheng's browser entry. The demo keys are
// software tokens (@yizheng/core/software-token); a real page would create a vendor driver instead,
// e.g. createBjcaDriver() from @yizheng/provider-bjca/browser, with the same calls.
import { isYizhengError, requestChallenge, signChallenge, submitToken } from '/vendor/core/client.js';
import { createSoftwareToken } from '/vendor/core/software-token.js';

const $ = (id) => document.getElementById(id);
const api = async (method, path, body) => {
  const res = await fetch(path, { method, headers: { 'content-type': 'application/json' }, ...(body && { body: JSON.stringify(body) }) });
  const json = await res.json();
  if (!res.ok) throw Object.assign(new Error(json.error?.message?.['zh-CN'] ?? json.error?.message ?? res.statusText), { json });
  return json;
};

function show(kind, lines) {
  $('result').innerHTML = '';
  for (const [cls, text] of lines) {
    const p = document.createElement('p');
    p.className = cls ?? kind;
    p.textContent = text;
    $('result').append(p);
  }
}

function showError(err) {
  // Client errors (PIN, key) and server errors (NOT_BOUND, ALREADY_BOUND, ...) carry a code, both languages and a remedy.
  if (isYizhengError(err)) {
    show('error', [['error', `[${err.code}] ${err.localizedMessage('zh-CN')}`], ['error', err.localizedMessage('en')], ['remedy', err.localizedRemedy('zh-CN')]]);
  } else if (err.json?.error?.code) {
    const e = err.json.error;
    show('error', [['error', `[${e.code}] ${e.message['zh-CN']}`], ['error', e.message.en], ['remedy', e.remedy['zh-CN']]]);
  } else {
    show('error', [['error', String(err.message ?? err)]]);
  }
}

const demo = await api('GET', '/api/demo');
const tokens = await Promise.all(demo.keys.map((k, i) => createSoftwareToken({ id: `demo-${i}`, keyId: `DEMO-${i + 1}`, certificates: [{ certificate: k.certificate, privateKey: k.privateKey, label: k.label }] })));

for (const a of demo.accounts) {
  $('account').append(new Option(`${a.name} (${a.id})`, a.id));
  $('target').append(new Option(a.name, a.id));
}
demo.keys.forEach((k, i) => $('key').append(new Option(k.label, String(i))));

async function listCerts() {
  const certs = await tokens[Number($('key').value)].listCertificates();
  $('cert').innerHTML = '';
  for (const c of certs) $('cert').append(new Option(c.label, c.id));
}

async function refresh() {
  const { session } = await api('GET', '/api/me');
  $('who').textContent = session
    ? `${session.account.name} · ${session.account.organization.name} · ${session.method === 'certificate' ? 'CA登录 certificate' : '账号登录 password'}`
    : '未登录 · not signed in';
  $('bindings').innerHTML = '';
  if (!session) return;
  const { bindings } = await api('GET', '/api/bindings');
  for (const b of bindings) {
    const tr = document.createElement('tr');
    for (const v of [b.accountId, b.entityName, b.certificate.serialNumber, String(b.certificate.notAfter).slice(0, 10), b.expiry.state, b.boundBy]) {
      const td = document.createElement('td');
      td.textContent = v;
      tr.append(td);
    }
    const unbind = document.createElement('button');
    unbind.textContent = '解绑 Unbind';
    unbind.onclick = () => api('POST', '/api/unbind', { bindingId: b.id }).then(refresh, showError);
    tr.append(unbind);
    $('bindings').append(tr);
  }
}

/** Challenge → PIN login on the key → sign the exact text → the token to post. */
async function signedToken(purpose) {
  const driver = tokens[Number($('key').value)];
  const challenge = await requestChallenge('/api/challenge', { purpose });
  await driver.login($('cert').value, $('pin').value);
  return signChallenge(driver, $('cert').value, challenge.text);
}

$('key').onchange = () => listCerts().catch(showError);
$('password-form').onsubmit = (e) => {
  e.preventDefault();
  api('POST', '/api/password-login', { account: $('account').value, password: $('password').value })
    .then(() => { show('ok', [['ok', '账号登录成功（只有绑定证书权限）/ Logged in with a password (may only bind certificates)']]); return refresh(); }, showError);
};
$('logout').onclick = () => api('POST', '/api/logout').then(refresh, showError);
$('ca-login').onclick = async () => {
  try {
    const result = await submitToken('/api/ca-login', await signedToken('login'));
    const lines = [['ok', `CA登录成功 / Signed in as ${result.session.account.name}`]];
    for (const w of result.warnings) lines.push(['warn', `${w.message['zh-CN']} / ${w.message.en}`]);
    show('ok', lines);
    await refresh();
  } catch (err) {
    showError(err);
  }
};
$('bind').onclick = async () => {
  try {
    const result = await submitToken(`/api/bindings?target=${encodeURIComponent($('target').value)}`, await signedToken('bind'));
    show('ok', [['ok', `绑定成功 / Bound to ${result.binding.accountId}（${result.binding.entityName}）`]]);
    await refresh();
  } catch (err) {
    showError(err);
  }
};

await listCerts();
await refresh();
