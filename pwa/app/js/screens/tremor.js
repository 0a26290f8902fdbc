// Tremor: a self-rating, and an optional accelerometer test (DeviceMotion) sent as raw samples
// {samples: [[t_ms, ax, ay, az], ...]} of accelerationIncludingGravity (server/measures/motion.py).
import { reveal } from '../checknav.js';
import { choice, errorSlot, h, show, t } from '../dom.js';
import { submit } from '../result.js';

const TEST_SECONDS = 12;
const PROBE_MS = 1000; // a phone with a sensor sends readings at once (60 Hz and more)
const MIN_SPAN_MS = 9500; // the server accepts 10-20 s of samples
const MIN_RATE_HZ = 20;

/** Record DeviceMotion for a while; resolves with [[t_ms, ax, ay, az], ...]. */
function record(seconds, onTick) {
  return new Promise((resolve) => {
    const samples = [];
    let start = null;
    const onMotion = (event) => {
      const a = event.accelerationIncludingGravity;
      if (!a || a.x == null) return;
      const at = performance.now(); // the clock of the countdown, so both agree
      if (start === null) start = at;
      const r = (v) => Math.round(v * 1000) / 1000;
      samples.push([Math.round(at - start), r(a.x), r(a.y), r(a.z)]);
    };
    window.addEventListener('devicemotion', onMotion);
    let left = seconds;
    onTick(left);
    const timer = setInterval(() => {
      left -= 1;
      onTick(left);
      if (left <= 0) {
        clearInterval(timer);
        window.removeEventListener('devicemotion', onMotion);
        resolve(samples);
      }
    }, 1000);
  });
}

/** Resolve true when a movement reading arrives within PROBE_MS, false otherwise. Desktop
 *  browsers and some phones have DeviceMotionEvent but never fire it. */
function sensorAnswers() {
  return new Promise((resolve) => {
    const onMotion = (event) => {
      if (event.accelerationIncludingGravity?.x == null) return;
      done(true);
    };
    const timer = setTimeout(() => done(false), PROBE_MS);
    function done(answer) {
      clearTimeout(timer);
      window.removeEventListener('devicemotion', onMotion);
      resolve(answer);
    }
    window.addEventListener('devicemotion', onMotion);
  });
}

/** Whether a recording is long and dense enough to be measured. */
function usable(samples) {
  if (samples.length < 2) return false;
  const span = samples[samples.length - 1][0] - samples[0][0];
  return span >= MIN_SPAN_MS && (samples.length / span) * 1000 >= MIN_RATE_HZ;
}

/** Render the tremor screen. */
export function showTremor() {
  const rating = choice(t('tremorRate'), 'tremor',
    ['none', 'mild', 'moderate', 'severe'].map((r) => [r, t(`tremor_${r}`)]));
  const status = h('p.status', { role: 'status' });
  let samples = null;
  const motion = h('section.card', {}, h('h2', {}, t('motionTitle')));
  if ('DeviceMotionEvent' in window) {
    const start = h('button.secondary', { type: 'button' }, t('motionStart'));
    start.addEventListener('click', async () => {
      // iOS asks for permission, and only from a button press
      if (typeof DeviceMotionEvent.requestPermission === 'function') {
        const answer = await DeviceMotionEvent.requestPermission().catch(() => 'denied');
        if (answer !== 'granted') {
          status.textContent = t('motionDenied');
          return;
        }
      }
      start.disabled = true;
      if (!(await sensorAnswers())) { // told at once, not after the whole test
        status.textContent = t('motionNoEvents');
        start.remove();
        return;
      }
      const got = await record(TEST_SECONDS, (s) => { status.textContent = t('motionRunning', { s }); });
      start.disabled = false;
      samples = usable(got) ? got : null;
      status.textContent = samples ? t('motionRecorded') : t('motionNone');
    });
    motion.append(h('p', {}, t('motionIntro', { s: TEST_SECONDS })), start, status);
  } else {
    motion.append(h('p', {}, t('motionNone')));
  }
  const send = h('button.primary', { type: 'submit' }, t('send'));
  const error = errorSlot(rating.el);
  const form = h('form', { novalidate: true }, rating.el, error.el, motion, send);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!rating.value()) {
      error.set(t('errNeedRating')); // beside the rating it names, brought into view
      reveal(rating.el.querySelector('input'));
      return;
    }
    send.disabled = true;
    const tremor = { rating: rating.value() };
    if (samples) tremor.motion = { samples };
    submit({ tremor }, 'tremor');
  });
  show(h('section', {}, h('h1', {}, t('tremorTitle')), form));
}
