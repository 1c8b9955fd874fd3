"""Writing Markdown safely: text from standards and features never turns into markup."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def text(value: object) -> str:
    """Plain text, with every character Markdown would read as markup escaped."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def code(value: object) -> str:
    """Inline code, fenced with enough backticks for what it holds."""
    s = " ".join(str(value).split())
    ticks = "`" * (max((len(m) for m in re.findall(r"`+", s)), default=0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{ticks}{pad}{s}{pad}{ticks}"


def table(heading: Sequence[str], rows: Iterable[Sequence[object]], *,
          raw: bool = False) -> list[str]:
    """A pipe table; cells are escaped unless ``raw`` (already Markdown)."""
    shown = (lambda c: str(c)) if raw else text
    out = ["| " + " | ".join(text(h) for h in heading) + " |",
           "|" + "|".join("---" for _ in heading) + "|"]
    out += ["| " + " | ".join(shown(c) for c in row) + " |" for row in rows]
    return out


def anchor(title: str) -> str:
    """A heading's id as GitHub makes it (lower case, punctuation dropped, spaces to
    dashes); the HTML page gives its headings the same ids."""
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


def docstring(doc: str) -> str:
    """A module docstring (reStructuredText-ish) as Markdown: ``x`` becomes `x`."""
    return re.sub(r"``(.+?)``", lambda m: code(m.group(1)), doc)
