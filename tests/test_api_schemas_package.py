"""The API's bodies are declared in server/api/schemas/ (issue 13.5), not beside the views:
one place to read the wire format, and the shared pieces (Timestamp, Bounds, the Policy field
factory) reused rather than written again."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

from marshmallow import Schema

import server.api


def _views():
    for module in pkgutil.iter_modules(server.api.__path__):
        if not module.ispkg:
            yield importlib.import_module(f"server.api.{module.name}")


def _own_schemas(module) -> list[str]:
    return sorted(name for name, value in vars(module).items()
                  if inspect.isclass(value) and issubclass(value, Schema)
                  and value.__module__ == module.__name__)


def test_views_declare_no_schemas_of_their_own():
    declaring = {module.__name__.rsplit(".", 1)[-1]: _own_schemas(module)
                 for module in _views()}
    assert not {name: own for name, own in declaring.items() if own}


def test_staff_admin_schemas_live_in_the_package_and_reuse_bounds():
    from server.api import staff_admin
    from server.api.schemas import common, quality
    from server.api.schemas import staff_admin as bodies

    assert not hasattr(staff_admin, "Policy") and not hasattr(staff_admin, "OverrideBound")
    assert bodies.Policy is common.Policy
    assert issubclass(bodies.OverrideBound, quality.Bounds)
    assert set(bodies.OverrideBound().fields) == {"default", "min", "max"}
    assert staff_admin.CentreOut is bodies.CentreOut


def test_centre_settings_wire_keeps_the_policy_defaults_and_bounds(staff_client):
    body = staff_client.get("/api/v1/staff/admin/centre").json
    bound = next(iter(body["override_bounds"].values()))
    assert set(bound) == {"default", "min", "max"}
    assert {"schedule", "ack_lapse_hours", "days_bounds"} <= set(body["defaults"])
