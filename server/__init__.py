"""CARTwatch: post-discharge monitoring for CAR-T cell therapy (Flask application factory)."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

BLUEPRINTS = (
    "server.api.auth",
    "server.api.device",
    "server.api.staff_patients",
    "server.api.measures",
    "server.api.staff_admin",
    "server.api.timeline",
    "server.api.escalations",
    "server.api.thresholds",
    "server.api.quality",
    "server.api.push",
    "server.api.outcomes",
    "server.api.summary",
    "server.api.channels",
    "server.api.rotas",
    "server.api.fhir_clients",
    "server.fhir.views",
    "server.web",
)


def create_app(config: dict | None = None) -> Flask:
    """Build the app: defaults from the environment, then the test/override mapping."""
    from importlib import import_module

    from . import audit, cli, db_types, errors, ids, security, transaction, worker
    from .config import Config, engine_options, normalise_db_url
    from .extensions import api, db, limiter, migrate
    from .instance_secrets import audit_hmac_key, secret_key

    config = dict(config or {})
    app = Flask(__name__, instance_relative_config=True, static_folder=None,
                instance_path=config.pop("INSTANCE_PATH", None))
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(Config(instance_path=str(instance)).as_dict())
    app.config.update(config)
    uri = normalise_db_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(uri))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(instance)
    if not app.config.get("AUDIT_HMAC_KEY"):
        app.config["AUDIT_HMAC_KEY"] = audit_hmac_key(instance)
    app.config["AUDIT_CHECKPOINT_DIR"] = (app.config.get("AUDIT_CHECKPOINT_DIR")
                                          or str(instance / "audit-checkpoints"))
    logging.getLogger("server").setLevel(app.config["LOG_LEVEL"])
    if app.config["TRUSTED_PROXIES"] > 0:
        # remote_addr (the rate-limit key, the audit address) becomes the client the last
        # TRUSTED_PROXIES hops saw, instead of the proxy every client shares
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    ids.init_app(app)  # bounded <int:…> ids, before any route exists

    # extensions
    db.init_app(app)
    with app.app_context():  # SQLite durability and BEGIN IMMEDIATE on this app's engine
        db_types.init_engine(app, db.engine)
    audit.init_app(app)  # the hash chain's Session listener and the table's triggers
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"))
    # Flask-Limiter keeps `enabled` on its singleton and defaults each new app to the last
    # value; say it per app so a scenario replay with limits off cannot switch them off here.
    app.config.setdefault("RATELIMIT_ENABLED", True)
    limiter.init_app(app)
    api.init_app(app)
    errors.init_app(app)
    security.init_app(app)

    # blueprints
    for name in BLUEPRINTS:
        module = import_module(name)
        if hasattr(module, "blp"):  # server.web is a plain Flask blueprint
            api.register_blueprint(module.blp)
        if hasattr(module, "register_extra"):
            module.register_extra(app)
    worker.init_app(app)  # `flask worker` and the dev starter
    cli.init_app(app)
    transaction.init_app(app)  # last: the request's commit runs before the other hooks
    return app
