"""Web Push delivery (RFC 8030 / 8291 / 8292) as a small Flask extension.

This package is the only code that imports pywebpush. It reads only `NOTIFICATIONS_*`
settings, POSTs only to accepted push services (`endpoints.py`, no redirects followed) and
turns every outcome of a send, answers and failures alike, into `SendResult` values; the
dispatcher decides what to do with them (retry, deactivate, alert).
"""
from .extension import MAX_PAYLOAD_BYTES, Notifications, clean_topic
from .results import SendResult

push = Notifications()

__all__ = ["MAX_PAYLOAD_BYTES", "Notifications", "SendResult", "clean_topic", "push"]
