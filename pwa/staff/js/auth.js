// Sign-in: email + password, then a TOTP code (first sign-in shows the secret as text and QR).

import { api, setCsrf } from './api.js';
import { field, h, replace, svgDataUrl } from './dom.js';
import { t } from './i18n.js';
import qrcode from '../vendor/qrcode.mjs';

/** The TOTP set-up link as a QR code image (drawn in the browser; the secret stays here). */
function totpQr(uri) {
  const qr = qrcode(0, 'M');
  qr.addData(uri);
  qr.make();
  return h('img', {
    class: 'qr', src: svgDataUrl(qr.createSvgTag({ cellSize: 4, margin: 4, scalable: true })),
    alt: t('totp_qr_alt'), width: 240, height: 240,
  });
}

function errorLine() {
  return h('p', { class: 'form-error', role: 'alert', hidden: true });
}

function showError(form, message) {
  const line = form.querySelector('.form-error');
  line.textContent = message;
  line.hidden = false;
}

/** Render the sign-in screen into main; resolves once the session is active. */
export function signIn(main, notice) {
  return new Promise((resolve) => {
    const email = h('input', { name: 'email', type: 'email', autocomplete: 'username',
      required: true });
    const password = h('input', { name: 'password', type: 'password',
      autocomplete: 'current-password', required: true });
    const form = h('form', { class: 'card narrow', 'aria-labelledby': 'login-title' },
      h('h1', { id: 'login-title' }, t('login_title')),
      notice ? h('p', { class: 'notice' }, notice) : null,
      field(t('email'), email), field(t('password'), password), errorLine(),
      h('button', { type: 'submit', class: 'primary' }, t('sign_in')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        const body = await api('/api/v1/auth/login', {
          method: 'POST', body: { email: email.value, password: password.value } });
        setCsrf(body.csrf_token);
        totpStep(main, body, resolve);
      } catch (err) {
        showError(form, err.status === 429 ? err.message : t('login_failed'));
      }
    });
    replace(main, form);
    email.focus();
  });
}

function totpStep(main, login, resolve) {
  const code = h('input', { name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code',
    pattern: '[0-9]{6}', maxlength: 6, required: true });
  const enrol = login.next === 'totp_enrol';
  const form = h('form', { class: 'card narrow', 'aria-labelledby': 'totp-title' },
    h('h1', { id: 'totp-title' }, enrol ? t('totp_enrol_title') : t('totp_title')),
    enrol ? [
      h('p', {}, t('totp_enrol_help')),
      totpQr(login.totp_uri),
      h('p', {}, `${t('totp_secret')}: `, h('code', { class: 'secret', id: 'totp-secret' },
        login.totp_secret)),
      h('details', {}, h('summary', {}, t('totp_uri')),
        h('code', { class: 'uri', id: 'totp-uri' }, login.totp_uri)),
    ] : null,
    field(t('totp_code'), code), errorLine(),
    h('button', { type: 'submit', class: 'primary' }, t('verify')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const body = await api('/api/v1/auth/totp', { method: 'POST',
        body: { code: code.value.trim() } });
      setCsrf(body.csrf_token);
      resolve();
    } catch (err) {
      showError(form, t('login_failed'));
      code.value = '';
      code.focus();
    }
  });
  replace(main, form);
  code.focus();
}

/** End the session on the server (best effort) and forget the CSRF token. */
export async function signOut() {
  try {
    await api('/api/v1/auth/logout', { method: 'POST' });
  } catch (err) {
    // The session may already have expired on the server: nothing left to end.
  }
  setCsrf(null);
}
