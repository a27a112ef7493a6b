"""Test the deploy settings: check --deploy clean, HTTPS behind a proxy, CSP, no-store."""

from __future__ import annotations

import http.client
import json
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.security.bombs import amity_env, python

TEMPLATES = Path(__file__).resolve().parents[2] / "amity" / "web" / "templates"
PRODUCTION = {
    "AMITY_HTTPS": "true",
    "AMITY_TRUSTED_PROXY": "127.0.0.1",
    "AMITY_ALLOWED_HOSTS": "amity.example.org",
    "AMITY_CSRF_TRUSTED_ORIGINS": "https://amity.example.org",
}


def _check_deploy(home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [python(), "-m", "amity", "check", "--deploy", "--json"],
        env=amity_env(home, **env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_check_deploy_with_the_documented_production_settings(tmp_path: Path) -> None:
    result = _check_deploy(tmp_path / "home", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_it_names_what_is_missing_without_https(tmp_path: Path) -> None:
    result = _check_deploy(tmp_path / "home", AMITY_ALLOWED_HOSTS="amity.example.org")
    found = {row["id"] for row in json.loads(result.stdout)}
    assert {"security.W004", "security.W008"} <= found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module", params=["127.0.0.1", ""], ids=["trusted", "untrusted"])
def https_server(request, tmp_path_factory: pytest.TempPathFactory):
    """Run `amity serve` with AMITY_HTTPS, trusting the local proxy or nobody."""
    port = _free_port()
    env = amity_env(
        tmp_path_factory.mktemp("https") / "home",
        AMITY_HTTPS="true",
        AMITY_TRUSTED_PROXY=request.param,
        AMITY_ALLOWED_HOSTS="localhost,127.0.0.1",
    )
    process = subprocess.Popen(
        [python(), "-m", "amity", "serve", "--no-demo", "--port", str(port)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    yield port, bool(request.param)
    process.terminate()
    process.wait(timeout=30)


def _get(port: int, path: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Host": "localhost", **headers})
    response = connection.getresponse()
    response.read()
    return response


def test_it_believes_x_forwarded_proto_only_from_the_trusted_proxy(https_server) -> None:
    port, trusted = https_server
    plain = _get(port, "/login/", {})
    assert plain.status == 301
    assert plain.getheader("Location") == "https://localhost/login/"
    forwarded = _get(port, "/login/", {"X-Forwarded-Proto": "https"})
    if trusted:
        assert forwarded.status == 200
        assert forwarded.getheader("Strict-Transport-Security") == "max-age=31536000"
        assert "script-src 'self'" in (forwarded.getheader("Content-Security-Policy") or "")
    else:
        assert forwarded.status == 301  # a client cannot claim HTTPS by itself


@pytest.mark.django_db
def test_it_sends_a_content_security_policy_without_inline_scripts(client, user) -> None:
    client.force_login(user)
    for path in ("/login/", "/", "/people/", "/import/", "/coach/", "/inbox/", "/api/v1/docs"):
        response = client.get(path)
        policy = response.headers.get("Content-Security-Policy", "")
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        assert directives.get("script-src") == "'self'", path
        assert directives.get("style-src") == "'self'", path
        assert directives.get("frame-ancestors") == "'none'", path


def test_it_has_no_inline_script_or_style_block_in_any_template() -> None:
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", text, re.I):
            offenders.append(f"{template.name}: inline <script>")
        if re.search(r"<style\b", text, re.I):
            offenders.append(f"{template.name}: <style> block")
        if re.search(r"\son[a-z]+\s*=", text, re.I):
            offenders.append(f"{template.name}: inline event handler")
    assert offenders == []


@pytest.mark.django_db
def test_it_keeps_signed_in_pages_out_of_caches(client, user) -> None:
    client.force_login(user)
    for path in ("/", "/people/", "/import/", "/api/v1/people"):
        cache = client.get(path).headers.get("Cache-Control", "")
        assert "no-store" in cache and "private" in cache, path
