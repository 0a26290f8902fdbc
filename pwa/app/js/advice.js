// The safety instruction worked out on the phone (offline) from the thresholds the server publishes.
const RANK = { none: 0, routine: 1, urgent: 2, emergency: 3 };

function toCelsius(temp) {
  return temp.unit === 'F' ? Math.round(((temp.value - 32) * 5 / 9) * 100) / 100 : temp.value;
}

/** The highest severity the entry reaches under the published thresholds. */
export function severityOf(body, th) {
  const found = [];
  const temp = body.temperature;
  if (temp) {
    const c = toCelsius(temp);
    if (c >= th.fever_c || c < th.hypothermia_c) found.push('urgent');
  }
  const v = body.vitals || {};
  if (v.systolic_bp != null && v.systolic_bp < th.systolic_bp_emergency_below) found.push('emergency');
  if (v.spo2 != null && v.spo2 < th.spo2_emergency_below) found.push('emergency');
  else if (v.spo2 != null && v.spo2 < th.spo2_urgent_below) found.push('urgent');
  if (v.heart_rate != null && v.heart_rate >= th.heart_rate_urgent_from) found.push('urgent');
  if (body.ice) {
    const total = Object.values(body.ice).reduce((a, b) => a + b, 0);
    if (total <= th.ice_emergency_at_or_below) found.push('emergency');
    else if (total < (th.baseline_ice ?? 10)) found.push('urgent');
  }
  for (const s of body.symptoms || []) {
    if ((th.emergency_symptoms || []).includes(s)) found.push('emergency');
    else if ((th.urgent_symptoms || []).includes(s)) found.push('urgent');
  }
  const rating = body.tremor?.rating;
  if (rating === 'moderate' || rating === 'severe') found.push('urgent');
  else if (rating === 'mild') found.push('routine');
  const judgement = body.handwriting?.judgement;
  if (judgement === 'worse' || judgement === 'cannot_write') found.push('urgent');
  return found.reduce((top, s) => (RANK[s] > RANK[top] ? s : top), 'none');
}

/** An instruction {severity, action, text, phone, offline: true}, or null without thresholds. */
export function localInstruction(body, thresholds) {
  if (!thresholds) return null;
  const severity = severityOf(body, thresholds);
  if (severity === 'none') return { severity: null, action: 'none', text: null, phone: null, offline: true };
  const published = thresholds.instructions?.[severity] || {};
  const action = { emergency: 'call_emergency', urgent: 'call_centre', routine: 'none' }[severity];
  return { severity, action, text: published.text || null, phone: published.phone || null, offline: true };
}
