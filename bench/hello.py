"""The ceiling for bench/load.py: a bare Flask hello-world under Heard's own gunicorn settings.

Run as ``python -m bench.hello --port N --workers 2``. The settings come from
`survey.serving.gunicorn_options`, so the only difference from `heard serve`
is the application: one route, no database, no templates, no session.
"""

from __future__ import annotations

import argparse

from flask import Flask

from survey.serving import HeardServer, gunicorn_options


def hello_app() -> Flask:
    """Return the smallest Flask application that answers GET /."""
    app = Flask("hello")

    @app.get("/")
    def hello() -> str:
        return "Hello, World!"

    return app


class HelloServer(HeardServer):
    """Heard's gunicorn application, serving the hello-world app instead."""

    def load(self):
        """Build the hello-world app in each worker."""
        return hello_app()


def main() -> None:
    """Serve the hello-world app on 127.0.0.1."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    HelloServer(gunicorn_options(bind=f"127.0.0.1:{args.port}", workers=args.workers)).run()


if __name__ == "__main__":
    main()
