"""Tables come in a box of their own (gdbook.book.tables): the theme's script then restyles that box, not the article."""

import re

from gdbook.book.tables import OPEN, wrap


def test_outermost_classless_tables_are_boxed_once():
    html = ('<p>a</p>\n<table>\n<tr><td><table class="x"><tr><td>1</td></tr></table></td></tr>\n</table>\n'
            '<table class="dataframe"><tr><td>2</td></tr></table>\n<TABLE style="width: 1px"><tr></tr></TABLE>')
    out = wrap(html)
    assert out.count(OPEN) == 2  # the outer class-less table and the styled one; not the nested, not the dataframe
    assert out.startswith('<p>a</p>\n<div class="gd-table"><table>\n') and "</table>\n</table></div>" not in out
    assert re.search(r"</table>\n</table></div>|</td></tr>\n</table></div>", out)
    assert out.endswith('<div class="gd-table"><TABLE style="width: 1px"><tr></tr></TABLE></div>')
    assert wrap(out) == out  # a boxed table is not boxed again
    assert wrap("<p>no table</p>") == "<p>no table</p>"


def test_every_table_of_the_book_is_boxed(built_site):
    for page in built_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        bare = [m.start() for m in re.finditer(r"<table>", text) if not text[:m.start()].endswith(OPEN)]
        nested = sum(1 for _ in re.finditer(r"<td[^>]*>\s*<table>", text))
        assert len(bare) <= nested, (page.relative_to(built_site).as_posix(), len(bare))
