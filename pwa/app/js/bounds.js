// Input bounds of clinical/POLICY.md, as the server publishes them in the phone's context
// (GET /api/v1/device/me): the app keeps no copy. The server refuses values outside them.
import { state } from './state.js';

export const VITALS = ['heart_rate', 'systolic_bp', 'spo2', 'respiratory_rate'];

/** Longest free text the server accepts (characters); 500 when not published yet. */
export const otherMaxLength = () => state.context?.input_bounds?.other_max_length || 500;

/** [min, max] for 'temperature' (per unit) or a vital; null when not published yet
 *  (a context stored by an older version: the server still checks the entry). */
export function bounds(name, unit) {
  const published = state.context?.input_bounds?.[name];
  const range = name === 'temperature' ? published?.[unit] : published;
  return Array.isArray(range) && range.length === 2 ? range : null;
}

/** Parse a typed number (the i18n module's one parser: decimal point or comma). */
export { parseNumber } from './i18n.js';
