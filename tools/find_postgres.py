"""Print the URL of a PostgreSQL server for the test suite, or explain why there is none.

Exit status: 0 with the URL on stdout when a server answers; 1 otherwise (the
reason goes to stderr). HEARD_TEST_POSTGRES_URL wins over the local default.
"""

from __future__ import annotations

import os
import sys

LOCAL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def main() -> int:
    """Try the configured or local server and report."""
    url = os.environ.get("HEARD_TEST_POSTGRES_URL") or LOCAL
    try:
        import psycopg

        plain = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(plain, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except Exception as error:
        print(f"no PostgreSQL at {url}: {type(error).__name__}: {error}".strip(), file=sys.stderr)
        return 1
    print(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
