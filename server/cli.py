"""Command-line entry points: demo set-up for `make run`, staff accounts."""
from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

import click
from flask import Flask, current_app

from . import transaction
from .audit.commands import audit_cli
from .auth.passwords import hash_password, password_problem
from .clinical import schedule
from .clock import now
from .extensions import db
from .models import Centre, Patient, Staff

DEMO_EMAIL = "admin@demo.cartwatch.example"


def init_app(app: Flask) -> None:
    """Register the CLI commands."""
    app.cli.add_command(demo)
    app.cli.add_command(create_staff)
    app.cli.add_command(run_dev)
    from .replay import scenario_cli  # imported late: it pulls in the whole app

    app.cli.add_command(scenario_cli)
    app.cli.add_command(audit_cli)


@click.command("run-dev")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
def run_dev(host: str, port: int) -> None:
    """Serve the app for development, with the background worker in the same process."""
    starters = current_app.extensions.get("cartwatch.dev_starters", [])
    for start in starters:
        start(current_app._get_current_object())
    # app.run() is a no-op under the flask CLI; werkzeug's server is what it would start
    from werkzeug.serving import run_simple

    run_simple(host, port, current_app._get_current_object(), threaded=True,
               use_reloader=False)


@click.command("demo")
def demo() -> None:
    """Create the demo centre, its admin and a patient once; print how to log in and enrol."""
    from .services.enrolment import issue_code

    instance = Path(current_app.instance_path)
    password_file = instance / "demo_admin_password"
    centre = db.session.execute(db.select(Centre).limit(1)).scalar_one_or_none()
    if centre is None:
        centre = Centre(name="Demo Centre", phone_24h="+49 30 1234 5678",
                        emergency_number="112", timezone="Europe/Berlin")
        db.session.add(centre)
        db.session.flush()
    admin = db.session.execute(db.select(Staff).where(Staff.email == DEMO_EMAIL)).scalar()
    if admin is None:
        password = "-".join(secrets.token_urlsafe(6) for _ in range(3))
        admin = Staff(centre_id=centre.id, handle="admin", name="Demo Admin", email=DEMO_EMAIL,
                      role="admin", tier=1, on_duty=True, password_hash=hash_password(password))
        db.session.add(admin)
        password_file.write_text(password)
        password_file.chmod(0o600)
    patient = db.session.execute(
        db.select(Patient).where(Patient.centre_id == centre.id).limit(1)
    ).scalar_one_or_none()
    if patient is None:
        patient = Patient(centre_id=centre.id, code="P-DEMO01", display_name="Demo Patient",
                          timezone=centre.timezone, infused_at=now() - dt.timedelta(days=3),
                          enrolled_at=now(), product="axi-cel", window_days=30,
                          baseline_ice=10, city="Berlin", place_of_care="Demo Centre")
        db.session.add(patient)
        schedule.replan(patient)
    db.session.commit()
    with transaction.job():
        code = issue_code(patient, "patient", None, admin)
    password = password_file.read_text() if password_file.exists() else "(set earlier)"
    click.echo("")
    click.echo("CARTwatch is ready at " + current_app.config["PUBLIC_URL"])
    click.echo(f"  staff app:  {current_app.config['PUBLIC_URL']}/staff/")
    click.echo(f"  staff login: {DEMO_EMAIL}  password: {password}  (TOTP set up at first login)")
    click.echo(f"  patient app: {current_app.config['PUBLIC_URL']}/app/")
    click.echo(f"  enrolment code for {patient.code}: {code['code']} (valid 72 h)")
    click.echo("")


@click.command("create-staff")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--handle", required=True)
@click.option("--role", type=click.Choice(["nurse", "physician", "admin"]), default="nurse")
@click.option("--tier", type=int, default=1)
@click.option("--centre-id", type=int, default=1)
@click.password_option()
def create_staff(email, name, handle, role, tier, centre_id, password) -> None:
    """Create a staff account (the password is checked against the refused list)."""
    problem = password_problem(password)
    if problem:
        raise click.BadParameter(f"password {problem}")
    db.session.add(Staff(centre_id=centre_id, email=email.lower(), name=name, handle=handle,
                         role=role, tier=tier, password_hash=hash_password(password)))
    db.session.commit()
    click.echo(f"created {handle}")
