"""Gunicorn config for the bench and robustness servers: each worker says when its app is loaded.

"Booting worker" is logged at fork, before the worker imports the app; on a loaded machine
one worker could serve every request while the other was still in create_app, and a test
that needs both workers (or a bench that means two) then measured one.
"""


def post_worker_init(worker):
    """Called by gunicorn once the worker has loaded the application."""
    worker.log.info("Worker ready (pid: %s)", worker.pid)
