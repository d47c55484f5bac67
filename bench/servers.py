"""Servers for the load and fault benchmarks: Heard under `heard serve`, and the bare-Flask ceiling.

Each is started in its own process group on a free loopback port, with a fresh
instance folder (and, for PostgreSQL, a fresh database that is dropped at the
end), and stopped with everything it started.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEARD = Path(sys.executable).with_name("heard")
POSTGRES = os.environ.get("HEARD_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@dataclass
class Running:
    """A server the benchmark started: its port, process, instance folder and database."""

    port: int
    process: subprocess.Popen
    instance: Path
    database_url: str | None
    env: dict[str, str]

    def worker_pids(self) -> list[int]:
        """Return the pids of gunicorn's workers (the children of its arbiter)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []


def free_port() -> int:
    """Return a TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_ready(port: int, path: str, seconds: float = 60) -> None:
    """Wait until GET `path` answers 200."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing answered GET {path} on port {port} within {seconds} s")


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """Create an empty PostgreSQL database for one run; yield its SQLAlchemy URL; drop it."""
    import psycopg

    name = f"heard_bench_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(POSTGRES, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen) -> None:
    """Stop a server and everything in its process group."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


@contextlib.contextmanager
def heard(database: str, workers: int = 2) -> Iterator[Running]:
    """Serve the demo study with `heard serve` on "sqlite" or "postgresql"; yield it running."""
    with contextlib.ExitStack() as stack:
        instance = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="heard-bench-")))
        url = stack.enter_context(postgres_database()) if database == "postgresql" else None
        env = {
            **os.environ,
            "HEARD_INSTANCE_PATH": str(instance),
            "HEARD_SECRET_KEY": secrets.token_hex(32),
            "HEARD_JOBS": "inline",
        }
        env.pop("HEARD_DATABASE_URL", None)
        env.pop("HEARD_REDIS_URL", None)
        if url:
            env["HEARD_DATABASE_URL"] = url
        subprocess.run(
            [str(HEARD), "demo"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=600
        )
        port = free_port()
        command = [str(HEARD), "serve", "--port", str(port), "--workers", str(workers)]
        process = _start(command, env, instance / "serve.log")
        stack.callback(stop, process)
        wait_until_ready(port, "/readyz")
        yield Running(port, process, instance, url, env)


@contextlib.contextmanager
def hello(workers: int = 2) -> Iterator[Running]:
    """Serve the bare-Flask hello-world app under the same gunicorn settings; yield it."""
    with tempfile.TemporaryDirectory(prefix="heard-hello-") as folder:
        port = free_port()
        command = [sys.executable, "-m", "bench.hello", "--port", str(port)]
        command += ["--workers", str(workers)]
        process = _start(command, dict(os.environ), Path(folder) / "serve.log")
        try:
            wait_until_ready(port, "/")
            yield Running(port, process, Path(folder), None, dict(os.environ))
        finally:
            stop(process)
