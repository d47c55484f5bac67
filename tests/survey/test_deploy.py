"""deploy/: every HEARD_* variable documented, gunicorn's config private, systemd units sound.

The nginx example has its own tests (test_deploy_nginx.py).
"""

from __future__ import annotations

import configparser
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from gunicorn.app.base import Application
from gunicorn.config import Config

from survey.config import settings_from
from survey.serving import PrivateLogger, gunicorn_options
from tests.net import free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
GUNICORN_CONF = DEPLOY / "gunicorn.conf.py"
BIN = Path(sys.executable).parent
GUNICORN = BIN / "gunicorn"
HEARD = BIN / "heard"
APP = "survey:create_app()"

# Variables only the test suite and the benchmarks read: listed apart in deploy/README.md.
TEST_ONLY = re.compile(r"HEARD_(TEST|REQUIRE|BENCH)_\w+|HEARD_SCREENSHOTS")
# A variable is read where its full name is a string literal: environ.get("HEARD_X"),
# app.config["HEARD_X"]. Constants such as HEARD_NAMESPACE are names, not strings.
READ = re.compile(r"""["'](HEARD_[A-Z0-9_]*[A-Z0-9])["']""")
DEPLOY_ENV = ("HEARD_BIND", "HEARD_WEB_WORKERS", "HEARD_FORWARDED_ALLOW_IPS")


def read_variables() -> set[str]:
    """Return every HEARD_* variable the application code and gunicorn.conf.py read."""
    sources = [GUNICORN_CONF]
    for package in ("survey", "instruments", "coding", "analysis"):
        sources.extend((ROOT / package).rglob("*.py"))
    found = {name for path in sources for name in READ.findall(path.read_text(encoding="utf-8"))}
    return {name for name in found if not TEST_ONLY.fullmatch(name)}


def reference_variables() -> set[str]:
    """Return the variables in the table of deploy/README.md's reference section."""
    text = (DEPLOY / "README.md").read_text(encoding="utf-8")
    section = text.split("## Reference: HEARD_* variables", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(HEARD_[A-Z0-9_]+)`", section, flags=re.MULTILINE))


def example_lines() -> list[str]:
    """Return the lines of deploy/heard.env.example."""
    return (DEPLOY / "heard.env.example").read_text(encoding="utf-8").splitlines()


EXAMPLE_VARIABLE = re.compile(r"^(?:# )?(HEARD_[A-Z0-9_]+)=(.*)$")


def example_variables() -> dict[str, str]:
    """Return each variable in heard.env.example (set or shown commented) and its value."""
    return {m[1]: m[2] for line in example_lines() if (m := EXAMPLE_VARIABLE.match(line))}


def test_the_source_scan_finds_variables_read_in_each_way():
    found = read_variables()
    # environ.get in config.py, app.config[...] elsewhere, os.environ in gunicorn.conf.py
    assert {"HEARD_DATABASE_URL", "HEARD_REDIS_URL", *DEPLOY_ENV} <= found
    assert "HEARD_NAMESPACE" not in found  # a uuid constant in coding/, not a setting
    assert not any(TEST_ONLY.fullmatch(name) for name in found)


def test_every_variable_read_is_in_the_reference_and_nothing_else_is():
    documented, read = reference_variables(), read_variables()
    assert read - documented == set(), "read by the code but not in deploy/README.md"
    assert documented - read == set(), "in deploy/README.md but no longer read"


def test_every_variable_read_is_in_the_example_environment_file_and_nothing_else_is():
    listed, read = set(example_variables()), read_variables()
    assert read - listed == set(), "read by the code but not in deploy/heard.env.example"
    assert listed - read == set(), "in deploy/heard.env.example but no longer read"


def test_the_test_only_variables_are_listed_apart_and_not_in_the_example():
    text = (DEPLOY / "README.md").read_text(encoding="utf-8")
    tests_only = text.split("### Tests and benchmarks only", 1)[1].split("\n## ", 1)[0]
    for name in ("HEARD_TEST_DATABASE_URL", "HEARD_REQUIRE_SERVICES", "HEARD_SCREENSHOTS"):
        assert f"`{name}`" in tests_only
        assert name not in example_variables()


def test_every_example_variable_has_a_comment_and_shows_the_real_default(tmp_path):
    lines = example_lines()
    defaults = settings_from({}, tmp_path)
    for number, line in enumerate(lines):
        match = EXAMPLE_VARIABLE.match(line)
        if not match:
            continue
        above = number - 1
        while above >= 0 and EXAMPLE_VARIABLE.match(lines[above]):
            above -= 1  # variables of one topic share the comment above them
        assert lines[above].startswith("# ") and len(lines[above]) > 3, f"no comment: {line}"
        name, value = match[1], match[2]
        default = defaults.get(name)
        if line.startswith("# ") and default not in (None, ""):  # commented out: the default
            assert type(default)(value) == default, f"{name}: {value!r} is not the default"


def load_conf(monkeypatch, **environ: str) -> Config:
    """Return the Config gunicorn builds from deploy/gunicorn.conf.py under `environ`."""
    for name in DEPLOY_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)

    class ConfigOnly(Application):
        def init(self, parser, opts, args) -> None:
            """Take nothing from the command line."""

        def load_config(self) -> None:
            self.load_config_from_file(str(GUNICORN_CONF))

        def load(self):
            raise AssertionError("only the configuration is loaded")

    return ConfigOnly().cfg


def test_gunicorn_loads_the_private_settings_from_the_config_file(monkeypatch):
    cfg = load_conf(monkeypatch, HEARD_BIND="127.0.0.1:8123", HEARD_WEB_WORKERS="3")
    assert cfg.accesslog is None
    assert cfg.logger_class is PrivateLogger
    expected = Config()
    options = gunicorn_options(bind="127.0.0.1:8123", workers=3, forwarded_allow_ips="127.0.0.1")
    for name, value in options.items():
        if name in expected.settings:
            expected.set(name, value)
            assert cfg.settings[name].get() == expected.settings[name].get(), name
    assert cfg.bind == ["127.0.0.1:8123"] and cfg.workers == 3
    assert cfg.forwarded_allow_ips == ["127.0.0.1"]


def test_gunicorn_defaults_to_loopback_and_two_workers_a_core_plus_one(monkeypatch):
    cfg = load_conf(monkeypatch)
    assert cfg.bind == ["127.0.0.1:8000"]
    assert cfg.workers == 2 * len(os.sched_getaffinity(0)) + 1


@pytest.mark.parametrize("workers", ["abc", "0", "-2", "2.5"])
def test_a_bad_worker_count_is_refused_with_a_message(tmp_path, workers):
    env = {**os.environ, "HEARD_INSTANCE_PATH": str(tmp_path), "HEARD_WEB_WORKERS": workers}
    done = subprocess.run(
        [GUNICORN, "--check-config", "-c", GUNICORN_CONF, APP],
        env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode != 0
    assert "HEARD_WEB_WORKERS must be a whole number of at least 1" in done.stderr
    assert "Traceback" not in done.stderr


def serving_env(tmp_path: Path, port: int) -> dict[str, str]:
    """Return the environment for gunicorn with our config on `port`, SQLite in tmp_path."""
    env = {**os.environ, "HEARD_INSTANCE_PATH": str(tmp_path), "HEARD_SECRET_KEY": "k",
           "HEARD_BIND": f"127.0.0.1:{port}", "HEARD_WEB_WORKERS": "1"}  # fmt: skip
    for name in ("HEARD_DATABASE_URL", "HEARD_REDIS_URL", "GUNICORN_CMD_ARGS"):
        env.pop(name, None)
    return env


@pytest.mark.parametrize(
    "override", [["--access-logfile", "-"], ["--logger-class", "gunicorn.glogging.Logger"]]
)
def test_gunicorn_refuses_to_start_when_the_command_line_undoes_privacy(tmp_path, override):
    port = free_port()
    done = subprocess.run(
        [GUNICORN, *override, "-c", GUNICORN_CONF, APP],
        env=serving_env(tmp_path, port), capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode != 0
    assert "Heard will not start" in done.stderr, done.stderr
    assert "Booting worker" not in done.stderr


@pytest.mark.skipif(not HEARD.exists(), reason="the heard console script is not installed")
def test_requests_served_with_the_config_leave_no_address_or_agent_in_the_output(tmp_path):
    port = free_port()
    env = serving_env(tmp_path, port)
    subprocess.run([HEARD, "demo"], env=env, check=True, capture_output=True, timeout=120)
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [GUNICORN, "-c", GUNICORN_CONF, APP], env=env, stdout=out, stderr=out, cwd=tmp_path
        )
        try:
            wait_for(port)
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/s/police-response",
                headers={
                    "User-Agent": "SentinelAgent/9.9",
                    "X-Forwarded-For": "198.51.100.99",
                    "Referer": "https://referrer.example/",
                },
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 200
            with socket.create_connection(("127.0.0.1", port)) as raw:
                raw.sendall(b"NOT A REQUEST\r\n\r\n")
                raw.recv(1024)
            time.sleep(0.5)
        finally:
            server.terminate()
            server.wait(timeout=30)
    output = log.read_text()
    assert "Booting worker" in output, output
    assert "Listening at: http://[address removed]" in output, output
    assert "Invalid request from ip=[address removed]" in output, output
    for secret in ("127.0.0.1", "SentinelAgent", "198.51.100.99", "referrer.example", "GET /s/"):
        assert secret not in output, secret


def unit(name: str) -> configparser.ConfigParser:
    """Return systemd unit `name` from deploy/systemd, parsed (keys keep their case)."""
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((DEPLOY / "systemd" / name).read_text(encoding="utf-8"))
    return parser


UNITS = (
    "heard-web.service",
    "heard-worker@.service",
    "heard-purge.service",
    "heard-backup.service",
)
TIMERS = ("heard-purge.timer", "heard-backup.timer")


def test_the_web_unit_runs_gunicorn_with_the_deploy_config_and_stops_after_its_grace():
    service = unit("heard-web.service")["Service"]
    argv = shlex.split(service["ExecStart"])
    assert Path(argv[0]).name == "gunicorn"
    config = Path(argv[argv.index("-c") + 1])
    assert config.parts[-2:] == ("deploy", "gunicorn.conf.py")
    assert config.is_relative_to(service["WorkingDirectory"])  # the checkout it runs from
    assert argv[-1] == APP
    assert "GUNICORN_CMD_ARGS" in service["UnsetEnvironment"].split()
    graceful = Config().graceful_timeout  # gunicorn_options keeps gunicorn's default
    assert "graceful_timeout" not in gunicorn_options(bind="x", workers=1)
    assert int(service["TimeoutStopSec"]) > graceful


def test_the_worker_unit_runs_heard_worker():
    argv = shlex.split(unit("heard-worker@.service")["Service"]["ExecStart"])
    assert Path(argv[0]).name == "heard" and argv[1:] == ["worker"]


@pytest.mark.parametrize("timer", TIMERS)
def test_purge_and_backup_run_every_day_even_after_the_host_was_off(timer):
    service = unit(timer.replace(".timer", ".service"))["Service"]
    argv = shlex.split(service["ExecStart"])
    command = shlex.split(argv[-1]) if Path(argv[0]).name == "sh" else argv  # sh -c '...'
    command = command[1:] if command[0] == "exec" else command
    assert Path(command[0]).name == "heard" and command[1] == timer.split("-")[1].split(".")[0]
    assert service["Type"] == "oneshot"
    schedule = unit(timer)["Timer"]
    assert schedule["OnCalendar"] == "daily" and schedule["Persistent"] == "true"


def test_backups_go_to_their_own_folder_and_old_ones_are_deleted():
    service = unit("heard-backup.service")["Service"]
    folder = "/var/lib/heard-backups"
    assert f"--out {folder}/" in service["ExecStart"]
    assert "heard-backups" in service["StateDirectory"].split()
    assert service["ExecStartPost"].startswith(f"/usr/bin/find {folder} ")
    assert "-delete" in service["ExecStartPost"]


@pytest.mark.parametrize("name", UNITS)
def test_units_run_hardened_as_a_dedicated_user_and_stop_gracefully(name):
    service = unit(name)["Service"]
    assert service["EnvironmentFile"] == "/etc/heard/heard.env"
    assert service["User"] not in ("", "root") and service["Group"] not in ("", "root")
    for key, value in {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "PrivateTmp": "yes",
                       "ProtectHome": "yes", "Restart": "on-failure", "KillSignal": "SIGTERM",
                       "KillMode": "mixed", "CapabilityBoundingSet": ""}.items():  # fmt: skip
        assert service[key] == value, key
    instance = example_variables()["HEARD_INSTANCE_PATH"]
    assert instance in service["ReadWritePaths"].split()


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_systemd_accepts_the_units(tmp_path):
    for name in UNITS + TIMERS:
        text = (DEPLOY / "systemd" / name).read_text(encoding="utf-8")
        assert "/opt/heard/venv/bin/" in text or name in TIMERS
        # verify checks that ExecStart exists: point it at this virtualenv.
        (tmp_path / name).write_text(text.replace("/opt/heard/venv/bin/", f"{BIN}/"))
    done = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / name) for name in UNITS + TIMERS)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    complaints = [line for line in done.stderr.splitlines() if "heard" in line]
    assert done.returncode == 0 and complaints == [], done.stderr
