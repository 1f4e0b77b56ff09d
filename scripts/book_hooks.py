"""MkDocs hooks for the notebooks, the About page and the printable book: thin dispatch into gdbook.bookpages.

Listed after scripts/mkdocs_hooks.py in mkdocs.yml, so it sees page templates
already rendered.  The module is looked up at each call, so `mkdocs serve`
uses the current code once gdbook.live has dropped the old modules.
"""

import importlib


def _pages():
    return importlib.import_module("gdbook.bookpages")


def on_files(files, config):
    return _pages().on_files(files, config)


def on_page_markdown(markdown, page, config, files):
    return _pages().on_page_markdown(markdown, page, config, files)


def on_page_content(html, page, config, files):
    return _pages().on_page_content(html, page, config, files)


def on_page_context(context, page, config, nav):
    return _pages().on_page_context(context, page, config, nav)


def on_pre_page(page, config, files):
    return _pages().on_pre_page(page, config, files)
