// Idle sign-out: the client signs out after the server's idle limit without user activity.

const EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart', 'scroll'];

/** Watch for activity; call warn() a minute before and expire() at the limit. */
export function startIdleTimer(minutes, { warn, expire, onActive }) {
  const limitMs = minutes * 60000;
  const warnMs = Math.max(limitMs - 60000, limitMs / 2);
  let last = Date.now();
  let warned = false;
  const touch = () => {
    last = Date.now();
    if (warned) {
      warned = false;
      onActive();
    }
  };
  for (const name of EVENTS) window.addEventListener(name, touch, { passive: true });
  const timer = setInterval(() => {
    const idle = Date.now() - last;
    if (idle >= limitMs) {
      stop();
      expire();
    } else if (idle >= warnMs && !warned) {
      warned = true;
      warn();
    }
  }, 1000);
  function stop() {
    clearInterval(timer);
    for (const name of EVENTS) window.removeEventListener(name, touch);
  }
  return { stop, touch };
}
