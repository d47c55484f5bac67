"""In production every response has HSTS, and the cookies are Secure and host-only.

Every route of the inventory (test_route_inventory.py) is requested once, by
someone allowed to use it, in the world of test_route_inventory_world.py built
in a production-configured app. (A module of its own: on PostgreSQL two worlds
would share one database.)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.survey.test_route_inventory import SAMPLES, check_headers
from tests.survey.test_route_inventory_csrf import allowed_actor
from tests.survey.test_route_inventory_world import Site, request, sites


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> Iterator[Site]:
    """The same world in an app configured for production (HEARD_ENV=production)."""
    yield from sites(tmp_path_factory.mktemp("routes-production"), HEARD_ENV="production")


def test_in_production_every_response_has_hsts_and_host_only_secure_cookies(production: Site):
    assert production.app.config["SESSION_COOKIE_NAME"].startswith("__Host-")
    cookies = 0
    for sample in SAMPLES:
        response = request(production, sample, allowed_actor(sample))
        assert response.status_code < 500, (sample.id, response.status_code)
        check_headers(response, static=sample.endpoint == "static", production=True)
        cookies += len(response.headers.getlist("Set-Cookie"))
    assert cookies  # signing in, starting a survey and others set the session cookie
