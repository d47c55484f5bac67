"""Settings from ``HEARD_*`` environment variables, with privacy-first defaults."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DEFAULT_EXIT_URL = "https://www.bbc.co.uk/weather"
DEVELOPMENT = "development"
PRODUCTION = "production"
LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
HOST_NAME = re.compile(rf"(?=.{{1,253}}$){LABEL}(\.{LABEL})*")


def link_hosts(text: str) -> tuple[str, ...]:
    """Return the host names of ``HEARD_LINK_HOSTS`` (comma-separated; empty: any https host).

    A study's exit address and support links must then be on one of them or
    on a subdomain of one (``nhs.uk`` allows ``www.nhs.uk``). Anything that is
    not a plain host name (a scheme, a path, a port, ``*``) is refused.
    """
    hosts = []
    for part in text.split(","):
        host = part.strip().lower().rstrip(".")
        if not part.strip():
            continue
        if not HOST_NAME.fullmatch(host):
            raise ValueError(
                f"HEARD_LINK_HOSTS: {part.strip()!r} is not a host name; write names like "
                "nhs.uk or www.gov.uk, separated by commas (subdomains are allowed anyway)"
            )
        hosts.append(host)
    return tuple(dict.fromkeys(hosts))


def _secret_key(instance_path: Path) -> str:
    """Return the secret key kept in the instance folder, creating it (mode 0600) once."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL: if two processes start at once, one writes and the other reads it.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key


def instance_path_from(environ: Mapping[str, str], default: Path) -> Path:
    """Return the instance folder: ``HEARD_INSTANCE_PATH`` or `default`."""
    return Path(environ.get("HEARD_INSTANCE_PATH") or default).resolve()


def settings_from(environ: Mapping[str, str], instance_path: Path) -> dict[str, Any]:
    """Build the Flask configuration from `environ` (normally ``os.environ``)."""
    env = environ.get("HEARD_ENV", DEVELOPMENT)
    if env not in (DEVELOPMENT, PRODUCTION):
        raise ValueError(f"HEARD_ENV must be 'development' or 'production', not {env!r}")
    database_url = environ.get("HEARD_DATABASE_URL") or f"sqlite:///{instance_path / 'heard.db'}"
    secret = environ.get("HEARD_SECRET_KEY") or _secret_key(instance_path)
    production = env == PRODUCTION
    return {
        "HEARD_ENV": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url,
        # A pooled network connection can go stale (a restarted server); a SQLite file cannot.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": not database_url.startswith("sqlite")},
        "HEARD_SQLITE_BUSY_TIMEOUT_MS": int(environ.get("HEARD_SQLITE_BUSY_TIMEOUT_MS", "15000")),
        "HEARD_DEFAULT_EXIT_URL": environ.get("HEARD_DEFAULT_EXIT_URL", DEFAULT_EXIT_URL),
        # Where a study's exit address and support links may point: these hosts and their
        # subdomains. Empty: any https address (the administrator's default exit is not checked).
        "HEARD_LINK_HOSTS": link_hosts(environ.get("HEARD_LINK_HOSTS", "")),
        # Drafts nobody saved for later are deleted after this many hours.
        "HEARD_DRAFT_LIFETIME_HOURS": int(environ.get("HEARD_DRAFT_LIFETIME_HOURS", "24")),
        # Wrong resume or withdrawal phrases: per session, and per study per window.
        "HEARD_PHRASE_ATTEMPTS_PER_SESSION": int(
            environ.get("HEARD_PHRASE_ATTEMPTS_PER_SESSION", "5")
        ),
        "HEARD_PHRASE_ATTEMPTS_GLOBAL": int(environ.get("HEARD_PHRASE_ATTEMPTS_GLOBAL", "200")),
        "HEARD_PHRASE_WINDOW_SECONDS": int(environ.get("HEARD_PHRASE_WINDOW_SECONDS", "900")),
        "HEARD_SESSION_IDLE_DAYS": int(environ.get("HEARD_SESSION_IDLE_DAYS", "2")),
        # Staff sessions end after this many minutes without a request.
        "HEARD_STAFF_IDLE_MINUTES": int(environ.get("HEARD_STAFF_IDLE_MINUTES", "30")),
        # The master key that wraps every study's data key (base64url, 32 bytes; several,
        # comma-separated, while rotating: the first is current). Unset: the instance key file.
        "HEARD_DATA_KEY": environ.get("HEARD_DATA_KEY", ""),
        "HEARD_UPLOAD_MAX_BYTES": int(environ.get("HEARD_UPLOAD_MAX_BYTES", str(1024 * 1024))),
        # Analysis jobs: RQ on Redis when a URL is set, else a thread in the web process.
        # HEARD_JOBS: "auto" (that rule; tests run inline), "inline", "thread" or "redis".
        "HEARD_REDIS_URL": environ.get("HEARD_REDIS_URL", ""),
        "HEARD_JOBS": environ.get("HEARD_JOBS", "auto"),
        "HEARD_JOB_QUEUE": environ.get("HEARD_JOB_QUEUE", "heard-analysis"),
        "HEARD_JOB_TIMEOUT_SECONDS": int(environ.get("HEARD_JOB_TIMEOUT_SECONDS", "1800")),
        # A running job whose heartbeat is older than this has lost its worker.
        "HEARD_JOB_STALE_SECONDS": int(environ.get("HEARD_JOB_STALE_SECONDS", "300")),
        "HEARD_JOB_HEARTBEAT_SECONDS": float(environ.get("HEARD_JOB_HEARTBEAT_SECONDS", "20")),
        "SESSION_COOKIE_NAME": "__Host-heard" if production else "heard",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Strict",
        "SESSION_COOKIE_SECURE": production,
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": False,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
    }
