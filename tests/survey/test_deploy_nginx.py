"""deploy/nginx/heard.conf: HTTPS with HSTS, no respondent logs, no identifying headers passed.

A small tokenizer reads the file the way nginx does (directives, blocks, quotes,
comments), so the checks follow nginx's inheritance rules: a location that sets
any `add_header`, `proxy_set_header` or `access_log` replaces the server's.
When nginx is installed, it also checks the file and serves through it.
"""

from __future__ import annotations

import re
import shutil
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from survey.config import settings_from
from tests.net import free_port, wait_for
from tests.survey.test_deploy import DEPLOY

CONF = DEPLOY / "nginx" / "heard.conf"
HOST = "heard.example.org"
BLANKED = ("User-Agent", "Referer", "X-Forwarded-For", "X-Real-IP", "Forwarded")
# Client address, agent, referrer, or a query string (which can carry anything).
FORBIDDEN_VARIABLE = re.compile(
    r"\$(remote_addr|binary_remote_addr|realip_remote_addr|remote_port|http_user_agent"
    r"|http_referer|http_x_forwarded_for|http_x_real_ip|http_forwarded|request|request_uri"
    r"|args|arg_\w+|query_string|is_args|proxy_add_x_forwarded_for)\b"
)
RESPONDENT_URIS = ("/s/police-response/p/3", "/s/police-response", "/x", "/static/heard.css",
                   "/healthz", "/readyz", "/interview/study/rid/page/q1")  # fmt: skip


@dataclass
class Directive:
    """One nginx directive: its name, arguments and, for a block, its children."""

    name: str
    args: list[str]
    block: list[Directive] | None = None
    parent: Directive | None = field(default=None, repr=False)

    def all(self, name: str) -> list[Directive]:
        """Return the child directives called `name`."""
        return [child for child in self.block or [] if child.name == name]


TOKEN = re.compile(
    r"""\s+|#[^\n]*|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([{};])|([^\s{};"'#]+)"""
)


def parse(text: str) -> Directive:
    """Return the configuration `text` as a tree under a root "http" block."""
    root = Directive("http", [], [])
    current, words = root, []
    position = 0
    while position < len(text):
        match = TOKEN.match(text, position)
        assert match, f"cannot read the configuration at {text[position : position + 40]!r}"
        position = match.end()
        double, single, punctuation, word = match.groups()
        if punctuation == ";":
            current.block.append(Directive(words[0], words[1:], parent=current))
            words = []
        elif punctuation == "{":
            child = Directive(words[0], words[1:], [], parent=current)
            current.block.append(child)
            current, words = child, []
        elif punctuation == "}":
            assert not words and current.parent, "unbalanced braces"
            current = current.parent
        elif word is not None or double is not None or single is not None:
            words.append(next(part for part in (double, single, word) if part is not None))
    assert current is root and not words, "unterminated block or directive"
    return root


def effective(block: Directive, name: str) -> list[Directive]:
    """Return the `name` directives that apply in `block` (nginx's array inheritance)."""
    while block is not None:
        found = block.all(name)
        if found:
            return found
        block = block.parent
    return []


def locations(tree: Directive) -> list[Directive]:
    """Return every location block in every server."""
    return [loc for server in tree.all("server") for loc in server.all("location")]


def matches(location: Directive, uri: str) -> bool:
    """Return True when `location` could serve `uri`."""
    *modifier, pattern = location.args
    if modifier in (["~"], ["~*"]):
        return re.search(pattern, uri, 0 if modifier == ["~"] else re.IGNORECASE) is not None
    if modifier == ["="]:
        return uri == pattern
    return uri.startswith(pattern)


@pytest.fixture(scope="module")
def tree() -> Directive:
    return parse(CONF.read_text(encoding="utf-8"))


def test_the_tokenizer_reads_quotes_comments_and_blocks():
    parsed = parse('a "b c" \'d;\'; # e;\nf { g "" ; }')
    assert [(d.name, d.args) for d in parsed.block] == [("a", ["b c", "d;"]), ("f", [])]
    assert parsed.all("f")[0].block[0].args == [""]


@pytest.mark.parametrize("uri", RESPONDENT_URIS)
def test_no_location_serving_a_respondent_route_keeps_an_access_log(tree, uri):
    serving = [loc for loc in locations(tree) if matches(loc, uri)]
    assert serving, f"no location serves {uri}"
    for location in serving:
        assert [d.args for d in effective(location, "access_log")] == [["off"]], location.args


def test_every_server_and_log_format_leaves_out_address_agent_referrer_and_query(tree):
    formats = {d.args[0]: " ".join(d.args[1:]) for d in tree.all("log_format")}
    for name, text in formats.items():
        assert not FORBIDDEN_VARIABLE.search(text), name
    for server in tree.all("server"):
        assert [d.args for d in server.all("access_log")] == [["off"]]
    for location in locations(tree):
        for log in effective(location, "access_log"):
            # Without a known format nginx uses "combined", which has the address.
            assert log.args == ["off"] or (len(log.args) == 2 and log.args[1] in formats)
    assert formats, "the staff log format is gone: update this test"


def test_the_error_log_is_kept_to_critical_failures(tree):
    logs = [log for server in tree.all("server") for log in server.all("error_log")]
    assert logs and all(log.args[-1] in ("crit", "alert", "emerg") for log in logs)


def test_https_sends_hsts_for_a_year_or_more_everywhere(tree):
    tls = [s for s in tree.all("server") if s.all("ssl_certificate")]
    assert len(tls) == 1
    places = [tls[0], *tls[0].all("location")]
    for place in places:
        headers = {d.args[0].lower(): d.args[1:] for d in effective(place, "add_header")}
        value, *flags = headers["strict-transport-security"]
        assert int(re.search(r"max-age=(\d+)", value)[1]) >= 31536000
        assert "includesubdomains" in value.lower() and flags == ["always"]
    assert effective(tls[0], "ssl_protocols")[0].args == ["TLSv1.2", "TLSv1.3"]


def test_plain_http_only_redirects_to_https(tree):
    plain = [s for s in tree.all("server") if s.all("listen")[0].args[0] == "80"]
    assert len(plain) == 1
    for location in plain[0].all("location"):
        assert not location.all("proxy_pass")
    redirect = [loc.all("return")[0].args for loc in plain[0].all("location") if loc.all("return")]
    assert redirect == [["301", f"https://{HOST}$request_uri"]]


def test_every_proxied_location_blanks_identifying_headers(tree):
    proxied = [loc for loc in locations(tree) if loc.all("proxy_pass")]
    assert proxied
    for location in proxied:
        sent = {d.args[0].lower(): d.args[1] for d in effective(location, "proxy_set_header")}
        for header in BLANKED:
            assert sent.get(header.lower()) == "", (location.args, header)
        assert sent["x-forwarded-proto"] == "$scheme"


def size_in_bytes(value: str) -> int:
    """Return an nginx size such as 2m in bytes."""
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit.lower()]


def test_the_body_limit_matches_the_apps(tree, tmp_path):
    tls = next(s for s in tree.all("server") if s.all("ssl_certificate"))
    limit = size_in_bytes(effective(tls, "client_max_body_size")[0].args[0])
    assert limit == settings_from({}, tmp_path)["MAX_CONTENT_LENGTH"]


# --- with a real nginx ---------------------------------------------------------------------

NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
)
needs_nginx = pytest.mark.skipif(
    not NGINX or not shutil.which("openssl"),
    reason="nginx or openssl is not installed (apt-get install nginx openssl); not required in CI",
)


def replace(text: str, old: str, new: str) -> str:
    """Return `text` with `old` replaced, failing if `old` is not there."""
    assert old in text, f"{old!r} is no longer in heard.conf: update this test"
    return text.replace(old, new)


def runnable(tmp_path: Path, upstream: int, http: int, https: int) -> Path:
    """Write heard.conf with test paths and ports, in a wrapper nginx.conf; return that."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
         f"/CN={HOST}", "-keyout", tmp_path / "key.pem", "-out", tmp_path / "cert.pem"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    text = CONF.read_text(encoding="utf-8")
    for old, new in [("/etc/ssl/heard/fullchain.pem", tmp_path / "cert.pem"),
                     ("/etc/ssl/heard/privkey.pem", tmp_path / "key.pem"),
                     ("/var/log/nginx/", f"{tmp_path}/"), ("/var/www/acme", tmp_path),
                     ("127.0.0.1:8000", f"127.0.0.1:{upstream}"),
                     ("listen 80 ", f"listen 127.0.0.1:{http} "),
                     ("listen 443 ", f"listen 127.0.0.1:{https} ")]:  # fmt: skip
        text = replace(text, old, str(new))
    text = re.sub(r"^\s*listen \[::\].*$", "", text, flags=re.MULTILINE)  # no IPv6 needed
    (tmp_path / "heard.conf").write_text(text)
    temp = " ".join(f"{kind}_temp_path {tmp_path}/{kind};"
                    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))  # fmt: skip
    wrapper = tmp_path / "nginx.conf"
    wrapper.write_text(
        f"daemon off; pid {tmp_path}/nginx.pid; error_log {tmp_path}/main-error.log crit;\n"
        f"events {{}}\nhttp {{ {temp} include {tmp_path}/heard.conf; }}\n"
    )
    return wrapper


def nginx_args(tmp_path: Path, wrapper: Path) -> list[str]:
    """Return nginx's arguments for `wrapper` with everything under tmp_path."""
    return [NGINX, "-p", f"{tmp_path}/", "-e", f"{tmp_path}/early-error.log", "-c", str(wrapper)]


@needs_nginx
def test_nginx_accepts_the_configuration(tmp_path):
    wrapper = runnable(tmp_path, free_port(), free_port(), free_port())
    done = subprocess.run(
        [*nginx_args(tmp_path, wrapper), "-t"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


class Recorder(BaseHTTPRequestHandler):
    """Stands in for gunicorn: records the headers nginx sends, answers with HSTS of its own."""

    seen: list[dict[str, str]] = []

    def do_GET(self) -> None:
        type(self).seen.append({k.lower(): v for k, v in self.headers.items()})
        self.send_response(200)
        self.send_header("Strict-Transport-Security", "max-age=1")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args) -> None:
        """Log nothing."""


def fetch(port: int, path: str, server_name: str = HOST) -> tuple[str, list[tuple[str, str]]]:
    """GET `path` over TLS (SNI `server_name`) with identifying headers; return the head."""
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=server_name) as tls,
    ):
        tls.sendall(
            f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nUser-Agent: SentinelAgent/9.9\r\n"
            "Referer: https://referrer.example/\r\nX-Forwarded-For: 198.51.100.99\r\n"
            "X-Real-IP: 198.51.100.98\r\nForwarded: for=198.51.100.97\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        answer = b""
        while chunk := tls.recv(65536):
            answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0].decode().split("\r\n")
    return head[0], [tuple(part.strip() for part in line.split(":", 1)) for line in head[1:]]


@needs_nginx
def test_nginx_passes_no_identifying_header_and_logs_no_respondent(tmp_path):
    Recorder.seen = []
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    http, https = free_port(), free_port()
    wrapper = runnable(tmp_path, upstream.server_address[1], http, https)
    with (tmp_path / "stderr.log").open("w") as stderr:
        nginx = subprocess.Popen(nginx_args(tmp_path, wrapper), stderr=stderr)
    try:
        wait_for(https)
        status, headers = fetch(https, "/s/police-response?lang=en")
        staff_status, _ = fetch(https, "/studio/login?next=secret-query")
        with pytest.raises(ssl.SSLError):
            fetch(https, "/s/police-response", server_name="other.example")
        with socket.create_connection(("127.0.0.1", http), timeout=10) as plain:
            plain.sendall(
                f"GET /s/x HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode()
            )
            redirect = plain.recv(4096).decode()
    finally:
        nginx.terminate()
        nginx.wait(timeout=30)
        upstream.shutdown()
        upstream.server_close()
    assert status.split()[1] == "200" and staff_status.split()[1] == "200"
    hsts = [value for name, value in headers if name.lower() == "strict-transport-security"]
    assert hsts == ["max-age=63072000; includeSubDomains"]  # nginx's, once; Heard's hidden
    assert len(Recorder.seen) == 2
    for sent in Recorder.seen:
        assert not {h.lower() for h in BLANKED} & set(sent), sent
        assert sent["x-forwarded-proto"] == "https" and sent["host"] == HOST
    assert redirect.startswith("HTTP/1.1 301") and f"Location: https://{HOST}/s/x" in redirect
    staff_log = (tmp_path / "heard-staff.log").read_text()
    assert "/studio/login" in staff_log and "/s/" not in staff_log
    logs = "\n".join(p.read_text() for p in tmp_path.glob("*.log"))
    for secret in ("127.0.0.1", "SentinelAgent", "198.51.100", "referrer.example", "secret-query"):
        assert secret not in logs, secret
