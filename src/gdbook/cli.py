"""The gdbook command: build, serve or render the book.

Exit status: 0 done; 1 the book failed to build (a wrong derivation step, an
unknown placeholder, a false claim, a strict-mode warning...); 2 a bad setting
or argument (nothing was built); 130 interrupted (Ctrl-C).  ``site/`` is only
ever replaced by a build that passed.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path

from gdbook import __version__
from gdbook.settings import SETTINGS_ENV, SettingsError, load

EPILOG = """exit status:
  0    built (or served until stopped)
  1    the book failed to build; the message names the page, line, key, or the module and the error
  2    a bad setting or argument; nothing was built and site/ is untouched
  130  interrupted (Ctrl-C); site/ is untouched

settings come from --settings, else $GDBOOK_SETTINGS, else [tool.gdbook] in pyproject.toml"""


def _root(arg: str | None) -> Path:
    root = Path(arg or ".").resolve()
    if not (root / "mkdocs.yml").is_file():
        raise SettingsError(f"--root '{root}' holds no mkdocs.yml: run gdbook from the project folder or pass --root")
    return root


def _settings_path(args: argparse.Namespace, root: Path) -> Path:
    """The settings file, validated (data-dependent limits included) before anything is built or touched."""
    from gdbook.core.limits import check_buildable

    path = Path(args.settings or os.environ.get(SETTINGS_ENV) or root / "pyproject.toml").resolve()
    check_buildable(load(path))
    return path


def _environment(root: Path) -> None:
    """What MkDocs reads from the environment: sitemap dates from the commit, not the clock."""
    from gdbook.book.publish import source_date_epoch

    os.environ.setdefault("SOURCE_DATE_EPOCH", source_date_epoch(root))
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def cmd_build(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    root = _root(args.root)
    settings = _settings_path(args, root)
    t_settings = time.perf_counter() - t0
    _environment(root)
    from mkdocs.exceptions import MkDocsException

    from gdbook.book import publish

    publish.setup_logging(args.quiet)
    site = Path(args.site_dir) if args.site_dir else root / "site"
    try:
        book, timings = publish.build(root, site, settings, cache=not args.no_cache, debug=args.debug)
    except MkDocsException as e:
        print(f"gdbook: build failed, {site} left as it was: {e}", file=sys.stderr)
        return 1
    timings = dict(timings)
    pages = sum(1 for p in site.rglob("*.html") if p.name != "404.html")
    gen_stages = list(book.gen.timings) + [t for t in (book.notebook_timing, book.render_timing) if t]
    stages = [("settings", t_settings, f"validated {settings}"), *gen_stages,
              ("render", book.render_seconds, "page templates filled with computed values; " + _claims(book.claims())),
              ("mkdocs", timings["mkdocs"] - book.render_seconds - sum(s for _, s, _ in gen_stages),
               f"{pages} pages: markdown to HTML, theme, search index"),
              ("publish", timings["publish"], f"swapped into {site}")]
    total = time.perf_counter() - t0
    if args.report:
        from gdbook.book.outputs import write_atomic

        report = {**book.report(), "stages": [{"stage": st, "seconds": round(sec, 4), "detail": d}
                                              for st, sec, d in stages],
                  "pages": pages, "total_seconds": round(total, 4), "site": str(site)}
        write_atomic(Path(args.report), json.dumps(report, indent=1) + "\n")
    if not args.quiet:
        gen = book.gen
        print("gdbook build summary", file=sys.stderr)
        for stage, seconds, detail in stages:
            print(f"  {stage:<10} {seconds:7.2f} s  {detail}", file=sys.stderr)
        print(f"  {'total':<10} {total:7.2f} s  {len(gen.sections)} sections, {len(gen.computed)} recomputed; "
              f"{len(gen.figures)} figures, {len(gen.drawn)} redrawn; {pages} pages", file=sys.stderr)
        if gen.computed or gen.drawn:
            print(f"  recomputed: {_listing(gen.computed)}", file=sys.stderr)
            print(f"  redrawn:    {_listing(gen.drawn)}", file=sys.stderr)
    return 0


def _claims(claims: list[dict]) -> str:
    checked = sum(c["kind"] == "checked" for c in claims)
    return f"{len(claims)} claims ({checked} checked, {len(claims) - checked} worded by the data)"


def _listing(names: list[str], width: int = 8) -> str:
    if not names:
        return "none"
    shown = ", ".join(names[:width])
    return shown + (f" and {len(names) - width} more (--report FILE lists them)" if len(names) > width else "")


def cmd_render(args: argparse.Namespace) -> int:
    root = _root(args.root)
    settings = _settings_path(args, root)
    _environment(root)
    from mkdocs.exceptions import MkDocsException

    from gdbook.book import publish

    publish.setup_logging(quiet=args.quiet)
    try:
        info = publish.render_to(root, settings, Path(args.out))
    except MkDocsException as e:
        print(f"gdbook: render failed: {e}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"gdbook: {info['pages']} pages rendered to {info['docs']}; "
              f"bare build: mkdocs build -f {info['config']}", file=sys.stderr)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    root = _root(args.root)
    settings = _settings_path(args, root)
    _environment(root)
    from gdbook.book import publish
    from gdbook.book.check import check

    from gdbook.core.errors import BuildError

    publish.setup_logging(quiet=args.quiet)
    try:
        result = check(root, settings)
    except BuildError as e:
        print(f"gdbook: {e}", file=sys.stderr)
        return 1
    for error in result["errors"]:
        print(f"gdbook: {error}", file=sys.stderr)
    print(f"gdbook check: {result['pages']} pages, {_claims(result['claims'])}, "
          f"{len(result['errors'])} error(s); {len(result['computed'])} sections recomputed", file=sys.stderr)
    return 1 if result["errors"] else 0


def cmd_serve(args: argparse.Namespace) -> int:
    root = _root(args.root)
    settings = _settings_path(args, root)
    _environment(root)
    # mkdocs.yml hands the plugin its settings file with !ENV [GDBOOK_SETTINGS, ...]: MkDocs re-reads
    # the configuration at every rebuild, so this is how a file given here reaches each of them.
    os.environ[SETTINGS_ENV] = str(settings)
    from mkdocs.commands.serve import serve

    from gdbook.book.publish import setup_logging

    setup_logging(quiet=False)
    # Not strict: a warning would stop the server; gdbook shows warnings and errors on the pages instead.
    serve(str(root / "mkdocs.yml"), dev_addr=args.dev_addr, livereload=True, strict=False)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="gdbook", description="Build, serve or render gdbook, a textbook generated from code.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"gdbook {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands = (
        ("build", cmd_build, "build the site strictly; publish it into site/ only if the build passed"),
        ("serve", cmd_serve, "serve the book on a local address and rebuild it on every edit"),
        ("render", cmd_render, "write the rendered pages and a configuration without gdbook, for a bare "
                               "mkdocs build (the benchmark's floor)"),
        ("check", cmd_check, "compute and fill every page template under the settings, listing every "
                             "failure (no MkDocs, no notebooks: quick)"),
    )
    for name, fn, help_ in commands:
        s = sub.add_parser(name, help=help_, description=help_[0].upper() + help_[1:] + ".", epilog=EPILOG,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        s.add_argument("--settings", metavar="FILE", help="TOML file with the book's settings")
        s.add_argument("--root", metavar="DIR", help="project folder (default: the current folder)")
        s.add_argument("--debug", action="store_true", help="show the traceback of an error")
        s.set_defaults(fn=fn)
    b = sub.choices["build"]
    b.add_argument("--site-dir", metavar="DIR", help="where to publish the site (default: site/)")
    b.add_argument("--quiet", action="store_true", help="print only warnings and errors")
    b.add_argument("--no-cache", action="store_true", help="recompute everything, ignoring the cache")
    b.add_argument("--report", metavar="FILE", help="also write what the build did (stages, recomputed "
                                                    "sections, redrawn figures) as JSON")
    r = sub.choices["render"]
    r.add_argument("--out", required=True, metavar="DIR",
                   help="folder for docs/ (rendered pages, generated files) and a bare mkdocs.yml")
    r.add_argument("--quiet", action="store_true", help="print only warnings and errors")
    sub.choices["check"].add_argument("--quiet", action="store_true", help="print only warnings and errors")
    sub.choices["serve"].add_argument("-a", "--dev-addr", default="127.0.0.1:8000", metavar="HOST:PORT",
                                      help="address to serve on (default: 127.0.0.1:8000)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.fn(args)
    except SettingsError as e:
        print(f"gdbook: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        # Tidied up already (the finally blocks ran): a second Ctrl-C while Python exits must not turn the one
        # line and exit status 130 into a traceback and death by signal.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print("gdbook: interrupted; site/ left as it was", file=sys.stderr)
        return 130
    except Exception as e:  # noqa: BLE001 - one line, the traceback behind --debug
        if getattr(args, "debug", False):
            raise
        print(f"gdbook: {type(e).__name__}: {e} (run again with --debug for the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
