"""Test the first-run experience: `amity serve` on an empty AMITY_HOME."""

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(url: str, process: subprocess.Popen[str], timeout: float = 90) -> bytes:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"server exited: {process.stdout.read() if process.stdout else ''}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return bytes(response.read())
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {timeout}s")


@pytest.fixture
def fresh_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMITY_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["AMITY_HOME"] = str(tmp_path / "home")
    return env


def test_it_starts_on_an_empty_home_with_a_user_and_the_demo(fresh_env: dict[str, str]) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "amity", "serve", "--port", str(port)],
        env=fresh_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        page = _wait_for(f"http://127.0.0.1:{port}/login/", process)
        assert b"<form" in page
        css = _wait_for(f"http://127.0.0.1:{port}/static/amity/amity.css", process)
        assert len(css) > 200
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert f"Amity is running at http://localhost:{port}/" in output
    assert "Created the first user: amity / " in output
    assert "Loaded the demo network" in output
    database = Path(fresh_env["AMITY_HOME"]) / "amity.sqlite3"
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT count(*) FROM people_person").fetchone()[0] >= 300
        assert db.execute("SELECT username FROM auth_user").fetchall() == [("amity",)]


def test_it_serves_a_throwaway_demo(fresh_env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "amity", "serve", "--demo", "--check"],
        env=fresh_env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Created the first user: demo / demo" in result.stdout
    assert "amity-demo-" in result.stdout
    # The real home was never touched.
    assert not (Path(fresh_env["AMITY_HOME"]) / "amity.sqlite3").exists()
