"""Draw the course summary as a PDF with fpdf2: text, vector charts, handwriting strokes.

fpdf2 is pure Python (no system libraries, unlike WeasyPrint's Pango/Cairo), maintained, and
draws lines and polylines directly, so the charts and the handwriting (from its stroke
points, at the sample's own aspect) are vectors without a plotting library. The words are in
WORDS below, English for now (one place, ready for the language files); the built-in
Helvetica covers Latin-1, so text is folded to it (`_latin1`).

Page 1: the patient, product, infusion, window, adherence and the escalations; then a page
of charts (temperature with the fever threshold, ICE with the baseline), then the
handwriting page (baseline, first and latest sample side by side).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from ..calendar import local_date, zone

WORDS = {
    "title": "CARTwatch course summary",
    "final": "Final: monitoring has ended",
    "interim": "Interim: monitoring continues",
    "patient": "Patient", "code": "Patient code", "name": "Name", "product": "Product",
    "infusion": "Infusion", "window": "Monitoring window", "ended": "Monitoring ended",
    "centre": "Centre", "generated": "Generated", "times_in": "Times in",
    "adherence": "Adherence",
    "adherence_text": "{answered} of {due} due check-ins answered ({share})",
    "adherence_none": "no check-in was due",
    "escalations": "Escalations", "no_escalations": "No escalation during the course.",
    "escalation": "Escalation", "reasons": "Reasons", "opened": "Opened",
    "acknowledged": "Acknowledged", "resolved": "Resolved", "by": "by",
    "not_yet": "not yet", "outcome": "Outcome", "note": "Note", "registry": "Registry",
    "grade": "ASTCT grade", "treatments": "Treatments",
    "temperature": "Temperature (°C) by day since infusion",
    "fever_line": "fever threshold {value:.1f} °C",
    "ice": "ICE score (0-10) by day since infusion", "baseline_line": "baseline {value}",
    "no_data": "no readings", "day": "day",
    "handwriting": "Handwriting", "baseline": "Baseline", "first": "First",
    "latest": "Latest", "no_sample": "no sample",
    "days": "days {first}-{last} ({start} to {end})",
    "severity": {"routine": "routine", "urgent": "urgent", "emergency": "emergency"},
    "outcomes": {"advice_at_home": "advice at home", "came_to_hospital": "came to hospital",
                 "admitted": "admitted", "false_alarm": "false alarm", "other": "other"},
    "treatment_names": {"tocilizumab": "tocilizumab", "steroids": "steroids",
                        "admission": "admission", "icu": "ICU"},
}
FOLD = {"–": "-", "—": "-", "≥": ">=", "≤": "<=", "×": "x", "’": "'", "“": '"', "”": '"',
        "…": "...", "→": "->"}
RED, GREY, INK, BLUE = (200, 30, 30), (150, 150, 150), (20, 20, 20), (30, 80, 170)


def _latin1(text: str) -> str:
    """Fold text to what the core font can show (unknown characters become '?')."""
    for char, plain in FOLD.items():
        text = text.replace(char, plain)
    return text.encode("latin-1", "replace").decode("latin-1")


class SummaryPdf(FPDF):
    """A4 portrait with the patient code in every page footer (pages may be separated)."""

    def __init__(self, code: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.code = code
        self.set_auto_page_break(True, margin=15)

    def footer(self):
        """Patient code and page number on every page."""
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(*GREY)
        self.cell(0, 5, _latin1(f"{WORDS['title']} - {self.code} - {self.page_no()}"),
                  align="C")
        self.set_text_color(*INK)

    def line_text(self, text: str, size: float = 10, bold: bool = False, h: float = 5.5):
        """One wrapped paragraph at the left margin."""
        self.set_font("Helvetica", "B" if bold else "", size)
        self.multi_cell(0, h, _latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def pair(self, label: str, value: str):
        """A label and its value on one line."""
        self.set_font("Helvetica", "B", 10)
        self.cell(45, 6, _latin1(label))
        self.set_font("Helvetica", "", 10)
        self.multi_cell(0, 6, _latin1(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _when(at: dt.datetime | None, tz: str) -> str:
    return at.astimezone(zone(tz)).strftime("%Y-%m-%d %H:%M") if at else WORDS["not_yet"]


def _day_of(at: dt.datetime, infused_at: dt.datetime, tz: str) -> float:
    """Fractional day since infusion: local midnight of the infusion day is 0."""
    day0 = dt.datetime.combine(local_date(infused_at, tz), dt.time(), tzinfo=zone(tz))
    return (at - day0).total_seconds() / 86400


def _header(pdf: SummaryPdf, f: dict[str, Any]) -> None:
    p, tz = f["patient"], f["patient"].timezone
    day0 = local_date(p.infused_at, tz)
    pdf.line_text(WORDS["title"], size=16, bold=True, h=8)
    pdf.line_text(WORDS["final" if f["final"] else "interim"], size=11, bold=True)
    pdf.ln(2)
    pdf.pair(WORDS["code"], p.code)
    pdf.pair(WORDS["name"], p.display_name)
    pdf.pair(WORDS["product"], p.product)
    pdf.pair(WORDS["infusion"], day0.isoformat())
    last = day0 + dt.timedelta(days=p.window_days)
    pdf.pair(WORDS["window"], WORDS["days"].format(first=0, last=p.window_days,
                                                   start=day0.isoformat(), end=last.isoformat()))
    if p.monitoring_ended_at:
        pdf.pair(WORDS["ended"], _when(p.monitoring_ended_at, tz))
    pdf.pair(WORDS["centre"], f["centre"].name)
    pdf.pair(WORDS["generated"], _when(f["generated_at"], tz))
    pdf.pair(WORDS["times_in"], tz)
    a = f["adherence"]
    share = "-" if a["share"] is None else f"{100 * a['share']:.1f} %"
    pdf.pair(WORDS["adherence"], WORDS["adherence_text"].format(
        answered=a["answered"], due=a["due"], share=share) if a["due"] else
        WORDS["adherence_none"])


def _escalations(pdf: SummaryPdf, f: dict[str, Any], finding_text: dict[str, str]) -> None:
    tz = f["patient"].timezone
    pdf.ln(4)
    pdf.line_text(WORDS["escalations"], size=13, bold=True, h=7)
    if not f["escalations"]:
        pdf.line_text(WORDS["no_escalations"])
    for e in f["escalations"]:
        pdf.ln(2)
        syndromes = ", ".join(e["syndromes"])
        pdf.line_text(f"{WORDS['escalation']} {e['id']} - "
                      f"{WORDS['severity'].get(e['severity'], e['severity'])}"
                      + (f" - {syndromes}" if syndromes else ""), bold=True)
        reasons = "; ".join(f"{r} ({finding_text[r]})" if r in finding_text else r
                            for r in e["reasons"])
        pdf.line_text(f"{WORDS['reasons']}: {reasons}")
        ack = _when(e["acknowledged_at"], tz)
        if e["acknowledged_by"]:
            ack += f" {WORDS['by']} {e['acknowledged_by']}"
        resolved = _when(e["resolved_at"], tz)
        if e["resolved_by"]:
            resolved += f" {WORDS['by']} {e['resolved_by']}"
        pdf.line_text(f"{WORDS['opened']}: {_when(e['opened_at'], tz)}")
        pdf.line_text(f"{WORDS['acknowledged']}: {ack}")
        pdf.line_text(f"{WORDS['resolved']}: {resolved}")
        if e["outcome"]:
            pdf.line_text(f"{WORDS['outcome']}: "
                          f"{WORDS['outcomes'].get(e['outcome'], e['outcome'])}")
        if e["note"]:
            pdf.line_text(f"{WORDS['note']}: {e['note']}")
        registry = _registry_text(e["registry"])
        if registry:
            pdf.line_text(registry)


def _registry_text(r: dict[str, Any]) -> str | None:
    parts = [f"{WORDS['grade']} {name} {r[key]}" for name, key in
             (("CRS", "crs_grade"), ("ICANS", "icans_grade")) if r[key]]
    if r["treatments"]:
        parts.append(f"{WORDS['treatments']}: " + ", ".join(
            f"{WORDS['treatment_names'].get(t['code'], t['code'])} {t['date']}"
            for t in r["treatments"]))
    return f"{WORDS['registry']}: " + "; ".join(parts) if parts else None


def _chart(pdf: SummaryPdf, title: str, points: list[tuple[float, float]], box, x_max: float,
           y_range: tuple[float, float], line: tuple[float, str], step: float) -> None:
    """A line chart in box (x, y, w, h) with a dashed reference line (threshold, baseline)."""
    x, y, w, h = box
    low, high = y_range
    pdf.set_xy(x, y - 7)
    pdf.line_text(title, size=11, bold=True)

    def px(day: float) -> float:
        return x + w * min(max(day, 0), x_max) / x_max

    def py(value: float) -> float:
        return y + h - h * (min(max(value, low), high) - low) / (high - low)

    pdf.set_draw_color(*GREY)
    pdf.set_line_width(0.2)
    pdf.rect(x, y, w, h)
    pdf.set_font("Helvetica", size=7)
    value = low
    while value <= high + 1e-9:
        pdf.text(x - 8, py(value) + 1, f"{value:g}")
        value += step
    tick = max(1, round(x_max / 10))
    for day in range(0, int(x_max) + 1, tick):
        pdf.line(px(day), y + h, px(day), y + h + 1.5)
        pdf.text(px(day) - 1.5, y + h + 5, str(day))
    pdf.text(x + w - 6, y + h + 9, WORDS["day"])
    ref, label = line
    pdf.set_draw_color(*RED)
    pdf.set_dash_pattern(dash=2, gap=1.5)
    pdf.line(x, py(ref), x + w, py(ref))
    pdf.set_dash_pattern()
    pdf.set_text_color(*RED)
    pdf.text(x + 2, py(ref) - 1.2, _latin1(label))
    pdf.set_text_color(*INK)
    if not points:
        pdf.text(x + w / 2 - 8, y + h / 2, WORDS["no_data"])
        return
    pdf.set_draw_color(*BLUE)
    pdf.set_line_width(0.4)
    coords = [(px(d), py(v)) for d, v in points]
    if len(coords) > 1:
        pdf.polyline(coords, style="D")
    pdf.set_fill_color(*BLUE)
    for cx, cy in coords:
        pdf.ellipse(cx - 0.7, cy - 0.7, 1.4, 1.4, style="F")
    pdf.set_line_width(0.2)


def _charts(pdf: SummaryPdf, f: dict[str, Any]) -> None:
    p, tz = f["patient"], f["patient"].timezone
    pdf.add_page()
    x_max = max(1, p.window_days + 1)
    temps = [(_day_of(at, p.infused_at, tz), v) for at, v in f["temperatures"]]
    high = max([40.0, f["fever_c"] + 1] + [v for _d, v in temps])
    low = min([35.0] + [v for _d, v in temps])
    _chart(pdf, WORDS["temperature"], temps, (25, 30, 170, 90), x_max,
           (float(int(low)), float(int(high) + 1)),
           (f["fever_c"], WORDS["fever_line"].format(value=f["fever_c"])), 1)
    ice = [(_day_of(at, p.infused_at, tz), float(v)) for at, v in f["ice"]]
    _chart(pdf, WORDS["ice"], ice, (25, 160, 170, 80), x_max, (0, 10),
           (f["baseline_ice"], WORDS["baseline_line"].format(value=f["baseline_ice"])), 2)


def _css_size(sample) -> tuple[float, float]:
    dpr = float(sample.strokes["dpr"])
    canvas = sample.strokes["canvas"]
    return float(canvas["width"]) / dpr, float(canvas["height"]) / dpr


def _sample(pdf: SummaryPdf, label: str, sample, box, tz: str, scale: float) -> None:
    """One handwriting sample from its stroke points, in CSS px at the page's one scale.

    One scale for all samples (as server/measures/svg.py draws them), so letters that shrank
    (micrographia) look smaller than the baseline instead of being stretched to fit.
    """
    x, y, w, h = box
    pdf.set_xy(x, y - 7)
    pdf.set_font("Helvetica", "B", 10)
    when = sample.observed_at.astimezone(zone(tz)).strftime("%Y-%m-%d %H:%M") if sample else ""
    pdf.cell(w, 6, _latin1(f"{label} {when}".strip()))
    pdf.set_draw_color(*GREY)
    pdf.set_line_width(0.2)
    pdf.rect(x, y, w, h)
    if sample is None:
        pdf.set_font("Helvetica", size=9)
        pdf.text(x + 3, y + h / 2, WORDS["no_sample"])
        return
    dpr = float(sample.strokes["dpr"])
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.35)
    for stroke in sample.strokes["strokes"]:
        coords = [(x + px / dpr * scale, y + py / dpr * scale) for px, py, *_rest in stroke]
        if len(coords) == 1:
            coords.append((coords[0][0] + 0.2, coords[0][1]))
        pdf.polyline(coords, style="D")
    pdf.set_line_width(0.2)


def _handwriting(pdf: SummaryPdf, f: dict[str, Any]) -> None:
    pdf.add_page()
    pdf.line_text(WORDS["handwriting"], size=13, bold=True, h=7)
    tz = f["patient"].timezone
    w, h = 190, 65
    sizes = [_css_size(s) for s in f["samples"].values() if s is not None]
    scale = min([min(w / cw, h / ch) for cw, ch in sizes] or [1.0])
    for i, key in enumerate(("baseline", "first", "latest")):
        _sample(pdf, WORDS[key], f["samples"][key], (10, 35 + i * 80, w, h), tz, scale)


def render(facts: dict[str, Any], finding_text: dict[str, str]) -> bytes:
    """The summary PDF's bytes for the facts from services/course_summary.py."""
    p = facts["patient"]
    pdf = SummaryPdf(p.code)
    pdf.set_title(_latin1(f"{WORDS['title']} {p.code}"))
    pdf.set_creator("CARTwatch")
    pdf.set_creation_date(facts["generated_at"])
    pdf.add_page()
    _header(pdf, facts)
    _escalations(pdf, facts, finding_text)
    _charts(pdf, facts)
    _handwriting(pdf, facts)
    return bytes(pdf.output())
