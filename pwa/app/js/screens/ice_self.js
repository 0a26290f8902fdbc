// The confusion check for a patient alone (ICE self-check, POLICY.md v2 "Who asks").
// No right answer is ever on the screen: the year is typed, the month picked among all
// twelve, city and place of care among four options from the record (server, unmarked),
// pictures named among four names, the command is a task on the screen. The app scores the
// items only when sending (no live score that would tell right from wrong) and sends the
// answers too, which the server scores again and stores as its own.
import * as api from '../api.js';
import { choice, errorSlot, h, show, strings, t } from '../dom.js';
import { writingPad } from '../pad.js';
import { PICTURES } from '../pictures.js';
import { submit } from '../result.js';
import { state } from '../state.js';
import { changeWho } from '../who.js';

const REUSE_SENTENCE_MS = 15 * 60 * 1000; // as the caregiver-led check (server: 15 min too)
const COUNT = [90, 80, 70, 60, 50, 40, 30, 20, 10];
const TARGET = 'blue';
const OTHER_COLOURS = ['red', 'green', 'yellow'];
const DONT_KNOW = 'x';

const random = (n) => crypto.getRandomValues(new Uint32Array(1))[0] % n;

/** A shuffled copy (Fisher-Yates on crypto random numbers). */
export function shuffled(list) {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = random(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Names as a person means them: case, accents, punctuation and spacing ignored (as the server). */
export function normalise(text) {
  return String(text ?? '').normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** The year and month now in the patient's zone, read only when scoring. */
function localYearMonth() {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: state.context.timezone, year: 'numeric', month: 'numeric',
  }).formatToParts(api.serverNow());
  const get = (type) => Number(parts.find((p) => p.type === type).value);
  return { year: get('year'), month: get('month') };
}

function part(n, title, ...children) {
  return h('section.card.part', {},
    h('p.step', {}, t('iceStep', { n, total: 5 })), h('h2', {}, title), ...children);
}

function dontKnowBox(label = t('selfDontKnow')) {
  const box = h('input', { type: 'checkbox' });
  return { el: h('label.check', {}, box, h('span', {}, label)), checked: () => box.checked };
}

/** One question answered by choosing among options (labels only; values are positions). */
function pick(legend, name, labels) {
  const c = choice(legend, name, [...labels.map((label, i) => [String(i), label]),
    [DONT_KNOW, t('selfDontKnow')]]);
  return {
    el: c.el,
    answered: () => c.value() !== null,
    label: () => (c.value() === null || c.value() === DONT_KNOW ? null : labels[Number(c.value())]),
  };
}

function orientation() {
  const ctx = state.context;
  const monthNames = Array.from({ length: 12 }, (_, m) => new Intl.DateTimeFormat(t('lang'), {
    month: 'long', timeZone: 'UTC',
  }).format(new Date(Date.UTC(2000, m, 15))));
  const yearId = 'self-year';
  const year = h('input', {
    id: yearId, type: 'text', inputMode: 'numeric', maxLength: 4, autocomplete: 'off', spellcheck: false,
  });
  const yearUnknown = dontKnowBox();
  const monthId = 'self-month';
  const month = h('select', { id: monthId },
    h('option', { value: '' }, t('selfMonthChoose')),
    monthNames.map((name, i) => h('option', { value: String(i + 1) }, name)),
    h('option', { value: DONT_KNOW }, t('selfDontKnow')));
  const city = pick(t('selfCity'), 'self-city', ctx.self_check.city_options);
  const place = pick(t('selfPlace'), 'self-place', ctx.self_check.place_options);
  const yearValue = () => (yearUnknown.checked() || !/^\d{1,4}$/.test(year.value.trim())
    ? null : Number(year.value.trim()));
  const monthValue = () => (/^\d+$/.test(month.value) ? Number(month.value) : null);
  return {
    el: part(1, t('orientTitle'),
      h('div.field', {}, h('label', { htmlFor: yearId }, t('selfYear')), year, yearUnknown.el),
      h('div.field', {}, h('label', { htmlFor: monthId }, t('selfMonth')), month),
      city.el, place.el),
    answered: () => (yearValue() !== null || yearUnknown.checked()) && month.value !== ''
      && city.answered() && place.answered(),
    answers: () => ({ year: yearValue(), month: monthValue(), city: city.label(), place: place.label() }),
    score: () => {
      const now = localYearMonth();
      return (yearValue() === now.year) + (monthValue() === now.month)
        + (normalise(city.label()) !== '' && normalise(city.label()) === normalise(ctx.city))
        + (normalise(place.label()) !== '' && normalise(place.label()) === normalise(ctx.place_of_care));
    },
  };
}

function naming() {
  const ids = Object.keys(PICTURES);
  const shown = shuffled(ids).slice(0, 3);
  const names = [...new Set(Object.values(PICTURES))];
  const rows = shown.map((id, i) => {
    const others = shuffled(names.filter((n) => n !== PICTURES[id])).slice(0, 3);
    const options = shuffled([PICTURES[id], ...others]);
    const question = pick(t('selfNamingQuestion', { n: i + 1 }), `self-name-${i + 1}`,
      options.map((n) => strings.pictures[n]));
    const chosen = () => {
      const label = question.label();
      return label === null ? null : options.find((n) => strings.pictures[n] === label);
    };
    return {
      el: h('div.object', {},
        h('img', { src: `img/ice/${id}.svg`, alt: t('namingPicture', { n: i + 1 }), width: 120, height: 120 }),
        h('div', {}, question.el)),
      answered: question.answered,
      answer: () => ({ picture: id, answer: chosen() }),
      score: () => (chosen() === PICTURES[id] ? 1 : 0),
    };
  });
  return {
    el: part(2, t('namingTitle'), h('p', {}, t('selfNamingIntro')), ...rows.map((r) => r.el)),
    answered: () => rows.every((r) => r.answered()),
    answers: () => ({ naming: rows.map((r) => r.answer()) }),
    score: () => rows.reduce((sum, r) => sum + r.score(), 0),
  };
}

function command() {
  const colours = shuffled([TARGET, TARGET, ...Array.from({ length: 4 },
    () => OTHER_COLOURS[random(OTHER_COLOURS.length)])]);
  const circles = colours.map((colour) => {
    const button = h(`button.circle.c-${colour}`, {
      type: 'button', 'aria-label': t(`circle_${colour}`), 'aria-pressed': 'false',
    });
    button.addEventListener('click', () => {
      button.setAttribute('aria-pressed', button.getAttribute('aria-pressed') === 'true' ? 'false' : 'true');
    });
    return { colour, button };
  });
  const cannot = dontKnowBox(t('selfCannot'));
  const tapped = () => circles.filter((c) => c.button.getAttribute('aria-pressed') === 'true')
    .map((c) => c.colour);
  return {
    el: part(3, t('commandTitle'), h('p.big', {}, t('selfCommandSay')),
      h('div.circles', {}, circles.map((c) => c.button)), cannot.el),
    answered: () => tapped().length > 0 || cannot.checked(),
    answers: () => ({ command: cannot.checked() ? [] : tapped() }),
    score: () => {
      const taps = cannot.checked() ? [] : tapped();
      return taps.length === 2 && taps.every((c) => c === TARGET) ? 1 : 0;
    },
  };
}

function writing() {
  const recent = state.lastSentence && Date.now() - state.lastSentence.at < REUSE_SENTENCE_MS
    ? state.lastSentence : null;
  const pad = writingPad(null, recent?.data);
  const cannot = dontKnowBox(t('selfCannotWrite'));
  const wrote = () => !cannot.checked() && !pad.isEmpty();
  return {
    el: part(4, t('writingTitle'), h('p', {}, t('selfWritingSay')), pad.el, cannot.el),
    answered: () => wrote() || cannot.checked(),
    answers: () => ({}),
    score: () => (wrote() ? 1 : 0),
    // strokes already sent with the handwriting check are not sent twice
    strokes: () => (!wrote() || (recent && pad.data().strokes === recent.data.strokes) ? null : pad.data()),
  };
}

function counting() {
  const boxes = COUNT.map((_, i) => h('input.count', {
    type: 'text', inputMode: 'numeric', maxLength: 3, autocomplete: 'off', 'aria-label': t('countBox', { n: i + 1 }),
  }));
  boxes.forEach((box, i) => box.addEventListener('input', () => {
    if (box.value.length >= 2 && boxes[i + 1]) boxes[i + 1].focus();
  }));
  const cannot = dontKnowBox(t('selfCannot'));
  const typed = () => boxes.map((b) => (/^\d{1,3}$/.test(b.value.trim()) ? Number(b.value.trim()) : null));
  return {
    el: part(5, t('countTitle'), h('p', {}, t('selfCountSay')),
      h('div.counts', {}, h('span.start', { 'aria-hidden': 'true' }, '100'), boxes), cannot.el),
    answered: () => cannot.checked() || boxes.some((b) => b.value.trim() !== ''),
    answers: () => ({ counting: cannot.checked() ? [] : typed() }),
    score: () => (!cannot.checked() && typed().every((n, i) => n === COUNT[i]) ? 1 : 0),
  };
}

/** Whether the record holds what the self-check asks (city and place of care). */
export const selfCheckPossible = () => Boolean(state.context?.self_check?.city_options
  && state.context.self_check.place_options);

/** The call bar names the centre, which is often the place of care: here it says "the
 * centre" instead (the chrome is drawn again, with the name, on the next screen). */
function unnamedCallBar() {
  const link = document.querySelector('#callbar a.call:not(.danger)');
  if (link) link.setAttribute('aria-label', t('selfCallCentre', { phone: state.context.centre_phone }));
}

/** Render the self-check (the patient's own phone, nobody with them). */
export function showSelfCheck(again) {
  if (!selfCheckPossible()) {
    show(h('section', {}, h('h1', {}, t('iceTitle')), h('p.big', {}, t('selfNeedsRecord')),
      changeWho(again)));
    return;
  }
  const items = { orientation: orientation(), naming: naming(), commands: command(), writing: writing(), attention: counting() };
  const send = h('button.primary', { type: 'submit' }, t('send'));
  const form = h('form', { novalidate: true }, ...Object.values(items).map((i) => i.el), send);
  const error = errorSlot(send);
  form.append(error.el);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!Object.values(items).every((i) => i.answered())) {
      error.set(t('selfNeedAll'));
      return;
    }
    send.disabled = true;
    const scores = Object.fromEntries(Object.entries(items).map(([k, v]) => [k, v.score()]));
    const answers = Object.assign({}, ...Object.values(items).map((i) => i.answers()));
    const body = { ice: { ...scores, self: true, answers } };
    const strokes = items.writing.strokes();
    if (strokes) {
      body.handwriting = { strokes };
      state.lastSentence = { at: Date.now(), data: strokes };
    }
    submit(body, 'ice');
  });
  unnamedCallBar();
  show(h('section', {}, h('h1', {}, t('iceTitle')), h('p', {}, t('selfIntro')), changeWho(again), form));
}
