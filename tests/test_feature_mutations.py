"""The features pin each standard's behaviour: change a rule in a standard's YAML and its
feature fails, until the feature is updated to say what the standard now means.

Each case copies the project to a scratch folder, changes one rule of one standard, and
runs that standard's feature there in a fresh interpreter.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from feature_tree import copy_tree, run_features

# (standards file, rule as written, the change, the feature's file stem)
CHANGES = [
    ("standards/benefits/BEN-01.yaml", "limit: 28 days", "limit: 29 days",
     "ben01_claims_decided_within_28_days"),
    ("standards/benefits/BEN-01.yaml", "{value: 90%, by: 2027-03-31}",
     "{value: 92%, by: 2027-03-31}", "ben01_improvement_goal"),
    ("standards/benefits/PEN-01.yaml", "limit: 30 days", "limit: 31 days",
     "pen01_pensions_paid_within_30_days"),
    ("standards/complaints/CMP-01.yaml", "limit: 2 business days", "limit: 2 days",
     "cmp01_acknowledged_within_2_business_days"),
    ("standards/complaints/CMP-02.yaml", "minimum_sample: 20", "minimum_sample: 25",
     "cmp02_resolved_within_20_business_days"),
    ("standards/contact_centre/CALL-01.yaml", "after: 2 periods", "after: 3 periods",
     "call01_answered_within_10_minutes"),
    ("standards/contact_centre/CALL-02.yaml", "warning_above: 8%", "warning_above: 9%",
     "call02_abandonment"),
    ("standards/clients/SAT-01.yaml", "satisfaction >= 4", "satisfaction >= 3",
     "sat01_clients_satisfied"),
    ("standards/clients/RESP-01.yaml", "when_unknown: exclude", "when_unknown: not_met",
     "resp01_treated_with_respect"),
    ("standards/quality/ACC-01.yaml", "warning_below: 96%", "warning_below: 95.5%",
     "acc01_payments_made_correctly"),
    ("examples/improvement-plan/standards/CALL-10.yaml", "tolerance: 2 points",
     "tolerance: 1 points", "call10_improvement_plan"),
    ("examples/nhs-ae-4hr/standards/AE-4HR.yaml", "numerator: attendances - breaches",
     "numerator: attendances - breaches - breaches", "ae4hr_four_hour_standard"),
    ("examples/boston-311/standards/BOS-311.yaml", "open_cases: count_when_overdue",
     "open_cases: exclude", "bos311_resolved_by_sla_deadline"),
    ("examples/gc-service-standards/standards/GC-SS.yaml", "decimals: 2", "decimals: 1",
     "gcss_published_service_standards"),
]


@pytest.mark.parametrize(("path", "rule", "changed", "feature"), CHANGES,
                         ids=[f"{c[3].split('_')[0]}: {c[2]}" for c in CHANGES])
def test_a_changed_rule_fails_the_standards_feature(tmp_path: Path, path: str, rule: str,
                                                   changed: str, feature: str) -> None:
    tree = copy_tree(tmp_path, features=True)
    assert any(tree.glob(f"features/**/{feature}.feature")), feature
    standard = tree / path
    text = standard.read_text(encoding="utf-8")
    assert text.count(rule) == 1, f"{rule!r} is not written once in {path}"
    standard.write_text(text.replace(rule, changed), encoding="utf-8")
    done = run_features(tree, "-k", f"test_{feature}__")
    summary = done.stdout.strip().splitlines()[-1]
    assert done.returncode == 1 and " failed" in summary, done.stdout + done.stderr
