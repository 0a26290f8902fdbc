// The one lookup both apps translate with: a key's text from the first table that has it
// (else the key itself), its {placeholders} filled by the app's own rule for a value.

/** The text of `key` in the first table that has it; the key itself when none does. */
export function lookup(key, ...tables) {
  for (const table of tables) {
    if (table && table[key] !== undefined) return table[key];
  }
  return key;
}

/** Fill {name} placeholders from `vars`; `format(value, name)` writes each value. */
export function fill(text, vars = {}, format = (value) => String(value ?? '')) {
  return text.replace(/\{(\w+)\}/g, (_, name) => format(vars[name], name));
}
