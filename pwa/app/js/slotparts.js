// Which parts of a due slot are in (issue 15, finding 2): a slot asks for the steps of the
// guided check, and Home says "1 of 5 done — continue" until each one is in. The missed
// check-in rule is the server's and unchanged: any entry answers the slot there.
import * as store from './store.js';

const MARKS_KEY = 'nothing_new'; // "No new symptoms" taps: nothing is sent, the part is in
const MARKS_KEEP = 20;

/** Steps of a guided check: temperature, plus the neuro checks when due. */
export function flowSteps(neuro) {
  return neuro ? ['temperature', 'handwriting', 'ice', 'tremor', 'symptoms'] : ['temperature', 'symptoms'];
}

/** The parts one entry (a check-in body or a stored check-in) covers. */
export function partsOf(entry) {
  const parts = [];
  if (entry.temperature) parts.push('temperature');
  if (entry.ice) parts.push('ice');
  if (entry.tremor) parts.push('tremor');
  // the confusion check's writing item sends strokes too; the handwriting check is its own part
  if (entry.handwriting && (entry.handwriting.judgement || !entry.ice)) parts.push('handwriting');
  if (entry.symptoms?.length || entry.vitals || entry.other) parts.push('symptoms');
  return parts;
}

/** Remember that "No new symptoms" was answered now (the symptoms part of this slot is in). */
export async function markNothingNew(atIso) {
  const marks = (await store.get(MARKS_KEY)) || [];
  await store.set(MARKS_KEY, [atIso, ...marks].slice(0, MARKS_KEEP));
}

/** The kept "No new symptoms" times (ms). */
export async function nothingNewTimes() {
  return ((await store.get(MARKS_KEY)) || []).map((iso) => Date.parse(iso));
}

/** {steps, done: [parts in], missing: [parts still to do]} of a slot, from timed entries
 *  [{at, parts}] and the "No new symptoms" times. */
export function slotProgress(slot, entries, nothingNew = []) {
  const steps = flowSteps(slot.neuro);
  const inside = (t) => t >= slot.from && t <= slot.until;
  const got = new Set(entries.filter((e) => inside(e.at)).flatMap((e) => e.parts));
  if (nothingNew.some(inside)) got.add('symptoms');
  const done = steps.filter((s) => got.has(s));
  return { steps, done, missing: steps.filter((s) => !got.has(s)) };
}
