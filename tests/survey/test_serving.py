"""`heard serve` runs gunicorn with no access log and no client address in any log line."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from survey.serving import _ScrubAddresses
from tests.net import free_port, wait_for

HEARD = Path(sys.executable).with_name("heard")


@pytest.mark.parametrize(
    "message",
    ["Invalid request from ip=203.0.113.9: bad", "peer 2001:db8::7 reset", "from 10.1.2.3:5555"],
)
def test_the_error_log_filter_removes_addresses(message):
    record = logging.LogRecord("gunicorn.error", logging.WARNING, "", 0, message, (), None)
    _ScrubAddresses().filter(record)
    assert "[address removed]" in record.getMessage()
    assert not any(
        part in record.getMessage() for part in ("203.0.113.9", "2001:db8::7", "10.1.2.3")
    )


@pytest.mark.skipif(not HEARD.exists(), reason="the heard console script is not installed")
def test_served_requests_leave_no_address_or_agent_in_the_output(tmp_path):
    env = {**os.environ, "HEARD_INSTANCE_PATH": str(tmp_path), "HEARD_SECRET_KEY": "k"}
    env.pop("HEARD_DATABASE_URL", None)
    subprocess.run([HEARD, "demo"], env=env, check=True, capture_output=True, timeout=120)
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [HEARD, "serve", "--port", str(port), "--workers", "1"], env=env, stdout=out, stderr=out
        )
        try:
            wait_for(port)
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/s/police-response",
                headers={"User-Agent": "SentinelAgent/9.9", "X-Forwarded-For": "198.51.100.99"},
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 200
            with socket.create_connection(("127.0.0.1", port)) as raw:
                raw.sendall(b"NOT A REQUEST\r\n\r\n")
                raw.recv(1024)
            time.sleep(0.5)
        finally:
            server.terminate()
            server.wait(timeout=20)
    lines = log.read_text().splitlines()
    # Our own banner names the address we listen on; every other line is gunicorn's.
    assert lines[0].startswith("Serving Heard on http://127.0.0.1:")
    output = "\n".join(lines[1:])
    assert "Booting worker" in output, output
    assert "Invalid request from ip=[address removed]" in output, output
    for secret in ("127.0.0.1", "SentinelAgent", "198.51.100.99", "GET /s/"):
        assert secret not in output, secret
