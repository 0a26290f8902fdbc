"""The CapabilityStatement and SMART configuration: generated from the tables the code runs
(search.PARAMS, common.RESOURCE_TYPES), so they list exactly what is supported."""
from __future__ import annotations

from ..clock import now
from .codes import base_url
from .common import PATIENT_TYPES, RESOURCE_TYPES, instant
from .search import COMMON, FHIR_TYPE, PARAMS
from .smart import ALGORITHMS, token_url

SMART_EXT = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"
EXPORT_OP = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"
PATIENT_EXPORT_OP = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export"


def _resource(rtype: str) -> dict:
    entry = {"type": rtype, "interaction": [{"code": "read"}]}
    if rtype in PARAMS:
        entry["interaction"].append({"code": "search-type"})
        params = {**COMMON, **PARAMS[rtype]}
        entry["searchParam"] = [{"name": name, "type": FHIR_TYPE[kind], "documentation": doc}
                                for name, (kind, _get, doc) in params.items()]
        entry["searchParam"].append({"name": "_count", "type": "number",
                                     "documentation": "page size (at most 200)"})
    if rtype == "Patient":
        entry["operation"] = [{"name": "export", "definition": PATIENT_EXPORT_OP}]
    return entry


def capability_statement(config) -> dict:
    """What this server does, and nothing more."""
    return {
        "resourceType": "CapabilityStatement", "status": "active", "date": instant(now()),
        "kind": "instance", "fhirVersion": "4.0.1", "format": ["application/fhir+json", "json"],
        "software": {"name": "CARTwatch"},
        "implementation": {"description": "CARTwatch FHIR R4 API", "url": base_url(config)},
        "instantiates": ["http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data"],
        "rest": [{
            "mode": "server",
            "security": {
                "service": [{"coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                    "code": "SMART-on-FHIR"}]}],
                "extension": [{"url": SMART_EXT,
                               "extension": [{"url": "token", "valueUri": token_url()}]}],
                "description": "SMART Backend Services (client_credentials, private_key_jwt "
                               "RS384/ES384) or a CARTwatch staff session",
            },
            "resource": [_resource(t) for t in RESOURCE_TYPES],
            "operation": [{"name": "export", "definition": EXPORT_OP}],
        }],
    }


def smart_configuration() -> dict:
    """/.well-known/smart-configuration for backend services."""
    scopes = ["system/*.read"] + [f"system/{t}.read" for t in PATIENT_TYPES]
    return {"token_endpoint": token_url(), "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": ALGORITHMS,
            "scopes_supported": scopes, "capabilities": ["client-confidential-asymmetric"]}
