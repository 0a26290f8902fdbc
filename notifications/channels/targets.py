"""Which webhook URLs CARTwatch will POST to: hostile input, checked like push endpoints.

A webhook URL is typed by a person into their channel settings, so it could name the cloud
metadata service or an internal host. Accepted: `https://`, no user info, a host that is a
DNS name or a public IP address; every address the name resolves to must be public
(not private, loopback, link-local, multicast, reserved) unless CHANNELS_WEBHOOK_ALLOW_PRIVATE
is on (a paging gateway inside the hospital). Checked when saved (422 on `address`) and
again before every send; redirects are never followed (a 3xx is a failed attempt).
NOTIFICATIONS_ALLOW_HTTP_LOOPBACK (tests only) also accepts `http://127.0.0.1:<port>`.
"""
from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit

from ..endpoints import LOOPBACK_HOSTS

MAX_LENGTH = 1024
_VISIBLE_ASCII = re.compile(r"[\x21-\x7e]+")


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.is_global and not ip.is_multicast


def problem(url: str, *, allow_loopback: bool = False, allow_private: bool = False,
            resolve=socket.getaddrinfo) -> str | None:
    """Why CARTwatch will not POST to `url`, or None."""
    if not isinstance(url, str) or not url or len(url) > MAX_LENGTH \
            or not _VISIBLE_ASCII.fullmatch(url) or "\\" in url:
        return "address must be a plain ASCII https URL"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "address is not a valid URL"
    host = parts.hostname or ""
    if allow_loopback and url.startswith("http://") and host in LOOPBACK_HOSTS \
            and parts.netloc == f"{host}:{port}":
        return None
    if not url.startswith("https://"):
        return "address must start with https://"
    if "@" in parts.netloc or not host:
        return "address must name a host, without user info"
    if allow_private:
        return None
    try:
        addresses = {info[4][0] for info in resolve(host, port or 443, type=socket.SOCK_STREAM)}
    except (OSError, UnicodeError):
        return "address host does not resolve"
    if not addresses or not all(_public(a) for a in addresses):
        return "address host is not a public internet address"
    return None
