"""Run the real servers as subprocesses: gunicorn on a free port, stopped or killed at will."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READY_CONFIG = Path(__file__).resolve().parent / "gunicorn_ready.py"
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


class Gunicorn:
    """A gunicorn master with N sync/threaded workers serving an app on 127.0.0.1:<free port>."""

    def __init__(self, env: dict, app: str = "wsgi:app", workers: int = 2, threads: int = 1,
                 log_dir: Path | None = None, extra: list[str] | None = None):
        self.env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
        self.app, self.workers, self.threads = app, workers, threads
        self.log_dir = Path(log_dir or ROOT / "instance")
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.access_log = self.log_dir / f"access-{os.getpid()}-{id(self)}.log"
        self.error_log = self.log_dir / f"error-{os.getpid()}-{id(self)}.log"
        self.extra = list(extra or [])
        self.proc: subprocess.Popen | None = None
        self.port: int | None = None

    @property
    def url(self) -> str:
        """Base URL of the running server."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> Gunicorn:
        """Start the master and wait until every worker has loaded the app and one answers."""
        self.access_log.write_text("")
        self.error_log.write_text("")
        bind = f"127.0.0.1:{self.port or 0}"
        cmd = [sys.executable, "-m", "gunicorn", "-w", str(self.workers), "-b", bind,
               "--threads", str(self.threads), "--graceful-timeout", "2",
               "--no-control-socket",
               "--access-logfile", str(self.access_log),
               "--access-logformat", "%(p)s %(m)s %(U)s %(s)s %(M)s %(B)s",
               "--error-logfile", str(self.error_log), "--config", str(READY_CONFIG),
               *self.extra, self.app]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = LISTENING.search(self.error_log.read_text())
            ready = self.error_log.read_text().count("Worker ready")  # app loaded, each
            if match and ready >= self.workers and self._answers(int(match.group(1))):
                self.port = int(match.group(1))
                return self
            if self.proc.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + self.error_log.read_text()[-3000:])
            time.sleep(0.05)
        self.kill()
        raise RuntimeError("gunicorn did not start:\n" + self.error_log.read_text()[-3000:])

    @staticmethod
    def _answers(port: int) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                return True
        except urllib.error.HTTPError:
            return True  # any HTTP answer means a worker is serving
        except Exception:
            return False

    def kill(self) -> None:
        """SIGKILL the master and its workers at once (a crash, not a shutdown)."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        """Shut down gracefully (SIGTERM), killing after a few seconds."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def worker_pids(self) -> set[str]:
        """The worker pids that served requests, from the access log."""
        return {line.split()[0] for line in self.access_log.read_text().splitlines() if line}


@contextmanager
def gunicorn(env: dict, **kwargs):
    """Context manager: a started Gunicorn, stopped afterwards."""
    server = Gunicorn(env, **kwargs).start()
    try:
        yield server
    finally:
        server.stop()
