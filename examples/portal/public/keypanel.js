// The key part of 【CA登录】 and 【关联数字证书】: choose the medium and the certificate, type the PIN
// (with the tries left), change a default PIN, then sign the challenge with @yizheng/core/client.
import { isYizhengError, signChallenge } from '/vendor/core/client.js';
import { t } from './i18n.js';
import { loadKeyDrivers } from './keys.js';
import { h, openDialog, showBanner } from './ui.js';

let mediaPromise;
// The key last chosen stays chosen when the page redraws (after a login, a link, a language switch).
let lastMedium = 0;
const media = (lang) => (mediaPromise ??= loadKeyDrivers({
  locale: lang,
  // The emulated CFCA client asks for the PIN in its own window: here, the page's dialog.
  typePin: () => askPin(lang),
  onApprovalCode: (code) => showBanner('warn', [t(lang, 'key.approval', { code })]),
}));

/** A PIN dialog standing in for a vendor client's own PIN window; null when cancelled. */
async function askPin(lang) {
  const input = h('input', { type: 'password', autocomplete: 'off', 'data-testid': 'client-pin', maxLength: 16 });
  const ok = await openDialog({
    title: t(lang, 'key.clientPin.title'),
    body: [h('label', { className: 'field' }, h('span', {}, t(lang, 'key.pin')), input)],
    confirmText: t(lang, 'confirm'),
    cancelText: t(lang, 'cancel'),
    testid: 'client-pin-dialog',
  });
  return ok ? input.value : null;
}

/**
 * @param {{ lang: string, onCertificate?: (cert: object | null) => void }} options
 */
export async function createKeyPanel({ lang, onCertificate }) {
  const list = await media(lang);
  const mediumSelect = h('select', { 'data-testid': 'key-medium', id: 'key-medium' }, ...list.map((m, i) => h('option', { value: String(i), selected: i === lastMedium }, m.label[lang])));
  const certSelect = h('select', { 'data-testid': 'key-cert', id: 'key-cert' });
  const pin = h('input', { type: 'password', id: 'pin', 'data-testid': 'pin', autocomplete: 'off', inputMode: 'numeric', maxLength: 16 });
  const pinRow = h('label', { className: 'field' }, h('span', {}, t(lang, 'key.pin')), pin);
  const clientNote = h('p', { className: 'hint', hidden: true }, t(lang, 'key.pin.client'));
  const status = h('p', { className: 'pin-status', 'data-testid': 'pin-status', 'aria-live': 'polite' });
  let certs = [];

  const medium = () => list[Number(mediumSelect.value)];
  const certificate = () => certs.find((c) => c.id === certSelect.value) ?? null;

  function showPinStatus(s) {
    status.className = 'pin-status';
    if (!s) return status.replaceChildren();
    if (s.locked) {
      status.classList.add('bad');
      status.textContent = t(lang, 'key.locked');
    } else if (s.finalTry) {
      status.classList.add('bad');
      status.textContent = t(lang, 'key.tries.final');
    } else if (typeof s.remaining === 'number') {
      status.textContent = t(lang, 'key.tries', { n: s.remaining });
    } else status.replaceChildren();
  }

  async function refreshStatus() {
    const m = medium();
    const c = certificate();
    showPinStatus(null);
    if (!m || !c || !m.driver.getPinStatus) return;
    try {
      showPinStatus(await m.driver.getPinStatus(c.id));
    } catch {
      // the key cannot tell: show nothing
    }
  }

  async function listCertificates() {
    const m = medium();
    certSelect.replaceChildren();
    certs = [];
    const clientPin = m?.driver.pinEntry === 'client';
    pinRow.hidden = clientPin;
    clientNote.hidden = !clientPin;
    try {
      certs = m ? await m.driver.listCertificates() : [];
    } catch (error) {
      showBanner('error', [isYizhengError(error) ? error.localizedMessage(lang) : String(error)]);
    }
    if (certs.length === 0) certSelect.append(h('option', { value: '' }, t(lang, 'key.none')));
    for (const c of certs) certSelect.append(h('option', { value: c.id }, c.label));
    onCertificate?.(certificate());
    await refreshStatus();
  }

  mediumSelect.addEventListener('change', () => {
    lastMedium = Number(mediumSelect.value);
    void listCertificates();
  });
  certSelect.addEventListener('change', () => {
    onCertificate?.(certificate());
    void refreshStatus();
  });
  await listCertificates();

  /** A default PIN must be changed first: asks for the new one, changes it on the key, returns it. */
  async function changeDefaultPin(m, c, oldPin) {
    const inputs = ['old', 'new', 'confirm'].map((k) => h('input', { type: 'password', autocomplete: 'off', 'data-testid': `pin-${k}`, maxLength: 16, value: k === 'old' ? oldPin : '' }));
    const fields = inputs.map((input, i) => h('label', { className: 'field' }, h('span', {}, t(lang, ['key.changePin.old', 'key.changePin.new', 'key.changePin.confirm'][i])), input));
    const ok = await openDialog({
      title: t(lang, 'key.changePin.title'),
      body: [h('p', {}, t(lang, 'key.changePin.note')), ...fields],
      confirmText: t(lang, 'key.changePin.submit'),
      cancelText: t(lang, 'cancel'),
      testid: 'change-pin-dialog',
    });
    if (!ok) return null;
    const [oldValue, newValue, again] = inputs.map((i) => i.value);
    if (newValue !== again) {
      showBanner('error', [t(lang, 'key.changePin.mismatch')]);
      return null;
    }
    await m.driver.changePin(c.id, oldValue, newValue);
    showBanner('ok', [t(lang, 'key.changePin.ok')]);
    return newValue;
  }

  /**
   * Logs in to the key, then asks `issue()` for the challenge (only after the PIN is right, so a wrong
   * PIN wastes none) and signs it. Resolves with the token to post, or null when the user gave up.
   */
  async function sign(issue) {
    const m = medium();
    const c = certificate();
    if (!m || !c) {
      showBanner('error', [t(lang, 'key.none')]);
      return null;
    }
    if (m.driver.pinEntry !== 'client') {
      const typed = pin.value;
      pin.value = '';
      try {
        await m.driver.login(c.id, typed);
      } catch (error) {
        if (isYizhengError(error, 'PIN_MUST_CHANGE') && m.driver.changePin) {
          const fresh = await changeDefaultPin(m, c, typed);
          if (fresh === null) return null;
          await m.driver.login(c.id, fresh);
        } else {
          if (isYizhengError(error, 'PIN_INCORRECT')) showPinStatus(error.details);
          if (isYizhengError(error, 'PIN_LOCKED')) showPinStatus({ locked: true });
          throw error;
        }
      }
      void refreshStatus();
    }
    const challenge = await issue();
    return signChallenge(m.driver, c, challenge.text);
  }

  const element = h('div', { className: 'keypanel' },
    h('label', { className: 'field' }, h('span', {}, t(lang, 'key.medium')), mediumSelect),
    h('label', { className: 'field' }, h('span', {}, t(lang, 'key.certificate')), certSelect),
    pinRow, clientNote, status);
  return { element, sign, certificate, controls: [mediumSelect, certSelect, pin] };
}
