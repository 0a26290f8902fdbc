// A writing pad: pointer-event strokes [x, y, t_ms, pressure] in canvas units (CSS px x dpr),
// sent as {canvas: {width, height}, dpr, strokes} (the format of server/measures/strokes.py).
import { h, t } from './dom.js';

/** Create a writing pad; returns {el, data(), isEmpty(), clear()}. */
export function writingPad(labelText, initial = null) {
  const canvas = h('canvas.pad', { role: 'img', 'aria-label': labelText || t('padLabel') });
  const status = h('p.hint', { 'aria-live': 'polite' }, initial ? '' : t('padEmpty'));
  let strokes = initial ? initial.strokes : [];
  let current = null;
  let start = null;
  let ctx = null;

  function size() {
    const rect = canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(rect.width * dpr);
    canvas.height = Math.round(rect.height * dpr);
    ctx = canvas.getContext('2d');
    ctx.setTransform(1, 0, 0, 1, 0, 0); // points are kept in canvas units already
    ctx.lineWidth = 2.5 * dpr;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#111';
    redraw();
  }

  function redraw() {
    if (!ctx) return;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    for (const stroke of strokes) {
      ctx.beginPath();
      stroke.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
      ctx.stroke();
    }
  }

  function point(event) {
    const rect = canvas.getBoundingClientRect();
    if (start === null) start = event.timeStamp;
    const pressure = event.pointerType === 'mouse' || !event.pressure ? 0.5 : event.pressure;
    const dpr = window.devicePixelRatio || 1;
    // The pad captures the pointer, so a finger sliding off it still reports points: keep
    // them on the canvas, or the server would refuse the whole entry as out of bounds.
    const x = Math.min(Math.max(event.clientX - rect.left, 0), rect.width);
    const y = Math.min(Math.max(event.clientY - rect.top, 0), rect.height);
    return [
      Math.round(x * dpr * 10) / 10,
      Math.round(y * dpr * 10) / 10,
      Math.round(event.timeStamp - start),
      Math.round(pressure * 1000) / 1000,
    ];
  }

  canvas.addEventListener('pointerdown', (event) => {
    if (!ctx) size();
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    current = [point(event)];
    strokes.push(current);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!current) return;
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (const e of (events.length ? events : [event])) current.push(point(e));
    const [a, b] = current.slice(-2);
    if (a && b) {
      ctx.beginPath();
      ctx.moveTo(a[0], a[1]);
      ctx.lineTo(b[0], b[1]);
      ctx.stroke();
    }
  });
  const end = () => {
    if (!current) return;
    current = null;
    status.textContent = '';
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  requestAnimationFrame(size);

  const clear = () => {
    strokes = [];
    start = null;
    redraw();
    status.textContent = t('padEmpty');
  };
  const el = h('div.padbox', {}, canvas,
    h('div.row', {}, status, h('button.secondary', { type: 'button', onclick: clear }, t('padClear'))));
  return {
    el,
    isEmpty: () => strokes.length === 0,
    clear,
    data: () => {
      const rect = canvas.getBoundingClientRect();
      const dpr = window.devicePixelRatio || 1;
      return {
        canvas: { width: Math.round(rect.width * dpr), height: Math.round(rect.height * dpr) },
        dpr,
        strokes,
      };
    },
  };
}
