"""FHIR R4 read and search: every resource parses (fhir.resources R4B), the vital-signs
profile's codes and units, the whole course round-trips, search and paging, OperationOutcome,
centre isolation and audit."""
from __future__ import annotations

import base64

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir_helpers import seed_course

from server.extensions import db
from server.fhir.common import parse_instant
from server.models import AuditEvent, Centre, CheckIn
from tests.conftest import signed_in

FHIR = "/fhir/R4"


def parse(resource: dict):
    """Validate one resource with the R4B model of its type (raises on any error)."""
    return get_fhir_model_class(resource["resourceType"]).model_validate(resource)


@pytest.fixture
def course(app, client, clock, make_patient, enrol, make_staff):
    patient = make_patient()
    ids = seed_course(client, clock, patient, enrol, make_staff)
    staff = make_staff(handle="reader", role="nurse")
    return {"patient": patient, "ids": ids, "http": signed_in(app, staff)}


def everything(http, rtype, **params):
    """Every resource of a search, following next links."""
    r = http.get(f"{FHIR}/{rtype}", query_string=params)
    assert r.status_code == 200, r.get_data(as_text=True)
    out = []
    while True:
        assert r.mimetype == "application/fhir+json"
        bundle = r.json
        parse(bundle)
        out += [e["resource"] for e in bundle.get("entry", [])]
        nxt = [link["url"] for link in bundle["link"] if link["relation"] == "next"]
        if not nxt:
            return out
        r = http.get(nxt[0].removeprefix("http://localhost"))


TYPES = ("Patient", "RelatedPerson", "Observation", "QuestionnaireResponse", "Media", "Binary",
         "Flag", "DetectedIssue", "Communication")


def test_every_resource_of_a_course_parses_as_r4(course):
    http, seen = course["http"], set()
    for rtype in TYPES:
        resources = everything(http, rtype, patient=course["patient"].id) if rtype not in (
            "Patient", "Binary") else everything(http, rtype)
        assert resources, rtype
        for resource in resources:
            parse(resource)
            seen.add(resource["resourceType"])
            one = http.get(f"{FHIR}/{rtype}/{resource['id']}")
            assert one.status_code == 200 and one.json == resource
    for path in ("metadata", "Questionnaire/ice", "CodeSystem/cartwatch"):
        parse(http.get(f"{FHIR}/{path}").json)
    assert seen == set(TYPES)


VITALS = {  # LOINC code -> (profile, UCUM codes allowed)
    "8310-5": ("bodytemp", {"Cel", "[degF]"}), "8867-4": ("heartrate", {"/min"}),
    "85354-9": ("bp", set()), "2708-6": ("oxygensat", {"%"}), "9279-1": ("resprate", {"/min"}),
}


def test_vital_signs_meet_the_profile(course):
    vitals = everything(course["http"], "Observation", patient=course["patient"].id,
                        category="vital-signs")
    assert {o["code"]["coding"][0]["code"] for o in vitals} == set(VITALS)
    for obs in vitals:
        code = obs["code"]["coding"][0]["code"]
        profile, units = VITALS[code]
        assert obs["meta"]["profile"] == [f"http://hl7.org/fhir/StructureDefinition/{profile}"]
        assert obs["category"][0]["coding"][0] == {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "vital-signs", "display": "Vital Signs"}
        assert obs["status"] == "final" and obs["subject"]["reference"].startswith("Patient/")
        assert obs["effectiveDateTime"] and obs["issued"] and obs["performer"]
        if code == "85354-9":
            systolic, diastolic = obs["component"]
            assert systolic["code"]["coding"][0]["code"] == "8480-6"
            assert systolic["valueQuantity"]["code"] == "mm[Hg]"
            assert diastolic["code"]["coding"][0]["code"] == "8462-4"
            assert "dataAbsentReason" in diastolic and "valueQuantity" not in diastolic
        else:
            q = obs["valueQuantity"]
            assert q["system"] == "http://unitsofmeasure.org" and q["code"] in units
        if code == "2708-6":
            assert [c["code"] for c in obs["code"]["coding"]] == ["2708-6", "59408-5"]


def test_the_course_round_trips(course):
    """Check-ins → FHIR → the same values, units, times and performers."""
    http, patient = course["http"], course["patient"]
    obs = {o["id"]: o for o in everything(http, "Observation", patient=patient.id)}
    responses = {q["id"]: q for q in everything(http, "QuestionnaireResponse",
                                                patient=patient.id)}
    rows = db.session.scalars(db.select(CheckIn).where(CheckIn.patient_id == patient.id)).all()
    assert len(rows) == 3
    caregiver = patient.caregivers[0].id
    for row in rows:
        who = {"reference": f"RelatedPerson/{caregiver}"} if row.recorded_by == "caregiver" \
            else {"reference": f"Patient/{patient.id}"}
        temp = obs[f"{row.id}-temperature"]
        assert temp["valueQuantity"]["value"] == row.temperature_value
        assert temp["valueQuantity"]["code"] == {"C": "Cel", "F": "[degF]"}[row.temperature_unit]
        assert parse_instant(temp["effectiveDateTime"]) == row.observed_at
        assert parse_instant(temp["issued"]) == row.received_at
        assert temp["performer"] == [who]
        for kind, value in (("heart-rate", row.heart_rate), ("spo2", row.spo2),
                            ("respiratory-rate", row.respiratory_rate)):
            if value is None:
                assert f"{row.id}-{kind}" not in obs
            else:
                assert obs[f"{row.id}-{kind}"]["valueQuantity"]["value"] == value
        if row.systolic_bp is not None:
            assert obs[f"{row.id}-bp"]["component"][0]["valueQuantity"]["value"] == row.systolic_bp
        for symptom in row.symptoms:
            assert obs[f"{row.id}-symptom-{symptom}"]["valueBoolean"] is True
        if row.ice_total is not None:
            qr = responses[str(row.id)]
            answers = {i["linkId"]: i["answer"][0] for i in qr["item"]}
            assert {k: answers[k]["valueInteger"] for k in row.ice} == row.ice
            assert answers["total"]["valueInteger"] == row.ice_total
            mode = answers["administration"]["valueCoding"]["code"]
            assert mode == ("ice-administration-self" if row.ice_self
                            else "ice-administration-caregiver")
            assert qr["author"] == ({"reference": f"Patient/{patient.id}"} if row.ice_self
                                    else who)
            assert obs[f"{row.id}-ice-total"]["valueInteger"] == row.ice_total
        if row.other_text:
            assert obs[f"{row.id}-other"]["valueString"] == row.other_text  # as written
        if row.antipyretic is not None:
            assert obs[f"{row.id}-antipyretic"]["valueBoolean"] is row.antipyretic
        if row.tremor_rating:
            value = obs[f"{row.id}-tremor-rating"]["valueCodeableConcept"]["coding"][0]
            assert value["code"] == f"tremor-{row.tremor_rating}"
            parts = {c["code"]["coding"][0]["code"]: c
                     for c in obs[f"{row.id}-tremor-features"]["component"]}
            assert parts["feature-rms"]["valueQuantity"]["value"] == row.tremor_features["rms"]
        if row.handwriting_strokes:
            judged = obs[f"{row.id}-handwriting-judgement"]
            assert judged["valueCodeableConcept"]["coding"][0]["code"] == "handwriting-same"
            media = http.get(f"{FHIR}/Media/{row.id}").json
            assert media["content"]["contentType"] == "image/svg+xml"
            binary = http.get(f"{FHIR}/{media['content']['url']}").json
            svg = base64.b64decode(binary["data"]).decode()
            assert svg.startswith("<svg") and svg.count("<path") == len(
                row.handwriting_strokes["strokes"])


def test_escalation_is_a_flag_and_a_detected_issue_and_notifications_communications(course):
    http, ids = course["http"], course["ids"]
    flag = http.get(f"{FHIR}/Flag/{ids['escalation']}").json
    assert flag["status"] == "active" and "end" not in flag["period"]
    assert flag["extension"][0]["valueReference"] == {
        "reference": f"DetectedIssue/{ids['escalation']}"}
    issue = http.get(f"{FHIR}/DetectedIssue/{ids['escalation']}").json
    assert issue["severity"] == "moderate"  # urgent
    rules = {c["code"] for e in issue["evidence"] for c in e["code"][0]["coding"]}
    assert {"R-FEVER", "reason-fever", "R-RIGORS"} <= rules
    assert "CRS" in issue["detail"]
    comm = http.get(f"{FHIR}/Communication/{ids['intent']}").json
    assert comm["status"] == "completed" and comm["sent"] and comm["received"]
    assert comm["about"] == [{"reference": f"Flag/{ids['escalation']}"}]
    assert "Pat Example" not in str(comm) and "shivery" not in str(comm)


def test_a_resolved_escalation_flag_is_inactive(course, clock):
    from server.clock import now
    from server.models import Escalation

    row = db.session.get(Escalation, course["ids"]["escalation"])
    row.state, row.resolved_at, row.outcome = "resolved", now(), "advice_at_home"
    db.session.commit()
    flag = course["http"].get(f"{FHIR}/Flag/{row.id}").json
    assert flag["status"] == "inactive" and flag["period"]["end"]
    issue = course["http"].get(f"{FHIR}/DetectedIssue/{row.id}").json
    assert issue["status"] == "final"
    assert issue["mitigation"][-1]["action"]["coding"][0]["code"] == "outcome-advice_at_home"


def test_names_only_when_the_centre_enables_them(course):
    http, patient = course["http"], course["patient"]
    body = http.get(f"{FHIR}/Patient/{patient.id}").json
    assert "name" not in body and body["identifier"][0]["value"] == patient.code
    assert "Pat Example" not in http.get(f"{FHIR}/RelatedPerson",
                                         query_string={"patient": patient.id}).get_data(True)
    db.session.get(Centre, patient.centre_id).fhir_share_names = True
    db.session.commit()
    assert http.get(f"{FHIR}/Patient/{patient.id}").json["name"] == [{"text": "Pat Example"}]


def test_search_by_date_range_code_and_last_updated(course, clock):
    http, patient, ids = course["http"], course["patient"], course["ids"]
    temps = everything(http, "Observation", patient=patient.id, code="http://loinc.org|8310-5")
    assert len(temps) == 3
    first = temps[0]["effectiveDateTime"]
    later = everything(http, "Observation", patient=patient.id, code="8310-5",
                       date=f"gt{first}")
    assert [o["id"] for o in later] == [f"{ids['fahrenheit']}-temperature",
                                        f"{ids['fever']}-temperature"]
    r = http.get(f"{FHIR}/Observation", query_string=[
        ("code", "8310-5"), ("date", f"ge{first}"), ("date", f"lt{later[1]['effectiveDateTime']}")])
    assert [e["resource"]["id"] for e in r.json["entry"]] == [temps[0]["id"], later[0]["id"]]
    day = first[:10]
    assert len(everything(http, "Observation", code="8310-5", date=day)) == 3
    assert everything(http, "Observation", code="8310-5", date="le2020-01-01") == []
    recent = everything(http, "Observation", code="8310-5",
                        _lastUpdated=f"ge{later[1]['meta']['lastUpdated']}")
    assert [o["id"] for o in recent] == [f"{ids['fever']}-temperature"]
    surveys = everything(http, "Observation", category="survey", patient=patient.id)
    assert surveys and all(o["category"][0]["coding"][0]["code"] == "survey" for o in surveys)


def test_paging_links_walk_every_match_once(course):
    http, patient = course["http"], course["patient"]
    all_ids = [o["id"] for o in everything(http, "Observation", patient=patient.id)]
    r = http.get(f"{FHIR}/Observation", query_string={"patient": patient.id, "_count": 4})
    bundle = r.json
    assert "total" not in bundle and len(bundle["entry"]) == 4  # not read to the end
    relations = {link["relation"] for link in bundle["link"]}
    assert relations == {"self", "next"}
    last = http.get(f"{FHIR}/Observation", query_string={
        "patient": patient.id, "_count": 4, "_offset": 4 * ((len(all_ids) - 1) // 4)}).json
    assert last["total"] == len(all_ids)
    assert "next" not in {link["relation"] for link in last["link"]}
    paged = everything(http, "Observation", patient=patient.id, _count=4)
    assert [o["id"] for o in paged] == all_ids
    nxt = [link["url"] for link in bundle["link"] if link["relation"] == "next"][0]
    second = http.get(nxt.removeprefix("http://localhost")).json
    assert "previous" in {link["relation"] for link in second["link"]}
    assert f"patient={patient.id}" in nxt


@pytest.mark.parametrize(("path", "status"), [
    ("/fhir/R4/Observation?unknown=1", 400),
    ("/fhir/R4/Observation?date=yesterday", 400),
    ("/fhir/R4/Observation?_count=x", 400),
    ("/fhir/R4/Observation?patient=abc", 400),
    ("/fhir/R4/Practitioner", 404),
    ("/fhir/R4/Observation/999999-temperature", 404),
    ("/fhir/R4/Patient/notanid", 404),
    ("/fhir/R4/$export", 400),  # no Prefer: respond-async
    ("/fhir/R4/nothing/here/at/all", 404),
])
def test_every_error_is_an_operation_outcome(staff_client, path, status):
    r = staff_client.get(path)
    assert r.status_code == status
    assert r.mimetype == "application/fhir+json"
    assert r.json["resourceType"] == "OperationOutcome"
    parse(r.json)


def test_a_method_not_allowed_and_a_server_error_are_operation_outcomes(course, app,
                                                                        monkeypatch):
    r = course["http"].put(f"{FHIR}/Patient/1", json={})
    assert r.status_code == 405 and r.json["resourceType"] == "OperationOutcome"
    from server.fhir import repository

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setitem(repository.LOADERS, "Flag", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    r = course["http"].get(f"{FHIR}/Flag")
    assert r.status_code == 500 and r.json["issue"][0]["severity"] == "fatal"
    assert r.mimetype == "application/fhir+json"


def test_another_centres_staff_see_nothing_and_are_audited(course, app, make_staff,
                                                           other_centre):
    member = make_staff(handle="outsider", centre_id=other_centre.id)
    outsider = signed_in(app, member)
    patient, ids = course["patient"], course["ids"]
    for rtype, rid in (("Patient", patient.id), ("RelatedPerson", patient.caregivers[0].id),
                       ("Observation", f"{ids['fever']}-temperature"),
                       ("QuestionnaireResponse", ids["baseline"]), ("Media", ids["baseline"]),
                       ("Binary", ids["baseline"]), ("Flag", ids["escalation"]),
                       ("DetectedIssue", ids["escalation"]),
                       ("Communication", ids["intent"])):
        r = outsider.get(f"{FHIR}/{rtype}/{rid}")
        assert r.status_code == 404, rtype
        assert patient.code not in r.get_data(as_text=True)
        r = outsider.get(f"{FHIR}/{rtype}", query_string={"patient": patient.id}
                         if rtype not in ("Patient", "Binary") else {})
        assert r.status_code == 200 and r.json["total"] == 0, rtype
    refused = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "fhir.refused", AuditEvent.actor_id == member.id))
    assert len(list(refused)) == 9


def test_reads_and_searches_are_audited_with_their_patients(course):
    from server.audit.trail import concerns_patient

    http, patient = course["http"], course["patient"]
    http.get(f"{FHIR}/Patient/{patient.id}")
    http.get(f"{FHIR}/Observation", query_string={"code": "8310-5"})
    rows = db.session.scalars(db.select(AuditEvent).where(
        concerns_patient(patient.id), AuditEvent.action.like("fhir.%"))).all()
    assert {r.action for r in rows} >= {"fhir.read", "fhir.search"}
    assert all(r.actor_kind == "staff" for r in rows)
    assert all("Pat Example" not in str(r.detail) for r in rows)


def test_anonymous_and_device_callers_are_refused(course, client, enrol):
    headers = enrol(course["patient"])
    for who in ({}, headers, {"Authorization": "Bearer nonsense"}):
        r = client.get(f"{FHIR}/Observation", headers=who)
        assert r.status_code == 401 and r.json["resourceType"] == "OperationOutcome"
        assert r.headers["WWW-Authenticate"].startswith("Bearer")


def test_metadata_lists_exactly_what_is_served(client, app):
    from server.fhir import search

    cap = client.get(f"{FHIR}/metadata").json
    parse(cap)
    rest = cap["rest"][0]
    served = {r["type"]: r for r in rest["resource"]}
    assert set(served) == {*TYPES, "Questionnaire", "CodeSystem"}
    for rtype, params in search.PARAMS.items():
        names = {p["name"] for p in served[rtype]["searchParam"]}
        assert names == {*params, "_id", "_lastUpdated", "_count"}
    assert "searchParam" not in served["Questionnaire"]
    token = rest["security"]["extension"][0]["extension"][0]
    assert token == {"url": "token", "valueUri": "http://localhost/oauth/token"}
    assert [o["name"] for o in rest["operation"]] == ["export"]
    assert served["Patient"]["operation"][0]["name"] == "export"
    for rtype in TYPES:  # every type the statement lists answers a search
        assert client.get(f"{FHIR}/{rtype}").status_code == 401  # (with credentials: 200)


def test_questionnaire_items_carry_the_policy_points(client):
    from server import policy as P

    q = client.get(f"{FHIR}/Questionnaire/ice").json
    items = {i["linkId"]: i for i in q["item"]}
    for item, points in P.ICE_ITEMS.items():
        maxima = [e["valueInteger"] for e in items[item]["extension"]
                  if e["url"].endswith("maxValue")]
        assert maxima == [points]
    codes = {c["code"] for c in client.get(f"{FHIR}/CodeSystem/cartwatch").json["concept"]}
    assert {"ice-total", "R-FEVER", "symptom-rigors", "feature-rms"} <= codes


def test_an_admin_turns_names_on_for_the_centre(staff_client, make_patient):
    patient = make_patient()
    r = staff_client.patch("/api/v1/staff/admin/centre", json={"fhir_share_names": "yes"})
    assert r.status_code == 422 and "fhir_share_names" in r.json["error"]["fields"]
    assert staff_client.get("/api/v1/staff/admin/centre").json["fhir_share_names"] is False
    r = staff_client.patch("/api/v1/staff/admin/centre", json={"fhir_share_names": True})
    assert r.status_code == 200 and r.json["fhir_share_names"] is True
    assert staff_client.get(f"{FHIR}/Patient/{patient.id}").json["name"] == [
        {"text": "Pat Example"}]


def test_a_page_reads_only_the_check_ins_it_needs(course, monkeypatch):
    """A first page stops reading once it has its matches and one more (the next link)."""
    from server.fhir import map_checkins, repository

    mapped = []
    original = map_checkins.by_type

    def counting(config, row, rtype):
        mapped.append(row.id)
        return original(config, row, rtype)

    monkeypatch.setattr(repository, "CHUNK", 1)
    monkeypatch.setattr(map_checkins, "by_type", counting)
    r = course["http"].get(f"{FHIR}/Observation", query_string={"code": "8310-5", "_count": 1})
    assert len(r.json["entry"]) == 1 and "next" in {x["relation"] for x in r.json["link"]}
    assert mapped == [course["ids"]["baseline"], course["ids"]["fahrenheit"]]  # not the 3rd
