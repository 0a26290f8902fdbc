// A modal confirm step with an optional or required reason (a native <dialog>): changing a
// baseline or correcting a record is never one stray click.

import { field, h } from './dom.js';
import { t } from './i18n.js';

/** Ask before a change. Resolves to { reason } when confirmed, null when cancelled. */
export function askConfirm({ title, text, confirmLabel, reasonRequired = false,
  reasonMax = 500 }) {
  return new Promise((resolve) => {
    const reason = h('textarea', { name: 'reason', rows: 2, maxlength: reasonMax,
      required: reasonRequired });
    const titleId = `dlg-${Math.random().toString(36).slice(2, 9)}`;
    const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': titleId });
    const form = h('form', { method: 'dialog' },
      h('h2', { id: titleId }, title), h('p', {}, text),
      field(reasonRequired ? t('reason_required') : t('reason_optional'), reason),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', value: 'cancel',
          onclick: () => dialog.close('cancel') }, t('cancel')),
        h('button', { type: 'submit', class: 'primary', value: 'ok' }, confirmLabel)));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (reasonRequired && !reason.value.trim()) {
        reason.setCustomValidity(t('reason_required'));
        reason.reportValidity();
        return;
      }
      dialog.close('ok');
    });
    reason.addEventListener('input', () => reason.setCustomValidity(''));
    dialog.append(form);
    dialog.addEventListener('close', () => {
      const ok = dialog.returnValue === 'ok';
      dialog.remove();
      resolve(ok ? { reason: reason.value.trim() } : null);
    });
    document.body.append(dialog);
    dialog.showModal();
    reason.focus();
  });
}
