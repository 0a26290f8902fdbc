"""An EHR reads CARTwatch with a FHIR client library (fhirclient, R4 models) over real HTTP:
the CapabilityStatement, a backend-services token, a patient's vital signs page by page."""
from __future__ import annotations

import threading

import pytest
import requests
from fhir_helpers import Ehr, seed_course
from fhirclient import client as fhir_client
from fhirclient.models.observation import Observation
from fhirclient.models.patient import Patient as FhirPatient
from fhirclient.models.questionnaireresponse import QuestionnaireResponse
from werkzeug.serving import make_server

from server.extensions import db
from server.models import CheckIn


@pytest.fixture
def live(app):
    """This test's app on a loopback port, its PUBLIC_URL the port's URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_URL"] = url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url
    server.shutdown()
    thread.join(5)


def test_fhirclient_reads_a_course_as_an_ehr_would(live, app, client, clock, centre,
                                                   make_patient, enrol, make_staff):
    patient = make_patient()
    seed_course(client, clock, patient, enrol, make_staff)
    ehr = Ehr("RS384")
    ehr.register(centre.id, scopes=["system/Patient.read", "system/Observation.read",
                                    "system/QuestionnaireResponse.read"])
    db.session.commit()
    token_url = f"{live}/oauth/token"
    answer = requests.post(token_url, data=ehr.token_form(
        "system/Patient.read system/Observation.read system/QuestionnaireResponse.read",
        aud=token_url), timeout=30)
    assert answer.status_code == 200, answer.text

    smart = fhir_client.FHIRClient(settings={"app_id": "ehr", "api_base": f"{live}/fhir/R4/"})
    capability = smart.server.capabilityStatement  # fetched and parsed with the R4 models
    assert capability.fhirVersion == "4.0.1"
    smart.server.session.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"

    read = FhirPatient.read(str(patient.id), smart.server)
    assert read.identifier[0].value == patient.code and read.name is None
    search = Observation.where(struct={"patient": str(patient.id), "code": "8310-5",
                                       "_count": "2"})
    temperatures = list(search.perform_resources_iter(smart.server))  # follows `next`
    stored = db.session.scalars(db.select(CheckIn).where(
        CheckIn.patient_id == patient.id).order_by(CheckIn.observed_at)).all()
    assert [(o.valueQuantity.value, o.valueQuantity.code) for o in temperatures] == [
        (row.temperature_value, {"C": "Cel", "F": "[degF]"}[row.temperature_unit])
        for row in stored]
    assert [o.effectiveDateTime.datetime for o in temperatures] == [
        row.observed_at for row in stored]
    vitals = list(Observation.where(struct={"patient": str(patient.id), "category": "vital-signs"}
                                    ).perform_resources_iter(smart.server))
    assert {o.code.coding[0].code for o in vitals} == {"8310-5", "8867-4", "85354-9", "2708-6",
                                                       "9279-1"}
    responses = list(QuestionnaireResponse.where(struct={"patient": str(patient.id)}
                                                 ).perform_resources_iter(smart.server))
    assert sorted(sum(i.answer[0].valueInteger for i in r.item
                      if i.linkId not in ("total", "administration")) for r in responses) == [
        9, 10]
    refused = requests.get(f"{live}/fhir/R4/Flag", timeout=30,
                           headers={"Authorization": smart.server.session.headers[
                               "Authorization"]})
    assert refused.status_code == 403  # Flag is not in this client's scopes
