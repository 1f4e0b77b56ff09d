"""MkDocs hooks for the notebooks, the About page and the printable book: thin dispatch into gdbook.bookpages.

Listed after scripts/mkdocs_hooks.py in mkdocs.yml, so it sees page templates
already rendered.  The module is looked up at each call, so `mkdocs serve`
uses the current code once gdbook.live has dropped the old modules.
"""

import importlib

from mkdocs.plugins import CombinedEvent, event_priority


def _pages():
    return importlib.import_module("gdbook.bookpages")


def on_files(files, config):
    return _pages().on_files(files, config)


def on_page_markdown(markdown, page, config, files):
    return _pages().on_page_markdown(markdown, page, config, files)


def on_page_content(html, page, config, files):
    return _pages().on_page_content(html, page, config, files)


@event_priority(50)  # before the search plugin (priority 0) reads page.content
def _index_math_as_text(context, page, config, nav):
    return _pages().index_math_as_text(context, page, config, nav)


@event_priority(-50)  # after the search plugin: the published content back, then the printable book
def _page_context(context, page, config, nav):
    return _pages().on_page_context(context, page, config, nav)


on_page_context = CombinedEvent(_index_math_as_text, _page_context)


def on_pre_build(config):
    _pages().on_pre_build(config)


def on_post_build(config):
    _pages().on_post_build(config)


def on_build_error(error):
    _pages().on_build_error(error)


def on_pre_page(page, config, files):
    return _pages().on_pre_page(page, config, files)
