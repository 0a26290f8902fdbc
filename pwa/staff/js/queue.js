// The triage queue screen: open and acknowledged escalations, most severe and oldest first.

import { api } from './api.js';
import { h, replace } from './dom.js';
import { escalationCard } from './cards.js';
import { queueFeed } from './feed.js';
import { t } from './i18n.js';
import { pushHealth } from './push.js';
import { clockTime } from './time.js';

/** Render the queue and keep it live; returns the cleanup function. */
export function render(main) {
  const list = h('div', { class: 'queue', id: 'queue', 'aria-live': 'off' });
  const status = h('p', { class: 'status', id: 'queue-status' });
  const health = h('p', { class: 'notice', id: 'push-health', hidden: true });
  const coverage = h('p', { class: 'notice', id: 'coverage-banner', role: 'status', hidden: true });
  replace(main, h('h1', {}, t('queue_title')), coverage, health, status, list);
  pushHealth(health);
  const stopCoverage = coverageBanner(coverage);
  let lastKey = '';
  const unsubscribe = queueFeed.subscribe((feed) => {
    status.textContent = feed.error ? t('queue_offline')
      : (feed.updatedAt ? t('queue_updated', { time: clockTime(feed.updatedAt) }) : t('loading'));
    status.classList.toggle('offline', Boolean(feed.error));
    const key = JSON.stringify(feed.items) + feed.patients.size;
    if (key === lastKey || list.querySelector('form.resolve')) return;
    lastKey = key;
    if (!feed.items.length) {
      replace(list, h('p', { class: 'empty' }, t('queue_empty')));
      return;
    }
    replace(list, feed.items.map((e) => escalationCard(e, feed.patient(e.patient_id),
      () => feed.poll())));
  });
  return () => { unsubscribe(); stopCoverage(); };
}

const COVERAGE_MS = 60000;

/** rota: the coverage banner: rota tiers with nobody on call now or within the warning lead. */
function coverageBanner(el) {
  let timer = null;
  let stopped = false;
  const poll = async () => {
    try {
      const { gaps } = await api('/api/v1/staff/coverage', { background: true });
      el.textContent = gaps.map((g) => (g.now ? t('coverage_now', { tier: g.tier })
        : t('coverage_soon', { tier: g.tier, time: clockTime(g.starts_at) }))).join(' ');
      el.hidden = !gaps.length;
    } catch {
      // the queue's own status line shows when the server cannot be reached
    }
    if (!stopped) timer = setTimeout(poll, COVERAGE_MS);
  };
  poll();
  return () => { stopped = true; clearTimeout(timer); };
}
