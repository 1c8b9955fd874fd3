"""The public HTML performance statement (engine/report/statement.py) and its chart
geometry (engine/report/chart.py), read back without a browser: html.parser for the page,
ElementTree for each chart's SVG. Figures expected here are written out by hand from the
shipped example's results (README: CMP-01 missed in 2025-06, BEN-01 close to its target
with an improvement goal); the chart geometry is worked out in the comments.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import Any

import pytest

from engine.model.results import Result, RunRecord, Verdict
from engine.report import chart
from engine.report.chart import Goal, Linear, Period
from engine.report.statement import LONG_TABLE, statement_html
from engine.run import Outcome

SVG = "{http://www.w3.org/2000/svg}"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
SVG_VOID = {"line", "path", "circle", "rect"}  # written self-closed in the template


# --- reading the page back -------------------------------------------------------------

@dataclasses.dataclass
class Table:
    caption: str
    rows: list[list[str]]  # cell texts, header cells included

    def row(self, *first: str) -> list[str]:
        """The one row whose leading cells are ``first``."""
        (found,) = [r for r in self.rows if tuple(r[:len(first)]) == first]
        return found


class Page(HTMLParser):
    """Headings, tables (by caption), articles' text, th scopes, and tag balance."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.headings: list[tuple[int, str]] = []
        self.tables: list[Table] = []
        self.th_without_scope = 0
        self.html_lang: str | None = None
        self.meta_viewport = False
        self.text_by_id: dict[str, list[str]] = {}
        self._open_ids: list[tuple[int, str]] = []
        self._heading: list[str] | None = None
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self.feed(html)
        self.close()
        assert not self.stack, f"unclosed elements: {self.stack}"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "meta" and a.get("name") == "viewport":
            self.meta_viewport = True
        if tag in VOID:
            return
        self.stack.append(tag)
        if tag in ("article", "section") and a.get("id"):
            self._open_ids.append((len(self.stack), a["id"] or ""))
            self.text_by_id[a["id"] or ""] = []
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = []
        if tag == "table":
            self.tables.append(Table("", []))
        if tag == "caption":
            self._caption = []
        if tag == "tr":
            self.tables[-1].rows.append([])
        if tag in ("td", "th"):
            self._cell = []
            if tag == "th" and "scope" not in a:
                self.th_without_scope += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID and tag not in SVG_VOID:
            raise AssertionError(f"<{tag}/> self-closed")
        if tag in VOID:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-3:]}"
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append((int(tag[1]), " ".join(" ".join(self._heading).split())))
            self._heading = None
        if tag == "caption" and self._caption is not None:
            self.tables[-1].caption = " ".join(" ".join(self._caption).split())
            self._caption = None
        if tag in ("td", "th") and self._cell is not None and self.tables:
            self.tables[-1].rows[-1].append(" ".join(" ".join(self._cell).split()))
            self._cell = None
        if self._open_ids and self._open_ids[-1][0] == len(self.stack):
            self._open_ids.pop()
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        for part in (self._heading, self._cell, self._caption):
            if part is not None:
                part.append(data)
        for _, name in self._open_ids:
            self.text_by_id[name].append(data)

    def text(self, element_id: str) -> str:
        return " ".join(" ".join(self.text_by_id[element_id]).split())

    def table(self, caption: str) -> Table:
        (found,) = [t for t in self.tables if t.caption == caption]
        return found


def charts(html: str) -> dict[str, ET.Element]:
    """Each chart's SVG, parsed as XML (so it is well-formed), by its id's standard."""
    found = {}
    for block in re.findall(r'<svg class="plot" xmlns=.*?</svg>', html, re.S):
        svg = ET.fromstring(block)
        title = svg.find(f"{SVG}title")
        assert title is not None and title.text
        found[title.text.split()[0]] = svg
    return found


@pytest.fixture(scope="module")
def record(shipped_run: Outcome) -> RunRecord:
    return shipped_run.record


@pytest.fixture(scope="module")
def html(record: RunRecord) -> str:
    return statement_html(record, suppress_below=10)


@pytest.fixture(scope="module")
def page(html: str) -> Page:
    return Page(html)


def replace(record: RunRecord, standard: str, period: str, segment: dict[str, str],
            **update: Any) -> RunRecord:
    """The record with one result changed."""
    results = [r.model_copy(update=update)
               if (r.standard, r.period, r.segment) == (standard, period, segment) else r
               for r in record.results]
    assert results != record.results
    return record.model_copy(update={"results": results})


# --- content ---------------------------------------------------------------------------

def test_header_says_who_what_and_when(record: RunRecord, page: Page) -> None:
    assert page.html_lang == "en" and page.meta_viewport
    h1 = [text for level, text in page.headings if level == 1]
    assert h1 == [record.publication.title]
    top = page.text("overview")
    assert "Standards met, by service attribute" in top
    assert page.tables[0].caption == "Standards met, by service attribute"


def test_headline_counts_the_latest_periods(html: str) -> None:
    assert "Results as of <time datetime=\"2025-06-30\">2025-06-30</time>" in html
    assert "Example Social Security Agency" in html
    # Nine standards; only CMP-01 was missed in its latest period.
    assert "8 of 9 standards met in their latest period" in html


def test_every_standard_has_an_article_under_its_attribute(record: RunRecord,
                                                            page: Page) -> None:
    h3 = [text for level, text in page.headings if level == 3]
    for std in record.standards:
        assert f"{std.id} {std.title}" in h3, std.id  # the id badge, then the title
        article = page.text(f"std-{std.id.lower()}")
        assert std.statement in article
        assert std.id in page.text(f"attr-{std.attribute}")
    glance = page.table("Every standard at a glance")
    assert len(glance.rows) == 1 + len(record.standards)
    assert glance.row("CMP-01 Complaints acknowledged within 2 business days")[1:] == [
        "✘ Not met", "94.8%", "at least 95%", "2025-06"]
    assert glance.row("BEN-01 Benefit claims decided within 28 days")[1:] == [
        "▲ Met, close to target", "85.6%", "at least 85%", "2025-06"]


def test_a_period_not_assessed_says_so(record: RunRecord) -> None:
    record = replace(record, "PEN-01", "2025-Q2", {}, verdict=Verdict.insufficient_data)
    html = statement_html(record, suppress_below=10)
    page = Page(html)
    assert "7 of 9 standards met in their latest period" in html
    glance = page.table("Every standard at a glance")
    assert glance.rows[2][:2] == [
        "PEN-01 New retirement pensions paid within 30 days of entitlement",
        "… Not assessed"]
    assert page.table("Standards met, by service attribute").row("Timeliness")[1:] == [
        "100%", "2", "1", "1", "0", "1", "0"]


def test_headings_are_ordered_and_tables_captioned(page: Page) -> None:
    levels = [level for level, _ in page.headings]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels
    assert page.tables and all(t.caption for t in page.tables)
    assert page.th_without_scope == 0


def test_the_missed_standard_says_why_in_words(page: Page) -> None:
    article = page.text("std-cmp-01")
    assert ("Why this standard was not met. In 2025-06, the result was 94.8% over 155 "
            "cases, against a target of at least 95%: 0.16 points short of the target, so "
            "the standard was not met. To meet the target, 1 more of them would have had to "
            "meet it. It was missed in 1 of the last 6 periods assessed. The result is worse "
            "than 2025-05.") in article
    # The lowest channel in 2025-06: Phone, 37 of 40.
    assert "By channel, Phone had the lowest result: 92.5% over 40 cases (not met)." in article
    assert page.table("CMP-01 by channel, 2025-06").row("Phone") == [
        "Phone", "92.5%", "40", "at least 95%", "✘ Not met"]
    # A standard that met its target has no such paragraph.
    assert "Why this standard was not met" not in page.text("std-ben-01")


def test_verdicts_carry_an_icon_and_words(page: Page) -> None:
    cells = {cell for t in page.tables for row in t.rows[1:] for cell in row}
    assert {"✔ Met", "▲ Met, close to target", "✘ Not met"} <= cells


def test_each_standard_has_a_chart_with_a_text_alternative(record: RunRecord,
                                                          html: str) -> None:
    svgs = charts(html)
    assert set(svgs) == {s.id for s in record.standards}
    for std_id, svg in svgs.items():
        assert svg.get("role") == "img"
        assert svg.get("viewBox", "").startswith("0 0 ")
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert title is not None and desc is not None and desc.text
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert desc.text.startswith(f"Line chart of {std_id} from ")
    ben = svgs["BEN-01"].find(f"{SVG}desc")
    assert ben is not None
    assert ben.text == (
        "Line chart of BEN-01 from 2024-12 to 2025-06: 99.1% in 2024-12, falling to 85.6% in "
        "2025-06; target at least 80% to 2025-03, then at least 85% from 2025-04. Improvement "
        "goal: 90% by 2027-03-31, with the path to it dashed; forecast for 2027-03: 57.3% "
        "(95% interval 0.0% to 100.0%).")


def test_chart_draws_each_period_and_the_goal(html: str) -> None:
    svgs = charts(html)
    cmp01 = svgs["CMP-01"]
    points = cmp01.findall(f"{SVG}g[@class='points']/{SVG}circle")
    assert len(points) == 6  # 2025-01 … 2025-06
    assert [p.findtext(f"{SVG}title") for p in points][-1] == (
        "2025-06: 94.8%, target at least 95%, not met")
    assert cmp01.find(f"{SVG}path[@class='path']") is None  # no improvement goal
    ben = svgs["BEN-01"]
    assert ben.find(f"{SVG}path[@class='target']") is not None
    assert ben.find(f"{SVG}path[@class='path']") is not None
    assert ben.find(f"{SVG}path[@class='goal']") is not None
    assert ben.find(f"{SVG}circle[@class='forecast']") is not None
    # The target steps once, from 80% to 85% on 2025-04-01: one vertical move.
    target = ben.find(f"{SVG}path[@class='target']")
    assert target is not None and target.get("d", "").count("V") == 1


def test_chart_numbers_are_in_a_collapsible_table(page: Page) -> None:
    table = page.table("BEN-01 by period")
    assert [r[0] for r in table.rows[1:]] == ["2024-12", "2025-01", "2025-02", "2025-03",
                                              "2025-04", "2025-05", "2025-06"]
    # Period, result, cases, target, path to the goal (from the baseline's next period).
    assert table.row("2025-06") == ["2025-06", "85.6%", "1,139", "at least 85%", "83.0%",
                                    "▲ Met, close to target"]
    assert table.row("2025-01")[4] == "—"


def test_improvement_goals_table(page: Page) -> None:
    goals = page.table("Progress towards each improvement goal")
    assert [r[:2] for r in goals.rows[1:]] == [
        ["BEN-01", "All"], ["BEN-01", "region East"], ["BEN-01", "region North"],
        ["BEN-01", "region South"], ["BEN-01", "region West"]]
    assert goals.row("BEN-01", "All")[2:] == [
        "81.9% 2025-01", "85.6% 2025-06", "83.0%", "90% by 2027-03-31",
        "57.3% (0.0% to 100.0%) for 2027-03", "✔ On track"]


def test_improvement_plan_example(improvement_run: Outcome) -> None:
    html = statement_html(improvement_run.record, suppress_below=10)
    page = Page(html)
    goals = page.table("Progress towards each improvement goal")
    assert [(r[1], r[-1]) for r in goals.rows[1:]] == [
        ("All", "▲ At risk"), ("centre Halifax", "✔ On track"),
        ("centre Winnipeg", "✘ Off track")]
    assert goals.row("CALL-10", "All")[6] == "78.5% (74.6% to 82.3%) for 2026-03"
    assert "Callback service (from 2024-07-01), CALL-10: improved" in page.text("goals")
    svg = charts(html)["CALL-10"]
    assert len(svg.findall(f"{SVG}g[@class='points']/{SVG}circle")) == 36


def test_scorecard_marks_the_weakest_attribute_in_words(page: Page) -> None:
    score = page.table("Standards met, by service attribute")
    assert score.rows[0] == ["Service attribute", "Share met", "Standards", "Met",
                             "Close to target", "Not met", "Not assessed", "Goals behind"]
    # Responsiveness: CMP-01 missed, CMP-02 met: 1 of 2.
    assert score.row("Responsiveness Weakest")[1:] == ["50%", "2", "1", "0", "1", "0", "0"]
    assert score.row("Access")[1:] == ["100%", "2", "2", "0", "0", "0", "0"]
    assert score.row("Timeliness")[1:] == ["100%", "2", "2", "1", "0", "0", "0"]
    assert [r[0] for r in score.rows if "Weakest" in r[0]] == ["Responsiveness Weakest"]
    assert "Weakest: responsiveness, with 1 of 2 standards assessed met." in page.text(
        "overview")


def test_share_met_of_three(record: RunRecord) -> None:
    """2 of 3 met: 66.7% in words, a bar two thirds long."""
    standards = [s.model_copy(update={"attribute": "responsiveness"}) if s.id == "ACC-01"
                 else s for s in record.standards]
    html = statement_html(record.model_copy(update={"standards": standards}),
                          suppress_below=10)
    score = Page(html).table("Standards met, by service attribute")
    assert score.row("Responsiveness Weakest")[1:3] == ["66.7%", "3"]
    assert '<span style="width: 66.7%"></span>' in html


def test_provenance_without_cases_or_alerts(record: RunRecord, html: str,
                                            page: Page) -> None:
    notes = page.text("notes")
    assert record.run.id in notes and record.run.standards_digest in notes
    files = page.table("Data files used")
    claims = record.datasets[0].files[0]
    assert files.row("claims")[:3] == ["claims", "claims.csv", claims.sha256[:12]]
    assert "79.99% does not meet a target of at least 80%" in notes
    # Alerts name cases and stay internal.
    case_ids = {c["case"] for a in record.alerts for c in a.evidence.get("cases", [])}
    assert case_ids, "the shipped example has case alerts to leak"
    assert not [c for c in case_ids if c in html]
    assert not [a.message for a in record.alerts if a.message in html]
    assert "standards/extracts" not in html  # file names, not the machine's paths


# --- self-contained --------------------------------------------------------------------

def test_self_contained_and_scriptless(html: str) -> None:
    assert not re.search(r"<script", html, re.I)
    assert not re.search(r"\son[a-z]+\s*=", html, re.I)  # no event handlers
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", html, re.I)
    assert not re.search(r"@import|<link\b|<img\b|<iframe\b|<object\b", html, re.I)
    assert all(h.startswith("#") for h in re.findall(r'href="([^"]*)"', html))


def test_text_is_escaped(record: RunRecord) -> None:
    evil = '<script>alert("x")</script> & <b>'
    standards = [s.model_copy(update={"title": evil}) if s.id == "CMP-01" else s
                 for s in record.standards]
    html = statement_html(record.model_copy(update={"standards": standards}),
                          suppress_below=10)
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;" in html
    svg = charts(html)["CMP-01"]  # the chart's title parses, with the text intact
    assert svg.findtext(f"{SVG}title") == f"CMP-01 {evil}: results against the target"


# --- small-number suppression ----------------------------------------------------------

@pytest.fixture(scope="module")
def small(record: RunRecord) -> RunRecord:
    """CMP-01 in 2025-06: the whole population down to 3 of 7 (42.857…%), and the
    'In person' channel down to 5 of 6 (83.33…%)."""
    whole = replace(record, "CMP-01", "2025-06", {}, numerator=3, denominator=7, cases=7,
                    value=300 / 7, value_exact="300/7")
    return replace(whole, "CMP-01", "2025-06", {"channel": "In person"}, numerator=5,
                   denominator=6, cases=6, value=500 / 6, value_exact="250/3")


def test_small_cells_are_suppressed_everywhere(small: RunRecord) -> None:
    html = statement_html(small, suppress_below=10)
    page = Page(html)
    assert "42.9%" not in html and "83.3%" not in html
    article = page.text("std-cmp-01")
    assert "Latest period 2025-06 Result Suppressed" in article
    assert "Cases Suppressed" in article
    # The paragraph gives no figure, and says why.
    assert ("Why this standard was not met. In 2025-06 the standard was not met; fewer than "
            "10 cases, not published.") in article
    assert "orse than 2025-05" not in article  # a trend would hint at the figure
    by_period = page.table("CMP-01 by period")
    assert by_period.row("2025-06")[1:3] == ["Suppressed * (fewer than 10 cases, not "
                                             "published)"] * 2
    assert by_period.row("2025-05")[1:3] == ["97.2%", "141"]
    # The chart leaves the period out, and says so.
    svg = charts(html)["CMP-01"]
    assert len(svg.findall(f"{SVG}g[@class='points']/{SVG}circle")) == 5
    desc = svg.findtext(f"{SVG}desc") or ""
    assert "98.1% in 2025-01, falling to 97.2% in 2025-05" in desc and "1 period not shown" in desc
    glance = page.table("Every standard at a glance")
    assert glance.row("CMP-01 Complaints acknowledged within 2 business days")[1:3] == [
        "✘ Not met", "Suppressed * (fewer than 10 cases, not published)"]


def test_a_lone_small_segment_takes_the_next_smallest_with_it(small: RunRecord) -> None:
    page = Page(statement_html(small, suppress_below=10))
    channels = page.table("CMP-01 by channel, 2025-06")
    withheld = "Suppressed * (fewer than 10 cases, not published)"
    secondary = "Suppressed † (not published, so that a smaller cell cannot be worked out)"
    # In person (6 cases) is below 10; Letter (25) is the smallest of the others.
    assert channels.row("In person")[1:3] == [withheld, withheld]
    assert channels.row("Letter")[1:3] == [secondary, secondary]
    assert channels.row("Online")[1:3] == ["95.7%", "69"]
    assert channels.row("Phone")[1:3] == ["92.5%", "40"]
    # Nor their verdicts, which would say on which side of the target they lie.
    assert channels.row("In person")[-1] == channels.row("Letter")[-1] == "– Suppressed"
    assert channels.row("Phone")[-1] == "✘ Not met"
    # The whole population (7), In person (6) and Letter (25).
    assert "3 figures were withheld in this statement" in page.text("notes")
    assert ("By channel, Phone had the lowest result of those published: 92.5% over 40 "
            "cases (not met).") in page.text("std-cmp-01")


def test_no_trend_from_a_withheld_period(record: RunRecord) -> None:
    """CMP-01's 2025-05 withheld: 'worse than 2025-05' would say it was above 94.8%."""
    small = replace(record, "CMP-01", "2025-05", {}, numerator=6, denominator=7, cases=7,
                    value_exact="600/7")
    article = Page(statement_html(small, suppress_below=10)).text("std-cmp-01")
    assert "In 2025-06, the result was 94.8% over 155 cases" in article
    assert "than 2025-05" not in article
    assert "Trend" not in article.split("Why this standard")[0]


def test_suppress_below_zero_publishes_every_figure(small: RunRecord) -> None:
    html = statement_html(small, suppress_below=0)
    page = Page(html)
    assert "Suppressed" not in " ".join(" ".join(r) for t in page.tables for r in t.rows)
    assert page.table("CMP-01 by channel, 2025-06").row("In person")[1:3] == ["83.3%", "6"]
    assert "42.9%" in page.text("std-cmp-01")
    assert "no small-number suppression was applied" in page.text("notes")


def test_a_withheld_period_withholds_the_forecast(improvement_run: Outcome) -> None:
    """A least-squares forecast is a known sum of the values fitted: with one of them
    withheld, the forecast would give it away."""
    record = replace(improvement_run.record, "CALL-10", "2024-05", {}, cases=5,
                     denominator=5, numerator=4)
    page = Page(statement_html(record, suppress_below=10))
    goals = page.table("Progress towards each improvement goal")
    assert goals.row("CALL-10", "All")[6] == "Suppressed"
    assert goals.row("CALL-10", "centre Halifax")[6] == "79.6% (75.9% to 83.4%) for 2026-03"
    assert "Forecast for 2026-03: 78.5%" not in page.text("std-call-10")
    assert page.table("CALL-10 by period").row("2024-05")[1].startswith("Suppressed")


# --- chart geometry, worked by hand ----------------------------------------------------

def test_linear_scale() -> None:
    y = Linear(0, 100, 228, 12)
    assert y(0) == 228 and y(100) == 12
    assert y(80) == pytest.approx(228 - 0.8 * 216)  # 55.2
    assert Linear(5, 5, 0, 10)(5) == 5  # a single value sits in the middle


@pytest.mark.parametrize(("lo", "hi", "ticks"), [
    (77.4, 99.1, [75, 80, 85, 90, 95, 100]),  # 21.7 / 5 = 4.34 → steps of 5
    (0.3, 0.9, [0.2, 0.4, 0.6, 0.8, 1.0]),  # 0.12 → 0.2, from 0.2 (0.3 is 1.5 steps)
    (94.5, 96.0, [94.5, 95.0, 95.5, 96.0]),  # 0.3 is over 0.25 → 0.5
    (5, 5, [4, 4.5, 5, 5.5, 6]),  # one value: a unit either side, 0.4 → 0.5
    (20, 0, [0, 5, 10, 15, 20]),  # given the wrong way round
])
def test_nice_ticks(lo: float, hi: float, ticks: list[float]) -> None:
    assert chart.nice_ticks(lo, hi) == pytest.approx(ticks)


def test_percent_ticks_stay_within_0_and_100() -> None:
    assert chart.percent_ticks(95, 103) == [95, 96, 97, 98, 99, 100]
    assert chart.percent_ticks(-3, 8) == [0, 2, 4, 6, 8]


def test_paths() -> None:
    assert chart.line_path([(0, 0), (10, 5.25), None, (20, 10), (30, 15)]) == (
        "M0,0 L10,5.2 M20,10 L30,15")  # 5.25 to a tenth (round half to even)
    assert chart.line_path([None, (1, 2), None]) == "M1,2"
    assert chart.step_path([(0, 10, 50), (10, 20, 40), None, (30, 40, 40)]) == (
        "M0,50 H10 V40 H20 M30,40 H40")
    assert chart.step_path([(0, 10, 50), (12, 20, 40)]) == "M0,50 H10 M12,40 H20"
    assert chart.stepped_line([(0, 5), (10, 7), (20, 9)]) == "M0,5 H10 V7 H20 V9"
    assert chart.coord(-0.04) == "0" and chart.coord(3.0) == "3"


JAN = Period("2025-01", dt.date(2025, 1, 1), dt.date(2025, 1, 31), 80.0, 80.0, "Jan")
FEB = Period("2025-02", dt.date(2025, 2, 1), dt.date(2025, 2, 28), 90.0, 85.0, "Feb")


def test_draw_two_months() -> None:
    d = chart.draw([JAN, FEB], "%")
    # Values and targets 80–90, 5% room each side: 79.5–90.5 → ticks of 2.5, 77.5–92.5,
    # drawn from y 210 (bottom: 240 − 30) up to 12 (top): 198 units for 15 points.
    assert [t.label for t in d.y_ticks] == ["77.5%", "80%", "82.5%", "85%", "87.5%", "90%",
                                            "92.5%"]
    assert (d.y_ticks[0].at, d.y_ticks[-1].at) == (210, 12)
    # x: Jan 31 at 52 + 10 = 62, Feb 28 at 480 − 26 − 10 = 444; 382 units for 28 days.
    # y(80) = 210 − 2.5/15·198 = 177; y(90) = 210 − 12.5/15·198 = 45.
    assert d.value_line == "M62,177 L444,45"
    assert [(p.x, p.y, p.note) for p in d.points] == [
        (62, pytest.approx(177), "Jan"), (444, pytest.approx(45), "Feb")]
    # The target holds 80% to Feb 1 (62 + 382/28 = 75.64), then 85% (y 111) to Feb 28.
    assert d.target_line == "M62,177 H75.6 V111 H444"
    assert [(round(t.at), t.label) for t in d.x_ticks] == [(62, "2025-01"), (444, "2025-02")]
    assert d.goal is None and d.path_line == "" and d.band is None


def test_draw_a_gap_and_a_goal() -> None:
    gap = dataclasses.replace(FEB, value=None, note="")
    goal = Goal(path=[(dt.date(2025, 1, 31), 80.0), (dt.date(2025, 12, 31), 95.0)],
                stepped=False, goal=95.0, by=dt.date(2025, 12, 31), note="Goal",
                forecast=88.0, lower=0.0, upper=100.0, forecast_note="Forecast")
    d = chart.draw([JAN, gap], "%", goal)
    # Jan alone, y(80) = 210 − 5/25·198 = 170.4 on the scale below; Feb is a gap.
    assert d.value_line == "M62,170.4"
    assert len(d.points) == 1
    # Levels 80–95 (the interval is left out), with room: 79.25–95.75 → 75–100 by 5.
    assert [t.label for t in d.y_ticks] == ["75%", "80%", "85%", "90%", "95%", "100%"]
    # The goal sits at the right end; Feb 28 is 28/334 of the way, 32 units from Jan 31:
    # too close to label both, so the latest (Feb) keeps its label.
    assert d.goal is not None and d.forecast is not None and d.band is not None
    assert d.goal.x == 444 and d.forecast.x == 444
    assert [t.label for t in d.x_ticks] == ["2025-02", "2025-12"]
    # 100% is the top of the scale; 0% is far below it: cut off, and open at the bottom.
    assert (d.band.top, d.band.bottom) == (12, 210)
    assert not d.band.open_top and d.band.open_bottom and d.band.clipped
    # The path: from (62, y(80)) to the goal (444, y(95)); y(80) = 210 − 5/25·198 = 170.4.
    assert d.path_line == "M62,170.4 L444,51.6"


def test_draw_one_period_spans_it() -> None:
    d = chart.draw([JAN], "%")
    # A lone period runs from its first day (62) to its last (444).
    assert [(round(t.at), t.label) for t in d.x_ticks] == [(444, "2025-01")]
    assert d.target_line.startswith("M62,")
    assert d.points[0].x == 444


def test_draw_wider_keeps_labels_as_far_apart() -> None:
    months = [Period(f"2025-{m:02d}", dt.date(2025, m, 1),
                     dt.date(2025, m + 1, 1) - dt.timedelta(days=1), 80.0, 80.0, "")
              for m in range(1, 12)]
    narrow, wide = chart.draw(months, "%"), chart.draw(months, "%", width=chart.WIDE)
    assert wide.width == chart.WIDE and wide.right == chart.WIDE - chart.RIGHT
    for d in (narrow, wide):
        gaps = [b.at - a.at for a, b in itertools.pairwise(d.x_ticks)]
        assert min(gaps) >= chart.MIN_LABEL_GAP * d.width / chart.WIDTH
        assert d.x_ticks[-1].label == "2025-11"  # the latest is always labelled


def test_rows_of_a_result(record: RunRecord) -> None:
    """The fixture's results are what these tests assume (a guard for the hand-written
    figures above)."""
    by_key: dict[tuple[str, str], Result] = {
        (r.standard, r.period): r for r in record.results if not r.segment}
    cmp01 = by_key[("CMP-01", "2025-06")]
    assert (cmp01.numerator, cmp01.denominator) == (147, 155)


def test_nothing_assessed_is_not_called_all_met(record: RunRecord) -> None:
    unassessed = [r.model_copy(update={"verdict": Verdict.insufficient_data})
                  for r in record.results]
    html = statement_html(record.model_copy(update={"results": unassessed}),
                          suppress_below=10)
    assert "No standard could be assessed in its latest period." in html
    assert "met all the standards assessed" not in html


def test_a_long_breakdown_is_folded_away_and_a_short_one_is_not(record: RunRecord) -> None:
    latest = next(r for r in record.results if r.standard == "CMP-01"
                  and r.period == "2025-06" and r.segment)
    key = next(iter(latest.segment))
    many = [latest.model_copy(update={"segment": {key: f"Office {i:02}"}})
            for i in range(LONG_TABLE + 1)]
    caption = f"CMP-01 by {key.replace('_', ' ')}, 2025-06"
    html = statement_html(record.model_copy(update={"results": [*record.results, *many]}),
                          suppress_below=10)
    rows = LONG_TABLE + 1 + sum(1 for r in record.results if r.standard == "CMP-01"
                                and r.period == "2025-06" and key in r.segment)
    assert f"<summary>{caption} ({rows} rows)</summary>" in html
    plain = statement_html(record, suppress_below=10)
    assert f"<summary>{caption}" not in plain and f"<caption>{caption}</caption>" in plain
