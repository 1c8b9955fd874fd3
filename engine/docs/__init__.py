"""``compliance docs``: the standards catalogue, in Markdown and HTML.

Read → write: the standards folder (loaded as ``compliance check`` loads it) and the
feature files that specify its standards become ``catalogue.md`` and ``catalogue.html``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from engine.docs.catalogue import catalogue_markdown
from engine.docs.features import read_features
from engine.docs.page import page_html
from engine.load import load_catalogue
from engine.problems import InputError, Problem

__all__ = ["write_docs"]


def write_docs(standards: Path, features: Path, out: Path,
               built: dt.date | None = None) -> list[Path]:
    """Write the catalogue into ``out``; raises :class:`InputError` (exit 2) for an
    invalid standards folder or a feature file that is not valid Gherkin."""
    catalogue = load_catalogue(standards)
    if not features.is_dir():
        raise InputError([Problem(features, "there is no features folder here",
                                  hint="pass --features with the folder of .feature files")])
    found, problems = read_features(features)
    if problems:
        raise InputError(problems)
    text = catalogue_markdown(catalogue, Path(standards), found, built or dt.date.today())
    title = f"{catalogue.settings.institution or 'Service standards'}: standards catalogue"
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "catalogue.md", out / "catalogue.html"]
    written[0].write_text(text, encoding="utf-8")
    written[1].write_text(page_html(text, title), encoding="utf-8")
    return written
