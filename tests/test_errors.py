"""The one error shape for unexpected errors, and what an unexpected error leaves behind."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from server.extensions import db
from server.models import Centre


@pytest.fixture
def failing_route(app):
    """A route whose SQL fails and whose error nobody handles."""

    def broken():
        db.session.execute(text("SELECT no_such_column FROM centre"))
        return "unreachable"

    app.add_url_rule("/test-only/broken", "broken", broken)
    return "/test-only/broken"


@pytest.mark.fresh_app  # adds a route
def test_unexpected_error_has_the_one_shape_and_rolls_the_session_back(app, client,
                                                                        failing_route, centre):
    r = client.get(failing_route)
    assert r.status_code == 500
    assert r.json["error"]["code"] == "internal_server_error", r.json
    # The same app context's session still works: on PostgreSQL an aborted transaction would
    # refuse every statement until rolled back.
    assert db.session.execute(db.select(Centre.name)).scalars().all() == ["Centre A"]
