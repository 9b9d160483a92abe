"""The command line: `scrolly [new|build|check|serve] …`, also `python build.py …` and
`python -m scrolly …`."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import shlex
import signal
import sys
import time
import traceback
from pathlib import Path

from . import __version__
from .problems import ProjectError
from .settings import Settings, SettingsError, load_settings

COMMANDS = ("new", "build", "check", "serve")
VALUE_OPTIONS = (
    "--site",
    "--out",
    "--host",
    "--port",
    "--title",
)  # options that take the next word


def parser(prog: str = "scrolly") -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--site",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the project folder (default: the current folder)",
    )
    common.add_argument("--verbose", action="store_true", help="show tracebacks for errors")
    main = argparse.ArgumentParser(
        prog=prog,
        description="Build a scrollytelling site from site.toml, content/, charts/ and templates/.",
        epilog="Without a command, 'build' is assumed. Exit codes: 0 done, 1 problems in the "
        "project, 2 bad usage.",
    )
    main.add_argument("--version", action="version", version=f"scrolly {__version__}")
    commands = main.add_subparsers(dest="command", metavar="{" + ",".join(COMMANDS) + "}")
    new = commands.add_parser(
        "new",
        help="start a new story in a folder",
        description="Write a small starter story into DIR.",
    )
    new.add_argument(
        "folder",
        type=Path,
        metavar="DIR",
        help="the folder to write (made if missing; must be empty)",
    )
    new.add_argument(
        "--title", type=one_line, help="the story's title (default: the starter's own)"
    )
    new.add_argument(
        "--force",
        action="store_true",
        help="write into a folder that is not empty, replacing files of the same name",
    )
    build = commands.add_parser(
        "build",
        parents=[common],
        help="build the site into the output folder (default)",
        description="Build the site.",
    )
    build.add_argument(
        "--out", type=Path, metavar="DIR", help="the output folder (default: DIR/dist)"
    )
    commands.add_parser(
        "check",
        parents=[common],
        help="validate the project and write nothing",
        description="Validate everything; write nothing.",
    )
    serve = commands.add_parser(
        "serve",
        parents=[common],
        help="build, serve and rebuild on every change",
        description="Serve the site with live reload.",
    )
    serve.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="where the preview is built (default: a temporary folder)",
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default: 127.0.0.1, this machine only)",
    )
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    serve.add_argument("--open", action="store_true", help="open the site in a web browser")
    return main


def main(argv: list[str] | None = None, prog: str = "scrolly") -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    position = command_position(argv)
    if position is None:
        if argv[:1] not in (["-h"], ["--help"], ["--version"]):
            argv.insert(0, "build")
    elif argv[position] not in COMMANDS:
        print(
            f"{prog}: unknown command '{argv[position]}' (commands: {', '.join(COMMANDS)})",
            file=sys.stderr,
        )
        return 2
    else:
        argv.insert(0, argv.pop(position))  # options may come before the command
    args = parser(prog).parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as err:
        print(err, file=sys.stderr)
        return 2
    try:
        if args.command == "new":
            return run_new(args, "scrolly" if prog == "python build.py" else prog)
        if args.command == "serve":
            from .serve import serve

            return serve(
                args.site, args.out, args.host, args.port, args.open, args.verbose, settings
            )
        with stopped_by_sigterm():
            return run_build(args, settings)
    except KeyboardInterrupt as stop:
        how = "stopped (SIGTERM)" if isinstance(stop, Terminated) else "interrupted"
        print(f"{how}; the output folder was not changed", file=sys.stderr)
        return 143 if isinstance(stop, Terminated) else 130
    except Exception as err:  # a bug in scrolly, not in the project
        if args.verbose:
            traceback.print_exc()
        print(
            f"internal error: {type(err).__name__}: {err}"
            + ("" if args.verbose else " (run with --verbose for the traceback)"),
            file=sys.stderr,
        )
        return 1


class Terminated(KeyboardInterrupt):
    """SIGTERM (a plain `kill`, a CI runner cancelling): the build stops as on Ctrl+C."""


@contextlib.contextmanager
def stopped_by_sigterm():
    """Turn SIGTERM into Terminated while a build runs, so it ends as on Ctrl+C: its
    workers stopped, the output folder untouched."""

    def terminate(signum, frame):
        raise Terminated

    try:
        previous = signal.signal(signal.SIGTERM, terminate)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def one_line(text: str) -> str:
    if not text.strip() or "\n" in text:
        raise argparse.ArgumentTypeError("the title must be one line of text, not empty")
    return text.strip()


def command_position(argv: list[str]) -> int | None:
    """Where the command is: the first word that is neither an option nor an option's
    value, so `--site check` names a folder and `--site DIR check` runs check."""
    skip = False
    for index, arg in enumerate(argv):
        if skip:
            skip = False
        elif arg.startswith("-"):
            skip = arg in VALUE_OPTIONS
        else:
            return index
    return None


def run_new(args: argparse.Namespace, command: str) -> int:
    from .new import NewError, new_project

    try:
        written = new_project(args.folder, args.title, args.force)
    except NewError as err:
        print(err, file=sys.stderr)
        return 1
    print(f"Wrote a new story into {args.folder}:")
    for name in written:
        print(f"  {name}")
    where = (
        ""
        if args.folder.resolve() == Path.cwd().resolve()
        else f"cd {shlex.quote(str(args.folder))} && "
    )
    print(
        f"Next: {where}{command} serve   (a preview that follows your edits; '{command} "
        "build' writes dist/)"
    )
    return 0


def run_build(args: argparse.Namespace, settings: Settings) -> int:
    write = args.command == "build"
    out = getattr(args, "out", None) or args.site / "dist"
    result = _unchanged(args.site, out, settings) if write else None
    if result is None:
        _start_chart_workers_early(args.site)
        from .build import Build

        progress = Progress(sys.stderr)
        try:
            with Build(args.site, args.command, settings) as build:
                result = build.run(out, progress)
        except ProjectError as err:
            progress.clear()
            report(err, args.verbose)
            if write:
                problems = count(len(err.problems), "problem")
                print(f"{problems}; {out} was not changed.", file=sys.stderr)
            return 1
        progress.clear()
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    if write:
        print(
            f"Built {count(result.chapters, 'chapter')}, {count(result.charts, 'chart')}, "
            f"{count(result.files, 'file')} into {out} in {result.seconds:.2f} s"
        )
    else:
        print(
            f"Checked {count(result.chapters, 'chapter')}, {count(result.charts, 'chart')}: "
            f"no problems ({result.seconds:.2f} s)"
        )
    return 0


def _unchanged(site: Path, out: Path, settings: Settings):
    """The last build's result when nothing it came from has changed and `out` still holds
    what it wrote (see unchanged.py), timed like a build; else None."""
    from .unchanged import reuse

    started = time.perf_counter()
    kept = reuse(site, out, settings)
    return kept and dataclasses.replace(kept, seconds=time.perf_counter() - started)


def _start_chart_workers_early(site: Path) -> None:
    """A build that will compile charts starts the fork server their workers come from
    first: its imports (altair, vl-convert) then overlap this process's own."""
    from .charts.cache import never_compiled
    from .charts.model import chart_paths
    from .processes import CHART_MODULES, start_fork_server
    from .unchanged import CACHE

    with contextlib.suppress(OSError):
        if never_compiled(site / CACHE, chart_paths(site)):
            start_fork_server(CHART_MODULES)


def count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


class Progress:
    """Shows a slow build's progress on one terminal line; silent when output is not a terminal."""

    WAIT = 1.0  # seconds before showing anything: quick builds print only their summary

    def __init__(self, stream):
        self.stream = stream
        self.started = time.monotonic()
        self.shown = False
        self.live = stream.isatty()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.live or time.monotonic() - self.started < self.WAIT:
            return
        text = (
            f"{done} of {total} charts compiled" if stage == "charts" else f"writing {total} files"
        )
        self.stream.write(f"\r\033[K{text}")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def report(err: ProjectError, verbose: bool) -> None:
    for problem in err.problems:
        print(problem, file=sys.stderr)
        if verbose and problem.detail:
            print(problem.detail, file=sys.stderr)
