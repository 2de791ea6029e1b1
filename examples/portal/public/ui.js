// Small DOM helpers: elements, the message banner, errors in the chosen language, dialogs, and
// buttons that stay disabled while their action runs (a double click does one thing).
import { isYizhengError } from '/vendor/core/client.js';
import { PageProblem } from './api.js';
import { t } from './i18n.js';

/** Creates an element: h('p', { className: 'x', 'data-testid': 'y' }, 'text', child...). */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'className') el.className = value;
    else if (key.startsWith('on')) el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key in el && !key.includes('-')) el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== undefined && child !== null && child !== false) el.append(child);
  return el;
}

let bannerTimer;

/** Shows a message at the top of the page: kind is ok, warn or error; lines are strings or nodes. */
export function showBanner(kind, lines, { sticky = kind !== 'ok' } = {}) {
  const banner = document.getElementById('banner');
  clearTimeout(bannerTimer);
  banner.replaceChildren(h('div', { className: `msg ${kind}`, 'data-testid': `msg-${kind}` }, ...lines.map((line) => (typeof line === 'string' ? h('p', {}, line) : line))));
  banner.scrollIntoView?.({ block: 'nearest' });
  if (!sticky) bannerTimer = setTimeout(() => banner.replaceChildren(), 8000);
}

export function clearBanner() {
  document.getElementById('banner').replaceChildren();
}

/** Shows any error: a Yizheng or portal error with its code and remedy, a key error, or the network. */
/** Codes that mean this tab's idea of the session is out of date: the page re-reads it. */
const SESSION_CODES = new Set(['PORTAL_REQUEST_REJECTED', 'PORTAL_SESSION_EXPIRED', 'SIGN_IN_REQUIRED']);

export function showError(lang, error) {
  if (isYizhengError(error) && SESSION_CODES.has(error.code)) window.dispatchEvent(new Event('portal:resync'));
  if (isYizhengError(error)) {
    showBanner('error', [
      h('p', { className: 'err-text', 'data-testid': 'error-message' }, error.localizedMessage(lang)),
      h('p', { className: 'remedy', 'data-testid': 'error-remedy' }, `${t(lang, 'error.remedy')}${t(lang, 'colon')}${error.localizedRemedy(lang)}`),
      h('p', { className: 'code', 'data-testid': 'error-code' }, `${t(lang, 'error.code')}${t(lang, 'colon')}${error.code}`),
    ]);
  } else if (error instanceof PageProblem && error.kind === 'network') {
    showBanner('error', [t(lang, 'error.network')]);
  } else {
    console.error(error);
    showBanner('error', [t(lang, 'error.unexpected', { message: String(error?.message ?? error) })]);
  }
}

/**
 * Runs `action` for a button click: the button (and any `also` controls) disabled meanwhile, further
 * clicks ignored, errors shown. Resolves with the action's result, or undefined after an error.
 */
export async function busy(button, lang, action, also = []) {
  if (button.disabled || button.getAttribute('aria-busy') === 'true') return undefined;
  const controls = [button, ...also];
  for (const c of controls) c.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await action();
  } catch (error) {
    showError(lang, error);
    return undefined;
  } finally {
    button.removeAttribute('aria-busy');
    for (const c of controls) c.disabled = false;
  }
}

/** Opens the page's dialog; resolves true for confirm, false for cancel or Esc. */
export function openDialog({ title, body, confirmText, cancelText, danger = false, testid = 'dialog' }) {
  const dialog = document.getElementById('dialog');
  return new Promise((resolve) => {
    const done = (value) => {
      dialog.close();
      resolve(value);
    };
    const ok = h('button', { type: 'button', className: danger ? 'danger' : 'primary', 'data-testid': `${testid}-confirm`, onclick: () => done(true) }, confirmText);
    const cancel = h('button', { type: 'button', 'data-testid': `${testid}-cancel`, onclick: () => done(false) }, cancelText);
    dialog.replaceChildren(h('h2', {}, title), ...(Array.isArray(body) ? body : [body]), h('div', { className: 'actions' }, cancel, ok));
    dialog.oncancel = (e) => {
      e.preventDefault();
      done(false);
    };
    dialog.showModal();
    ok.focus();
  });
}
