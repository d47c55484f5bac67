"""Gunicorn settings for Heard in production, from the same source as `heard serve`.

Run as::

    gunicorn -c deploy/gunicorn.conf.py 'survey:create_app()'

Every setting comes from `survey.serving.gunicorn_options`, so this file, `heard serve`
and the benchmarks run the same server: no access log, addresses scrubbed from the
error log, no control socket, no proxy trusted to name the client. Only three things
are read here, from the environment (see deploy/README.md):

``HEARD_BIND``
    Where to listen; default ``127.0.0.1:8000`` (only the local nginx reaches it).
``HEARD_WEB_WORKERS``
    How many sync workers; default 2 x CPU cores + 1. A sync worker serves one request
    at a time and spends part of it waiting for the database, so about two per core keep
    the cores busy, and the one extra covers a worker that is restarting. Each worker
    holds its own database connection(s): mind the connection budget in deploy/README.md.
``HEARD_FORWARDED_ALLOW_IPS``
    The proxy trusted to say a request came over HTTPS (``X-Forwarded-Proto``); default
    ``127.0.0.1``, the nginx on this host. Gunicorn never takes a client address from it.

`on_starting` refuses to start if anything (the command line, ``GUNICORN_CMD_ARGS``)
switched the access log on or replaced the logger afterwards.
"""

from __future__ import annotations

import os as _os

from gunicorn.config import Config as _Config

from survey.serving import PRIVATE as _PRIVATE
from survey.serving import gunicorn_options as _gunicorn_options


def _cores() -> int:
    """Return the CPU cores this process may run on."""
    try:
        return len(_os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return _os.cpu_count() or 1


def _workers(raw: str | None) -> int:
    """Return the worker count from ``HEARD_WEB_WORKERS`` (2 x cores + 1 when unset)."""
    if raw is None or not raw.strip():
        return 2 * _cores() + 1
    try:
        count = int(raw)
    except ValueError:
        count = 0
    if count < 1:
        # SystemExit, not an exception: gunicorn would print a traceback for those.
        raise SystemExit(f"HEARD_WEB_WORKERS must be a whole number of at least 1, not {raw!r}.")
    return count


# Gunicorn reads this module's globals whose names are settings; names starting with "_"
# are not settings, so it ignores them.
globals().update(
    _gunicorn_options(
        bind=_os.environ.get("HEARD_BIND") or "127.0.0.1:8000",
        workers=_workers(_os.environ.get("HEARD_WEB_WORKERS")),
        forwarded_allow_ips=_os.environ.get("HEARD_FORWARDED_ALLOW_IPS", "127.0.0.1"),
    )
)


def on_starting(server) -> None:
    """Refuse to start when a later setting undid a private one (access log, logger)."""
    wanted = _Config()  # validates the private values as gunicorn does, for comparison
    changed = []
    for name, value in _PRIVATE.items():
        if name in server.cfg.settings:
            wanted.set(name, value)
            if server.cfg.settings[name].get() != wanted.settings[name].get():
                changed.append(name)
    if changed:
        raise SystemExit(
            f"Heard will not start: {', '.join(changed)} changed after deploy/gunicorn.conf.py "
            "(on the command line or in GUNICORN_CMD_ARGS). Remove that setting."
        )
