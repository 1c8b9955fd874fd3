@timeliness @owner_nhs_england
Feature: AE-4HR A&E patients admitted, transferred or discharged within 4 hours
  95% of patients attending A&E are admitted, transferred or discharged within 4 hours
  of arrival (the NHS England 4-hour standard). The providers have already counted: each
  row is one provider (org_code) and department type in one month, with its attendances
  and its breaches (patients who spent more than 4 hours). Patients seen within 4 hours
  are attendances minus breaches, added up over all the rows before dividing, so a busy
  department weighs more than a quiet one. A row counts in the month of its period date
  (the month's first day). Each month is judged for England (everyone), for each
  department type (1, 2 or other) and for each provider: two separate breakdowns, never
  crossed. The target is at least 95%, compared exactly: no rounding, no warning band and
  no minimum number of attendances, so any month with an attendance is judged.
  Open cases do not arise: the rows are counts of patients already seen. Both counts must
  be given: a row with a blank count, or with more breaches than attendances, is
  rejected, and as no more than 0.1% of rows may be rejected, one such row in a small
  extract stops the check.

  Since August 2017 NHS England publishes a month's figures on the second Thursday of the
  month after, and each row is dated on its month's first day, so a newest month up to
  74 days old is normal: the data are stale only when the newest month is more than 75
  days old. A run on the last day of a month with that month's rows (30 days old) is not
  stale.

  Background:
    Given the standard AE-4HR
    And the extract is dated 2019-03-31

  Scenario Outline: A month is judged on its exact share of patients seen within 4 hours
    Given these attendance rows:
      | period     | org_code | type | attendances   | breaches   |
      | 2019-03-01 | RF4      | 1    | <attendances> | <breaches> |
    When the compliance check runs
    Then AE-4HR counts <within 4 hours> of <attendances> for 2019-03 in org_code RF4
    And AE-4HR is <verdict> for 2019-03 in org_code RF4

    Examples:
      | attendances | breaches | within 4 hours | verdict    |
      | 2000        | 60       | 1940           | met        |
      | 2000        | 100      | 1900           | met        |
      | 2000        | 101      | 1899           | breached   |
      | 0           | 0        | 0              | not judged |

  Scenario: Exactly 95% meets the standard, and 94.999% is a breach: the figure is never rounded up
    Given these attendance rows:
      | period     | org_code | type | attendances | breaches |
      | 2019-03-01 | RF4      | 1    | 2000        | 100      |
      | 2019-03-01 | RQM      | 1    | 100000      | 5001     |
    When the compliance check runs
    Then AE-4HR is met for 2019-03 in org_code RF4 with 95.0% against 95%
    And AE-4HR is breached for 2019-03 in org_code RQM with 94.999% against 95%

  Scenario: England's figure adds up every provider's patients before dividing, never averaging their percentages
    RF4 sees 90% within 4 hours and RQM 99%: the average of the two would be 94.5%, a
    breach, but RQM saw nine times as many patients.
    Given these attendance rows:
      | period     | org_code | type  | attendances | breaches |
      | 2019-03-01 | RF4      | 1     | 1000        | 100      |
      | 2019-03-01 | RQM      | other | 9000        | 90       |
    When the compliance check runs
    Then AE-4HR is breached for 2019-03 in org_code RF4 with 90.0% against 95%
    And AE-4HR is met for 2019-03 in org_code RQM with 99.0% against 95%
    And AE-4HR is met for 2019-03 overall with 98.1% against 95%
    And AE-4HR counts 9810 of 10000 for 2019-03 overall

  Scenario: Each department type and each provider is judged on its own, but the two are never crossed
    Given these attendance rows:
      | period     | org_code | type  | attendances | breaches |
      | 2019-03-01 | RF4      | 1     | 1000        | 100      |
      | 2019-03-01 | RF4      | other | 3000        | 20       |
      | 2019-03-01 | RQM      | 1     | 6000        | 70       |
    When the compliance check runs
    Then AE-4HR counts 6830 of 7000 for 2019-03 in type 1
    And AE-4HR counts 2980 of 3000 for 2019-03 in type other
    And AE-4HR counts 3880 of 4000 for 2019-03 in org_code RF4
    And AE-4HR counts 5930 of 6000 for 2019-03 in org_code RQM
    And AE-4HR counts 9810 of 10000 for 2019-03 overall
    And AE-4HR has no result for 2019-03 in type 1 and org_code RF4

  Scenario: A row counts in the month of its period date
    Given these attendance rows:
      | period     | org_code | type | attendances | breaches |
      | 2019-02-01 | RF4      | 1    | 1000        | 40       |
      | 2019-03-01 | RF4      | 1    | 1000        | 70       |
    When the compliance check runs
    Then AE-4HR is met for 2019-02 overall with 96.0% against 95%
    And AE-4HR is breached for 2019-03 overall with 93.0% against 95%
    And AE-4HR has no result for 2019-04 overall

  Scenario: A month below 95% raises a breach alert for England, the department type and the provider
    Given these attendance rows:
      | period     | org_code | type | attendances | breaches |
      | 2019-03-01 | RF4      | 1    | 1000        | 60       |
    When the compliance check runs
    Then a breach alert is raised for AE-4HR in 2019-03 overall
    And a breach alert is raised for AE-4HR in 2019-03 for type 1
    And a breach alert is raised for AE-4HR in 2019-03 for org_code RF4
    And the alert says "94.0% (940 of 1,000) against a target of at least 95%: 1.0 points below the target; it needed 10 more cases meeting the standard."
    And no escalation alert is raised for AE-4HR

  Scenario: A provider below 95% for three months running is escalated
    Given these attendance rows:
      | period     | org_code | type  | attendances | breaches |
      | 2019-01-01 | RF4      | 1     | 1000        | 100      |
      | 2019-02-01 | RF4      | 1     | 1000        | 100      |
      | 2019-03-01 | RF4      | 1     | 1000        | 100      |
      | 2019-03-01 | RQM      | other | 9000        | 90       |
    When the compliance check runs
    Then AE-4HR is met for 2019-03 overall with 98.1% against 95%
    And an escalation alert is raised for AE-4HR in 2019-03 for org_code RF4
    And the alert says "Escalation: breached for 3 consecutive periods (2019-01 to 2019-03)."
    And an escalation alert is raised for AE-4HR in 2019-03 for type 1

  Scenario: A provider trailing England by more than 5 points raises an equity gap alert
    England meets the standard, but RF4's major A&E is 8.1 points behind everyone.
    Given these attendance rows:
      | period     | org_code | type  | attendances | breaches |
      | 2019-03-01 | RF4      | 1     | 1000        | 100      |
      | 2019-03-01 | RQM      | other | 9000        | 90       |
    When the compliance check runs
    Then an equity gap alert is raised for AE-4HR in 2019-03 for org_code RF4
    And the alert says "This segment trails the whole population by 8.1 points: 90.0% (900 of 1,000) against 98.1% (9,810 of 10,000) for everyone, more than the 5 points the alert policy allows."
    And an equity gap alert is raised for AE-4HR in 2019-03 for type 1

  Scenario: A provider trailing England by exactly 5 points raises no equity gap alert
    Given these attendance rows:
      | period     | org_code | type  | attendances | breaches |
      | 2019-03-01 | RF4      | 1     | 1000        | 110      |
      | 2019-03-01 | RQM      | other | 2000        | 70       |
    When the compliance check runs
    Then AE-4HR is breached for 2019-03 overall with 94.0% against 95%
    And AE-4HR is breached for 2019-03 in org_code RF4 with 89.0% against 95%
    And no equity gap alert is raised for AE-4HR

  Scenario: A row with more breaches than attendances is rejected, and one such row in a small extract stops the check
    One row in two is 50% of the extract, far more than the 0.1% allowed: no result is
    published for March.
    Given these attendance rows:
      | period     | org_code | type | attendances | breaches |
      | 2019-03-01 | RF4      | 1    | 1000        | 40       |
      | 2019-03-01 | RQM      | 1    | 100         | 120      |
    When the compliance check runs
    Then the check stops because 1 of 2 rows read were rejected (50.00%), more than max_rejected 0.1%; results from this extract would mislead
    And the check stops because breaches_out_of_range — more 4-hour breaches than attendances, or a negative count: 1 row

  Scenario: An extract without its latest months is flagged as missing, and as stale once its newest month is more than 75 days old
    February's figures were due on Thursday 14 March 2019. On 18 March the newest rows
    are still January's, 76 days old.
    Given the extract is dated 2019-03-18
    And these attendance rows:
      | period     | org_code | type | attendances | breaches |
      | 2019-01-01 | RF4      | 1    | 1000        | 40       |
    When the compliance check runs
    Then a no data alert is raised for AE-4HR in 2019-03
    And the alert says "The ae extract has no rows in 2019-03, the period of the as-of date 2019-03-18"
    And a stale data alert is raised for AE-4HR in 2019-03
    And the alert says "The newest period in the ae extract is 2019-01-01, 76 days before the as-of date 2019-03-18; the alert policy allows 75 days."

  Scenario Outline: A newest month up to 75 days old is not stale
    On 13 March 2019, the day before February's figures are published, January's rows
    are the newest there can be.
    Given the extract is dated <dated>
    And these attendance rows:
      | period   | org_code | type | attendances | breaches |
      | <newest> | RF4      | 1    | 1000        | 40       |
    When the compliance check runs
    Then no stale data alert is raised for AE-4HR

    Examples:
      | dated      | newest     | days old |
      | 2019-03-31 | 2019-03-01 | 30       |
      | 2019-03-13 | 2019-01-01 | 71       |
      | 2019-03-17 | 2019-01-01 | 75       |
