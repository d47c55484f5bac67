"""Run Heard under gunicorn with no access log and addresses scrubbed from its error log.

The Werkzeug development server logs every client's address, so `heard serve`
never uses it.
"""

from __future__ import annotations

import logging
import re

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

ADDRESS = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b|\b[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}\b")


class _ScrubAddresses(logging.Filter):
    """Replace anything shaped like an IPv4 or IPv6 address with a placeholder."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = ADDRESS.sub("[address removed]", message)
        record.args = ()
        return True


class PrivateLogger(Logger):
    """Gunicorn's logger with the access log switched off for good."""

    def setup(self, cfg) -> None:
        """Set up as gunicorn does, then scrub addresses from the error log."""
        super().setup(cfg)
        self.error_log.addFilter(_ScrubAddresses())

    def access(self, resp, req, environ, request_time) -> None:
        """Log nothing about requests."""


class HeardServer(BaseApplication):
    """A gunicorn application that serves `survey.create_app()`."""

    def __init__(self, options: dict) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        """Apply our settings; access logging stays off whatever else is set."""
        for key, value in {**self.options, **PRIVATE}.items():
            if key in self.cfg.settings:  # e.g. control_socket_disable exists from gunicorn 24
                self.cfg.set(key, value)

    def load(self):
        """Build the WSGI app in each worker."""
        from survey import create_app

        return create_app()


# What no deployment may change: no access log, addresses scrubbed from the error log, no
# runtime control socket, and no proxy trusted to name the client.
PRIVATE = {
    "accesslog": None,
    "logger_class": PrivateLogger,
    "control_socket_disable": True,
    "proxy_allow_ips": "",
}


def gunicorn_options(*, bind: str, workers: int, forwarded_allow_ips: str = "") -> dict:
    """Return the gunicorn settings Heard runs with (`heard serve`, deploy/, the benchmarks).

    `forwarded_allow_ips` names the proxy trusted to say the request came over
    HTTPS (``X-Forwarded-Proto``); gunicorn never takes a client address from it.
    """
    return {
        "bind": bind,
        "workers": workers,
        "worker_class": "sync",
        "errorlog": "-",
        "loglevel": "info",
        "forwarded_allow_ips": forwarded_allow_ips,
        **PRIVATE,
    }


def serve(*, host: str, port: int, workers: int) -> None:
    """Serve Heard on host:port with `workers` gunicorn workers."""
    print(f"Serving Heard on http://{host}:{port}/ (no access log). Stop with Ctrl+C.", flush=True)
    HeardServer(gunicorn_options(bind=f"{host}:{port}", workers=workers)).run()
