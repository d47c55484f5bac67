"""Heard, the application: HTTP, the database and the command line.

`create_app` only assembles: configuration, extensions, sessions, headers,
blueprints and the CLI. The thinking lives in the services and libraries.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from survey import extensions
from survey.config import instance_path_from, settings_from
from survey.extensions import csrf, db, migrate

MIGRATIONS = str(Path(__file__).parent / "migrations")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Heard application; `config` overrides settings (tests use it)."""
    overrides = dict(config or {})
    default_instance = Path.cwd() / "instance"
    instance_path = Path(
        overrides.pop("INSTANCE_PATH", None) or instance_path_from(os.environ, default_instance)
    )
    instance_path.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__, instance_path=str(instance_path), instance_relative_config=True)
    environ = {**os.environ, **{k: str(v) for k, v in overrides.items() if k.startswith("HEARD_")}}
    app.config.update(settings_from(environ, instance_path))
    app.config.update(overrides)
    extensions.SQLITE_BUSY_TIMEOUT_MS = app.config["HEARD_SQLITE_BUSY_TIMEOUT_MS"]
    _init_extensions(app)
    _register_blueprints(app)
    return app


def _init_extensions(app: Flask) -> None:
    from survey import models  # noqa: F401  (registers the tables)
    from survey.keyring import init_keyring
    from survey.web.auth import init_auth
    from survey.web.headers import init_headers
    from survey.web.respondent_view import init_translations
    from survey.web.sessions import ServerSessionInterface
    from survey.worker import init_jobs

    db.init_app(app)
    init_keyring(app)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True)
    csrf.init_app(app)
    init_translations(app)
    app.session_interface = ServerSessionInterface()
    init_headers(app)
    init_auth(app)
    init_jobs(app)
    # Werkzeug's request log names the client's address: never let it through.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)


def _register_blueprints(app: Flask) -> None:
    from survey.cli import register_cli
    from survey.web.analysis import bp as analysis_bp
    from survey.web.auth import bp as auth_bp
    from survey.web.coding import bp as coding_bp
    from survey.web.errors import register_error_pages
    from survey.web.health import bp as health_bp
    from survey.web.interview import bp as interview_bp
    from survey.web.respond import bp as respond_bp
    from survey.web.studio import bp as studio_bp

    app.register_blueprint(respond_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(studio_bp)
    app.register_blueprint(coding_bp)
    app.register_blueprint(interview_bp)
    app.register_blueprint(analysis_bp)
    app.register_blueprint(health_bp)
    register_error_pages(app)
    register_cli(app)
