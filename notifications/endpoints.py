"""Which push endpoints CARTwatch will POST to: browser push services only (no SSRF).

A push endpoint comes from a phone or a browser, so it is hostile until proven otherwise:
left open, a phone could make the server connect to the cloud metadata service, an
internal host or a loopback port. The rule is checked when a subscription is registered
(422 naming `endpoint`) and again before every send, so a row stored before the rule
existed is never sent to a refused host. Accepted: `https://`, written in lower case,
on port 443, no user info, a DNS name (never an IP literal in any spelling: dotted,
decimal, hex, IPv6) that is one of the browser push services below or a subdomain of one,
or of a host named in NOTIFICATIONS_EXTRA_PUSH_HOSTS (a private push service).

NOTIFICATIONS_ALLOW_HTTP_LOOPBACK (tests only, set through `create_app(config)`; no
environment variable reads it) also accepts `http://127.0.0.1:<port>` and
`http://localhost:<port>`, where the tests' loopback push service listens.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

# The push services of current browsers (host suffixes; a subdomain matches too):
# Chrome, Chromium-based Edge before its switch, Opera, Samsung Internet, Brave, Vivaldi:
# Firebase Cloud Messaging; Firefox (desktop and Android): Mozilla autopush; Safari on
# macOS 13+ and iOS/iPadOS 16.4+: `web.push.apple.com` (Apple asks servers to allow
# `*.push.apple.com`); Edge: Windows Push Notification Services (`wns2-*.notify.windows.com`).
BROWSER_PUSH_HOSTS = (
    "fcm.googleapis.com",
    "push.services.mozilla.com",  # updates.push.services.mozilla.com
    "push.apple.com",  # web.push.apple.com
    "notify.windows.com",  # wns2-<region>.notify.windows.com
)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")
MAX_LENGTH = 1024
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_DNS_NAME = re.compile(rf"{_LABEL}(\.{_LABEL})*\.[a-z][a-z0-9-]*[a-z0-9]")  # TLD: a letter
_VISIBLE_ASCII = re.compile(r"[\x21-\x7e]+")


def parse_hosts(value) -> tuple[str, ...]:
    """NOTIFICATIONS_EXTRA_PUSH_HOSTS (comma-separated, or a list) as checked host names."""
    if not value:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    hosts = tuple(item.strip().lower().lstrip(".") for item in items if item.strip())
    for host in hosts:
        if not _DNS_NAME.fullmatch(host):
            raise ValueError(f"NOTIFICATIONS_EXTRA_PUSH_HOSTS: {host!r} is not a DNS name "
                             "(IP addresses are never accepted as push services)")
    return hosts


def _on_list(host: str, suffixes: tuple[str, ...]) -> bool:
    return any(host == suffix or host.endswith("." + suffix) for suffix in suffixes)


def problem(endpoint: str, extra_hosts: tuple[str, ...] = (),
            allow_loopback: bool = False) -> str | None:
    """Why `endpoint` may not be sent to, or None when it may (see the module docstring)."""
    if not isinstance(endpoint, str) or not endpoint:
        return "endpoint must be an https URL of a browser push service"
    if len(endpoint) > MAX_LENGTH or not _VISIBLE_ASCII.fullmatch(endpoint) \
            or "\\" in endpoint:
        return "endpoint must be a plain ASCII URL"
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return "endpoint is not a valid URL"
    host = parts.hostname or ""
    if allow_loopback and endpoint.startswith("http://") and host in LOOPBACK_HOSTS \
            and parts.netloc == f"{host}:{port}":
        return None
    if not endpoint.startswith("https://"):
        return "endpoint must start with https:// (lower case)"
    if "@" in parts.netloc:
        return "endpoint must not carry user info"
    if parts.netloc not in (host, f"{host}:443"):  # upper case, brackets, odd ports
        return "endpoint must name a push service host in lower case, on port 443"
    if not _DNS_NAME.fullmatch(host):
        return "endpoint host must be a DNS name, not an IP address"
    if not _on_list(host, BROWSER_PUSH_HOSTS + tuple(extra_hosts)):
        return "endpoint host is not a known browser push service"
    return None
