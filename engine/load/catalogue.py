"""A standards folder → :class:`Catalogue`, or every problem in it at once.

Layout of a standards folder::

    catalogue.yaml        optional settings: institution, calendar, fiscal year, as-of date
    alert-policy.yaml     optional alert rules and notifications (engine/model/policy.py)
    initiatives.yaml      optional quality initiatives whose impact is measured
    datasets/*.yaml       one dataset (extract declaration) per file
    **/*.yaml             every other YAML file is one standard
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError

from engine.load.checks import check_dataset, check_settings, check_standard
from engine.load.errors import problems_from
from engine.load.plans import check_demand, check_improvement, check_initiatives
from engine.load.yamlsafe import Located, parse_yaml, read_bounded
from engine.model.catalogue import Catalogue, Settings, Source
from engine.model.dataset import Dataset
from engine.model.improvement import Initiatives
from engine.model.policy import AlertPolicy
from engine.model.standard import Measure, Standard
from engine.problems import InputError, Problem, unknown_name_hint

SETTINGS_FILE = "catalogue.yaml"
POLICY_FILE = "alert-policy.yaml"
INITIATIVES_FILE = "initiatives.yaml"
DATASETS_DIR = "datasets"
_SKIP_DIRS = {"extracts", "out", "node_modules"}

M = TypeVar("M", bound=BaseModel)


def standard_files(root: Path) -> tuple[list[Path], list[Path]]:
    """(dataset files, standard files) under ``root``, sorted for a stable order."""
    datasets, standards = [], []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.suffix not in (".yaml", ".yml") or not path.is_file():
            continue
        if any(p.startswith(".") or p in _SKIP_DIRS for p in rel.parts[:-1]):
            continue
        if rel.parts[0] == DATASETS_DIR:
            datasets.append(path)
        elif rel.as_posix() not in (SETTINGS_FILE, POLICY_FILE, INITIATIVES_FILE):
            standards.append(path)
    return datasets, standards


def load_catalogue(root: Path | str) -> Catalogue:
    """Load and check a standards folder. Raises :class:`InputError` with every problem."""
    root = Path(root)
    if not root.is_dir():
        raise InputError([Problem(root, "no such standards folder",
                                  hint="give --standards the folder holding your YAML files")])
    problems: list[Problem] = []
    shown = _display_base(root)
    digests: list[tuple[str, str]] = []

    def parse(path: Path, model: type[M]) -> tuple[M | None, Located | None]:
        display = shown / path.relative_to(root)
        raw, found = read_bounded(path, display)
        # Hashed from the bytes parsed: a file is read once, and never past MAX_BYTES.
        digests.append((path.relative_to(root).as_posix(),
                        hashlib.sha256(raw or b"").hexdigest()))
        doc, more = parse_yaml(raw, display) if raw is not None else (None, [])
        found += more
        problems.extend(found)
        if doc is None or found:
            return None, doc
        if not isinstance(doc.value, dict):
            problems.append(doc.problem((), "the file must be a mapping of keys to values"))
            return None, doc
        try:
            return model.model_validate(doc.value, context=_context(doc.value)), doc
        except ValidationError as exc:
            problems.extend(problems_from(exc, doc, model))
            return None, doc

    settings = Settings()
    settings_path = root / SETTINGS_FILE
    if settings_path.exists():
        parsed, doc = parse(settings_path, Settings)
        if parsed is not None and doc is not None:
            settings = parsed
            problems.extend(check_settings(settings, doc))

    policy, catalogue_sources = AlertPolicy(), {}
    if (root / POLICY_FILE).exists():
        parsed_policy, doc = parse(root / POLICY_FILE, AlertPolicy)
        if parsed_policy is not None and doc is not None:
            policy = parsed_policy
            catalogue_sources = {"policy": Source(doc.path, digests[-1][1])}

    dataset_files, std_files = standard_files(root)
    catalogue = Catalogue(root=root, settings=settings, policy=policy,
                          sources=catalogue_sources)

    def register(kind: str, name: str, doc: Located) -> bool:
        """Record where ``name`` came from; False (with a problem) if it is taken."""
        key = f"{kind}:{name}"
        if key in catalogue.sources:
            problems.append(doc.problem(("name",) if kind == "dataset" else ("id",),
                                        f"{kind} '{name}' is already defined in "
                                        f"{catalogue.sources[key].path}",
                                        f"give each {kind} its own "
                                        f"{'name' if kind == 'dataset' else 'id'}"))
            return False
        catalogue.sources[key] = Source(doc.path, digests[-1][1])
        return True

    for path in dataset_files:
        ds, doc = parse(path, Dataset)
        if ds is None or doc is None or not register("dataset", ds.name, doc):
            continue
        problems.extend(check_dataset(ds, doc, root))
        problems.extend(check_demand(ds, doc))
        catalogue.datasets[ds.name] = ds

    for path in std_files:
        std, doc = parse(path, Standard)
        if doc is None or not isinstance(doc.value, dict):
            continue
        raw = doc.value
        name = raw.get("dataset")
        dataset = catalogue.datasets.get(name) if isinstance(name, str) else None
        if dataset is not None:
            problems.extend(check_standard(raw, dataset, doc))
        elif isinstance(name, str) and not any(_declares(d, name) for d in dataset_files):
            problems.append(doc.problem(("dataset",), f"unknown dataset '{name}'",
                                        unknown_name_hint(name, catalogue.datasets, "datasets")))
        if std is not None and register("standard", std.id, doc):
            catalogue.standards[std.id] = std
            problems.extend(check_improvement(std, doc, settings.fiscal_year_start))

    if (root / INITIATIVES_FILE).exists():
        plan, doc = parse(root / INITIATIVES_FILE, Initiatives)
        if plan is not None and doc is not None:
            problems.extend(check_initiatives(plan, doc, catalogue))
            catalogue.initiatives = plan.initiatives
            catalogue.sources["initiatives"] = Source(doc.path, digests[-1][1])

    if not std_files and not problems:
        problems.append(Problem(shown, "no standards found",
                                hint="each standard is a .yaml file in this folder"))
    if problems:
        raise InputError(problems, exit_code=2)
    catalogue.digest = hashlib.sha256(
        "".join(f"{name}\0{digest}\n" for name, digest in sorted(digests)).encode()
    ).hexdigest()
    return catalogue


def _declares(path: Path, name: str) -> bool:
    """Whether a dataset file that failed to load was meant to declare ``name``.

    Avoids a second, misleading 'unknown dataset' for standards that use it.
    """
    return path.stem == name


def _display_base(root: Path) -> Path:
    """Show paths relative to the working directory when they are below it."""
    try:
        return root.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return root




def _context(raw: dict[str, Any]) -> dict[str, Any]:
    """What field validators may know of the rest of a standard: whether its measure gives a
    percentage (so a target level in the wrong unit is reported at its own key)."""
    measure = raw.get("measure")
    if not isinstance(measure, dict) or len(measure) != 1:
        return {}
    spec = Measure.model_fields.get(next(iter(measure)))
    if spec is None:
        return {}
    kind = next(a for a in get_args(spec.annotation) if a is not type(None))
    return {"percent": kind.RESULT == "percent"}
