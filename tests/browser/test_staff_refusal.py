"""The staff app shows the server's own reason for a refused request: one error shape,
{error: {message}}, read by the ApiError both apps share (pwa/shared/http.js)."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from .staff_steps import centre_with_staff, sign_in

pytestmark = pytest.mark.browser

REASON = "The overview is being rebuilt, try again in a minute."


def test_a_refused_request_shows_the_servers_reason(desktop, live_server):
    account = centre_with_staff(live_server)
    sign_in(desktop, account)
    desktop.route("**/api/v1/staff/overview*", lambda route: route.fulfill(
        status=409, content_type="application/json",
        body=json.dumps({"error": {"code": "conflict", "message": REASON}})))
    desktop.get_by_role("link", name="Patients").first.click()
    expect(desktop.locator("#patient-table")).to_contain_text(f"Something went wrong: {REASON}")


def test_both_apps_and_the_helpers_are_the_shared_ones(desktop, live_server):
    account = centre_with_staff(live_server)
    sign_in(desktop, account)
    out = desktop.evaluate("""async () => {
      const staff = await import('/staff/js/api.js');
      const patient = await import('/app/js/api.js');
      const shared = await import('/shared/http.js');
      const err = new shared.ApiError(422, {error: {code: 'invalid', message: 'No.',
                                                    fields: {when: ['too old']}}});
      const { h } = await import('/shared/dom.js');
      const clicks = [];
      const button = h('button.big.primary', {class: 'wide', type: 'button', text: 'Go',
        dataset: {rowId: '7'}, 'aria-label': 'Go now', tabindex: 0, hidden: false,
        onclick: () => clicks.push(1)}, ' on', [null, [' and ', 2]]);
      button.click();
      const input = h('input', {list: 'options', value: 'x', required: true});
      return {
        same: staff.ApiError === shared.ApiError && patient.ApiError === shared.ApiError,
        err: [err.status, err.code, err.message, err.refusal, err.fields.when[0]],
        staffDom: (await import('/staff/js/dom.js')).h === h,
        appDom: (await import('/app/js/dom.js')).h === h,
        button: button.outerHTML, clicks: clicks.length,
        input: [input.getAttribute('list'), input.value, input.required],
      };
    }""")
    assert out["same"] and out["staffDom"] and out["appDom"]
    assert out["err"] == [422, "invalid", "No.", "No. — when: too old", "too old"]
    assert out["button"] == ('<button class="big primary wide" type="button" data-row-id="7" '
                             'aria-label="Go now" tabindex="0">Go on and 2</button>')
    assert out["clicks"] == 1
    assert out["input"] == ["options", "x", True]
