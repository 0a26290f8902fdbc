"""A tiny JSON-over-HTTP client on the standard library, for tests and the load generator."""
from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request


def call(method: str, url: str, body=None, headers: dict | None = None,
         timeout: float = 30) -> tuple[int, dict | None, dict]:
    """Send one request; return (status, decoded JSON or None, headers). Never raises on 4xx/5xx."""
    data = None if body is None else json.dumps(body).encode()
    all_headers = {"Content-Type": "application/json"} if data is not None else {}
    all_headers.update(headers or {})
    request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, _decode(response.read()), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, _decode(error.read()), dict(error.headers)


def _decode(raw: bytes):
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return {"_raw": raw[:200].decode(errors="replace")}


class KeepAlive:
    """One persistent HTTP/1.1 connection per load-generator thread (like a real client)."""

    def __init__(self, host: str, port: int, timeout: float = 30):
        self.host, self.port, self.timeout = host, port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | None, headers: dict) -> int:
        """Send and read one response; reconnect once when the server closed the socket."""
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status
            except (ConnectionError, http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    raise
        raise RuntimeError("unreachable")

    def close(self) -> None:
        """Drop the connection."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None
