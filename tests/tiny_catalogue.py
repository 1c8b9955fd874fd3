"""A valid catalogue of one dataset and one standard, as text: the tests that edit a
standards folder line by line (``compliance validate``) and the fuzz that mutates one
start from it."""

DS = "datasets/claims.yaml"
DATASET = """\
name: claims
title: Benefit claims (a tiny extract declaration for tests)
files: extracts/claims.csv
key: [claim_id]
columns:
  claim_id:     {header: Claim ID, required: true}
  benefit_type: {header: Benefit Type, type: category, values: [Pension, Disability]}
  region:       {header: Region, type: category, values: [North, South]}
  lodged_date:  {header: Lodged Date, type: date, format: "%d/%m/%Y", required: true}
  decided_date: {header: Decided Date, type: date, format: "%d/%m/%Y"}
"""
# Line numbers used below: 3 statement, 4 attribute, 6 dataset, 7 population,
# 10 from, 11 to, 12 limit (keys at column 5), 14 segments ('region' at column 12),
# 15 target, 16 at_least, 17 warning_below (keys at column 3).
STD = "benefits/BEN-01.yaml"
STANDARD = """\
id: BEN-01
title: Claims decided within 28 days
statement: We decide 80% of claims within 28 days.
attribute: timeliness
owner: Benefits
dataset: claims
population: benefit_type = 'Pension'
measure:
  share_within:
    from: lodged_date
    to: decided_date
    limit: 28 days
period: {kind: month, by: decided_date}
segments: [region]
target:
  at_least: 80%
  warning_below: 82%
"""
