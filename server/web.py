"""Serve the patient app (/app/), the staff app (/staff/), the modules they share with the
service worker (/shared/) and the one service worker (/sw.js)."""
from __future__ import annotations

import gzip
import hashlib
import mimetypes
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, redirect, request

PWA_ROOT = Path(__file__).resolve().parent.parent / "pwa"

bp = Blueprint("web", __name__)

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".woff2": "font/woff2",
}
COMPRESSIBLE = {".html", ".js", ".mjs", ".css", ".svg", ".json", ".webmanifest"}


@lru_cache(maxsize=256)
def _load(path: str, mtime_ns: int) -> tuple[bytes, bytes | None, str]:
    """Read a file once per version: its bytes, a gzip copy for text, and a strong ETag."""
    raw = Path(path).read_bytes()
    packed = gzip.compress(raw, 9, mtime=0) if Path(path).suffix in COMPRESSIBLE else None
    return raw, packed, '"' + hashlib.sha256(raw).hexdigest()[:32] + '"'


def _send(root: Path, relative: str, cache: str = "no-cache") -> Response:
    """Answer a file under root (never outside it), revalidated by ETag, gzip when accepted."""
    if "\x00" in relative:
        abort(404)  # the filesystem cannot name it; resolve() would raise ValueError
    target = (root / relative).resolve()
    if root.resolve() not in target.parents or not target.is_file():
        abort(404)
    raw, packed, etag = _load(str(target), target.stat().st_mtime_ns)
    mime = TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0]
    headers = {"ETag": etag, "Cache-Control": cache, "Vary": "Accept-Encoding"}
    if etag in request.headers.get("If-None-Match", ""):
        return Response(status=304, headers=headers)
    body = raw
    if packed is not None and "gzip" in request.headers.get("Accept-Encoding", ""):
        body, headers["Content-Encoding"] = packed, "gzip"
    return Response(body, headers=headers, content_type=mime or "application/octet-stream")


@bp.get("/")
def root():
    """Send visitors to the patient app."""
    return redirect("/app/", 302)


@bp.get("/app")
@bp.get("/staff")
def no_slash():
    """Add the trailing slash so relative URLs inside the apps resolve."""
    return redirect(request.path + "/", 301)


@bp.get("/app/")
@bp.get("/app/<path:name>")
def patient_app(name: str = "index.html"):
    """Serve a file of the patient and caregiver PWA."""
    return _send(PWA_ROOT / "app", name)


@bp.get("/staff/")
@bp.get("/staff/<path:name>")
def staff_app(name: str = "index.html"):
    """Serve a file of the staff app."""
    return _send(PWA_ROOT / "staff", name)


@bp.get("/shared/<path:name>")
def shared_module(name: str):
    """Serve a module both apps and the service worker import (pwa/shared)."""
    return _send(PWA_ROOT / "shared", name)


@bp.get("/sw.js")
def service_worker():
    """Serve the one service worker for both audiences, allowed to control the whole origin."""
    response = _send(PWA_ROOT, "sw.js", cache="no-cache, max-age=0")
    response.headers["Service-Worker-Allowed"] = "/"
    return response


def register_extra(app: Flask) -> None:
    """Register the static web blueprint (a plain Flask blueprint, not part of the API)."""
    app.register_blueprint(bp)
