# Rule tests for heard-client-identity (run: `make lint`, or `cd .semgrep && semgrep --test .`).
# ruff: noqa  (a fixture of deliberately unsafe code; not imported, not run)
import werkzeug.middleware.proxy_fix
from flask import request
from werkzeug.middleware.proxy_fix import ProxyFix


def view(app, response, environ):
    # ruleid: heard-client-identity
    ip = request.remote_addr
    # ruleid: heard-client-identity
    route = request.access_route
    # ruleid: heard-client-identity
    agent = request.user_agent.string
    # ruleid: heard-client-identity
    came_from = request.referrer
    # ruleid: heard-client-identity
    ip = request.environ["REMOTE_ADDR"]
    # ruleid: heard-client-identity
    ip = environ.get("HTTP_X_FORWARDED_FOR")
    # ruleid: heard-client-identity
    agent = request.headers.get("User-Agent")
    # ruleid: heard-client-identity
    agent = request.headers["user-agent"]
    # ruleid: heard-client-identity
    came_from = request.headers.get("Referer", "")
    # ruleid: heard-client-identity
    ips = request.headers.getlist("X-Forwarded-For")
    # ruleid: heard-client-identity
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)
    # ruleid: heard-client-identity
    app.wsgi_app = werkzeug.middleware.proxy_fix.ProxyFix(app.wsgi_app)
    # ruleid: heard-client-identity
    proxied = "X-Forwarded-For" in request.headers
    # ruleid: heard-client-identity
    proxied = "HTTP_X_REAL_IP" in environ

    # ok: heard-client-identity
    token = request.headers.get("X-CSRFToken")
    # ok: heard-client-identity
    response.headers["Referrer-Policy"] = "no-referrer"
    # ok: heard-client-identity
    method = request.environ["REQUEST_METHOD"]
    # ok: heard-client-identity
    path = request.path
    return ip, route, agent, came_from, ips, proxied, token, method, path
