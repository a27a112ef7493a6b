"""Test the request-size limit: oversized uploads get 413 before their body is read."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.security.bombs import amity_env, python


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def test_it_answers_an_oversized_upload_with_a_clear_page(signed_in, monkeypatch) -> None:
    monkeypatch.setenv("AMITY_MAX_UPLOAD", "1000")
    response = signed_in.generic(
        "POST", "/import/", data=b"x" * 5000, content_type="application/octet-stream"
    )
    assert response.status_code == 413
    assert b"larger than 1000 bytes (the AMITY_MAX_UPLOAD limit)" in response.content
    assert b"<h1>That file is too large</h1>" in response.content


def test_it_answers_an_oversized_api_request_with_json(signed_in, monkeypatch) -> None:
    monkeypatch.setenv("AMITY_MAX_UPLOAD", "1000")
    body = json.dumps({"full_name": "x" * 5000})
    response = signed_in.post("/api/v1/people", data=body, content_type="application/json")
    assert response.status_code == 413
    assert "AMITY_MAX_UPLOAD" in response.json()["detail"]


def test_it_says_the_limit_on_the_import_page(signed_in, monkeypatch) -> None:
    monkeypatch.setenv("AMITY_MAX_UPLOAD", "100000")
    response = signed_in.get("/import/")
    assert response.status_code == 200
    assert b"Up to 97.6562 KB (AMITY_MAX_UPLOAD)." in response.content


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """Run `amity serve` with a 1 MB upload limit; yield its port."""
    port = _free_port()
    env = amity_env(tmp_path_factory.mktemp("serve") / "home", AMITY_MAX_UPLOAD="1M")
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
    yield port
    process.terminate()
    process.wait(timeout=30)


def _answer(sock: socket.socket) -> bytes:
    sock.settimeout(10)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def test_it_refuses_a_300_mb_upload_before_receiving_it(server: int) -> None:
    with socket.create_connection(("127.0.0.1", server)) as sock:
        sock.sendall(
            b"POST /import/ HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/octet-stream\r\n"
            b"Content-Length: %d\r\n\r\n" % (300 * 1024 * 1024)
        )
        sock.sendall(b"x" * 65536)  # far less than declared: the answer must not wait
        started = time.monotonic()
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert time.monotonic() - started < 5


def test_it_refuses_a_chunked_upload_once_past_the_limit(server: int) -> None:
    with socket.create_connection(("127.0.0.1", server)) as sock:
        sock.sendall(
            b"POST /import/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"x" * 65536
        try:
            for _ in range(40):  # 2.5 MB, over the 1 MB limit
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except OSError:
            pass  # the server may close once it has refused
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_it_spools_uploads_to_disk_not_memory() -> None:
    from django.conf import settings

    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2 * 1024 * 1024
    assert Path(settings.FILE_UPLOAD_TEMP_DIR).is_dir()
