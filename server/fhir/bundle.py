"""Searchset Bundles with self / next / previous links (offset paging over the matches)."""
from __future__ import annotations

from urllib.parse import urlencode

from .codes import base_url


def _link(base: str, rtype: str, args, offset: int, count: int) -> str:
    items = [(k, v) for k in args for v in args.getlist(k) if k not in ("_offset", "_count")]
    items += [("_count", str(count)), ("_offset", str(offset))]
    return f"{base}/{rtype}?{urlencode(items)}"


def searchset(config, rtype: str, args, matches: list[dict], offset: int, count: int,
              complete: bool = True) -> dict:
    """One page of matches as a Bundle, with paging links that keep every search parameter.

    `matches` runs from the first match to at least one past this page; `total` is given
    only when the search reached its end (`complete`), as FHIR allows, so a page costs what
    lies before it, not the whole centre.
    """
    base = base_url(config)
    page = matches[offset:offset + count]
    links = [{"relation": "self", "url": _link(base, rtype, args, offset, count)}]
    if offset + count < len(matches) and count > 0:
        links.append({"relation": "next", "url": _link(base, rtype, args, offset + count, count)})
    if offset > 0 and count > 0:
        links.append({"relation": "previous",
                      "url": _link(base, rtype, args, max(0, offset - count), count)})
    bundle = {
        "resourceType": "Bundle", "type": "searchset", "link": links,
        "entry": [{"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r,
                   "search": {"mode": "match"}} for r in page],
    }
    if complete:
        bundle["total"] = len(matches)
    return bundle
