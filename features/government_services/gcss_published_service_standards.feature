@timeliness @owner_treasury_board_of_canada_secretariat
Feature: GC-SS GC service standards met, each against its own published target (2023-24)
  Each federal service standard names the share of its outputs to be delivered within
  the standard, its own target: a standard is met when the year's volume meeting the
  standard divided by its total volume is at or above that target. The departments have
  already counted: each row of the published file is one standard of one service, with
  its target written as a fraction (0.8 means 80%) and the year's two volumes. Each row
  is judged on its own, identified by its service and its standard together. The file
  covers one fiscal year, April 2023 to March 2024, written "2023-2024" in fiscal_yr; the
  result is labelled FY2023-24, and a row of any other fiscal year is rejected (no more
  than 1% of rows may be). The published performance and target_met are not used. The
  value is rounded to 2 decimals of a percent, half up, before it is compared, as the
  publisher does: 79.995% meets an 80% target. Rows with
  no target (blank or 0, published as NA) are outside the standard; a row with a blank
  volume is left out; a row with a total volume of 0 is not judged. There is no warning
  band and no minimum volume. Open cases do not arise: the volumes are already counted,
  once a year, so no standard can be breached several years running in this file.
  Everyone together is judged only when every row shares one target.

  The file comes once a year, and a year's rows are dated 1 January (1 January 2024 for
  2023-24, 90 days before the year ends), so the data are stale only when that date is
  more than 455 days old: once the following fiscal year has ended too (31 March 2025).

  Background:
    Given the standard GC-SS
    And the extract is dated 2024-03-31

  Scenario: Each standard is held to its own target, read as a fraction
    Both standards delivered 90% of their outputs within the standard.
    Given these service standards:
      | fiscal_yr | service_id | service_standard_id | target | volume_meeting_target | total_volume | owner_org |
      | 2023-2024 | 1003       | 931                 | 0.8    | 900                   | 1000         | esdc-edsc |
      | 2023-2024 | 1003       | 932                 | 0.95   | 900                   | 1000         | esdc-edsc |
    When the compliance check runs
    Then GC-SS is met for FY2023-24 in service_id 1003 and service_standard_id 931 with 90.0% against 80%
    And GC-SS is breached for FY2023-24 in service_id 1003 and service_standard_id 932 with 90.0% against 95%

  Scenario Outline: A standard's year is judged on its volumes against its 80% target
    Given these service standards:
      | fiscal_yr | service_id | service_standard_id | target | volume_meeting_target | total_volume | owner_org |
      | 2023-2024 | 2293       | 3536                | 0.8    | <meeting>             | <total>      | phac-aspc |
    When the compliance check runs
    Then GC-SS counts <meeting> of <total> for FY2023-24 in service_id 2293 and service_standard_id 3536
    And GC-SS is <verdict> for FY2023-24 in service_id 2293 and service_standard_id 3536

    Examples:
      | meeting | total | verdict    |
      | 4700    | 5000  | met        |
      | 4000    | 5000  | met        |
      | 3999    | 5000  | breached   |
      | 0       | 0     | not judged |

  Scenario: A standard can meet its target only because of the publisher's rounding
    79.995% is rounded half up to 80.00% and meets 80%; 79.9945% is rounded to 79.99%
    and does not. Compared exactly, both would be breaches. The breach is counted the
    same way: one more output within the standard (159,990 of 200,000, 79.995%) would
    have met it, not the 11 an exact comparison would need.
    Given these service standards:
      | fiscal_yr | service_id | service_standard_id | target | volume_meeting_target | total_volume | owner_org |
      | 2023-2024 | 2293       | 3536                | 0.8    | 15999                 | 20000        | phac-aspc |
      | 2023-2024 | 2293       | 3537                | 0.8    | 159989                | 200000       | phac-aspc |
    When the compliance check runs
    Then GC-SS is met for FY2023-24 in service_id 2293 and service_standard_id 3536 with 79.995% against 80%
    And GC-SS is breached for FY2023-24 in service_id 2293 and service_standard_id 3537 with 79.9945% against 80%
    And a breach alert is raised for GC-SS in FY2023-24 for service_id 2293 and service_standard_id 3537
    And the alert says "it needed 1 more case meeting the standard"

  Scenario: The same standard reported under two services gives one result for each
    Standard 1104 (CPP and OAS calls) is published once under service 7 and once under
    service 1001.
    Given these service standards:
      | fiscal_yr | service_id | service_standard_id | target | volume_meeting_target | total_volume | owner_org |
      | 2023-2024 | 7          | 1104                | 0.8    | 1924219               | 2787232      | esdc-edsc |
      | 2023-2024 | 1001       | 1104                | 0.8    | 1924219               | 2787232      | esdc-edsc |
    When the compliance check runs
    Then GC-SS is breached for FY2023-24 in service_id 7 and service_standard_id 1104 with 69.04% against 80%
    And GC-SS is breached for FY2023-24 in service_id 1001 and service_standard_id 1104 with 69.04% against 80%
    And GC-SS has no result for FY2023-24 in service_standard_id 1104

  Scenario: Standards with different targets are not judged together
    Given these service standards:
      | fiscal_yr | service_id | service_standard_id | target | volume_meeting_target | total_volume | owner_org |
      | 2023-2024 | 1003       | 931                 | 0.8    | 2376848               | 2751197      | esdc-edsc |
      | 2023-2024 | 1294       | 1239                | 1      | 443563                | 443643       | esdc-edsc |
    When the compliance check runs
    Then GC-SS is met for FY2023-24 in service_id 1003 and service_standard_id 931 with 86.39% against 80%
    And GC-SS is breached for FY2023-24 in service_id 1294 and service_standard_id 1239 with 99.98% against 100%
    And GC-SS is not judged for FY2023-24 overall
    And no equity gap alert is raised for GC-SS

  Scenario: Where every standard shares one target, one trailing the others by more than 5 points raises an equity gap alert
    Given these service standards:
      | fiscal_yr | service_id | service_standard_id | target | volume_meeting_target | total_volume | owner_org |
      | 2023-2024 | 7          | 1104                | 0.8    | 990                   | 1000         | esdc-edsc |
      | 2023-2024 | 1001       | 1105                | 0.8    | 850                   | 1000         | esdc-edsc |
    When the compliance check runs
    Then GC-SS is met for FY2023-24 overall with 92.0% against 80%
    And an equity gap alert is raised for GC-SS in FY2023-24 for service_id 1001 and service_standard_id 1105
    And the alert says "This segment trails the whole population by 7.0 points: 85.0% (850 of 1,000) against 92.0% (1,840 of 2,000) for everyone"

  Scenario: Rows without a target are outside the standard, and rows without a volume are left out
    Given these service standards:
      | fiscal_yr | service_id | service_standard_id | target | volume_meeting_target | total_volume | owner_org |
      | 2023-2024 | 10         | 757                 | 0.8    | 1200                  | 1288         | ircc      |
      | 2023-2024 | 11         | 758                 |        | 853                   | 1288         | ircc      |
      | 2023-2024 | 12         | 759                 | 0      | 853                   | 1288         | ircc      |
      | 2023-2024 | 13         | 760                 | 0.9    |                       | 1288         | ircc      |
    When the compliance check runs
    Then GC-SS leaves out 2 rows as outside population
    And GC-SS leaves out 1 row as missing counts
    And GC-SS has no result for FY2023-24 in service_id 11 and service_standard_id 758
    And GC-SS counts 1200 of 1288 for FY2023-24 overall

  Scenario: More outputs meeting the standard than outputs in total is kept as published
    Given these service standards:
      | fiscal_yr | service_id | service_standard_id | target | volume_meeting_target | total_volume | owner_org |
      | 2023-2024 | 872        | 570                 | 0.95   | 6334                  | 6000         | nrcan-rncan |
    When the compliance check runs
    Then GC-SS is met for FY2023-24 in service_id 872 and service_standard_id 570 with 105.57% against 95%

  Scenario: A standard below its target raises a breach alert
    Given these service standards:
      | fiscal_yr | service_id | service_standard_id | target | volume_meeting_target | total_volume | owner_org |
      | 2023-2024 | 10         | 757                 | 0.8    | 853                   | 1288         | ircc      |
      | 2023-2024 | 1003       | 931                 | 0.8    | 2376848               | 2751197      | esdc-edsc |
    When the compliance check runs
    Then a breach alert is raised for GC-SS in FY2023-24 for service_id 10 and service_standard_id 757
    And the alert says "breach in FY2023-24, service id 10, service standard id 757. 66.2% (853 of 1,288) against a target of at least 80%: 13.8 points below the target"

  Scenario: A row of another fiscal year is rejected, and one such row in a small file stops the check
    One row in two is 50% of the file, far more than the 1% allowed: no result is
    published.
    Given these service standards:
      | fiscal_yr | service_id | service_standard_id | target | volume_meeting_target | total_volume | owner_org |
      | 2023-2024 | 10         | 757                 | 0.8    | 1200                  | 1288         | ircc      |
      | 2022-2023 | 10         | 758                 | 0.8    | 1200                  | 1288         | ircc      |
    When the compliance check runs
    Then the check stops because 1 of 2 rows read were rejected (50.00%), more than max_rejected 1%; results from this extract would mislead
    And the check stops because row 3 (fiscal_yr)

  Scenario Outline: The year's rows are not stale until the following fiscal year has ended
    Given the extract is dated <dated>
    And these service standards:
      | fiscal_yr | service_id | service_standard_id | target | volume_meeting_target | total_volume | owner_org |
      | 2023-2024 | 10         | 757                 | 0.8    | 1200                  | 1288         | ircc      |
    When the compliance check runs
    Then GC-SS is met for FY2023-24 in service_id 10 and service_standard_id 757 with 93.2% against 80%
    And no stale data alert is raised for GC-SS

    Examples:
      | dated      | days old |
      | 2024-03-31 | 90       |
      | 2025-03-31 | 455      |

  Scenario: The day after the following fiscal year has ended, the year's rows are stale
    Given the extract is dated 2025-04-01
    And these service standards:
      | fiscal_yr | service_id | service_standard_id | target | volume_meeting_target | total_volume | owner_org |
      | 2023-2024 | 10         | 757                 | 0.8    | 1200                  | 1288         | ircc      |
    When the compliance check runs
    Then a stale data alert is raised for GC-SS in FY2025-26
    And the alert says "The newest fiscal_yr in the gc_standards extract is 2024-01-01, 456 days before the as-of date 2025-04-01; the alert policy allows 455 days."
