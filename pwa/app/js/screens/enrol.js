// Enrolment: a typed code, a scanned QR code (BarcodeDetector) or a #enrol=TOKEN link.
import * as api from '../api.js';
import { field, h, show, t } from '../dom.js';
import * as language from '../language.js';
import { enrolled } from '../state.js';
import { clearEnded } from './ended.js';
import { showNotifySetup } from './notify.js';

let stream = null;

function stopCamera() {
  if (stream) for (const track of stream.getTracks()) track.stop();
  stream = null;
}

async function redeem(payload, error, button) {
  error.set('');
  if (button) {
    button.disabled = true;
    button.textContent = t('enrolWorking');
  }
  try {
    const answer = await api.post('/api/v1/enrol', payload);
    await enrolled(answer);
    await clearEnded();
    stopCamera();
    history.replaceState(null, '', `${location.pathname}#/welcome`); // drop the token
    await language.apply(); // the language staff chose for this person at enrolment
    document.dispatchEvent(new CustomEvent('cartwatch:enrolled'));
    showNotifySetup(answer.role);
  } catch (err) {
    error.set(err.status === 0 ? t('enrolOffline') : t('enrolFailed'));
  } finally {
    if (button) {
      button.disabled = false;
      button.textContent = t('enrolButton');
    }
  }
}

/** Pull the token out of a scanned QR code (the centre prints …/app/#enrol=TOKEN). */
export function tokenFrom(text) {
  const match = /[#&]enrol=([A-Za-z0-9_-]+)/.exec(text || '');
  return match ? match[1] : null;
}

async function scan(video, error, scanButton) {
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
  } catch {
    error.set(t('enrolCameraFailed'));
    return;
  }
  video.srcObject = stream;
  video.hidden = false;
  await video.play().catch(() => {});
  scanButton.textContent = t('enrolScanStop');
  const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
  const tick = async () => {
    if (!stream) return;
    try {
      for (const code of await detector.detect(video)) {
        const token = tokenFrom(code.rawValue);
        if (token) {
          video.hidden = true;
          redeem({ token }, error, null);
          return;
        }
      }
    } catch { /* frame not ready */ }
    setTimeout(tick, 250);
  };
  tick();
}

/** The enrolment screen; with a token from the URL it enrols at once. */
export function showEnrol(token = null) {
  const code = field(t('enrolCodeLabel'), {
    type: 'text', name: 'code', autocomplete: 'one-time-code', autocapitalize: 'characters',
    spellcheck: false, required: true, maxLength: 40,
  }, t('enrolCodeHint'));
  const submit = h('button.primary', { type: 'submit' }, t('enrolButton'));
  const form = h('form', { novalidate: true }, code.el, submit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = code.input.value.trim();
    if (!value) {
      code.error.set(t('enrolCodeMissing'));
      code.input.focus();
      return;
    }
    redeem({ code: value }, code.error, submit);
  });
  const parts = [h('h1', {}, t('enrolTitle')), h('p', {}, t('enrolIntro')), form];
  if ('BarcodeDetector' in window && navigator.mediaDevices?.getUserMedia) {
    const video = h('video.scanner', { hidden: true, muted: true, playsInline: true, 'aria-label': t('enrolScanHelp') });
    const scanButton = h('button.secondary', { type: 'button' }, t('enrolScan'));
    scanButton.addEventListener('click', () => {
      if (stream) {
        stopCamera();
        video.hidden = true;
        scanButton.textContent = t('enrolScan');
      } else {
        scan(video, code.error, scanButton);
      }
    });
    parts.push(scanButton, video);
  }
  show(h('section', {}, ...parts));
  if (token) redeem({ token }, code.error, submit);
}
