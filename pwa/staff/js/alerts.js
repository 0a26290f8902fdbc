// Attention for new urgent escalations while the page is open: tone, badge, title, announcement.

let audio = null;

/** Prepare the audio context inside a user gesture (browsers block sound before one). */
export function primeSound() {
  if (audio || !('AudioContext' in window)) return;
  audio = new AudioContext();
}

/** Two short tones; emergency repeats them. */
export function playTone(severity) {
  if (!audio) return;
  if (audio.state === 'suspended') audio.resume();
  const repeats = severity === 'emergency' ? 3 : 1;
  let at = audio.currentTime + 0.05;
  for (let i = 0; i < repeats; i += 1) {
    for (const frequency of [880, 660]) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.3, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.25);
      osc.connect(gain).connect(audio.destination);
      osc.start(at);
      osc.stop(at + 0.3);
      at += 0.3;
    }
    at += 0.2;
  }
}

/** Show the number of unacknowledged urgent/emergency escalations on the app icon and title. */
export function setBadge(count) {
  const base = document.title.replace(/^\(\d+\) /, '');
  document.title = count > 0 ? `(${count}) ${base}` : base;
  if ('setAppBadge' in navigator) {
    const call = count > 0 ? navigator.setAppBadge(count) : navigator.clearAppBadge();
    call.catch(() => {});
  }
  const badge = document.getElementById('queue-badge');
  if (badge) {
    badge.textContent = String(count);
    badge.hidden = count === 0;
  }
}

/** Put a message in the polite live region for screen readers. */
export function announce(text) {
  const live = document.getElementById('live');
  if (live) live.textContent = text;
}

/** Show (or clear, with null) the assertive alert strip at the top of the page. */
export function alertStrip(text) {
  const strip = document.getElementById('alert');
  strip.textContent = text || '';
  strip.hidden = !text;
}
