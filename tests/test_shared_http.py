"""pwa/shared/http.js in Node: how both apps and the service worker read an API answer.

A refusal's message is the server's {error: {message}}; the text kept for an outbox entry adds
each field's complaints; a body that is not JSON is not shown as a reason.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

RUNNER = Path(__file__).resolve().parent / "js" / "http_runner.mjs"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")


def answers(*cases: tuple[int, str]) -> list[dict]:
    """What http.js makes of each (status, body text)."""
    payload = json.dumps([{"status": s, "body": b} for s, b in cases])
    done = subprocess.run([NODE, str(RUNNER)], input=payload, capture_output=True, text=True,
                          check=True, timeout=60)
    return json.loads(done.stdout)


def test_a_2xx_answer_is_its_parsed_body():
    ok, empty = answers((200, '{"id": 3}'), (204, ""))
    assert ok["result"] == {"id": 3} and "error" not in ok
    assert empty["result"] is None


def test_a_refusal_carries_the_servers_error_shape():
    shape = {"error": {"code": "invalid", "message": "Not valid.",
                       "fields": {"observed_at": ["too old"], "temperature_c": ["high", "odd"]}}}
    [row] = answers((422, json.dumps(shape)))
    err = row["error"]
    assert err["isApiError"] and err["status"] == 422 and err["code"] == "invalid"
    assert err["message"] == "Not valid."
    assert err["fields"] == shape["error"]["fields"]
    assert err["body"] == shape
    assert err["refusal"] == "Not valid. — observed_at: too old — temperature_c: high odd"
    assert row["refusal"] == err["refusal"]  # the service worker's refusalText() agrees


def test_a_refusal_without_a_message_or_json_names_its_status():
    html, bare = answers((502, "<html>Bad gateway</html>"), (500, '{"error": {}}'))
    assert html["parsed"] is None
    assert html["error"]["message"] == "HTTP 502" and html["error"]["code"] == "error"
    assert bare["error"]["message"] == "HTTP 500"
