"""The catalogue as one self-contained HTML page, rendered from the same Markdown.

markdown-it-py (CommonMark, with tables) turns the Markdown into HTML with raw HTML
disabled, so nothing written in a standard or a feature becomes markup; headings get the
ids the Markdown's links point at.
"""

from __future__ import annotations

from importlib import resources
from itertools import pairwise

from jinja2 import Environment
from markdown_it import MarkdownIt

from engine.docs.markdown import anchor


def page_html(markdown: str, title: str) -> str:
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = parser.parse(markdown)
    for opening, inline in pairwise(tokens):
        if opening.type == "heading_open":
            words = "".join(c.content for c in inline.children or [] if c.type in (
                "text", "code_inline"))
            opening.attrSet("id", anchor(words))
    body = parser.renderer.render(tokens, parser.options, {})
    folder = resources.files("engine.docs") / "templates"
    template = Environment(autoescape=True).from_string(
        (folder / "catalogue.html.j2").read_text(encoding="utf-8"))
    css = (folder / "catalogue.css").read_text(encoding="utf-8")
    return template.render(title=title, css=css, body=body)
