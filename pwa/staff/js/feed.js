// The live queue: polls open escalations every few seconds, notices new or raised urgent ones.

import { api } from './api.js';
import { alertStrip, announce, playTone, setBadge } from './alerts.js';
import { t } from './i18n.js';

export const POLL_MS = 4000;
const PATIENTS_MS = 30000;
const RANK = { emergency: 0, urgent: 1, routine: 2 };
const LOUD = new Set(['urgent', 'emergency']);

/** Queue order: severity first, then the longest waiting first. */
export function queueOrder(a, b) {
  return (RANK[a.severity] ?? 9) - (RANK[b.severity] ?? 9)
    || new Date(a.raised_at || a.opened_at) - new Date(b.raised_at || b.opened_at)
    || a.id - b.id;
}

class QueueFeed {
  constructor() {
    this.items = [];
    this.patients = new Map();
    this.patientsAt = 0;
    this.seen = null; // id -> severity, null until the first load
    this.listeners = new Set();
    this.timer = null;
    this.error = null;
    this.updatedAt = null;
  }

  /** Start polling (and poll at once when the page becomes visible again). */
  start() {
    this.stop();
    this.running = true;
    this.seen = null;
    this.onVisible = () => { if (!document.hidden) this.poll(); };
    document.addEventListener('visibilitychange', this.onVisible);
    this.poll();
  }

  /** Stop polling (on sign-out). */
  stop() {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = null;
    if (this.onVisible) document.removeEventListener('visibilitychange', this.onVisible);
    this.items = [];
    this.listeners.clear();
    setBadge(0);
  }

  /** Call fn(feed) after every poll; returns an unsubscribe function. */
  subscribe(fn) {
    this.listeners.add(fn);
    fn(this);
    return () => this.listeners.delete(fn);
  }

  /** Patient summary (code, name, day, time zone) for an escalation's patient id. */
  patient(id) {
    return this.patients.get(id) || null;
  }

  async refreshPatients(force) {
    if (!force && Date.now() - this.patientsAt < PATIENTS_MS) return;
    const rows = await api('/api/v1/staff/overview');
    this.patients = new Map(rows.map((row) => [row.id, row]));
    this.patientsAt = Date.now();
  }

  /** One poll now (also used right after an action so the screen follows at once). */
  async poll() {
    clearTimeout(this.timer);
    try {
      const list = await api('/api/v1/staff/queue', { background: true });
      for (const e of list) if (e.patient) this.patients.set(e.patient_id, e.patient);
      this.items = list.sort(queueOrder);
      this.error = null;
      this.updatedAt = new Date();
      this.noticeNew();
    } catch (err) {
      this.error = err;
    }
    for (const fn of this.listeners) fn(this);
    if (this.running) this.timer = setTimeout(() => this.poll(), POLL_MS);
  }

  noticeNew() {
    const first = this.seen === null;
    const previous = this.seen || new Map();
    this.seen = new Map(this.items.map((e) => [e.id, e.severity]));
    const loud = this.items.filter((e) => e.state === 'open' && LOUD.has(e.severity));
    setBadge(loud.length);
    if (!loud.length) alertStrip(null); // nothing left unacknowledged: the alarm is over
    if (first) return;
    const fresh = loud.filter((e) => !previous.has(e.id)
      || (RANK[e.severity] < (RANK[previous.get(e.id)] ?? 9)));
    if (!fresh.length) return;
    const top = fresh.sort(queueOrder)[0];
    const who = (this.patient(top.patient_id) || {}).code || `#${top.patient_id}`;
    const message = t('new_urgent', { severity: t(`severity_${top.severity}`).toLowerCase(),
      patient: who });
    playTone(top.severity);
    announce(message);
    alertStrip(message);
    setTimeout(() => alertStrip(null), 15000);
  }
}

export const queueFeed = new QueueFeed();
