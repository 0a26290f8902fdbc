// Temperature: numeric keypad, °C / °F remembered, plausibility checked before sending, the
// fever-medicine question (policy v2: it can hide a fever) and "Is this right?" outside the
// usual range.
import { temperatureDevice } from '../ble/panel.js';
import { bounds, parseNumber } from '../bounds.js';
import { choice, field, h, show, t } from '../dom.js';
import { submit } from '../result.js';
import * as settings from '../state.js';
import { askIsThisRight, isUnusual } from '../unusual.js';

/** Render the temperature screen. */
export async function showTemperature() {
  let unit = await settings.unit();
  const temp = field(t('tempLabel', { unit }), {
    type: 'text', inputMode: 'decimal', name: 'temperature', autocomplete: 'off',
    enterKeyHint: 'send', pattern: '[0-9]*[.,]?[0-9]*', required: true, maxLength: 5,
  }, t('tempHint'));
  temp.input.classList.add('huge');
  const label = temp.el.querySelector('label');
  const units = choice(t('tempUnit'), 'unit', [['C', t('unitC')], ['F', t('unitF')]], {
    onchange: () => {
      unit = units.value();
      settings.setUnit(unit);
      label.textContent = t('tempLabel', { unit });
      temp.error.set('');
    },
  });
  units.el.classList.add('inline');
  units.el.querySelector(`input[value="${unit}"]`).checked = true;
  const ble = temperatureDevice(temp.input, (u) => { // ble: a device's reading fills the field
    units.el.querySelector(`input[value="${u}"]`).click();
  });
  const medicine = choice(t('antipyreticQuestion'), 'antipyretic',
    [['yes', t('antipyreticYes')], ['no', t('antipyreticNo')]], { required: false });
  medicine.el.classList.add('inline');
  const question = h('div', { 'aria-live': 'polite' });
  const send = h('button.primary', { type: 'submit' }, t('send'));
  const form = h('form', { novalidate: true }, temp.el, ble.el, units.el, medicine.el, question, send);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = parseNumber(temp.input.value);
    const [min, max] = bounds('temperature', unit) || [-Infinity, Infinity];
    if (temp.input.value.trim() === '') {
      temp.error.set(t('tempMissing'));
    } else if (Number.isNaN(value) || value < min || value > max) {
      temp.error.set(t('tempRange', { min, max, unit }));
    } else {
      temp.error.set('');
      const sure = !isUnusual('temperature', value, unit) || ble.fromDevice(value, unit) || await askIsThisRight(question,
        [{ label: t('tempLabel', { unit }), value }]);
      if (sure) {
        send.disabled = true;
        const body = { temperature: { value, unit, ...ble.source(value, unit) }, ...ble.observed(value, unit) };
        if (medicine.value()) body.antipyretic = medicine.value() === 'yes';
        submit(body, 'temperature');
        return;
      }
    }
    temp.input.focus();
  });
  show(h('section', {}, h('h1', {}, t('tempTitle')), form));
}
