"""The clinical domain: policy numbers, rules, escalations and schedules."""
