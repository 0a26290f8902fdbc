// Input bounds of clinical/POLICY.md "Input bounds" (the server refuses values outside them).
export const TEMPERATURE = { C: [34.0, 43.0], F: [93.2, 109.4] };
export const VITALS = { heart_rate: [30, 220], systolic_bp: [50, 250], spo2: [50, 100] };

/** Parse a typed number, accepting a decimal comma; NaN when not a number. */
export function parseNumber(text) {
  const clean = String(text).trim().replace(',', '.');
  return /^\d+(\.\d+)?$/.test(clean) ? Number(clean) : NaN;
}
