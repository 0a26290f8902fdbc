// Timeline charts (uPlot): temperature, ICE, vitals on one time axis in the patient's zone.

import uPlot from '../vendor/uPlot.esm.js';
import { tickTime } from './time.js';

// Series and markers never share a colour (a symptom line once looked like the SpO₂ line);
// markers also differ in shape: escalations solid with a triangle, symptoms dashed with a dot.
export const SERIES_COLOURS = { temperature: '#0b3d5c', ice: '#1d5c2e', heart_rate: '#7a3b00',
  systolic_bp: '#00607a', spo2: '#5b3f8c' };
export const SEVERITY_COLOURS = { emergency: '#8b0000', urgent: '#c2185b', routine: '#6b6b00' };
export const SYMPTOM_COLOUR = '#3d3d3d';
export const LINE_COLOURS = { threshold: '#b3261e', baseline: '#1d5c2e' };

/** Where a reference line's label goes: right-aligned inside the plot (clear of the y-axis
 *  tick labels on the left), above its line, or below it when the line is near the top. */
export function labelPlacement(y, bbox, textWidth, textHeight, pad) {
  const x = bbox.left + bbox.width - textWidth - pad;
  const above = y - pad;
  const baseline = above - textHeight < bbox.top ? y + pad + textHeight : above;
  return { x, y: Math.min(baseline, bbox.top + bbox.height - pad) };
}

function seconds(iso) {
  return Math.floor(new Date(iso).getTime() / 1000);
}

/** Draw horizontal reference lines ({value, scale, label, colour}) and event markers. */
function overlays(lines, events) {
  return {
    hooks: {
      draw: [(u) => {
        const { ctx } = u;
        const { left, top, width, height } = u.bbox;
        ctx.save();
        ctx.lineWidth = 2 * devicePixelRatio;
        ctx.font = `${12 * devicePixelRatio}px system-ui, sans-serif`;
        for (const line of lines) {
          const y = u.valToPos(line.value, line.scale || 'y', true);
          ctx.strokeStyle = line.colour;
          ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
          ctx.beginPath();
          ctx.moveTo(left, y);
          ctx.lineTo(left + width, y);
          ctx.stroke();
          ctx.fillStyle = line.colour;
          const at = labelPlacement(y, u.bbox, ctx.measureText(line.label).width,
            12 * devicePixelRatio, 4 * devicePixelRatio);
          ctx.fillText(line.label, at.x, at.y);
        }
        ctx.setLineDash([]);
        for (const ev of events) {
          const x = u.valToPos(ev.x, 'x', true);
          if (x < left || x > left + width) continue;
          ctx.strokeStyle = ev.colour;
          ctx.fillStyle = ev.colour;
          ctx.setLineDash(ev.mark ? [] : [3 * devicePixelRatio, 3 * devicePixelRatio]);
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, top + height);
          ctx.stroke();
          ctx.setLineDash([]);
          if (!ev.mark) {
            ctx.beginPath();
            ctx.arc(x, top + 5 * devicePixelRatio, 4 * devicePixelRatio, 0, 2 * Math.PI);
            ctx.fill();
          } else {
            ctx.beginPath();
            ctx.moveTo(x - 6 * devicePixelRatio, top);
            ctx.lineTo(x + 6 * devicePixelRatio, top);
            ctx.lineTo(x, top + 10 * devicePixelRatio);
            ctx.fill();
          }
        }
        ctx.restore();
      }],
    },
  };
}

/** The marker events (escalations opened, symptoms reported) shared by every chart. */
export function timelineEvents(data) {
  const events = data.escalations.map((e) => ({ x: seconds(e.opened_at),
    colour: SEVERITY_COLOURS[e.severity] || '#444', mark: true }));
  for (const s of data.symptoms) events.push({ x: seconds(s.at), colour: SYMPTOM_COLOUR, mark: false });
  return events;
}

function xRange(data) {
  const times = [
    ...data.checkins.map((c) => seconds(c.observed_at)),
    ...data.escalations.map((e) => seconds(e.opened_at)),
  ];
  const end = seconds(data.now);
  const start = times.length ? Math.min(...times) : end - 86400;
  const pad = Math.max(1800, (end - start) * 0.03);
  return [start - pad, end + pad];
}

function series(label, stroke, scale = 'y') {
  return { label, stroke, scale, width: 2, spanGaps: true,
    points: { show: true, size: 8, fill: stroke } };
}

function swatch(colour, kind) {
  const mark = document.createElement('span');
  mark.className = `swatch swatch-${kind}`;
  mark.style.setProperty('--swatch', colour);
  mark.setAttribute('aria-hidden', 'true');
  return mark;
}

/** The key to the markers and reference lines drawn on every chart (in words, not colour
 *  alone: each entry names what its mark means). */
function legend(labels) {
  const list = document.createElement('ul');
  list.className = 'chart-legend';
  list.id = 'chart-legend';
  list.setAttribute('aria-label', labels.legend);
  const entries = [
    ...Object.entries(SEVERITY_COLOURS).map(([severity, colour]) => [colour, 'escalation',
      `${labels.escalation} (${labels.severities[severity]})`]),
    [SYMPTOM_COLOUR, 'symptom', labels.symptom],
    [LINE_COLOURS.threshold, 'line', labels.threshold],
    [LINE_COLOURS.baseline, 'line', labels.baseline_line],
  ];
  for (const [colour, kind, text] of entries) {
    const item = document.createElement('li');
    item.dataset.kind = kind;
    item.append(swatch(colour, kind), document.createTextNode(` ${text}`));
    list.append(item);
  }
  return list;
}

/** Build the three charts into `holder`; returns a function that destroys them. */
export function drawCharts(holder, data, labels) {
  const tz = data.patient.timezone;
  const xs = data.checkins.map((c) => seconds(c.observed_at));
  const pick = (key) => data.checkins.map((c) => (c[key] ?? null));
  const events = timelineEvents(data);
  const [min, max] = xRange(data);
  const width = () => Math.max(280, holder.clientWidth - 8);
  const xAxis = { values: (u, splits) => splits.map((ts) => tickTime(ts * 1000, tz)),
    space: 90 };
  const common = (title) => ({
    title, width: width(), height: 200,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), tz),
    cursor: { sync: { key: `timeline-${data.patient.id}` } },
    scales: { x: { time: true, min, max, auto: false } },
    legend: { show: true, live: false },
  });
  const fever = data.thresholds.fever_c;
  const specs = [
    {
      id: 'chart-temperature', caption: labels.temperature,
      opts: { ...common(labels.temperature),
        scales: { ...common().scales, y: { range: [35, 41] } },
        series: [{}, series('°C', SERIES_COLOURS.temperature)],
        axes: [xAxis, { label: '°C' }],
        plugins: [overlays([{ value: fever, colour: LINE_COLOURS.threshold, label: `${fever} °C` }], events)] },
      data: [xs, pick('temperature_c')],
    },
    {
      id: 'chart-ice', caption: labels.ice,
      opts: { ...common(labels.ice),
        scales: { ...common().scales, y: { range: [0, 10] } },
        series: [{}, series('ICE', SERIES_COLOURS.ice)],
        axes: [xAxis, { label: 'ICE' }],
        plugins: [overlays([{ value: data.thresholds.baseline_ice, colour: LINE_COLOURS.baseline,
          label: labels.baseline }], events)] },
      data: [xs, pick('ice_total')],
    },
    {
      id: 'chart-vitals', caption: labels.vitals,
      opts: { ...common(labels.vitals),
        scales: { ...common().scales, v: { range: [30, 200] }, s: { range: [80, 100] } },
        series: [{}, series(labels.heart_rate, SERIES_COLOURS.heart_rate, 'v'),
          series(labels.systolic_bp, SERIES_COLOURS.systolic_bp, 'v'),
          series(labels.spo2, SERIES_COLOURS.spo2, 's')],
        axes: [xAxis, { scale: 'v', label: '/min, mmHg' },
          { scale: 's', side: 1, label: 'SpO₂ %', grid: { show: false } }],
        plugins: [overlays([], events)] },
      data: [xs, pick('heart_rate'), pick('systolic_bp'), pick('spo2')],
    },
  ];
  const plots = [];
  for (const spec of specs) {
    const figure = document.createElement('figure');
    figure.className = 'chart';
    figure.id = spec.id;
    const caption = document.createElement('figcaption');
    caption.textContent = spec.caption;
    figure.append(caption);
    const target = document.createElement('div');
    target.className = 'chart-canvas';
    figure.append(target);
    holder.append(figure);
    const opts = { ...spec.opts, title: undefined };
    plots.push(new uPlot(opts, spec.data, target));
  }
  holder.append(legend(labels));
  const resize = () => { for (const p of plots) p.setSize({ width: width(), height: 200 }); };
  const observer = new ResizeObserver(resize);
  observer.observe(holder);
  return () => {
    observer.disconnect();
    for (const p of plots) p.destroy();
  };
}
