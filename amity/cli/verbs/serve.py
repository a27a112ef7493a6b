"""Start Amity's production WSGI server (waitress), ready to use on first run."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model

from amity import config
from amity.cli.base import ArgumentParser, CliError, Verb
from amity.core.bootstrap import ensure_first_user, refresh_planner_statistics
from amity.core.private_files import exposed_to_others, tighten_database_files
from amity.people.models import Person


def _proxy_options() -> dict[str, Any]:
    """Return waitress's options to believe AMITY_TRUSTED_PROXY's forwarded headers.

    Without one, waitress drops X-Forwarded-* headers, so no client can claim HTTPS.
    """
    proxy: str = config.TRUSTED_PROXY.value()
    if not proxy:
        return {}
    return {
        "trusted_proxy": proxy,
        "trusted_proxy_headers": {"x-forwarded-proto", "x-forwarded-for"},
    }


def _listen(host: str, port: int) -> Any:
    """Bind waitress to host:port; a busy or forbidden port stops with a one-line error."""
    from waitress import create_server

    from amity.wsgi import application

    try:
        return create_server(
            application,
            host=host,
            port=port,
            threads=config.THREADS.value(),
            # Refused while reading the headers (or, chunked, once past the limit),
            # so an oversized upload is never received in full.
            max_request_body_size=config.MAX_UPLOAD.value(),
            **_proxy_options(),
        )
    except OSError as exc:
        reason = exc.strerror or str(exc)
        hint = " (is Amity already running? choose another with --port)"
        raise CliError(f"cannot listen on {host}:{port}: {reason}{hint}") from None


class ServeVerb(Verb):
    """Migrate, create a first user, load the demo when empty, then serve."""

    acts_as_user = False
    help = (
        "Start the web server (waitress, static files by whitenoise). On first run it "
        "applies migrations, creates a first user and loads the demo network."
    )
    supports_json = False
    # The server loads every URL, view and API module anyway: validate them first.

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare --host, --port, --demo and --no-demo."""
        parser.add_argument("--host", default=None, help="address to listen on (AMITY_HOST)")
        parser.add_argument("--port", type=int, default=None, help="port (AMITY_PORT)")
        parser.add_argument(
            "--demo",
            action="store_true",
            help="serve a throwaway demo database (deleted when the server stops)",
        )
        parser.add_argument(
            "--no-demo", action="store_true", help="do not load the demo into an empty database"
        )
        parser.add_argument(
            "--check", action="store_true", help="prepare everything, print the URL, do not serve"
        )

    def handle(self, **options: Any) -> None:
        """Prepare the database and run waitress until interrupted."""
        host = options["host"] or config.HOST.value()
        port = options["port"] or config.PORT.value()
        if not 0 < port < 65536:
            raise CliError(f"--port {port} is not a TCP port")
        # Take the port before preparing anything: a busy one fails in a line, at once.
        try:
            server = None if options["check"] else _listen(host, port)
        except CliError:
            if options["demo"]:
                shutil.rmtree(config.HOME.value(), ignore_errors=True)
            raise
        if options["demo"]:
            user, password = ensure_first_user(username="demo", password="demo")
        else:
            user, password = ensure_first_user()
        loaded = ""
        if not options["no_demo"] and not Person.objects.exists():
            from amity.portability.demo import build_demo

            summary = build_demo(owner=user)
            loaded = (
                f"Loaded the demo network: {summary.people} people, "
                f"{summary.interactions} interactions."
            )
        refresh_planner_statistics()
        shown_host = "localhost" if host in {"127.0.0.1", "0.0.0.0", "::"} else host
        url = f"http://{shown_host}:{port}/"
        self.stdout.write(f"Amity {'demo ' if options['demo'] else ''}database: {self._where()}")
        self._check_privacy()
        if loaded:
            self.stdout.write(loaded)
        if password is not None:
            name = user.get_username()
            self.stdout.write(f"Created the first user: {name} / {password}")
            self.stdout.write(
                f"Change the password with `amity user password {name}` or on the web at /account/."
            )
        users = get_user_model().objects.count()
        self.stdout.write(f"Amity is running at {url}  ({users} user(s))")
        worker = None
        try:
            if server is not None:
                worker = self._start_worker()
                server.run()
        finally:
            if worker is not None:
                worker.stop()
            if options["demo"]:
                shutil.rmtree(config.HOME.value(), ignore_errors=True)

    def _start_worker(self) -> Any:
        """Start the in-process worker (AMITY_SERVE_WORKER); return it, or None."""
        if not config.SERVE_WORKER.value():
            return None
        # The single-user install needs nothing more: syncs run in-process.
        from amity.core.schedule import BackgroundWorker
        from amity.network.tasks import prepare_everyone

        worker = BackgroundWorker().start()
        self.stdout.write("Background worker started (AMITY_SERVE_WORKER).")
        # The worker loads the text model and Share's vectors before the first request
        # needs them, and embeds what a CLI run (`amity demo`, an import) left queued.
        prepare_everyone()
        return worker

    def _check_privacy(self) -> None:
        """Warn when the home is open to other users; make the database files private."""
        home = Path(config.HOME.value())
        if exposed_to_others(home):
            mode = oct(home.stat().st_mode & 0o777)[2:]
            self.stderr.write(
                f"Warning: {home} (AMITY_HOME) is open to other users (mode {mode}); "
                f"it holds your database and secret key. Run: chmod 700 {home}"
            )
        db = settings.DATABASES["default"]
        if db["ENGINE"].endswith("sqlite3"):
            tighten_database_files(Path(db["NAME"]))

    def _where(self) -> str:
        db = settings.DATABASES["default"]
        if db["ENGINE"].endswith("sqlite3"):
            return f"SQLite at {db['NAME']}"
        engine = str(db["ENGINE"]).rsplit(".", 1)[-1]
        return f"{engine} {db.get('NAME')} on {db.get('HOST') or 'local socket'}"
