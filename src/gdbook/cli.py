"""``gdbook build`` and ``gdbook serve``.

Exit codes: 0 built; 1 the book failed to build (a wrong derivation step, an
unknown placeholder, a strict-mode warning...); 2 a bad setting or argument.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from gdbook.settings import SETTINGS_ENV, SettingsError, load


def _root(arg: str | None) -> Path:
    root = Path(arg or ".").resolve()
    if not (root / "mkdocs.yml").is_file():
        raise SettingsError(f"--root '{root}' holds no mkdocs.yml: run gdbook from the project folder or pass --root")
    return root


def _settings(args: argparse.Namespace, root: Path) -> None:
    path = args.settings or os.environ.get(SETTINGS_ENV) or str(root / "pyproject.toml")
    load(path)  # validate before anything is built or touched
    os.environ[SETTINGS_ENV] = str(Path(path).resolve())


def cmd_build(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    root = _root(args.root)
    _settings(args, root)
    if args.no_cache:
        os.environ["GDBOOK_NO_CACHE"] = "1"
    t_settings = time.perf_counter() - t0
    from mkdocs.exceptions import MkDocsException

    from gdbook import publish

    site = Path(args.site_dir) if args.site_dir else root / "site"
    try:
        timings = dict(publish.build(root, site, quiet=args.quiet))
    except MkDocsException as e:
        print(f"gdbook: build failed, {site} left as it was: {e}", file=sys.stderr)
        return 1
    from gdbook import mkdocs_events

    gen = mkdocs_events.generated()
    render_s = mkdocs_events._state.get("render_seconds", 0.0)
    pages = sum(1 for p in site.rglob("*.html") if p.name != "404.html")
    stages = [("settings", t_settings, f"validated {os.environ[SETTINGS_ENV]}"), *gen.timings,
              ("render", render_s, "page templates filled with computed values"),
              ("mkdocs", timings["mkdocs"] - render_s - sum(s for _, s, _ in gen.timings),
               f"{pages} pages: markdown to HTML, theme, search index"),
              ("publish", timings["publish"], f"swapped into {site}")]
    total = time.perf_counter() - t0
    if args.report:
        report = {**gen.report(), "stages": [{"stage": st, "seconds": round(sec, 4), "detail": d}
                                             for st, sec, d in stages],
                  "pages": pages, "total_seconds": round(total, 4), "site": str(site)}
        from gdbook.outputs import write_atomic

        write_atomic(Path(args.report), json.dumps(report, indent=1) + "\n")
    if not args.quiet:
        print("gdbook build summary", file=sys.stderr)
        for stage, seconds, detail in stages:
            print(f"  {stage:<10} {seconds:7.2f} s  {detail}", file=sys.stderr)
        redone = ", ".join(gen.computed) or "none"
        redrawn = ", ".join(gen.drawn) or "none"
        print(f"  {'total':<10} {total:7.2f} s  {len(gen.sections)} sections (recomputed: {redone}); "
              f"{len(gen.figures)} figures (redrawn: {redrawn}); {pages} pages", file=sys.stderr)
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    root = _root(args.root)
    _settings(args, root)
    from mkdocs.exceptions import MkDocsException

    from gdbook import publish

    publish.setup_logging(quiet=args.quiet)
    try:
        info = publish.render_to(root, Path(args.out))
    except MkDocsException as e:
        print(f"gdbook: render failed: {e}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"gdbook: {info['pages']} pages rendered to {info['docs']}; "
              f"bare build: mkdocs build -f {info['config']}", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    root = _root(args.root)
    _settings(args, root)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.serve import serve

    from gdbook.publish import setup_logging

    setup_logging(quiet=False)
    serve(str(root / "mkdocs.yml"), dev_addr=args.dev_addr, livereload=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gdbook", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, fn, help_ in (("build", cmd_build, "build the site strictly into site/"),
                            ("serve", cmd_serve, "serve the book with live reload"),
                            ("render", cmd_render, "render the pages to markdown for a bare mkdocs build")):
        p = sub.add_parser(name, help=help_)
        p.add_argument("--settings", help="TOML file with the book's settings (default: [tool.gdbook] in pyproject.toml)")
        p.add_argument("--root", help="project folder (default: the current folder)")
        p.set_defaults(fn=fn)
    b = sub.choices["build"]
    b.add_argument("--site-dir", help="where to publish the site (default: site/)")
    b.add_argument("--quiet", action="store_true", help="print only warnings and errors")
    b.add_argument("--no-cache", action="store_true", help="recompute everything, ignoring the cache")
    b.add_argument("--report", help="also write what the build did (stages, recomputed sections, redrawn figures) as JSON here")
    r = sub.choices["render"]
    r.add_argument("--out", required=True, help="folder for docs/ (rendered pages, generated files) and a bare mkdocs.yml")
    r.add_argument("--quiet", action="store_true", help="print only warnings and errors")
    sub.choices["serve"].add_argument("-a", "--dev-addr", default="127.0.0.1:8000", help="address to serve on")
    args = parser.parse_args(argv)
    try:
        return args.fn(args)
    except SettingsError as e:
        print(f"gdbook: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
