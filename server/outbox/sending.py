"""The sends themselves: one at a time, or NOTIFICATIONS_SEND_THREADS in a thread pool.

NOTIFICATIONS_SEND_THREADS (default 1) is the number of sends in flight: one push per
dispatcher, at most one duplicate per crash, but a slow push service delays the sends
queued behind it; N > 1 sends concurrently, and a crash may repeat up to N (collapsed on
the device by the Topic header, as any repeat).
"""
from __future__ import annotations

from concurrent import futures
from itertools import islice

from flask import current_app

from notifications import SendResult, channels, push

from . import payloads
from .rows import Row


def send_each(sends: list[tuple[Row, int, dict]], messages: dict[int, dict]):
    """POST each (row, subscription) message; yield each with its result once answered.

    The caller commits an answer before taking the next, and a new send starts only then:
    at most NOTIFICATIONS_SEND_THREADS sends are ever in flight or answered but unrecorded.
    """
    app = current_app._get_current_object()

    def one(item):
        row, _subscription_id, info = item  # info: the subscription, or a channel target
        job = row.job
        with app.app_context():
            if job.channel_kind is not None:  # never raises
                return channels.send(job.channel_kind, info, row.channel_message)
            try:
                return push.send(info, messages[job.id], urgency=job.urgency,
                                 topic=payloads.topic(job))
            except Exception as exc:
                text = " ".join(str(exc).split())[:150]
                return SendResult("error", None, error=f"{type(exc).__name__}: {text}"[:200])

    threads = min(int(app.config.get("NOTIFICATIONS_SEND_THREADS", 1)), len(sends))
    if threads <= 1:
        for item in sends:
            yield item, one(item)
        return
    waiting = iter(sends)
    with futures.ThreadPoolExecutor(max_workers=threads, thread_name_prefix="push-send") as pool:
        running = {pool.submit(one, item): item for item in islice(waiting, threads)}
        while running:
            answered, _ = futures.wait(running, return_when=futures.FIRST_COMPLETED)
            for future in answered:
                yield running.pop(future), future.result()
                running.update({pool.submit(one, item): item for item in islice(waiting, 1)})
