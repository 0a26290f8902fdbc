// Every string the staff app shows (English), in one place.
import { fill, lookup } from '/shared/i18n.js';

const EN = {
  app_name: 'CARTwatch staff',
  nav_queue: 'Triage queue',
  nav_patients: 'Patients',
  nav_admin: 'Admin',
  logout: 'Log out',
  signed_in_as: 'Signed in as {name} ({role}, tier {tier})',
  loading: 'Loading…',

  login_title: 'Staff sign-in',
  email: 'Email',
  password: 'Password',
  sign_in: 'Sign in',
  totp_title: 'Enter the 6-digit code from your authenticator app',
  totp_code: 'Authenticator code',
  totp_enrol_title: 'Set up your authenticator app',
  totp_enrol_help: 'Scan this QR code with an authenticator app (or type the key), then enter the code it shows.',
  totp_secret: 'Key',
  totp_uri: 'Set-up link',
  totp_qr_alt: 'QR code for setting up the authenticator app',
  verify: 'Verify',
  login_failed: 'Email, password or code not accepted.',
  idle_signed_out: 'You were signed out after {minutes} minutes without activity.',
  session_ended: 'Your session ended. Please sign in again.',
  idle_warning: 'You will be signed out in one minute unless you continue.',
  stay_signed_in: 'Stay signed in',

  queue_title: 'Triage queue',
  queue_empty: 'No open escalations. The queue refreshes every few seconds.',
  queue_updated: 'Updated {time}',
  queue_offline: 'Cannot reach the server; showing the last known queue.',
  error_offline: 'No connection to the server',
  new_urgent: 'New {severity} escalation for {patient}',
  day_n: 'Day {day}',
  observed: 'Observed {time}',
  late_entry: 'Late entry: observed {observed}, received {received}',
  opened: 'Opened {time} ({ago})',
  raised: 'Raised {time}',
  worsened: 'Worse while acknowledged at {time}: re-alerted, open again',
  ack_lapsed: 'Acknowledgement lapsed at {time} without resolution: open again',
  followed_up: 'Routine follow-up sent to every tier at {time}',
  event_opened: 'Opened',
  event_attached: 'Finding attached',
  event_raised: 'Raised',
  event_worsened: 'Worse while acknowledged',
  event_acknowledged: 'Acknowledged',
  event_unacknowledged: 'Acknowledgement undone',
  event_ack_lapsed: 'Acknowledgement lapsed',
  event_followed_up: 'Routine follow-up',
  event_resolved: 'Resolved',
  new_findings: 'new: {reasons}',
  acknowledged_by: 'Acknowledged by {who} at {time}',
  not_acknowledged: 'Not acknowledged yet',
  no_caregiver: 'No caregiver enrolled: nobody at home receives the alerts or the advice to call.',
  ladder: 'Notified',
  ladder_tier: 'tier {tier} reached',
  ladder_none: 'No notification sent yet',
  shown_on: 'shown on {count} device(s)',
  undeliverable: 'Could not be delivered: {reason} — next tier notified',
  acknowledge: 'Acknowledge',
  undo_ack: 'Undo acknowledgement',
  resolve: 'Resolve',
  resolve_title: 'Resolve escalation',
  outcome: 'Outcome',
  note: 'Note (optional)',
  save_resolve: 'Resolve escalation',
  cancel: 'Cancel',
  open_patient: 'Open timeline',
  open_escalation: 'Details',
  resolved_by: 'Resolved by {who} at {time}: {outcome}',
  escalation_title: 'Escalation {id}',
  back_to_queue: 'Back to the queue',
  deliveries: 'Notifications and delivery',
  ladder_state: 'Ladder: tier {level} of {tiers} on duty reached; still running: {running}',
  devices_reached: 'reached {count} device(s), shown on {shown}',
  shown_at: 'shown {time}',
  clicked_at: 'opened {time}',
  history: 'History',
  severity_emergency: 'Emergency',
  severity_urgent: 'Urgent',
  severity_routine: 'Routine',
  state_open: 'Open',
  state_acknowledged: 'Acknowledged',
  state_resolved: 'Resolved',

  patients_title: 'Patients',
  patients_empty: 'No patients enrolled yet.',
  col_patient: 'Patient',
  col_day: 'Day',
  col_last: 'Last check-in',
  col_next: 'Next due',
  col_open: 'Open escalation',
  none: 'none',
  never: 'never',
  ended: 'monitoring ended',
  enrol_title: 'Enrol a patient',
  display_name: 'Name (shown to staff only)',
  patient_code: 'Patient code (optional)',
  product: 'Product',
  infused_at: 'Infusion date and time (patient local time)',
  timezone: 'Patient time zone',
  window_days: 'Monitoring window (days after infusion)',
  baseline_ice: 'Baseline ICE score',
  city: 'City (for the ICE orientation question)',
  place_of_care: 'Hospital or place of care',
  enrol: 'Enrol patient',
  enrolled: 'Patient {code} enrolled.',

  patient_title: '{code} · {name}',
  patient_meta: '{product} · infused {infused} · day {day} of {window} · {tz}',
  timeline_title: 'Timeline',
  chart_temperature: 'Temperature (°C), line at {fever} °C',
  chart_ice: 'ICE score (0–10), baseline {baseline}',
  chart_vitals: 'Heart rate, systolic blood pressure, SpO₂',
  events_title: 'Check-ins, symptoms and escalations ({tz})',
  col_time: 'Time ({tz})',
  col_what: 'What',
  col_values: 'Values',
  no_checkins: 'No check-ins yet.',
  tremor_title: 'Tremor',
  handwriting_title: 'Handwriting',
  handwriting_latest: 'Latest sample ({time})',
  handwriting_baseline: 'Baseline sample ({time})',
  handwriting_none: 'No handwriting sample yet.',
  handwriting_alt: 'Handwriting sample drawn on {time}',
  set_baseline: 'Use the latest sample as baseline',
  set_tremor_baseline: 'Use the latest tremor measurement as baseline',
  baseline_set: 'Baseline updated.',
  monitoring_title: 'Monitoring',
  extend: 'Save window',
  end_monitoring: 'End monitoring',
  resume_monitoring: 'Resume monitoring',
  save: 'Save',
  saved: 'Saved.',
  caregivers_title: 'Caregivers',
  caregiver_name: 'Caregiver name',
  add_caregiver: 'Add caregiver',
  devices_title: 'Phones',
  no_devices: 'No phones enrolled.',
  revoke: 'Revoke',
  revoked: 'revoked {time}',
  last_seen: 'last seen {time}',
  codes_title: 'Enrolment codes',
  code_for: 'Code for',
  for_patient: 'the patient’s phone',
  for_caregiver: 'caregiver {name}',
  issue_code: 'Issue code',
  code_text: 'Code: {code}',
  code_expires: 'Valid until {time}; one use.',
  code_qr_alt: 'QR code to enrol a phone',
  confirm_revoke: 'Revoke this phone? It will stop working at once.',
  confirm_end: 'End monitoring for this patient? Reminders and missed-check-in alerts stop, and the patient\'s and caregivers\' phones are disconnected at once (resuming needs new codes).',

  admin_title: 'Administration',
  staff_title: 'Staff accounts',
  handle: 'Handle',
  name: 'Name',
  role: 'Role',
  tier: 'Tier',
  on_duty: 'On duty',
  active: 'Active',
  totp_ready: 'Authenticator',
  yes: 'yes',
  no: 'no',
  add_staff: 'Add member of staff',
  initial_password: 'Initial password (at least 12 characters)',
  create: 'Create',
  reset_totp: 'Reset authenticator',
  centre_title: 'Centre',
  centre_name: 'Centre name',
  phone_24h: '24-hour phone',
  emergency_number: 'Emergency number',
  centre_timezone: 'Centre time zone',
  overrides_title: 'Threshold overrides',
  overrides_none: 'The clinical engine allows no overrides.',
  override_hint: 'Allowed {min} to {max}; empty uses the default.',
  audit_title: 'Audit log',
  filter_patient: 'Patient',
  filter_staff: 'Member of staff',
  any: 'any',
  col_at: 'When',
  col_actor: 'Who',
  actor_elsewhere: '{kind} of another centre',
  col_action: 'Action',
  col_outcome: 'Outcome',
  previous: 'Previous page',
  next: 'Next page',
  page_of: 'Page {page} of {pages} ({total} events)',
  filter: 'Filter',

  push_enable: 'Enable notifications on this device',
  push_enabled: 'Notifications are on for this device.',
  push_unsupported: 'This browser cannot receive notifications.',
  push_denied: 'Notifications are blocked in the browser settings.',
  push_test: 'Send test notification',
  push_stale: 'None of your devices has shown a notification in the last 24 hours. Send a test notification to check this device.',
  push_none: 'You are on duty but no device of yours receives notifications. Enable them on this device.',
  push_test_sent: 'Test notification sent.',
  error_generic: 'Something went wrong: {message}',

  // policy v2 check-in inputs
  antipyretic_flag: 'Fever medicine taken in the last 6 h: a fever may be hidden',
  antipyretic_kind_flag: 'Fever medicine ({kind}) taken in the last 6 h: a fever may be hidden',
  antipyretic_short: 'fever medicine in the last 6 h',
  antipyretic_no: 'no fever medicine',
  antipyretic_paracetamol: 'paracetamol',
  antipyretic_ibuprofen: 'ibuprofen',
  antipyretic_other: 'other',
  other_text_title: 'In their own words',
  other_text_at: '{time}:',
  respiratory_rate_short: 'RR {value}/min',
  ice_self_short: 'self-check, alone',

  // cards: values behind reasons
  day_n_of: 'Day {day} of {window}',
  ev_temperature_c: '{celsius} °C',
  ev_temperature_f: '{value} °F ({celsius} °C)',
  ev_readings_highest: 'max of {count} readings',
  ev_readings_lowest: 'min of {count} readings',
  ev_ice: 'ICE {total}/{out_of} (baseline {baseline})',
  ev_heart_rate: 'HR {value}/min',
  ev_systolic: 'BP systolic {value} mmHg',
  ev_spo2: 'SpO₂ {value} %',
  ev_news2: 'NEWS2 {total}: {parts}',
  ev_news2_zero: 'NEWS2 {total}',
  news2_part_respiratory_rate: 'breathing rate {score}',
  news2_part_spo2: 'SpO₂ {score}',
  news2_part_systolic_bp: 'systolic {score}',
  news2_part_heart_rate: 'pulse {score}',
  news2_part_temperature_c: 'temperature {score}',
  news2_part_consciousness: 'consciousness {score}',
  ev_by_patient: 'recorded by the patient',
  ev_by_caregiver: 'recorded by a caregiver',
  ev_by_self_check: 'self-check by the patient alone',
  ev_times: 'observed {observed}, received {received}',
  ev_late: 'late entry',
  ev_slots: 'missed slot {slots}',
  ev_latest_vitals: 'Latest vitals',

  // quality: centre quality page
  nav_quality: 'Quality',
  q_title: 'Centre quality',
  q_intro: 'Alarm burden and response times of this centre, and what a threshold change would have done. Counts only; no patient names.',
  q_from: 'From (date)',
  q_to: 'To (date)',
  q_show: 'Show',
  q_csv: 'Download CSV',
  q_summary_title: 'Escalations',
  q_period_line: '{from} to {to}: {patients} patients, {days} patient-days monitored.',
  q_adherence_line: 'Check-ins: {answered} of {due} due slots answered; missed {missed}.',
  q_scope: 'Scope',
  q_centre: 'Whole centre',
  q_rule: 'Rule',
  q_escalations: 'Escalations',
  q_per_100: 'Per 100 patient-days',
  q_ack_median: 'Acknowledge, median (h)',
  q_ack_p90: 'Acknowledge, 90th percentile (h)',
  q_resolve_median: 'Resolve, median (h)',
  q_resolve_p90: 'Resolve, 90th percentile (h)',
  q_tier1_share: 'Acknowledged by tier 1',
  q_undeliverable: 'Undeliverable',
  q_lapsed: 'Acknowledgement lapsed',
  q_rules_title: 'By rule',
  q_chart_rules: 'Escalations per 100 patient-days, by rule and severity',
  q_outcomes_title: 'Outcomes recorded at resolve',
  q_outcome: 'Outcome',
  q_adherence_title: 'Adherence per patient',
  q_patient: 'Patient',
  q_due: 'Due slots',
  q_answered: 'Answered',
  q_adherence: 'Share answered',
  q_checkins_in: 'Check-ins',
  q_with_temperature: 'With temperature',
  q_with_vitals: 'With vital signs',
  q_with_ice: 'With ICE',
  q_whatif_title: 'Threshold what-if',
  q_whatif_help: 'Replays the stored check-ins of the period through the same rules with a proposed threshold. Nothing is saved and nobody is notified.',
  q_threshold: 'Threshold',
  q_value: 'Proposed value',
  q_whatif_bounds: 'Now {current}; allowed {min} to {max}.',
  q_whatif_run: 'Replay the period',
  q_whatif_counts: 'Check-ins replayed: {replayed}. Escalations that would have opened: {opened}; would not have opened: {closed}; with a different severity: {changed}.',
  q_none: 'None.',
  q_whatif_opened: 'Would have opened',
  q_whatif_closed: 'Would not have opened',
  q_whatif_changed: 'Different severity',
  q_escalation: 'Escalation',
  q_escalation_n: 'Escalation {id}',
  q_checkins: 'Check-ins',
  q_checkins_n: 'Check-ins {ids}',
  q_severity: 'Severity',
  q_rules: 'Rules',
  q_now: 'Now',
  q_then: 'With the proposal',
  q_th_fever_c: 'Fever from (°C)',
  q_th_hypothermia_c: 'Low temperature below (°C)',
  q_th_systolic_bp_emergency_below: 'Systolic blood pressure emergency below (mmHg)',
  q_th_spo2_emergency_below: 'SpO₂ emergency below (%)',
  q_th_spo2_urgent_below: 'SpO₂ urgent below (%)',
  q_th_heart_rate_urgent_from: 'Heart rate urgent from (/min)',
  q_th_ice_emergency_at_or_below: 'ICE emergency at or below (of 10)',
  q_th_antipyretic_urgent_c: 'After fever medicine, urgent from (°C)',

  // records: corrections and baselines
  window_hint: 'Suggested by product: 30 days; 100 days for ide-cel and cilta-cel (late movement and neurocognitive effects).',
  enrolled_at: 'Enrolment date and time (patient local time)',
  reason_required: 'Reason (required)',
  reason_optional: 'Reason (optional)',
  correct_title: 'Correct the record',
  correct_hint: 'For entry errors. The reason and the old and new values are kept in the audit log; the check-in schedule is planned again.',
  correct_save: 'Save correction',
  correct_nothing: 'Nothing was changed.',
  correct_done: 'Correction saved.',
  correct_confirm_title: 'Correct the record?',
  correct_confirm_text: 'Changing: {fields}. Please say why.',
  baselines_title: 'Baselines',
  baseline_kind_handwriting: 'Handwriting baseline',
  baseline_kind_tremor: 'Tremor baseline',
  baseline_kind_ice: 'ICE baseline',
  baseline_sample: 'sample of {time}',
  baseline_none: 'none yet',
  baseline_was: 'was {value}',
  baseline_auto: 'first complete sample',
  baseline_history: 'History of changes',
  baseline_ice_change: 'Change ICE baseline',
  baseline_confirm_title: 'Change the baseline?',
  baseline_confirm_text: '{kind} becomes {value}. New measurements are compared with it; you can go back to an earlier one from the history.',
  baseline_confirm: 'Change baseline',
  baseline_undo: 'Undo',
  baseline_undo_label: 'Undo the last change of the {kind}',
  baseline_go_back: 'Go back to this one',

  // wording: labels and formats
  handle_rule: '2 to 64 characters: lower-case letters a-z, digits, dot, underscore or hyphen, starting with a letter or digit.',
  time_format: 'Clock shown to staff',
  time_format_24h: '24-hour (21:28)',
  time_format_12h: '12-hour (9:28 pm)',
  override_default: 'default {value}',
  staff_number: 'staff #{id}',
  ago_now: 'just now',
  delivery_error: 'push service said: {error}',
  ago_minutes: '{minutes} min ago',
  ago_hours: '{hours} h {minutes} min ago',
  ago_days: '{days} days ago',
  tremor_rating: 'Rating',
  nav_history: 'Resolved',
  history_title: 'Resolved escalations',
  history_from: 'Resolved from (date)',
  history_to: 'Resolved until (date)',
  history_reason: 'Reason',
  history_outcome: 'Outcome',
  history_search: 'Search',
  history_none: 'No resolved escalation matches.',
  col_severity: 'Severity',
  col_opened: 'Opened',
  col_resolved: 'Resolved',
  col_reasons: 'Reasons',
  col_resolved_by: 'Resolved by',
  legend_title: 'Chart key',
  chart_baseline: 'baseline {value}',
  chart_heart_rate: 'Heart rate /min',
  chart_systolic: 'Systolic mmHg',
  chart_spo2: 'SpO₂ %',
  legend_escalation: 'Escalation opened',
  legend_symptom: 'Symptom reported',
  legend_threshold: 'Threshold line',
  legend_baseline: 'Baseline line',
  push_error_denied: 'Notifications are blocked for this site. Allow them in the browser’s site settings, then try again.',
  push_error_abort: 'The browser could not register this device for notifications (the push service refused or is unreachable). Try again later, or use another browser.',
  push_error_state: 'This device is already registered in a way the browser cannot change. Reload the page and try again.',
  push_error_unsupported: 'This browser cannot receive notifications.',
  push_error_network: 'The push service could not be reached. Check the connection and try again.',
  push_error_other: 'Notifications could not be turned on in this browser.',

  // --- ble: values read from a Bluetooth LE device (issue 19) ---
  dev_from: '{values} from device ({model})',
  dev_value_temperature: 'temperature',
  dev_value_spo2: 'SpO₂',
  dev_value_heart_rate: 'HR',
  dev_value_systolic_bp: 'BP',
  dev_value_respiratory_rate: 'RR',
  // --- course: course summary PDF and registry outcomes (issue 18) ---
  summary_pdf_final: 'Download the course summary (PDF, final)',
  summary_pdf_interim: 'Download the course summary so far (PDF, interim)',
  outcomes_legend: 'Registry outcomes (optional)',
  outcomes_hint: 'ASTCT grade per syndrome and the treatments given, with dates (the patient’s calendar days).',
  outcomes_crs: 'CRS grade (ASTCT)',
  outcomes_icans: 'ICANS grade (ASTCT)',
  outcomes_not_graded: 'not graded',
  outcomes_grade_n: 'grade {grade}',
  outcomes_treatments: 'Treatments given',
  outcomes_date_of: 'Date of {treatment}',
  outcomes_date_needed: 'Give the date it was given.',
  outcomes_record: 'Record grades and treatments',
  outcomes_save: 'Save grades and treatments',
  treatment_tocilizumab: 'Tocilizumab',
  treatment_steroids: 'Steroids',
  treatment_admission: 'Hospital admission',
  treatment_icu: 'ICU',
  outcomes_export_csv: 'Registry outcomes (CSV)',
  outcomes_export_json: 'Registry outcomes (JSON)',
  outcomes_export_title: 'Registry outcomes export',
  outcomes_export_hint: 'Patients infused in the period (the centre’s dates; default the last 30 days, at most a year): grades, treatments, first alert day per syndrome, time to acknowledge.',
  outcomes_export_from: 'Infused from',
  outcomes_export_to: 'Infused to',
  // --- lang: the language of a patient or caregiver (app, instructions, pushes) ---
  language: 'Language (app, instructions, reminders)',
  patient_language: 'Language: {language}',
  caregiver_with_language: '{name} ({language})',
  language_en: 'English',
  language_de: 'German (Deutsch)',
  language_es: 'Spanish (Español)',
  // --- channels: per-person channel lists, tests, attempts on the escalation page ---
  nav_channels: 'My channels',
  channels_title: 'My alert channels',
  channels_title_staff: 'Alert channels of staff #{id}',
  channels_intro: 'Alerts go through these channels in order; each waits its delay after the alert unless an earlier one was shown or acknowledged, and a failed or unanswered channel moves on to the next at once. Without any channel you get push notifications only.',
  channel_position: '{n}.',
  channel_kind: 'Channel',
  channel_delay: 'Delay in seconds',
  channel_after: 'after',
  channel_seconds: 's',
  channel_address: 'Phone number or URL',
  channel_address_hint: '+4930123456 or https://…',
  channel_routing_key: 'PagerDuty routing key',
  channel_routing_key_kept: 'routing key saved (type to replace)',
  channel_secret: 'Signing secret for this webhook (X-CARTwatch-Signature)',
  channel_remove: 'Remove',
  channel_add: 'Add a channel',
  channel_save: 'Save channels',
  channel_saved: 'Channels saved.',
  channel_test: 'Send me a test: {n}. {channel}',
  channel_test_sent: 'Test sent through {channel}.',
  channel_push: 'Push notification',
  channel_sms: 'SMS',
  channel_voice: 'Phone call',
  channel_webhook: 'Webhook',
  channel_pagerduty: 'PagerDuty',
  delivery_channel: 'via {channel}',
  delivery_attempt: '{channel} at {time}: {status}',
  admin_channels: 'Channels',
  // --- rota: rota page, overrides, coverage banner ---
  nav_rota: 'Rota',
  rota_title: 'Rota',
  rota_intro: 'Who is on call for each tier over the next 7 days, in the centre’s time. A tier without a rota pages everyone marked on duty; with a rota, only the person on shift (if marked on duty).',
  rota_tier_title: 'Tier {tier}',
  rota_week_caption: 'Tier {tier}: the next 7 days',
  rota_from: 'From',
  rota_to: 'To',
  rota_on_call: 'On call',
  rota_nobody: 'Nobody',
  rota_not_pageable: 'marked off duty',
  rota_edit: 'Edit this rota',
  rota_create: 'New rota',
  rota_delete: 'Delete this rota',
  rota_pattern: 'Pattern',
  rota_pattern_daily: 'Daily shifts',
  rota_pattern_weekly: 'Weekly handoff',
  rota_handoffs: 'Handoff times',
  rota_handoffs_hint: 'Local times, comma-separated, e.g. 07:00, 19:00 (weekly: one time).',
  rota_weekday: 'Weekday (weekly)',
  rota_weekday_0: 'Monday',
  rota_weekday_1: 'Tuesday',
  rota_weekday_2: 'Wednesday',
  rota_weekday_3: 'Thursday',
  rota_weekday_4: 'Friday',
  rota_weekday_5: 'Saturday',
  rota_weekday_6: 'Sunday',
  rota_starts_on: 'First shift on',
  rota_people: 'People in turn',
  rota_people_hint: 'Handles in order, comma-separated; the first takes the first shift.',
  rota_add_override: 'Add override',
  rota_delete_override: 'Delete override',
  rota_override_kind: 'Kind',
  rota_kind_swap: 'Swap one shift',
  rota_kind_cover: 'Cover (from–to)',
  rota_kind_absence: 'Absence, nobody covers (from–to)',
  rota_override_staff: 'Who is on call',
  rota_override_from: 'From (a swap: any time in the shift)',
  rota_override_to: 'To',
  rota_override_to_hint: 'Not for a swap.',
  rota_gap: 'Tier {tier} has nobody on call from {from} to {to}.',
  coverage_now: 'Tier {tier} has nobody on call now.',
  coverage_soon: 'Tier {tier} will have nobody on call from {time}.',
};

const REASONS = {
  fever: 'Temperature 38.0 °C or higher',
  hypothermia: 'Temperature below 35.0 °C',
  hypotension: 'Low blood pressure (systolic below 90)',
  hypoxia: 'Low oxygen (SpO₂ below 92 %)',
  low_spo2: 'Oxygen saturation 92–94 %',
  tachycardia: 'Fast heart rate (120/min or more)',
  ice_low: 'ICE score 7–9, below the patient’s baseline',
  ice_severe: 'ICE score 6 or lower',
  seizure: 'Seizure seen',
  consciousness: 'Hard to wake or unresponsive',
  weakness: 'New weakness of one side of the body',
  confusion: 'New confusion, word-finding trouble or slurred speech',
  facial: 'New facial weakness or numbness',
  handwriting: 'Handwriting worse than baseline, or cannot write',
  handwriting_measured: 'Measured handwriting change from baseline',
  tremor_measured: 'Measured tremor well above baseline',
  tremor: 'Moderate or severe tremor, or worse than baseline',
  tremor_mild: 'New mild tremor',
  tachypnoea: 'Fast breathing (25/min or more)',
  bradypnoea: 'Slow breathing (8/min or less)',
  bradycardia: 'Slow heart rate (40/min or less)',
  news2: 'NEWS2 score 5 or higher (7 or higher: emergency)',
  antipyretic: 'Fever medicine taken in the last 6 hours',
  sleepy: 'Unusually sleepy or very tired, but wakes easily',
  jerks: 'Sudden muscle jerks',
  personality: 'Personality change, agitation or restlessness',
  heartbeat: 'Fast or irregular heartbeat felt',
  gut: 'Severe nausea, vomiting or diarrhoea',
  bleeding: 'Bleeding or unusual bruising',
  other_symptom: 'Something else, in their own words (see the entry)',
  headache: 'Severe headache',
  breathing: 'Shortness of breath',
  rigors: 'Shaking chills',
  dizzy: 'Dizziness or fainting',
  missed_checkin: 'Missed check-in',
  missed_checkin_repeated: 'Second check-in missed in a row',
};

const SYMPTOMS = {
  headache_severe: 'severe headache', confusion: 'confusion', word_finding: 'word-finding trouble',
  slurred_speech: 'slurred speech', seizure: 'seizure', hard_to_wake: 'hard to wake',
  weakness_one_side: 'weakness of one side', facial_weakness: 'facial weakness',
  shortness_of_breath: 'shortness of breath', rigors: 'shaking chills', dizziness: 'dizziness',
  sleepy: 'unusually sleepy or very tired', jerks: 'sudden muscle jerks',
  personality_change: 'personality change, agitation or restlessness',
  heartbeat: 'fast or irregular heartbeat', gut_severe: 'severe nausea, vomiting or diarrhoea',
  bleeding: 'bleeding or unusual bruising',
};

const SYNDROMES = { CRS: 'CRS (cytokine release)', ICANS: 'ICANS (neurotoxicity)' };

export const OUTCOMES = {
  advice_at_home: 'Advice given, stays at home',
  came_to_hospital: 'Came to hospital',
  admitted: 'Admitted',
  false_alarm: 'False alarm / entry error',
  other: 'Other (see note)',
};

// wording: labels and formats — every code the server sends gets words (tests check the list
// against the server's constants: ladder.UNDELIVERABLE_REASONS, policy.THRESHOLD_BOUNDS,
// policy.MEASURE_OVERRIDES, measures.FEATURE_NAMES).
const UNDELIVERABLE = {
  no_staff_on_duty: 'nobody on duty to notify',
  no_subscription: 'no device receives notifications',
  push_failed: 'the push service kept failing',
  subscription_gone: 'the device’s notification registration has expired',
  push_refused: 'the push service refused the notification',
  not_shown: 'no device showed the notification within 2 minutes',
  channel_failed: 'the SMS, call or paging channel failed',  // channels
  not_answered: 'the phone call was not answered (1 not pressed)',  // channels
};

const OVERRIDES = {
  fever_c: { label: 'Fever from (°C)', meaning: 'A temperature at or above this raises a fever finding.' },
  hypothermia_c: { label: 'Low temperature below (°C)', meaning: 'A temperature below this raises a hypothermia finding.' },
  systolic_bp_emergency_below: { label: 'Low blood pressure below (mmHg systolic)', meaning: 'A systolic pressure below this is an emergency.' },
  spo2_emergency_below: { label: 'Low oxygen emergency below (SpO₂ %)', meaning: 'An oxygen saturation below this is an emergency.' },
  spo2_urgent_below: { label: 'Low oxygen urgent below (SpO₂ %)', meaning: 'An oxygen saturation below this (and not an emergency) is urgent.' },
  heart_rate_urgent_from: { label: 'Fast heart rate from (/min)', meaning: 'A resting heart rate at or above this is urgent.' },
  ice_emergency_at_or_below: { label: 'ICE score emergency at or below (of 10)', meaning: 'An ICE score at or below this is an emergency.' },
  antipyretic_urgent_c: { label: 'Fever medicine taken: urgent from (°C)', meaning: 'After fever medicine, a temperature at or above this is urgent.' },
  handwriting_deviation: { label: 'Handwriting change flagged from (× tolerance)', meaning: 'A handwriting change from baseline this many times the usual variation raises a finding.' },
  tremor_ratio: { label: 'Tremor flagged from (× baseline)', meaning: 'Tremor strength this many times the baseline raises a finding.' },
};

// hidden: bookkeeping, not shown as a column
const FEATURES = {
  samples: { label: 'Samples', unit: '', meaning: 'Motion readings recorded.', hidden: true },
  points: { label: 'Pen points', unit: '', meaning: 'Pen positions recorded.', hidden: true },
  duration_s: { label: 'Duration', unit: 's', meaning: 'How long the sample lasted.' },
  rate_hz: { label: 'Sampling rate', unit: 'Hz', meaning: 'How often the phone read its motion sensor.', hidden: true },
  rms: { label: 'Movement', unit: 'm/s²', meaning: 'Overall shaking of the phone (root mean square acceleration).' },
  band_rms: { label: 'Tremor strength', unit: 'm/s²', meaning: 'Shaking in the 4–12 Hz tremor band.' },
  band_fraction: { label: 'Share in tremor band', unit: '%', meaning: 'Part of all movement that is tremor-like (4–12 Hz).', percent: true },
  dominant_hz: { label: 'Tremor frequency', unit: 'Hz', meaning: 'The strongest frequency in the tremor band.' },
  ratio: { label: 'Tremor vs baseline', unit: '×', meaning: 'Tremor strength as a multiple of the baseline’s.' },
  pen_lifts: { label: 'Pen lifts', unit: '', meaning: 'Times the pen left the screen.' },
  pen_down_s: { label: 'Writing time', unit: 's', meaning: 'Time with the pen on the screen.' },
  ink_px: { label: 'Ink length', unit: 'px', meaning: 'Total length of the line written.' },
  speed_px_s: { label: 'Writing speed', unit: 'px/s', meaning: 'Ink length per second of writing.' },
  width_px: { label: 'Width', unit: 'px', meaning: 'Width of the writing.' },
  height_px: { label: 'Letter height', unit: 'px', meaning: 'Typical height of the letters.' },
  height_trend: { label: 'Height change along the line', unit: '%', meaning: 'Shrinking (negative) or growing letters from start to end.', percent: true },
  drift_deg: { label: 'Line slope', unit: '°', meaning: 'How much the line climbs or falls.' },
  slant_deg: { label: 'Slant', unit: '°', meaning: 'Lean of the letters.' },
  rhythm_hz: { label: 'Writing rhythm', unit: 'Hz', meaning: 'Strokes per second.' },
  tremor_index: { label: 'Line jitter', unit: 'px', meaning: 'Small fast wobble of the line (tremor in the writing).' },
  size: { label: 'Size change', unit: '× tolerance', meaning: 'Letters larger or smaller than at baseline.' },
  micrographia: { label: 'Shrinking writing', unit: '× tolerance', meaning: 'Letters shrink along the line more than at baseline.' },
  drift: { label: 'Slope change', unit: '× tolerance', meaning: 'The line’s slope differs from baseline.' },
  jitter: { label: 'Jitter change', unit: '× tolerance', meaning: 'More wobble in the line than at baseline.' },
  complete: { label: 'Measurable', unit: '', meaning: 'The sample was long and steady enough to measure.', hidden: true },
  error: { label: 'Problem', unit: '', meaning: 'Why the sample could not be measured.', hidden: true },
  deviation: { label: 'Change from baseline', unit: '× threshold', meaning: 'The combined change from the baseline sample (1 or more is flagged at the default).' },
  components: { label: 'Parts of the change', unit: '', meaning: 'Each part of the change from baseline.', hidden: true },
  beyond_baseline: { label: 'Beyond baseline', unit: '', meaning: 'Whether the change is large enough to raise a finding.' },
  baseline_id: { label: 'Baseline sample', unit: '', meaning: 'The check-in used as baseline.', hidden: true },
};

const PURPOSES = {
  escalation: 'alert', renotify: 'repeat alert', reminder: 'check-in reminder',
  missed_checkin: 'missed check-in notice', acknowledged: 'acknowledged notice',
  unanswered: 'advice to call', test: 'test notification',
  resolved: 'resolved notice to the paging system', // channels
  // --- rota: outbox purposes of the rota notices ---
  handoff: 'handoff notice', coverage: 'rota gap warning',
};

const DELIVERY_STATES = {
  pending: 'waiting to send', leased: 'sending', sent: 'sent', failed: 'failed',
  expired: 'expired unsent', undeliverable: 'no device to send to', cancelled: 'cancelled',
};

/** A notification's purpose or delivery state (outbox codes) in plain words. */
export function deliveryText(kind, code) {
  const table = kind === 'purpose' ? PURPOSES : DELIVERY_STATES;
  return table[code] || (code || '').replaceAll('_', ' ');
}

const PUSH_ERRORS = {
  NotAllowedError: 'push_error_denied',
  AbortError: 'push_error_abort',
  InvalidStateError: 'push_error_state',
  NotSupportedError: 'push_error_unsupported',
  NetworkError: 'push_error_network',
};

/** "no_subscription:staff1" (code, optionally ":staff<id>") in plain words. */
export function undeliverableText(value) {
  if (!value) return '';
  const [code, who] = String(value).split(':');
  const words = UNDELIVERABLE[code] || t('push_error_other');
  const id = who && who.match(/^staff(\d+)$/);
  return id ? `${words} (${t('staff_number', { id: id[1] })})` : words;
}

/** A threshold override's label, unit and one-line meaning (never the raw key). */
export function overrideLabel(key) {
  return OVERRIDES[key] || { label: key.replaceAll('_', ' '), meaning: '' };
}

/** A measured feature: label, unit, one-line meaning, and whether to keep it out of tables. */
export function featureLabel(key) {
  return FEATURES[key] || { label: key, unit: '', meaning: '', hidden: true };
}

/** A feature's value for a table cell: rounded, with its unit; yes/no for flags. */
export function featureValue(key, value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? t('yes') : t('no');
  if (typeof value !== 'number') return String(value);
  const f = featureLabel(key);
  const shown = f.percent ? Math.round(value * 1000) / 10 : Math.round(value * 100) / 100;
  return f.unit ? `${shown} ${f.unit}` : String(shown);
}

/** A browser's push/permission error (a DOMException) or a server answer in plain words. */
export function pushErrorText(err) {
  if (err && err.status) return t('error_generic', { message: err.message });
  if (err && err.known) return err.message;
  return t(PUSH_ERRORS[err && err.name] || 'push_error_other');
}

/** The codes with labels, by table (the label test compares them with the server's). */
export const LABELLED = {
  undeliverable: Object.keys(UNDELIVERABLE), overrides: Object.keys(OVERRIDES),
  features: Object.keys(FEATURES), purposes: Object.keys(PURPOSES),
  delivery_states: Object.keys(DELIVERY_STATES),
};

/** Translate a key, filling {placeholders} from vars. */
export function t(key, vars = {}) {
  return fill(lookup(key, EN), vars, (value, name) => String(value ?? `{${name}}`));
}

/** A finding reason code in plain words. */
export function reasonText(code) {
  return REASONS[code] || code.replaceAll('_', ' ');
}

/** Every finding reason code with words (the resolved-escalation search offers them). */
export function reasonCodes() {
  return Object.keys(REASONS);
}

/** A symptom code in plain words. */
export function symptomText(code) {
  return SYMPTOMS[code] || code.replaceAll('_', ' ');
}

/** A syndrome code in plain words. */
export function syndromeText(code) {
  return SYNDROMES[code] || code;
}

/** A channel kind in words (channels). */
export function channelText(kind) {
  const key = `channel_${kind}`;
  const text = t(key);
  return text === key ? kind : text;
}

/** The label of an outcome code. */
export function outcomeText(code) {
  return OUTCOMES[code] || (code || '').replaceAll('_', ' ');
}

/** The languages a patient or caregiver can be given (the server's list). */
export const LANGUAGES = ['en', 'de', 'es'];

/** A language code in words ("German (Deutsch)"). */
export function languageText(code) {
  return t(`language_${code}`);
}
