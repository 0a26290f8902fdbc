// The confusion check (ICE score, POLICY.md), guided for the caregiver; "could not" scores 0.
import * as api from '../api.js';
import { choice, errorSlot, h, show, strings, t } from '../dom.js';
import { writingPad } from '../pad.js';
import { submit } from '../result.js';
import { handwritingSentence, state } from '../state.js';
import { askWhoFirst, whoAsks } from '../who.js';
import { showSelfCheck } from './ice_self.js';
import { PICTURES } from '../pictures.js';

// the caregiver-led check shows the same drawings as the self-check's bank (one copy)
const PICTURE_OF = Object.fromEntries(Object.entries(PICTURES).map(([id, name]) => [name, id]));
const REUSE_SENTENCE_MS = 15 * 60 * 1000;
const COUNT = [90, 80, 70, 60, 50, 40, 30, 20, 10];
const SHAPES = ['red_circle', 'square', 'blue_circle', 'triangle'];

function part(n, title, ...children) {
  return h('section.card.part', {},
    h('p.step', {}, t('iceStep', { n, total: 5 })), h('h2', {}, title), ...children);
}

function rightWrong(legend, name, expected) {
  const c = choice(legend, name, [['1', t('right')], ['0', t('wrong')], ['x', t('couldNot')]]);
  c.el.insertBefore(h('p.expected', {}, t('expected', { answer: expected || t('unknownAnswer') })),
    c.el.children[1]);
  return c;
}

function orientation() {
  const ctx = state.context;
  const now = api.serverNow();
  const opts = { timeZone: ctx.timezone };
  const year = new Intl.DateTimeFormat(t('lang'), { ...opts, year: 'numeric' }).format(now);
  const month = new Intl.DateTimeFormat(t('lang'), { ...opts, month: 'long' }).format(now);
  const items = [
    rightWrong(t('orient_year'), 'o-year', year),
    rightWrong(t('orient_month'), 'o-month', month),
    rightWrong(t('orient_city'), 'o-city', ctx.city),
    rightWrong(t('orient_place'), 'o-place', ctx.place_of_care),
  ];
  return {
    el: part(1, t('orientTitle'), ...items.map((i) => i.el)),
    answered: () => items.every((i) => i.value() !== null),
    score: () => items.filter((i) => i.value() === '1').length,
  };
}

function pickObjects() {
  const names = Object.keys(strings.objects);
  const picked = [];
  while (picked.length < 3) {
    const name = names[crypto.getRandomValues(new Uint32Array(1))[0] % names.length];
    if (!picked.includes(name)) picked.push(name);
  }
  return picked;
}

/** Whether a typed answer names the object (synonyms accepted, case and spaces ignored). */
export function namesObject(object, typed) {
  const clean = String(typed).trim().toLowerCase().replace(/^(a|an|the)\s+/, '').replace(/\s+/g, ' ');
  return clean !== '' && strings.objects[object].includes(clean);
}

function naming() {
  const rows = pickObjects().map((object, i) => {
    const input = h('input', { type: 'text', autocomplete: 'off', autocapitalize: 'none', spellcheck: false, 'aria-label': t('namingType', { n: i + 1 }) });
    const ok = h('span.ok', { 'aria-live': 'polite' });
    input.addEventListener('input', () => {
      ok.textContent = namesObject(object, input.value) ? t('namingAccepted') : '';
    });
    const said = h('input', { type: 'checkbox' });
    return {
      object,
      el: h('div.object', { dataset: { object } },
        h('img', { src: `img/ice/${PICTURE_OF[object]}.svg`, alt: t('namingPicture', { n: i + 1 }), width: 120, height: 120 }),
        h('div', {}, input, ok, h('label.check', {}, said, h('span', {}, t('namingSaid'))))),
      score: () => (namesObject(object, input.value) || said.checked ? 1 : 0),
    };
  });
  return {
    el: part(2, t('namingTitle'), h('p', {}, t('namingIntro')), ...rows.map((r) => r.el)),
    answered: () => true,
    score: () => rows.reduce((sum, r) => sum + r.score(), 0),
  };
}

function command() {
  let taps = [];
  const tapped = h('p.hint', { 'aria-live': 'polite' }, t('commandNone'));
  const update = () => {
    tapped.textContent = taps.length
      ? t('commandTapped', { list: taps.map((s) => t(`shape_${s}`)).join(', ') }) : t('commandNone');
  };
  const buttons = SHAPES.map((shape) => h(`button.shape.${shape}`, {
    type: 'button', 'aria-label': t(`shape_${shape}`),
    onclick: () => { taps.push(shape); update(); },
  }));
  const couldNot = h('input', { type: 'checkbox' });
  return {
    el: part(3, t('commandTitle'), h('p', {}, t('commandSay')), h('div.shapes', {}, buttons), tapped,
      h('button.secondary', { type: 'button', onclick: () => { taps = []; update(); } }, t('commandReset')),
      h('label.check', {}, couldNot, h('span', {}, t('couldNot')))),
    answered: () => taps.length >= 2 || couldNot.checked,
    score: () => (!couldNot.checked && taps.length === 2 && taps[0] === 'blue_circle' && taps[1] === 'square' ? 1 : 0),
  };
}

function writing() {
  const recent = state.lastSentence && Date.now() - state.lastSentence.at < REUSE_SENTENCE_MS
    ? state.lastSentence : null;
  const pad = writingPad(null, recent?.data);
  const judge = choice(t('writingJudge'), 'writing', [['1', t('writingYes')], ['0', t('writingNo')], ['x', t('couldNot')]]);
  return {
    el: part(4, t('writingTitle'), h('p', {}, t('writingSaySentence', { sentence: handwritingSentence() || t('hwSentence') })), pad.el, judge.el),
    answered: () => judge.value() !== null,
    score: () => (judge.value() === '1' ? 1 : 0),
    // strokes already sent with the handwriting check are not sent twice
    strokes: () => (pad.isEmpty() || (recent && pad.data().strokes === recent.data.strokes) ? null : pad.data()),
  };
}

function counting() {
  const boxes = COUNT.map((_, i) => h('input.count', {
    type: 'text', inputMode: 'numeric', maxLength: 3, autocomplete: 'off', 'aria-label': t('countBox', { n: i + 1 }),
  }));
  boxes.forEach((box, i) => box.addEventListener('input', () => {
    if (box.value.length >= 2 && boxes[i + 1]) boxes[i + 1].focus();
  }));
  const couldNot = h('input', { type: 'checkbox' });
  return {
    el: part(5, t('countTitle'), h('p', {}, t('countSay')), h('div.counts', {}, h('span.start', { 'aria-hidden': 'true' }, '100'), boxes),
      h('label.check', {}, couldNot, h('span', {}, t('couldNot')))),
    answered: () => couldNot.checked || boxes.some((b) => b.value.trim() !== ''),
    score: () => (!couldNot.checked && boxes.every((b, i) => Number(b.value.trim()) === COUNT[i]) ? 1 : 0),
  };
}

/** Render the confusion check: led by a caregiver, or the self-check of a patient alone. */
export function showIce() {
  if (askWhoFirst(t('iceTitle'), showIce)) return;
  if (whoAsks() === 'self') return showSelfCheck(showIce);
  const items = { orientation: orientation(), naming: naming(), commands: command(), writing: writing(), attention: counting() };
  const scoreLine = h('p.score', { role: 'status' });
  const send = h('button.primary', { type: 'submit' }, t('send'));
  const form = h('form', { novalidate: true }, ...Object.values(items).map((i) => i.el), scoreLine, send);
  const error = errorSlot(send);
  form.append(error.el);
  const scores = () => Object.fromEntries(Object.entries(items).map(([k, v]) => [k, v.score()]));
  form.addEventListener('change', () => {
    scoreLine.textContent = t('iceScore', { score: Object.values(scores()).reduce((a, b) => a + b, 0) });
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!Object.values(items).every((i) => i.answered())) {
      error.set(t('iceNeedAll'));
      return;
    }
    send.disabled = true;
    const body = { ice: scores() };
    const strokes = items.writing.strokes();
    if (strokes) body.handwriting = { strokes };
    submit(body, 'ice');
  });
  show(h('section', {}, h('h1', {}, t('iceTitle')), h('p', {}, t('iceIntro')), form));
}
