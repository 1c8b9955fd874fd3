"""compliance docs: the standards catalogue in Markdown and HTML, from the YAML and the
feature files."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import browser
import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.docs.features import owner_tag, read_feature, read_features
from engine.docs.markdown import anchor, code, text
from engine.load import load_catalogue
from engine.measure import kinds
from engine.model.policy import KINDS

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs")
    done = runner.invoke(app, ["docs", "--standards", str(ROOT / "standards"),
                               "--features", str(ROOT / "features"), "--out", str(out)])
    assert done.exit_code == 0, done.output
    return out


def test_every_standard_and_its_scenarios_are_in_the_catalogue(built: Path) -> None:
    page = (built / "catalogue.md").read_text(encoding="utf-8")
    catalogue = load_catalogue(ROOT / "standards")
    features, _ = read_features(ROOT / "features")
    for std in catalogue.standards.values():
        heading = f"### {text(std.id + ' ' + std.title)}"
        assert heading in page, heading
        section = page.split(heading, 1)[1].split("\n### ", 1)[0]
        assert text(std.statement) in section
        for f in features:
            if f.standard == std.id:
                for s in f.scenarios:
                    assert f"##### {text(s.name)}" in section, s.name


def test_measure_kinds_are_described_by_their_module_docstrings(built: Path) -> None:
    page = (built / "catalogue.md").read_text(encoding="utf-8")
    kinds_part = page.split("## Measure kinds", 1)[1]
    for name, module in kinds().items():
        first = (module.__doc__ or "").strip().splitlines()[0]
        assert f"### {text(name)}" in kinds_part and text(first) in kinds_part, name


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "a" and found.get("href"):
            self.hrefs.append(str(found["href"]))
        self.scripts += tag == "script"


def test_every_link_in_the_html_lands_on_a_heading(built: Path) -> None:
    links = _Links()
    links.feed((built / "catalogue.html").read_text(encoding="utf-8"))
    inside = [h[1:] for h in links.hrefs if h.startswith("#")]
    assert inside and links.scripts == 0
    assert sorted(set(inside) - links.ids) == []


def docs_with_cmp01(tmp_path: Path, edit: Callable[[str], str]) -> Path:
    """The catalogue built (without features) from a copy of the shipped standards whose
    CMP-01 is ``edit``-ed: the folder it was written to."""
    folder = tmp_path / "standards"
    shutil.copytree(ROOT / "standards", folder, ignore=shutil.ignore_patterns(".compliance"))
    path = folder / "complaints" / "CMP-01.yaml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    features = tmp_path / "features"
    features.mkdir()
    done = runner.invoke(app, ["docs", "--standards", str(folder), "--features", str(features),
                               "--out", str(tmp_path / "out")])
    assert done.exit_code == 0, done.output
    return tmp_path / "out"


def test_text_from_a_standard_never_becomes_markup(tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script> | **bold** [link](http://x) `tick`"
    out = docs_with_cmp01(tmp_path, lambda text: text.replace(
        "We acknowledge 95% of complaints", f"{hostile} We acknowledge 95% of complaints"))
    html = (out / "catalogue.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<strong>bold</strong>" not in html and 'href="http://x"' not in html
    md = (out / "catalogue.md").read_text(encoding="utf-8")
    assert "No worked examples yet" in md  # no features: every standard says so


def test_each_standards_alerts_say_their_next_step_the_policys_action_first(
        tmp_path: Path) -> None:
    out = docs_with_cmp01(tmp_path, lambda text: text + "alerts:\n  case_overdue: "
                          "{action: acknowledge the listed complaints today}\n")
    page = (out / "catalogue.md").read_text(encoding="utf-8")

    def alerts_of(sid: str) -> str:
        section = page.split(f"### {sid} ", 1)[1].split("\n### ", 1)[0]
        return section.split("#### Alerts", 1)[1].split("####", 1)[0]

    cmp01, cmp02 = alerts_of("CMP-01"), alerts_of("CMP-02")
    assert "| Alert | Raised when | Settings | Severity | Next step |" in cmp01
    # The standard's own action, for its own alerts only; the built-in step elsewhere.
    assert "acknowledge the listed complaints today |" in cmp01
    assert "acknowledge the listed complaints today" not in cmp02
    assert f"| {text(KINDS['case_overdue'].STEP)} |" in cmp02
    assert f"| {text(KINDS['breach'].STEP)} |" in cmp01


def test_a_feature_that_is_not_gherkin_is_named_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "bad.feature").write_text(
        "Feature: BEN-01 x\n  Scenario: y\n    Given these claims:\n      | a | b |\n"
        "      | c |\n", encoding="utf-8")
    done = runner.invoke(app, ["docs", "--standards", str(ROOT / "standards"),
                               "--features", str(tmp_path), "--out", str(tmp_path / "out")])
    assert done.exit_code == 2
    assert re.search(r"bad\.feature:5:\d+: this is not valid Gherkin: inconsistent cell "
                     r"count", done.output), done.output
    assert "Traceback" not in done.output and not (tmp_path / "out").exists()


def test_a_missing_features_folder_is_named(tmp_path: Path) -> None:
    done = runner.invoke(app, ["docs", "--standards", str(ROOT / "standards"),
                               "--features", str(tmp_path / "nope")])
    assert done.exit_code == 2 and "there is no features folder here" in done.output


def test_a_feature_reads_as_background_scenarios_and_examples(tmp_path: Path) -> None:
    path = tmp_path / "x.feature"
    path.write_text(
        "@timeliness @owner_pensions\nFeature: PEN-01 Pensions\n  Paid on time.\n\n"
        "  Background:\n    Given the standard PEN-01\n\n"
        "  Scenario Outline: Small quarters\n    Given <n> claims like this:\n"
        "      | Region |\n      | North  |\n    Then PEN-01 is <verdict> for 2025-Q2 overall\n\n"
        "    Examples:\n      | n | verdict |\n      | 1 | met     |\n", encoding="utf-8")
    f = read_feature(path)
    assert (f.standard, f.tags, f.description) == ("PEN-01", ["timeliness", "owner_pensions"],
                                                   "Paid on time.")
    assert f.standards_given() == [("PEN-01", 6)]
    (s,) = f.scenarios
    assert s.steps[0].table == [["Region"], ["North"]]
    assert s.examples == [[["n", "verdict"], ["1", "met"]]]


def test_owner_tags_and_anchors() -> None:
    assert owner_tag("Benefits Processing") == "owner_benefits_processing"
    assert owner_tag("NHS England (each provider)") == "owner_nhs_england"
    assert owner_tag("Treasury Board; each owner_org") == "owner_treasury_board"
    assert anchor("BEN-01 Benefit claims decided within 28 days") == \
        "ben-01-benefit-claims-decided-within-28-days"
    assert code("a `b` c") == "``a `b` c``"


def test_the_catalogue_renders_in_a_browser(built: Path) -> None:
    chromium = browser.find()
    if chromium is None:
        pytest.skip(browser.MISSING)
    dom = browser.dump_dom(chromium, built / "catalogue.html")
    assert "BEN-01 Benefit claims decided within 28 days" in dom
    shot = browser.screenshot(chromium, built / "catalogue.html",
                              ROOT / "build" / "screenshots" / "catalogue.png", 1200, 2400)
    assert shot.stat().st_size > 20_000
