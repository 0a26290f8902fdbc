"""Render bench results as a plain-text table: each figure beside its reference and goal."""
from __future__ import annotations


def _met(flag) -> str:
    return "met" if flag else "NOT met"


def _rows(results: dict) -> list[tuple[str, str, str, str]]:
    rows = []
    for kind, r in (results.get("throughput") or {}).items():
        if "skipped" in r:
            rows.append((f"throughput ({kind})", "skipped", r["skipped"], ""))
            continue
        rows.append((f"check-in throughput ({kind})",
                     f"{r['cartwatch']['per_second']}/s vs bare {r['bare']['per_second']}/s",
                     f"ratio {r['ratio']:.2f} (goal >= 0.60)", _met(r["met"])))
    for kind, r in (results.get("latency") or {}).items():
        if "p99_ms" not in r:
            rows.append((f"alert latency ({kind})", "skipped", r.get("skipped", "no data"), ""))
            continue
        rows.append((f"alert latency ({kind})",
                     f"p50 {r['p50_ms']} / p95 {r['p95_ms']} / p99 {r['p99_ms']} ms",
                     f"{r['delivered']}/{r['escalations']} at {r['rate_per_s']}/s, POST "
                     f"answered p50/p99 {'/'.join(map(str, r.get('answer_p50_p99_ms', [])))} "
                     "ms (goal p99 < 250)", _met(r["met"])))
    for kind, r in (results.get("sweep") or {}).items():
        if "skipped" in r:
            rows.append((f"due-work sweep ({kind})", "skipped", r["skipped"], ""))
            continue
        sizes = [k for k in r if k.isdigit()]
        figure = " / ".join(f"{int(k):,}: {r[k]['ms']} ms" for k in sizes)
        idle = " / ".join(f"{r[k]['idle_ms']}" for k in sizes)
        statements = " / ".join(f"{r[k].get('statements_per_pass', '?')}" for k in sizes)
        rows.append((f"due-work sweep ({kind})", figure,
                     f"{r['due_rows_per_pass']} due rows, {statements} statements; idle pass "
                     f"{idle} ms (goal < 200)",
                     _met(r["met"])))
    for kind, r in (results.get("quality") or {}).items():
        if "ms" not in r:
            rows.append((f"quality page ({kind})", "skipped", r.get("skipped", "no data"), ""))
            continue
        rows.append((f"quality page ({kind})", f"{r['ms']} ms (median of {len(r['runs_ms'])})",
                     f"{r['patients']} patients x {r['days']} days, {r['checkins']:,} check-ins; "
                     f"what-if {r['whatif_ms']} ms (goal page < {r['goal_ms']} ms)",
                     _met(r["met"])))
    p = results.get("pwa") or {}
    if "skipped" in p:
        rows.append(("PWA", "skipped", p["skipped"], ""))
    for app, load in (p.get("first_load") or {}).items():
        if isinstance(load, dict) and "kib" in load:
            rows.append((f"first load ({app})", f"{load['kib']} KiB in {load['requests']} req",
                         "installability errors: " + (", ".join(
                             load["installability_errors"]) or "none"), ""))
    for app, scores in (p.get("lighthouse") or {}).items():
        if isinstance(scores, dict) and "performance" in scores:
            rows.append((f"Lighthouse ({app})",
                         f"perf {scores['performance']} / a11y {scores['accessibility']} / "
                         f"best {scores['best-practices']}", "goal >= 95 each",
                         _met(all(scores[c] >= 95 for c in
                                  ("performance", "accessibility", "best-practices")))))
        elif app == "skipped" or isinstance(scores, dict):
            reason = scores if isinstance(scores, str) else scores.get("skipped", "")
            rows.append((f"Lighthouse ({app})", "skipped", str(reason)[:80], ""))
    return rows


def table(results: dict) -> str:
    """The results as an aligned text table."""
    rows = [("figure", "measured", "reference / goal", "")] + _rows(results)
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
             for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    m = results.get("machine", {})
    lines.append(f"\nmachine: {m.get('cpu')} x{m.get('cpus')}, {m.get('system')}, "
                 f"Python {m.get('python')}, {m.get('date')}")
    return "\n".join(lines)
