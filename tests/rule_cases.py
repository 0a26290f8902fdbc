"""Cases generated from the rule table's condition data: for every rule, facts that fire it
and facts one step away that do not (and the same for each `severity_when`).

The agreement test runs them through the Python engine and the phone's interpreter; the
cases come from the data, so a new rule gets cases without anyone writing them.
"""
from __future__ import annotations

import dataclasses
import itertools

from server import policy as P
from server.clinical import conditions as C
from server.clinical.rules import RULES, Facts, evaluate

STEP = {"temperature_c": 0.1}
VOCABULARY = {
    "tremor_rating": (None, *P.TREMOR_RATINGS), "previous_tremor": (None, *P.TREMOR_RATINGS),
    "baseline_tremor": (None, *P.TREMOR_RATINGS),
    "handwriting_judgement": (None, *P.HANDWRITING_JUDGEMENTS),
    "handwriting_beyond_baseline": (False, True), "tremor_beyond_baseline": (False, True),
    "antipyretic": (False, True), "other_text": (None, "a rash on my arm"),
}
DEFAULTS = {**{f.name: f.default for f in dataclasses.fields(Facts)
               if f.default is not dataclasses.MISSING},
            "symptoms": frozenset(), "news2": 0}


def _num(fact: str, value: float) -> float:
    return round(value, 1) if fact == "temperature_c" else int(round(value))


def _leaves(cond):
    for key in ("all", "any"):
        if key in cond:
            for part in cond[key]:
                yield from _leaves(part)
            return
    if "not" in cond:
        yield from _leaves(cond["not"])
        return
    yield cond


def _candidates(cond, thresholds) -> dict[str, list]:
    """Per fact the condition reads: its default, then values at and beside each boundary."""
    found: dict[str, list] = {}

    def add(fact, *values):
        bucket = found.setdefault(fact, [DEFAULTS[fact]])
        bucket.extend(v for v in values if v not in bucket)

    for leaf in _leaves(cond):
        if "symptoms_any" in leaf:
            add("symptoms", *(frozenset({s}) for s in leaf["symptoms_any"]))
            continue
        fact = leaf["fact"]
        if "in" in leaf or "present" in leaf:
            add(fact, *VOCABULARY[fact])
            continue
        if "other_fact" in leaf:
            other = leaf["other_fact"]
            ref = DEFAULTS[other]
            add(other, _num(other, ref - STEP.get(other, 1)))
        else:
            ref = thresholds[leaf["threshold"]] if "threshold" in leaf else leaf["value"]
        step = STEP.get(fact, 1)
        add(fact, *(_num(fact, ref + d * step) for d in (-1, 0, 1)))
    return found


def _news2_vitals(total: int) -> dict:
    """Vitals whose NEWS2 is `total`: each parameter takes the highest score still needed."""
    vitals, left = {}, total
    for name, bands in P.NEWS2_BANDS.items():
        options = sorted(((score, i) for i, (_u, score) in enumerate(bands) if 0 < score <= left),
                         reverse=True)
        if not options:
            continue
        score, i = options[0]
        upper = bands[i][0]
        above = _num(name, bands[i - 1][0] + STEP.get(name, 1)) if i else None
        vitals[name] = upper if upper is not None else above
        left -= score
    assert left == 0, f"NEWS2 {total} not reachable"
    return vitals


def facts_of(assignment: dict) -> Facts:
    values = dict(assignment)
    if "news2" in values:
        values.update(_news2_vitals(values.pop("news2")))
    return Facts(**values)


def _neighbours(fact, value, options):
    if isinstance(value, int | float) and not isinstance(value, bool):
        step = STEP.get(fact, 1)
        return [v for v in (_num(fact, value - step), _num(fact, value + step))]
    return [o for o in options if o != value]


def _boundary(keep, breaks, facts_read, thresholds, must=None):
    """Facts where `keep`, `breaks` (and `must`) hold, and a one-step neighbour where `keep`
    still holds but `breaks` does not (`keep` None: no such constraint)."""
    conds = [c for c in (keep, breaks, must) if c is not None]
    both = {"all": conds}
    cands = _candidates(both, thresholds)
    names = sorted(n for n in cands if n in facts_read)
    for combo in itertools.product(*(cands[n] for n in names)):
        base = dict(zip(names, combo, strict=True))
        if not C.holds(both, facts_of(base), thresholds):
            continue
        for name in names:
            for value in _neighbours(name, base[name], cands[name]):
                near = facts_of({**base, name: value})
                if (not C.holds(breaks, near, thresholds)
                        and (keep is None or C.holds(keep, near, thresholds))):
                    return base, {**base, name: value}
    raise AssertionError(f"no boundary case for {breaks}")


def cases(thresholds=P.THRESHOLDS) -> list[tuple[str, str, Facts]]:
    """(rule id, case name, facts) for every rule with a condition."""
    out = []
    for rule in RULES:
        if rule.condition is None:
            continue
        reads = C.facts_read(rule.condition)
        fires, misses = _boundary(None, rule.condition, reads, thresholds)
        out += [(rule.id, "fires", facts_of(fires)), (rule.id, "just misses", facts_of(misses))]
        for i, branch in enumerate(rule.condition.get("any", [])[1:], start=2):
            fires, misses = _boundary(None, rule.condition, reads, thresholds, must=branch)
            out += [(rule.id, f"fires by branch {i}", facts_of(fires)),
                    (rule.id, f"just misses branch {i}", facts_of(misses))]
        for severity, when in rule.severity_when:
            high, low = _boundary(rule.condition, when, reads | C.facts_read(when), thresholds)
            out += [(rule.id, severity, facts_of(high)),
                    (rule.id, f"not {severity}", facts_of(low))]
    return out


def as_json(facts: Facts) -> dict:
    data = dataclasses.asdict(facts)
    data["symptoms"] = sorted(facts.symptoms)
    return data


def expected(facts: Facts, thresholds=P.THRESHOLDS) -> list[dict]:
    """What the Python engine finds: id, severity, reason, syndrome, in table order."""
    return [{"id": f.id, "severity": f.severity, "reason": f.reason, "syndrome": f.syndrome}
            for f in evaluate(facts, thresholds)]
