// The sentence a patient copies in the handwriting check: the centre's own when it set one
// (GET /api/v1/device/me `handwriting_sentence`), otherwise the app's in the patient's language.
import { t } from './dom.js';
import { state } from './state.js';

/** The handwriting sentence to show. */
export const sentence = () => state.context?.handwriting_sentence || t('hwSentence');
