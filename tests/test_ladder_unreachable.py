"""ladder.recipient_unreachable: a top-tier miss notifies the next tier; a lower one only flags."""
from __future__ import annotations

from push_fixtures import open_escalation, push_app

from server.clinical import ladder
from server.clock import now
from server.extensions import db
from server.models import NotificationIntent

pytestmark = push_app


def _renotified(escalation_id):
    return [(i.recipient_kind, i.recipient_id) for i in db.session.execute(
        db.select(NotificationIntent).where(NotificationIntent.escalation_id == escalation_id,
                                            NotificationIntent.purpose == "renotify")).scalars()]


def test_a_top_tier_miss_notifies_the_next_tier_now(app, make_staff, make_patient):
    first, second = make_staff(handle="one", tier=1), make_staff(handle="two", tier=2)
    escalation = open_escalation(make_patient())
    notified = ladder.recipient_unreachable(escalation, ("staff", first.id), now(),
                                            f"push_refused:staff{first.id}")
    db.session.commit()
    assert notified == [("staff", second.id)]
    assert escalation.ladder_level == 2 and escalation.undeliverable_at is not None
    assert escalation.undeliverable_reason == f"push_refused:staff{first.id}"
    assert _renotified(escalation.id) == [("staff", second.id)]


def test_a_lower_tier_miss_only_flags(app, make_staff, make_patient):
    first, _second = make_staff(handle="one", tier=1), make_staff(handle="two", tier=2)
    escalation = open_escalation(make_patient())
    escalation.ladder_level = 2  # the ladder already passed tier 1 on
    assert ladder.recipient_unreachable(escalation, ("staff", first.id), now(), "not_shown") == []
    db.session.commit()
    assert escalation.ladder_level == 2 and escalation.undeliverable_reason == "not_shown"
    assert _renotified(escalation.id) == []


def test_a_miss_in_the_last_tier_flags_without_skipping(app, make_staff, make_patient):
    only = make_staff(handle="one", tier=1)
    escalation = open_escalation(make_patient())
    reason = "x" * 80
    assert ladder.recipient_unreachable(escalation, ("staff", only.id), now(), reason) == []
    db.session.commit()
    assert escalation.ladder_level == 1 and escalation.undeliverable_reason == "x" * 64
