"""The command line: `python build.py [build|check|serve] …`."""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from pathlib import Path

from .problems import ProjectError

COMMANDS = ("build", "check", "serve")
SETTINGS = {  # environment variables read by the build, and the unit of their number
    "SCROLLY_CHART_TIME_LIMIT": "seconds",
    "SCROLLY_WORKER_MEMORY_MB": "megabytes",
}


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--site", type=Path, default=Path("."), metavar="DIR", help="the project folder (default: the current folder)")
    common.add_argument("--verbose", action="store_true", help="show tracebacks for errors")
    main = argparse.ArgumentParser(
        prog="python build.py",
        description="Build a scrollytelling site from site.toml, content/, charts/ and templates/.",
        epilog="Without a command, 'build' is assumed. Exit codes: 0 done, 1 problems in the project, 2 bad usage.",
    )
    commands = main.add_subparsers(dest="command", metavar="{build,check,serve}")
    build = commands.add_parser("build", parents=[common], help="build the site into the output folder (default)", description="Build the site.")
    build.add_argument("--out", type=Path, metavar="DIR", help="the output folder (default: DIR/dist)")
    commands.add_parser("check", parents=[common], help="validate the project and write nothing", description="Validate everything; write nothing.")
    serve = commands.add_parser("serve", parents=[common], help="build, serve and rebuild on every change", description="Serve the site with live reload.")
    serve.add_argument("--out", type=Path, metavar="DIR", help="where the preview is built (default: a temporary folder)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    serve.add_argument("--open", action="store_true", help="open the site in a web browser")
    return main


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not any(arg in COMMANDS for arg in argv) and not any(arg in ("-h", "--help") for arg in argv[:1]):
        argv.insert(0, "build")
    args = parser().parse_args(argv)
    problems = setting_problems(os.environ)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 2
    try:
        if args.command == "serve":
            from .serve import serve

            return serve(args.site, args.out, args.host, args.port, args.open, args.verbose)
        return run_build(args)
    except KeyboardInterrupt:
        print("interrupted; the output folder was not changed", file=sys.stderr)
        return 130
    except Exception as err:  # a bug in scrolly, not in the project
        if args.verbose:
            traceback.print_exc()
        print(f"internal error: {type(err).__name__}: {err}" + ("" if args.verbose else " (run with --verbose for the traceback)"), file=sys.stderr)
        return 1


def setting_problems(environment) -> list[str]:
    problems = []
    for name, unit in SETTINGS.items():
        text = environment.get(name)
        if text is None:
            continue
        try:
            good = float(text) > 0
        except ValueError:
            good = False
        if not good:
            problems.append(f"{name}={text}: expected a number of {unit} above 0")
    return problems


def run_build(args: argparse.Namespace) -> int:
    from .build import build_site

    write = args.command == "build"
    out = getattr(args, "out", None) or args.site / "dist"
    progress = Progress(sys.stderr)
    try:
        result = build_site(args.site, out, write=write, progress=progress)
    except ProjectError as err:
        progress.clear()
        report(err, args.verbose)
        if write:
            print(f"{count(len(err.problems), 'problem')}; {out} was not changed.", file=sys.stderr)
        return 1
    progress.clear()
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if write:
        print(f"Built {count(result.chapters, 'chapter')}, {count(result.charts, 'chart')}, {count(result.files, 'file')} into {out} in {result.seconds:.2f} s")
    else:
        print(f"Checked {count(result.chapters, 'chapter')}, {count(result.charts, 'chart')}: no problems ({result.seconds:.2f} s)")
    return 0


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
        text = f"{done} of {total} charts compiled" if stage == "charts" else f"writing {total} files"
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
