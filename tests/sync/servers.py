"""Start real servers for the sync tests on 127.0.0.1 random ports: pymap, Radicale, a cutter.

pymap and Radicale run as subprocesses of this Python; the cutter is a TCP proxy that
closes both sides after forwarding a set number of bytes from the server, to play a
connection dropped in the middle of a sync.
"""

from __future__ import annotations

import contextlib
import importlib.util
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent


def missing(package: str) -> str | None:
    """Return why a server's tests must skip (its package is not installed), else None."""
    if importlib.util.find_spec(package) is None:
        return f"{package} is not installed (pip install -e '.[dev]')"
    return None


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Wait until something accepts connections on `port`, or fail with the server's output."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            raise RuntimeError(f"the server exited early:\n{output}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"nothing listened on port {port} within {timeout} s")


@contextlib.contextmanager
def running(command: list[str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    """Run `command` until the block ends; yield the process once `port` answers."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def pymap(data_dir: Path, user: str, password: str) -> Iterator[int]:
    """Run pymap with `user`'s folders loaded from `data_dir`; yield its port."""
    port = free_port()
    command = [sys.executable, str(HERE / "pymap_server.py"), str(port), user, password]
    with running([*command, str(data_dir)], port):
        yield port


@contextlib.contextmanager
def radicale(storage: Path, users: dict[str, str]) -> Iterator[int]:
    """Run Radicale with htpasswd users (plain passwords) and `storage`; yield its port."""
    port = free_port()
    htpasswd = storage.parent / f"{storage.name}.htpasswd"
    htpasswd.write_text("".join(f"{u}:{p}\n" for u, p in users.items()))
    command = [
        sys.executable,
        "-m",
        "radicale",
        "--server-hosts",
        f"127.0.0.1:{port}",
        "--storage-filesystem-folder",
        str(storage),
        "--auth-type",
        "htpasswd",
        "--auth-htpasswd-filename",
        str(htpasswd),
        "--auth-htpasswd-encryption",
        "plain",
        "--logging-level",
        "warning",
    ]
    with running(command, port):
        yield port


class Cutter:
    """A TCP proxy to `port` that drops the connection after `limit` bytes from the server."""

    def __init__(self, port: int, limit: int) -> None:
        """Listen on a free local port; `limit` counts bytes sent back to the client."""
        self.target, self.limit = port, limit
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.cut = threading.Event()
        self.sent = 0
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self._pipe, args=(client, server, None), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, self), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, counter: Cutter | None) -> None:
        try:
            while data := source.recv(65536):
                if counter is not None:
                    # Counted across connections: clients may reconnect between requests.
                    with self.lock:
                        allowed = max(self.limit - self.sent, 0)
                        self.sent += len(data)
                    if len(data) > allowed or self.cut.is_set():
                        sink.sendall(data[:allowed])
                        self.cut.set()
                        break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()

    def close(self) -> None:
        """Stop accepting connections."""
        self.listener.close()
