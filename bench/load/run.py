"""Load-test Amity with many people at once: prepare accounts, start the servers, run locust.

    # 50 users on PostgreSQL behind gunicorn (4 workers) plus `amity worker`, 10 minutes:
    python bench/load/run.py --backend postgresql \\
        --database-url postgresql://postgres@127.0.0.1:5432/amity_load --users 50 --duration 600
    # 10 users on SQLite behind `amity serve` (waitress, its in-process worker):
    python bench/load/run.py --backend sqlite --users 10 --duration 600

Everything runs on 127.0.0.1 and stops by itself after --duration. The accounts
(`load01`, `load02`, ...) each get the demo network (340 people, their interactions)
and an API token; locust's users share them round-robin (see locustfile.py for the
mix). The report goes to --out: locust's CSV and HTML, the server log, and
summary.md with the verdict (p95 of all requests under --p95-ms, no failed request,
no "database is locked" in the server log), the machine reference and the load
average sampled during the run (the machine may be shared).
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(REPO / "bench"))
from engine_bench import machine_reference  # noqa: E402 - a sibling script, not a package

VENV_BIN = Path(sys.executable).parent
PASSWORD = "load-test-password"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), required=True)
    parser.add_argument("--database-url", default="", help="PostgreSQL database to (re)create")
    parser.add_argument("--users", type=int, default=50, help="concurrent simulated users")
    parser.add_argument("--accounts", type=int, default=0, help="default: users / 5, at least 1")
    parser.add_argument("--duration", type=int, default=600, help="seconds of load")
    parser.add_argument("--spawn-rate", type=float, default=5.0, help="users started per second")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (PostgreSQL)")
    parser.add_argument("--p95-ms", type=float, default=200.0)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--out", type=Path, default=None, help="default: bench/results/load-…")
    args = parser.parse_args(argv)
    if args.backend == "postgresql" and not args.database_url:
        parser.error("--backend postgresql needs --database-url (a database it may recreate)")
    args.accounts = args.accounts or max(1, args.users // 5)
    args.out = args.out or REPO / "bench" / "results" / f"load-{args.backend}"
    return args


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def recreate_database(url: str) -> None:
    """Drop and create the PostgreSQL database named in `url` (a load-test database)."""
    import psycopg
    from psycopg import sql

    info = psycopg.conninfo.conninfo_to_dict(url)
    name = str(info.get("dbname") or "")
    if not name.startswith(("amity_load", "test_")):
        sys.exit(f"refusing to recreate database {name!r}: its name must start with amity_load")
    admin = {**info, "dbname": "postgres"}
    with psycopg.connect(**admin, autocommit=True) as conn:
        database = sql.Identifier(name)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(database))


def prepare(env: dict[str, str], accounts: int, users: int, path: Path) -> None:
    """Migrate, create the accounts with their networks, tokens and sessions (to `path`)."""
    sessions = -(-users // accounts)
    code = (
        f"import sys; sys.path.insert(0, {str(REPO)!r})\n"
        f"from bench.load.accounts import main; main({accounts}, {str(path)!r}, {sessions})\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=REPO)


def start_servers(args: argparse.Namespace, env: dict[str, str], log: Any) -> list[Any]:
    """Start the web server (and, on PostgreSQL, `amity worker`); return the processes."""
    amity = str(VENV_BIN / "amity")
    if args.backend == "postgresql":
        web = [
            str(VENV_BIN / "gunicorn"),
            "amity.wsgi:application",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--access-logfile",
            "-",
        ]
        commands = [web, [amity, "worker"]]
        env = {**env, "AMITY_SERVE_WORKER": "false"}
    else:
        commands = [[amity, "serve", "--no-demo", "--host", "127.0.0.1", "--port", str(args.port)]]
    return [
        subprocess.Popen(
            command, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        for command in commands
    ]


def wait_until_up(url: str, processes: list[Any], timeout: float = 120.0) -> None:
    """Poll the sign-in page until it answers 200, or fail if a server died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            sys.exit("a server exited before it answered; see server.log")
        try:
            with urllib.request.urlopen(url + "/login/", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"{url} did not answer within {timeout:.0f} s")


def stop(processes: list[Any]) -> None:
    """Stop each server's process group, politely and then firmly."""
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class LoadSampler(threading.Thread):
    """Read the 1-minute load average every 15 seconds while the test runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.halt = threading.Event()

    def run(self) -> None:
        """Sample until halted."""
        while not self.halt.wait(15):
            self.samples.append(os.getloadavg()[0])


def session_cpu_seconds(leaders: list[int]) -> float:
    """Return the CPU seconds (user + system) of every live process in these sessions.

    Each server was started in a session of its own, so gunicorn's workers count too.
    CPU per request, unlike a latency, hardly depends on what else the machine runs.
    """
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command: state, ppid, pgrp, session, ... utime (12), stime (13).
        if int(fields[3]) in leaders:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def read_stats(path: Path) -> list[dict[str, str]]:
    """Return locust's per-request rows (the last one is "Aggregated")."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_summary(args: argparse.Namespace, facts: dict[str, Any]) -> str:
    """Write summary.md and return its text."""
    rows = facts["rows"]
    total = rows[-1]
    p95, failures = float(total["95%"]), int(total["Failure Count"])
    locked = facts["locked"]
    passed = p95 < args.p95_ms and failures == 0 and locked == 0
    loads = facts["loads"] or [0.0]
    lines = [
        f"# Load test: {args.users} users on {args.backend} ({facts['server']})",
        "",
        f"- when: {facts['when']} UTC; {args.duration} s of load after a {facts['ramp']:.0f} s "
        f"ramp; {args.accounts} accounts of the demo network (340 people each)",
        f"- machine: {facts['machine']}; reference {facts['reference']:.3f} s before, "
        f"{facts['reference_after']:.3f} s after (sum of 10**7 squares in pure Python)",
        f"- load average (1 min) during the run: min {min(loads):.2f}, median "
        f"{statistics.median(loads):.2f}, max {max(loads):.2f}; `uptime` before: "
        f"{facts['uptime_before']}; after: {facts['uptime_after']}",
        f"- verdict: **{'met' if passed else 'missed'}** — p95 {p95:.0f} ms (target < "
        f"{args.p95_ms:.0f}), {failures} failed of {total['Request Count']} requests, "
        f'{locked} "database is locked" in the server log, '
        f"{facts['server_errors']} server error lines",
        f"- server CPU: {facts['cpu']:.0f} s for {total['Request Count']} requests, "
        f"{1000 * facts['cpu'] / max(1, int(total['Request Count'])):.0f} ms a request "
        f"(web processes and worker, not PostgreSQL); at that cost {os.cpu_count()} cores "
        "serve at most "
        f"~{(os.cpu_count() or 1) * int(total['Request Count']) / max(facts['cpu'], 0.001):.0f}"
        f" requests/s; served {float(total['Requests/s']):.1f}",
        "",
        "| request | count | failures | median ms | p95 ms | p99 ms | max ms | req/s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        lines.append(
            f"| {row['Name'] or row['Type']} | {row['Request Count']} | {row['Failure Count']} "
            f"| {row['50%']} | {row['95%']} | {row['99%']} | {float(row['Max Response Time']):.0f} "
            f"| {float(row['Requests/s']):.1f} |"
        )
    text = "\n".join(lines) + "\n"
    (args.out / "summary.md").write_text(text, encoding="utf-8")
    return text


def uptime() -> str:
    """Return `uptime`'s line (load averages over 1, 5 and 15 minutes)."""
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


# long because: one straight line of steps (prepare, serve, load, stop, report) reads best
def main(argv: list[str] | None = None) -> int:
    """Run the load test and write its report; return 0 when the targets were met."""
    args = parse_args(argv)
    args.port = args.port or free_port()
    args.out.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="amity-load-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMITY_")}
    env.update(AMITY_HOME=str(home), AMITY_SECRET_KEY="load-test-" + "x" * 40)
    if args.backend == "postgresql":
        recreate_database(args.database_url)
        env["AMITY_DATABASE_URL"] = args.database_url
    accounts = home / "accounts.json"
    started = time.monotonic()
    prepare(env, args.accounts, args.users, accounts)
    print(f"prepared {args.accounts} accounts in {time.monotonic() - started:.0f} s", flush=True)
    url = f"http://127.0.0.1:{args.port}"
    reference = machine_reference()
    log_path = args.out / "server.log"
    with log_path.open("w", encoding="utf-8") as log:
        processes = start_servers(args, env, log)
        try:
            wait_until_up(url, processes)
            ramp = args.users / args.spawn_rate
            sampler = LoadSampler()
            facts: dict[str, Any] = {
                "uptime_before": uptime(),
                "when": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
            }
            sampler.start()
            cpu_before = session_cpu_seconds([p.pid for p in processes])
            locust = [
                str(VENV_BIN / "locust"),
                "-f",
                str(HERE / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{int(args.duration + ramp)}s",
                "--host",
                url,
                "--csv",
                str(args.out / "locust"),
                "--html",
                str(args.out / "report.html"),
                "--only-summary",
                "--stop-timeout",
                "10",
            ]
            subprocess.run(
                locust, env={**env, "AMITY_LOAD_ACCOUNTS": str(accounts)}, cwd=REPO, check=False
            )
            sampler.halt.set()
            facts["uptime_after"] = uptime()
            facts["cpu"] = session_cpu_seconds([p.pid for p in processes]) - cpu_before
        finally:
            stop(processes)
    server_log = log_path.read_text(encoding="utf-8", errors="replace")
    facts.update(
        rows=read_stats(args.out / "locust_stats.csv"),
        locked=server_log.count("database is locked"),
        server_errors=sum(
            1 for line in server_log.splitlines() if "Traceback" in line or " 500 " in line
        ),
        loads=sampler.samples,
        ramp=ramp,
        reference=reference,
        reference_after=machine_reference(),
        server=(
            f"gunicorn, {args.workers} workers, plus `amity worker`"
            if args.backend == "postgresql"
            else "`amity serve`: waitress, its in-process worker"
        ),
        machine=f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}",
    )
    (args.out / "accounts.json").unlink(missing_ok=True)
    text = write_summary(args, facts)
    print(text)
    rows = facts["rows"]
    ok = float(rows[-1]["95%"]) < args.p95_ms and int(rows[-1]["Failure Count"]) == 0
    return 0 if ok and facts["locked"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
