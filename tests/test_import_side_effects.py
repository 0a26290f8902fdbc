"""Importing the server registers no SQLAlchemy listener: create_app is where things connect.

A fresh interpreter imports every module under `server` (pkgutil.walk_packages) and lists the
event listeners that appeared on Session, Engine, Mapper or a table meanwhile (SQLAlchemy's
own bookkeeping for the mapped classes, attribute and backref events, is not counted).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
import importlib, json, pkgutil
from sqlalchemy.event import registry
import flask_sqlalchemy, sqlalchemy.orm  # their own import-time listeners are not ours

def listeners():
    found = set()
    for key, collections in registry._key_to_collection.items():
        for listener_ref in collections.values():
            fn = listener_ref()
            if fn is not None and not fn.__module__.startswith("sqlalchemy."):
                found.add((key[1], f"{fn.__module__}.{fn.__qualname__}"))
    return found

before = listeners()
import server
for module in pkgutil.walk_packages(server.__path__, "server."):
    importlib.import_module(module.name)
print(json.dumps(sorted(listeners() - before)))
"""

def test_importing_every_server_module_registers_no_other_listener():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=True)
    registered = {tuple(item) for item in json.loads(result.stdout.strip().splitlines()[-1])}
    assert registered == set()
    # engine listeners in particular are the app's, installed by db_types.init_engine
    assert not any(name.startswith("server.db_types") for _event, name in registered)
