"""Load generators: a closed loop (as fast as N keep-alive clients go) and a paced open loop."""
from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from .http import KeepAlive

Request = tuple[str, bytes, dict]  # path, body, headers


def closed_loop(base_url: str, make: Callable[[int], Request], clients: int,
                seconds: float, warmup: float = 1.0) -> dict:
    """Each client thread sends back to back; count answers after the warm-up."""
    parts = urlsplit(base_url)
    counter = iter(range(10**9))
    lock = threading.Lock()
    statuses: Counter = Counter()
    start = time.perf_counter()
    measure_from, stop_at = start + warmup, start + warmup + seconds

    def client(_):
        conn = KeepAlive(parts.hostname, parts.port)
        mine: Counter = Counter()
        while (t := time.perf_counter()) < stop_at:
            with lock:
                i = next(counter)
            path, body, headers = make(i)
            try:
                status = conn.request("POST", path, body, headers)
            except OSError:
                status = "error"
            if t >= measure_from:
                mine[status] += 1
        conn.close()
        with lock:
            statuses.update(mine)

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    ok = sum(n for s, n in statuses.items() if s == 201)
    return {"ok": ok, "per_second": round(ok / seconds, 1), "statuses": dict(statuses),
            "clients": clients, "seconds": seconds}


def paced(send: Callable[[int], None], rate: float, count: int, workers: int = 32) -> float:
    """Call send(i) `rate` times per second, count times, on a pool; return the elapsed s."""
    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        futures = []
        for i in range(count):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(send, i))
        for future in futures:
            future.result()
    return time.perf_counter() - start
