"""Run `amity VERB …`: find the verb, set Django up, parse its options, report errors.

Verbs are the modules of `amity.cli.verbs` (`can_i_ask` is `amity can-i-ask`; a
trailing underscore lets a verb be named like a Python keyword: `import_`). Errors
print as `amity: error: …` with exit status 2 for usage and 1 for failures.
"""

from __future__ import annotations

import difflib
import gc
import importlib
import os
import pkgutil
import sys
from typing import IO

from amity.cli.base import CliError, UsageError, Verb
from amity.core.private_files import restrict_umask

OVERVIEW = "usage: amity VERB [options]   (amity VERB --help for details)"


def verb_names() -> dict[str, str]:
    """Return {verb name: module name} for every module in amity.cli.verbs."""
    from amity.cli import verbs

    names = {}
    for info in pkgutil.iter_modules(verbs.__path__):
        if not info.name.startswith("_") or info.name.endswith("_"):
            names[info.name.rstrip("_").replace("_", "-")] = info.name
    return dict(sorted(names.items()))


def load_verb(name: str) -> type[Verb]:
    """Return the Verb class of `amity NAME`, or raise a usage error naming close verbs."""
    modules = verb_names()
    if name not in modules:
        close = difflib.get_close_matches(name, modules, n=2)
        hint = f" (did you mean {' or '.join(close)}?)" if close else " (see amity --help)"
        raise UsageError(f"unknown verb {name!r}{hint}")
    module = importlib.import_module(f"amity.cli.verbs.{modules[name]}")
    found = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, Verb)
        and value.__module__ == module.__name__
    ]
    if len(found) != 1:
        raise RuntimeError(f"{module.__name__} must define exactly one Verb, not {len(found)}")
    cls = found[0]
    cls.name = name
    return cls


def overview() -> str:
    """Return `amity --help`: every verb with the first line of its help."""
    lines = [OVERVIEW, ""]
    for name in verb_names():
        lines.append(f"  {name:<12} {load_verb(name)().summary()}")
    lines += ["", 'Shell completion (bash): eval "$(register-python-argcomplete amity)"']
    return "\n".join(lines)


def call(
    *args: str,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    stdin: IO[str] | None = None,
) -> None:
    """Run `amity ARGS…` in this process (Django set up), raising CliError on failure."""
    if not args:
        raise UsageError("no verb given")
    load_verb(args[0])(stdout=stdout, stderr=stderr, stdin=stdin).run(list(args[1:]))


def main(argv: list[str] | None = None) -> None:
    """Run the command line and exit with its status."""
    # Everything Amity writes (database, key, exports, caches) is the user's alone.
    restrict_umask()
    sys.exit(run(sys.argv[1:] if argv is None else argv))


def run(args: list[str]) -> int:
    """Run `amity ARGS…` as a program: return the exit status, print errors."""
    args = list(args)
    if "_ARGCOMPLETE" in os.environ:
        return complete()
    if args and args[0] == "serve" and "--demo" in args:
        # A throwaway home: the demo never touches the user's real database.
        import tempfile

        os.environ["AMITY_HOME"] = tempfile.mkdtemp(prefix="amity-demo-")
        os.environ.pop("AMITY_DATABASE_URL", None)
    if args and args[0] == "today":
        # Unchanged since the last run: print the stored answer without starting Django.
        from amity.relationships.today_cache import answer

        if answer(args[1:], sys.stdout):
            return 0
    try:
        set_up_django()
        if not args or args[0] in {"-h", "--help", "help"}:
            print(overview())
            return 0
        call(*args)
    except CliError as exc:
        print(f"amity: error: {exc}", file=sys.stderr)
        return exc.exit_status
    except BrokenPipeError:  # `amity … | head`: the reader left; not an error
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("amity: interrupted", file=sys.stderr)
        return 130
    except SystemExit as exc:  # argparse's --help exits 0 through here
        return exc.code if isinstance(exc.code, int) else 0
    return 0


def complete() -> int:
    """Answer a shell's completion request (argcomplete) with verbs and their options."""
    import argcomplete

    from amity.cli.base import ArgumentParser

    set_up_django()
    parser = ArgumentParser(prog="amity")
    sub = parser.add_subparsers(dest="verb")
    for name in verb_names():
        verb = load_verb(name)()
        child = sub.add_parser(name, help=verb.summary())
        verb.declare(child)
    argcomplete.autocomplete(parser)
    return 0


def set_up_django() -> None:
    """Set Django up with the cyclic garbage collector paused, then freeze what it built.

    Start-up creates a few hundred thousand long-lived objects (modules, classes,
    functions) and no garbage; collecting while they pile up, and rescanning them in
    every full collection after, costs every verb 0.1 to 0.2 s. Frozen objects are
    left out of collections (the purpose of gc.freeze).
    """
    import django
    from django.core.exceptions import ImproperlyConfigured

    from amity.core.collector import collector_paused

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amity.settings")
    try:
        with collector_paused():
            django.setup()
    except (ImproperlyConfigured, ValueError) as exc:
        # A bad AMITY_* setting: say which, in Amity's words.
        raise CliError(f"configuration: {exc}") from None
    finally:
        gc.freeze()
