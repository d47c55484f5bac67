"""Health for load balancers and orchestrators: liveness and readiness, holding no data.

`/healthz` answers as long as the process serves requests and touches nothing.
`/readyz` also asks the database and, when configured, Redis; it says which
is unavailable, never why (an error message could name hosts or users).
Neither reads the session, so neither sets a cookie.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from survey.extensions import db
from survey.services.health import readiness

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Say the process is alive."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Say whether the database and Redis answer (503 when one does not)."""
    found = readiness(db.session, current_app.config.get("HEARD_REDIS_URL", ""))
    body = {"status": "ok" if found.ready else "unavailable", "database": found.database,
            "redis": found.redis}  # fmt: skip
    return jsonify(body), 200 if found.ready else 503
