"""FHIR R4 (4.0.1) JSON API under /fhir/R4: mapping per type, search, bundles, bulk export,
SMART Backend Services. `views.register_extra` wires it into the app."""
