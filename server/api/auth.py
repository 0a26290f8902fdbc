"""Staff authentication: password, TOTP, logout and who-am-I."""
from __future__ import annotations

from flask import current_app, g, make_response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.identity import require_staff, session_cookie_name
from ..auth.tokens import hash_secret
from ..extensions import db, limiter
from ..models import StaffSession
from ..services import staff_auth
from .schemas.staff import LoginIn, LoginOut, MeOut, TotpIn

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Staff sign-in")


def _auth_limit() -> str:
    return current_app.config["RATELIMIT_AUTH"]


def _with_cookie(body: dict, raw_session: str, status: int = 200):
    response = make_response(body, status)
    response.set_cookie(session_cookie_name(), raw_session, **staff_auth.cookie_kwargs())
    return response


@blp.route("/login")
class Login(MethodView):
    decorators = [limiter.limit(_auth_limit)]

    @blp.arguments(LoginIn)
    @blp.response(200, LoginOut)
    def post(self, data):
        """Check email and password; the TOTP step must follow."""
        raw, session, info = staff_auth.password_step(data["email"], data["password"],
                                                         request.remote_addr or "")
        return _with_cookie(LoginOut().dump({**info, "csrf_token": session.csrf_token}), raw)


@blp.route("/totp")
class Totp(MethodView):
    decorators = [limiter.limit(_auth_limit)]

    @blp.arguments(TotpIn)
    @blp.response(200, LoginOut)
    def post(self, data):
        """Finish sign-in with a TOTP code; a new session id is issued."""
        cookie = request.cookies.get(session_cookie_name(), "")
        half = db.session.get(StaffSession, hash_secret(cookie)) if cookie else None
        raw, session = staff_auth.totp_step(half, data["code"], request.remote_addr or "")
        return _with_cookie(LoginOut().dump({"next": "done", "csrf_token": session.csrf_token}),
                            raw)


@blp.route("/logout")
class Logout(MethodView):
    @require_staff()
    @blp.response(204)
    def post(self):
        """End the session on the server and clear the cookie."""
        staff_auth.logout(g.actor.session)
        response = make_response("", 204)
        response.delete_cookie(session_cookie_name(), path="/",
                               secure=current_app.config["SESSION_COOKIE_SECURE"])
        return response


@blp.route("/me")
class Me(MethodView):
    @require_staff()
    @blp.response(200, MeOut)
    def get(self):
        """Return the signed-in member of staff and the CSRF token for writes."""
        staff = g.actor.staff
        return {"staff": staff, "centre": staff.centre, "csrf_token": g.actor.session.csrf_token,
                "idle_minutes": current_app.config["STAFF_IDLE_MINUTES"]}
