"""Checks on what a standard is meant to become: improvement goals, initiatives, demand.

Each returns problems positioned at the YAML key that caused them.
"""

from __future__ import annotations

from engine import calendar, expr
from engine.load.yamlsafe import Located
from engine.model.catalogue import Catalogue
from engine.model.dataset import ColumnType, Dataset
from engine.model.improvement import Initiatives
from engine.model.standard import Standard
from engine.problems import Problem, unknown_name_hint


def check_improvement(std: Standard, doc: Located, fiscal_start: int) -> list[Problem]:
    goal = std.improvement
    if goal is None:
        return []
    at = ("improvement", "baseline", "period")
    try:
        _, last = calendar.label_range(goal.baseline.period,
                                       calendar.fiscal_start_month(std.period, fiscal_start))
    except ValueError as err:
        return [doc.problem(at, str(err))]
    out = []
    if goal.goal.by <= last:
        out.append(doc.problem(("improvement", "goal", "by"), f"the goal's date {goal.goal.by} "
                               f"is not after the baseline period {goal.baseline.period}",
                               "the path runs from the end of the baseline period to the goal"))
    for i, m in enumerate(goal.milestones):
        if m.by <= last:
            out.append(doc.problem(("improvement", "milestones", i, "by"),
                                   f"milestone {m.by} is not after the baseline period "
                                   f"{goal.baseline.period}"))
    return out


def check_demand(ds: Dataset, doc: Located) -> list[Problem]:
    demand = ds.demand
    if demand is None:
        return []
    types = ds.column_types()
    out = []
    if demand.by not in types:
        out.append(doc.problem(("demand", "by"), f"unknown column '{demand.by}'",
                               unknown_name_hint(demand.by, types, "columns")))
    elif types[demand.by] not in (ColumnType.date, ColumnType.datetime):
        out.append(doc.problem(("demand", "by"), f"'{demand.by}' is a "
                               f"{types[demand.by].value} column, but demand.by needs a date "
                               "or datetime column"))
    if demand.count is not None:
        try:
            expr.parse(demand.count, types, want=expr.NUMBER)
        except expr.ExprError as err:
            out.append(doc.problem(("demand", "count"), f"count: {err.message}", err.hint))
    return out


def check_initiatives(plan: Initiatives, doc: Located, catalogue: Catalogue) -> list[Problem]:
    out = []
    for i, initiative in enumerate(plan.initiatives):
        for j, aim in enumerate(initiative.standards):
            at = ("initiatives", i, "standards", j)
            std = catalogue.standards.get(aim.standard)
            if std is None:
                out.append(doc.problem(at, f"unknown standard '{aim.standard}'",
                                       unknown_name_hint(aim.standard, catalogue.standards,
                                                         "standards")))
                continue
            columns = tuple(aim.segment)
            if columns and not any(set(columns) == set(s) for s in std.segment_sets()):
                shown = ", ".join(" × ".join(s) for s in std.segment_sets()[1:]) or "none"
                out.append(doc.problem((*at, "segment"), f"{aim.standard} is not reported "
                                       f"by {' × '.join(columns)}",
                                       f"its segments are: {shown}"))
    return out
