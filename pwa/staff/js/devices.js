// "from device (model)": which of a check-in's values a Bluetooth LE device read (issue 19),
// from the server's `devices` map {value name: model}. The model is the phone's text: it is
// only ever appended as a text node, never as HTML.

import { h } from './dom.js';
import { t } from './i18n.js';

const NAMES = ['temperature', 'spo2', 'heart_rate', 'systolic_bp', 'respiratory_rate'];

/** "temperature from device (TempPro 200) · SpO₂, HR from device (OxiSmart)", or ''. */
export function deviceText(devices) {
  const byModel = new Map();
  for (const name of NAMES) {
    const model = devices && devices[name];
    if (!model) continue;
    if (!byModel.has(model)) byModel.set(model, []);
    byModel.get(model).push(t(`dev_value_${name}`));
  }
  return [...byModel].map(([model, names]) => t('dev_from', { values: names.join(', '), model }))
    .join(' · ');
}

/** The same as an element (class ev-device), or null when every value was typed. */
export function deviceLine(devices) {
  const text = deviceText(devices);
  return text ? h('span', { class: 'ev-device' }, text) : null;
}
