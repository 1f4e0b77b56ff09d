"""MkDocs hooks for gdbook: thin dispatch into the package (gdbook.mkdocs_events)."""

from gdbook import live


def on_startup(command, dirty):
    live.call("on_startup", command=command, dirty=dirty)


def on_config(config):
    return live.call("on_config", config)


def on_pre_build(config):
    live.call("on_pre_build", config)


def on_files(files, config):
    return live.call("on_files", files, config)


def on_page_markdown(markdown, page, config, files):
    return live.call("on_page_markdown", markdown, page, config, files)


def on_post_build(config):
    live.call("on_post_build", config)


def on_build_error(error):
    live.call("on_build_error", error)
