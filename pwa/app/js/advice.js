// The safety instruction worked out on the phone (offline) by running the rules the server
// publishes (rules.js); this module only turns an entry into the facts those rules read.
import { LANGUAGE_VERSION, UNKNOWN, evaluateRules } from './rules.js';

const RANK = { none: 0, routine: 1, urgent: 2, emergency: 3 };

function toCelsius(temp) {
  return temp.unit === 'F' ? Math.round(((temp.value - 32) * 5 / 9) * 100) / 100 : temp.value;
}

/** The facts of one entry, as server/clinical/engine.py builds them; history is UNKNOWN. */
export function factsOf(body, th) {
  const v = body.vitals || {};
  const num = (x) => (typeof x === 'number' ? x : null);
  const text = typeof body.other === 'string' ? body.other.trim() : '';
  const rating = body.tremor?.rating ?? null;
  return {
    temperature_c: body.temperature ? toCelsius(body.temperature) : null,
    heart_rate: num(v.heart_rate), systolic_bp: num(v.systolic_bp), spo2: num(v.spo2),
    respiratory_rate: num(v.respiratory_rate),
    ice_total: body.ice ? ['orientation', 'naming', 'commands', 'writing', 'attention']
      .reduce((a, k) => a + (body.ice[k] || 0), 0) : null,
    baseline_ice: th.baseline_ice ?? 10,
    symptoms: body.symptoms || [],
    tremor_rating: rating,
    handwriting_judgement: body.handwriting?.judgement ?? null,
    antipyretic: body.antipyretic === true,
    other_text: text || null,
    // only the server knows the earlier ratings and compares samples with the baseline
    previous_tremor: rating === null ? null : UNKNOWN,
    baseline_tremor: rating === null ? null : UNKNOWN,
    handwriting_beyond_baseline: body.handwriting?.strokes ? UNKNOWN : false,
    tremor_beyond_baseline: body.tremor?.motion ? UNKNOWN : false,
  };
}

/** What the published rules find for an entry: {fired, pending}, or null without rules. */
export function findingsOf(body, th) {
  if (!th?.rules || th.condition_language !== LANGUAGE_VERSION) return null;
  return evaluateRules(factsOf(body, th), th);
}

/** The highest severity the entry reaches under the published rules ('none' if none). */
export function severityOf(body, th) {
  const found = findingsOf(body, th);
  return (found?.fired || []).reduce((top, f) => (RANK[f.severity] > RANK[top] ? f.severity : top), 'none');
}

/**
 * An instruction {severity, action, text, phone, offline: true, reasons, server_check}, or
 * null when the phone has no rules it can run (then it must not say "nothing alarming").
 * `server_check` lists rules only the centre can settle (they need earlier entries).
 */
export function localInstruction(body, thresholds) {
  const found = findingsOf(body, thresholds);
  if (!found) return null;
  const severity = found.fired.reduce((top, f) => (RANK[f.severity] > RANK[top] ? f.severity : top), 'none');
  const reasons = found.fired.map((f) => f.reason);
  const extra = { offline: true, reasons, server_check: found.pending };
  if (severity === 'none') return { severity: null, action: 'none', text: null, phone: null, ...extra };
  const published = thresholds.instructions?.[severity] || {};
  const action = { emergency: 'call_emergency', urgent: 'call_centre', routine: 'none' }[severity];
  return { severity, action, text: published.text || null, phone: published.phone || null, ...extra };
}
