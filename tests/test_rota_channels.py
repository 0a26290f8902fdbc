"""Rota notices follow a person's channel list like alerts do: a coverage warning to an admin
without a working push goes out by SMS, a handoff notice by a call that only speaks."""
from __future__ import annotations

from channel_fixtures import channel_app, set_channels
from test_rota_oncall import _add_rota, _z

from server.extensions import db
from server.models import NotificationIntent, RotaOverride
from server.outbox import passes
from server.services import rota_notices

pytestmark = channel_app

ADMIN_PHONE = "+4915100000007"
NURSE_PHONE = "+4915100000008"


def _rows(purpose):
    return list(db.session.execute(db.select(NotificationIntent).where(
        NotificationIntent.purpose == purpose).order_by(NotificationIntent.id)).scalars())


def test_a_coverage_warning_falls_back_from_push_to_sms(app, centre, clock, twilio,
                                                        make_staff):
    a, b = make_staff(handle="nurse-a"), make_staff(handle="nurse-b")
    admin = make_staff(handle="admin-a", role="admin", tier=3)
    admin.on_duty = False
    set_channels("staff", admin.id, ("push", 0, None), ("sms", 120, ADMIN_PHONE),
                 ("pagerduty", 0, "routing-key"))
    rota = _add_rota(centre, [a, b])
    db.session.add(RotaOverride(rota_id=rota.id, kind="absence", staff_id=None,
                                starts_at=_z("2026-03-11T19:00+01:00"),
                                ends_at=_z("2026-03-12T07:00+01:00")))
    db.session.commit()
    clock.set(_z("2026-03-11T17:00+01:00"))
    assert rota_notices.run(clock.current) == {"coverage": 1}
    db.session.commit()
    rows = _rows("coverage")
    assert [r.channel_kind or "push" for r in rows] == ["push", "sms"]  # never a pager
    passes.run_pass()  # no push subscription: the SMS is due at once
    passes.run_pass()
    (sms,) = twilio.messages()
    assert sms.to == ADMIN_PHONE and "19:00" in sms.form["Body"]
    assert "CARTwatch" in sms.form["Body"] and "nurse-a" not in sms.form["Body"]


def test_a_handoff_notice_by_call_speaks_and_asks_for_no_key(app, client, centre, clock,
                                                             twilio, make_staff):
    a, b = make_staff(handle="nurse-a"), make_staff(handle="nurse-b")
    set_channels("staff", b.id, ("voice", 0, NURSE_PHONE))
    _add_rota(centre, [a, b])
    clock.set(_z("2026-03-10T19:00:03+01:00"))
    assert rota_notices.run(clock.current) == {"handoff": 1}
    db.session.commit()
    passes.run_pass()
    (call,) = twilio.calls()
    assert call.to == NURSE_PHONE
    twiml, _ = twilio.answer(client, call)
    assert "<Say>CARTwatch:" in twiml and "<Gather" not in twiml
