"""The standards catalogue as Markdown: each standard in plain words, then its scenarios.

Everything is read from the standards folder as loaded and from the feature files; the
measure kinds are described by their own module docstrings, the alert kinds by the
policy model's ``WHAT``, so the catalogue cannot say something the engine does not do.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Iterable
from pathlib import Path

from engine.docs import markdown as md
from engine.docs.features import Feature, Scenario, Step, owner_tag
from engine.explain import period_words, segment_words, target_words, verdict_words
from engine.measure import cases, describe_measure, kinds
from engine.model.catalogue import Catalogue
from engine.model.policy import KINDS as ALERT_KINDS
from engine.model.standard import Standard
from engine.report.scorecard import ORDER

WRITE_ONE = ("No worked examples yet: write a feature that names this standard in its "
             "title (step 4 of the README's walkthrough shows how).")


def catalogue_markdown(catalogue: Catalogue, folder: Path, features: list[Feature],
                       built: dt.date) -> str:
    by_standard: dict[str, list[Feature]] = {}
    for f in features:
        if f.standard in catalogue.standards:
            by_standard.setdefault(f.standard, []).append(f)
    stds = sorted(catalogue.standards.values(), key=_order)
    institution = catalogue.settings.institution or "Service standards"
    out = [f"# {md.text(institution)}: service standards catalogue", "",
           f"{len(stds)} standards from {md.code(folder)}, each with the scenarios that "
           f"specify it. Built {built:%d %B %Y}; every scenario shown here runs as a test "
           "against the engine, so the examples are what the engine does.", "",
           "In a worked example, *Given* lists rows as the extract would hold them, *When* "
           "runs the check, and *Then* states what it must find.", "",
           "## Contents", ""]
    for attribute, group in _grouped(stds):
        out.append(f"- **{md.text(attribute.capitalize())}**: " + ", ".join(
            f"[{md.text(s.id)}](#{md.anchor(_heading(s))})" for s in group))
    out.append("- [Measure kinds](#measure-kinds)")
    for attribute, group in _grouped(stds):
        out += ["", f"## {md.text(attribute.capitalize())}"]
        for std in group:
            out += ["", *_standard(catalogue, std, by_standard.get(std.id, []), folder)]
    out += ["", "## Measure kinds", "",
            "How each kind of measure counts, in the words of the module that computes it.", ""]
    used = {s.measure.kind for s in stds}
    for name, module in sorted(kinds().items(), key=lambda k: (k[0] not in used, k[0])):
        doc = inspect.getdoc(module) or ""
        first, _, rest = doc.partition("\n")
        out += [f"### {md.text(name)}", "", f"**{md.text(first.strip())}**", "",
                md.docstring(rest.strip()), ""]
    return "\n".join(out).rstrip() + "\n"


def _order(std: Standard) -> tuple[int, str]:
    a = std.attribute.value
    return (ORDER.index(a) if a in ORDER else len(ORDER), std.id)


def _grouped(stds: list[Standard]) -> Iterable[tuple[str, list[Standard]]]:
    groups: dict[str, list[Standard]] = {}
    for s in stds:
        groups.setdefault(s.attribute.value, []).append(s)
    return groups.items()


def _heading(std: Standard) -> str:
    return f"{std.id} {std.title}"


def _standard(catalogue: Catalogue, std: Standard, features: list[Feature],
              folder: Path) -> list[str]:
    ds = catalogue.datasets[std.dataset]
    source = catalogue.source_of(std)
    version = f"version {md.text(std.version)}, " if std.version else ""
    facts = [
        ("Owner", md.text(std.owner)),
        ("Service attribute", md.text(std.attribute.value)),
        ("What is measured", md.text(describe_measure(std)) + f" ({_kind_link(std)})"),
        ("Which cases", md.code(std.population) if std.population else
         "every row of the extract"),
        ("Periods", md.text(period_words(std, catalogue))),
        ("Broken down by", md.text(segment_words(std))),
        ("Verdicts", md.text(verdict_words(std))),
        ("Data", f"{md.text(ds.title)} ({md.code(ds.name)})"),
        ("Source", f"{md.code(_relative(source.path, folder))}, {version}"
                   f"sha256 {md.code(source.sha256[:12])}"),
        ("Tags", " ".join(md.code("@" + t) for t in (std.attribute.value,
                                                      owner_tag(std.owner)))),
    ]
    out = [f"### {md.text(_heading(std))}", "", f"> {md.text(std.statement)}", "",
           *md.table(["Key facts", ""], facts, raw=True), "", "#### Target", "",
           *(f"- {md.text(target_words(i, step, std))}" for i, step in enumerate(std.target))]
    if std.improvement is not None:
        out += ["", "#### Improvement goal", "", *_improvement(std)]
    out += ["", "#### Alerts", "", *md.table(
        ["Alert", "Raised when", "Settings", "Severity", "Next step"],
        ([k.replace("_", " "), ALERT_KINDS[k].WHAT, _settings(rule.model_dump(mode="json")),
          rule.severity.value, rule.action or ALERT_KINDS[k].STEP]
         for k, rule in catalogue.policy_for(std).items() if _applies(k, std)))]
    out += ["", "#### Worked examples", ""]
    if not features:
        return [*out, WRITE_ONE]
    for f in features:
        out += _feature(f, folder)
    return out


def _kind_link(std: Standard) -> str:
    return f"[{md.text(std.measure.kind)}](#{md.anchor(std.measure.kind)})"


def _relative(path: Path, folder: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(folder.resolve().parent))
    except ValueError:
        return str(path)


UNITS = {"after": "periods", "within": "days", "older_than": "days", "more_than": "points"}


def _applies(kind: str, std: Standard) -> bool:
    """Case alerts need a deadline; trajectory alerts an improvement goal."""
    if kind in ("case_overdue", "case_at_risk"):
        return cases.supports(kinds()[std.measure.kind])
    return kind != "off_trajectory" or std.improvement is not None


def _settings(rule: dict[str, object]) -> str:
    shown = {k: v for k, v in rule.items() if k not in ("severity", "enabled", "action")}
    return ", ".join(f"{k.replace('_', ' ')} {str(v).replace('_', ' ')} {UNITS.get(k, '')}"
                     .strip() for k, v in shown.items()) or "–"


def _improvement(std: Standard) -> list[str]:
    imp = std.improvement
    assert imp is not None
    base = imp.baseline
    baseline = (f"{base.value} (published, {base.period})" if base.value is not None
                else f"computed from {base.period}")
    out = [f"- Baseline: {md.text(baseline)}",
           f"- Goal: {md.text(imp.goal.value)} by {imp.goal.by:%d %B %Y}",
           *(f"- Milestone: {md.text(m.value)} by {m.by:%d %B %Y}" for m in imp.milestones),
           f"- Path: {md.text(imp.path.value)}, with a tolerance of {imp.tolerance} points"]
    return out


def _feature(f: Feature, folder: Path) -> list[str]:
    out = [f"From {md.code(_relative(f.path, folder))}:", ""]
    out += [line for p in f.description.split("\n\n") if p for line in (md.text(p), "")]
    if f.background:
        out += ["Every scenario starts from: " + "; ".join(
            f"**{s.keyword}** {md.text(s.text)}" for s in f.background) + ".", ""]
    for s in f.scenarios:
        out += _scenario(s)
    return out


def _scenario(s: Scenario) -> list[str]:
    out = [f"##### {md.text(s.name)}", ""]
    out += [line for p in s.description.split("\n\n") if p for line in (md.text(p), "")]
    for step in s.steps:
        out += _step(step)
    for examples in s.examples:
        out += ["", "Examples:", "", *md.table(examples[0], examples[1:])]
    return [*out, ""]


def _step(step: Step) -> list[str]:
    line = f"- **{step.keyword}** {md.text(step.text)}"
    if step.table is None:
        return [line]
    return [line, "", *("  " + row for row in md.table(step.table[0], step.table[1:])), ""]
