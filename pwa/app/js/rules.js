// The server's finding rules, evaluated on the phone from the data that
// GET /api/v1/device/thresholds publishes (`rules`, `news2`, `server_facts`): the phone holds
// no rule of its own. The condition language is the one of server/clinical/conditions.py
// (version 1); keep the two interpreters in step (tests/browser/test_rule_agreement.py).
//
// Three-valued: a fact only the server has (history, measured samples) is UNKNOWN here, so
// `any` with one true branch is still true, and a rule that stays UNKNOWN is "pending": the
// centre checks it. A node this interpreter does not understand makes its rule unsupported,
// which is reported the same way (never silently quiet).
export const LANGUAGE_VERSION = 1;
export const UNKNOWN = Symbol('unknown');
const SEVERITIES = ['routine', 'urgent', 'emergency'];

/** The facts the phone can work out from an entry (the rest are server-only or unknown). */
export const PHONE_FACTS = new Set([
  'temperature_c', 'heart_rate', 'systolic_bp', 'spo2', 'respiratory_rate', 'ice_total',
  'baseline_ice', 'symptoms', 'tremor_rating', 'handwriting_judgement', 'antipyretic',
  'other_text', 'previous_tremor', 'baseline_tremor', 'handwriting_beyond_baseline',
  'tremor_beyond_baseline',
]);
const DERIVED = new Set(['news2']);

const OPS = {
  '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b,
  '>=': (a, b) => a >= b, '==': (a, b) => a === b, '!=': (a, b) => a !== b,
};

class Unsupported extends Error {}

/** NEWS2 of one entry from the published table: {total, parts}; missing parameters score 0. */
export function news2(facts, table) {
  if (!table?.bands) throw new Unsupported('no NEWS2 table');
  const parts = {};
  for (const [name, bands] of Object.entries(table.bands)) {
    if (!PHONE_FACTS.has(name)) throw new Unsupported(`NEWS2 parameter ${name}`);
    const value = facts[name];
    if (value === UNKNOWN) return { total: UNKNOWN, parts };
    if (value == null) continue;
    parts[name] = bands.find(([upper]) => upper === null || value <= upper)[1];
  }
  const said = (facts.symptoms || []).some((s) => table.consciousness_symptoms.includes(s));
  parts.consciousness = said ? table.consciousness_score : 0;
  return { total: Object.values(parts).reduce((a, b) => a + b, 0), parts };
}

function factValue(name, facts, published) {
  if (DERIVED.has(name)) return news2(facts, published.news2).total;
  if (!PHONE_FACTS.has(name)) throw new Unsupported(`fact ${name}`);
  const value = facts[name];
  return value === undefined ? null : value;
}

function combine(values, stop) { // `stop` wins at once; then UNKNOWN; then the other value
  if (values.includes(stop)) return stop;
  return values.includes(UNKNOWN) ? UNKNOWN : !stop;
}

/** true, false or UNKNOWN for one condition; throws Unsupported on a node it cannot read. */
export function truth(cond, facts, published) {
  const keys = Object.keys(cond || {}).sort().join(',');
  if (keys === 'all') return combine(cond.all.map((c) => truth(c, facts, published)), false);
  if (keys === 'any') return combine(cond.any.map((c) => truth(c, facts, published)), true);
  if (keys === 'not') {
    const inner = truth(cond.not, facts, published);
    return inner === UNKNOWN ? UNKNOWN : !inner;
  }
  if (keys === 'symptoms_any') return cond.symptoms_any.some((s) => (facts.symptoms || []).includes(s));
  const value = factValue(cond.fact, facts, published);
  if (keys === 'fact,in') return value === UNKNOWN ? UNKNOWN : cond.in.some((v) => v === value);
  if (keys === 'fact,present') return value === UNKNOWN ? UNKNOWN : value !== null;
  const op = OPS[cond.op];
  let other;
  if (!op) throw new Unsupported(`operator ${cond.op}`);
  if (keys === 'fact,op,threshold') {
    other = published[cond.threshold];
    if (typeof other !== 'number') throw new Unsupported(`threshold ${cond.threshold}`);
  } else if (keys === 'fact,op,value') {
    other = cond.value;
  } else if (keys === 'fact,op,other_fact') {
    other = factValue(cond.other_fact, facts, published);
  } else {
    throw new Unsupported(`node ${keys}`);
  }
  if (value === UNKNOWN || other === UNKNOWN) return UNKNOWN;
  return value !== null && other !== null && op(value, other);
}

/**
 * Evaluate the published rules: {fired: [{id, severity, syndrome, reason}], pending: [id]}.
 * `pending` lists rules the phone cannot settle (server-only facts, or not understood).
 */
export function evaluateRules(facts, published) {
  const fired = [];
  const pending = [];
  for (const rule of published.rules || []) {
    try {
      const holds = truth(rule.condition, facts, published);
      if (holds === UNKNOWN) { pending.push(rule.id); continue; }
      if (!holds) continue;
      let severity = rule.severity;
      for (const { severity: higher, when } of rule.severity_when || []) {
        const raised = truth(when, facts, published);
        if (raised === UNKNOWN) pending.push(rule.id);
        else if (raised && SEVERITIES.indexOf(higher) > SEVERITIES.indexOf(severity)) severity = higher;
      }
      fired.push({ id: rule.id, severity, syndrome: rule.syndrome, reason: rule.reason });
    } catch (err) {
      if (!(err instanceof Unsupported)) throw err;
      pending.push(rule.id);
    }
  }
  return { fired, pending: [...new Set(pending)] };
}
