"""The condition language of the finding rules: plain JSON data, and its evaluator.

A rule's condition is data, not code, so the server can publish it and the phone
(`pwa/app/js/rules.js`) evaluates the very same rules offline. The language, version 1:

- `{"fact": F, "op": OP, "threshold": NAME}`: fact F compared with the centre's effective
  threshold NAME (policy.THRESHOLDS with overrides); OP is one of < <= > >= == !=.
- `{"fact": F, "op": OP, "value": V}`: compared with a fixed number from policy.py.
- `{"fact": F, "op": OP, "other_fact": G}`: compared with another fact (e.g. `baseline_ice`).
  A comparison with a missing (None) side is false.
- `{"fact": F, "in": [V, ...]}`: F equals one of the values (`null` matches a missing fact).
- `{"fact": F, "present": true}`: F is recorded (not None).
- `{"symptoms_any": [S, ...]}`: at least one of the symptoms was reported.
- `{"all": [C, ...]}`, `{"any": [C, ...]}`, `{"not": C}`.

Facts are the fields of `rules.Facts` plus the derived fact `news2` (the NEWS2 aggregate of
the check-in, from policy.NEWS2_BANDS). `SERVER_FACTS` need the patient's history or a
server-side measure: a rule reading one is server-only, and the phone treats such a fact
as unknown (three-valued logic: `any` with a true branch is still true).
"""
from __future__ import annotations

import operator
from collections.abc import Mapping
from typing import Any

from .. import policy as P

LANGUAGE_VERSION = 1
OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
       "==": operator.eq, "!=": operator.ne}
NUMERIC_FACTS = frozenset({"temperature_c", "heart_rate", "systolic_bp", "spo2",
                           "respiratory_rate", "ice_total", "baseline_ice", "news2"})
VALUE_FACTS = frozenset({"tremor_rating", "previous_tremor", "baseline_tremor",
                         "handwriting_judgement", "handwriting_beyond_baseline",
                         "tremor_beyond_baseline", "antipyretic", "other_text"})
FACTS = NUMERIC_FACTS | VALUE_FACTS
SERVER_FACTS = frozenset({"previous_tremor", "baseline_tremor", "handwriting_beyond_baseline",
                          "tremor_beyond_baseline"})
Condition = dict[str, Any]


# --- building conditions (keeps the rule table short and readable) --------------------------
def cmp(fact: str, op: str, *, threshold: str | None = None, value: float | None = None,
        other_fact: str | None = None) -> Condition:
    """A comparison of a fact with a threshold name, a policy number or another fact."""
    (key, ref), = ((k, v) for k, v in (("threshold", threshold), ("value", value),
                                        ("other_fact", other_fact)) if v is not None)
    return {"fact": fact, "op": op, key: ref}


def is_in(fact: str, *values) -> Condition:
    return {"fact": fact, "in": list(values)}


def present(fact: str) -> Condition:
    return {"fact": fact, "present": True}


def symptoms_any(*symptoms: str) -> Condition:
    return {"symptoms_any": list(symptoms)}


def all_of(*conditions: Condition) -> Condition:
    return {"all": list(conditions)}


def any_of(*conditions: Condition) -> Condition:
    return {"any": list(conditions)}


# --- checking ------------------------------------------------------------------------------
def check(cond: Condition, thresholds: Mapping[str, Any] = P.THRESHOLDS) -> None:
    """Raise ValueError unless `cond` is a well-formed condition naming known facts."""
    if not isinstance(cond, dict) or not cond:
        raise ValueError(f"a condition is a non-empty object: {cond!r}")
    keys = set(cond)
    if keys in ({"all"}, {"any"}):
        parts = cond[keys.pop()]
        if not isinstance(parts, list) or not parts:
            raise ValueError(f"all/any need a non-empty list: {cond!r}")
        for part in parts:
            check(part, thresholds)
        return
    if keys == {"not"}:
        check(cond["not"], thresholds)
        return
    if keys == {"symptoms_any"}:
        unknown = set(cond["symptoms_any"]) - set(P.SYMPTOMS)
        if not cond["symptoms_any"] or unknown:
            raise ValueError(f"unknown or no symptoms: {cond!r}")
        return
    if cond.get("fact") not in FACTS:
        raise ValueError(f"unknown fact: {cond!r}")
    if keys == {"fact", "in"} and isinstance(cond["in"], list) and cond["in"]:
        return
    if keys == {"fact", "present"} and cond["present"] is True:
        return
    if len(keys) == 3 and "op" in keys and cond["op"] in OPS:
        (ref,) = keys - {"fact", "op"}
        if ref == "threshold" and cond[ref] in thresholds:
            return
        if ref == "value" and isinstance(cond[ref], int | float) and not isinstance(
                cond[ref], bool):
            return
        if ref == "other_fact" and cond[ref] in FACTS:
            return
    raise ValueError(f"not a condition: {cond!r}")


def facts_read(cond: Condition) -> set[str]:
    """Every fact a condition reads (symptoms as `symptoms`)."""
    if "all" in cond or "any" in cond:
        return set().union(*(facts_read(c) for c in cond.get("all") or cond.get("any")))
    if "not" in cond:
        return facts_read(cond["not"])
    if "symptoms_any" in cond:
        return {"symptoms"}
    return {cond["fact"]} | ({cond["other_fact"]} if "other_fact" in cond else set())


# --- evaluating ----------------------------------------------------------------------------
def news2(facts) -> tuple[int, dict[str, int]]:
    """NEWS2 of one check-in (POLICY.md v2): the total and each parameter's score."""
    parts = {}
    for name, bands in P.NEWS2_BANDS.items():
        value = getattr(facts, name)
        if value is not None:
            parts[name] = next(score for upper, score in bands if upper is None or value <= upper)
    conscious = set(P.NEWS2_CONSCIOUSNESS_SYMPTOMS) & set(facts.symptoms)
    parts["consciousness"] = P.NEWS2_CONSCIOUSNESS_SCORE if conscious else 0
    return sum(parts.values()), parts


def fact_value(facts, name: str):
    """One fact's value, derived facts included."""
    return news2(facts)[0] if name == "news2" else getattr(facts, name)


def holds(cond: Condition, facts, thresholds: Mapping[str, Any]) -> bool:
    """Whether a condition holds for these facts under these thresholds."""
    if "all" in cond:
        return all(holds(c, facts, thresholds) for c in cond["all"])
    if "any" in cond:
        return any(holds(c, facts, thresholds) for c in cond["any"])
    if "not" in cond:
        return not holds(cond["not"], facts, thresholds)
    if "symptoms_any" in cond:
        return bool(set(facts.symptoms) & set(cond["symptoms_any"]))
    value = fact_value(facts, cond["fact"])
    if "in" in cond:
        return any(value is v if v is None or isinstance(v, bool) else value == v
                   for v in cond["in"])
    if "present" in cond:
        return value is not None
    if "threshold" in cond:
        other = thresholds[cond["threshold"]]
    elif "value" in cond:
        other = cond["value"]
    else:
        other = fact_value(facts, cond["other_fact"])
    return value is not None and other is not None and OPS[cond["op"]](value, other)
