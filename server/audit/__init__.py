"""The audit trail, below the models: the row, its hash chain, who writes it, its checks."""
from __future__ import annotations

from flask import Flask

from . import chain


def init_app(app: Flask) -> None:
    """Chain every new audit row at flush and guard the table's DDL (idempotent, process-wide)."""
    chain.install()
