@access @owner_contact_centre
Feature: CALL-02 Call abandonment rate
  No more than 10% of callers hang up before reaching an agent. The telephony
  system has already counted the calls per queue and day; the calls abandoned and the
  calls offered are added up over the calendar month, for each queue and for all queues
  together, and the sums divided, so a busy day weighs more than a quiet one. Lower is
  better: a month above 10% is breached; one above 8% up to 10% still meets the
  standard but is in warning. A month with fewer than 100 calls offered is not judged.

  The usual alert rules apply: a breach, a warning, an escalation after three breached
  months running in the same queue, and an equity gap when a queue's rate is more than
  5 points above all queues together. There are no open cases: every row is a finished
  day's count. A row with a blank count, a duplicated day and queue, or more calls
  abandoned than offered is rejected, and if more than 1% of the rows are rejected the
  whole check stops rather than publish misleading results.

  Background:
    Given the standard CALL-02
    And the extract is dated 2025-06-30

  Scenario Outline: Lower is better: the rate is judged against at most 10%
    Given these telephony rows:
      | Date       | Queue    | Calls Offered | Calls Answered | Answered Within 10 Min | Abandoned   |
      | 2025-06-02 | Benefits | 1000          | 900            | 800                    | <day one>   |
      | 2025-06-03 | Benefits | 1000          | 900            | 800                    | <day two>   |
    When the compliance check runs
    Then CALL-02 is <verdict> for 2025-06 in queue Benefits with <rate>% against 10%

    Examples:
      | day one | day two | rate | verdict    |
      | 50      | 100     | 7.5  | met        |
      | 100     | 100     | 10.0 | in warning |
      | 100     | 102     | 10.1 | breached   |

  Scenario Outline: Exactly 8% is still met, and a month needs at least 100 calls offered to be judged
    Given these telephony rows:
      | Date       | Queue    | Calls Offered | Calls Answered | Answered Within 10 Min | Abandoned       |
      | 2025-06-02 | Benefits | <offered one> | 40             | 30                     | <abandoned one> |
      | 2025-06-03 | Benefits | <offered two> | 40             | 30                     | <abandoned two> |
    When the compliance check runs
    Then CALL-02 counts <abandoned> of <offered> for 2025-06 in queue Benefits
    And CALL-02 is <verdict> for 2025-06 in queue Benefits

    Examples:
      | offered one | abandoned one | offered two | abandoned two | abandoned | offered | verdict    |
      | 500         | 40            | 500         | 40            | 80        | 1000    | met        |
      | 500         | 40            | 500         | 41            | 81        | 1000    | in warning |
      | 500         | 50            | 500         | 51            | 101       | 1000    | breached   |
      | 50          | 10            | 50          | 10            | 20        | 100     | breached   |
      | 50          | 10            | 49          | 10            | 20        | 99      | not judged |

  Scenario: Calls are added up over the month, so a busy day weighs more than a quiet one
    Averaging the two days (5% and 50%) would give 27.5%; adding the calls up gives
    100 of 1,100.
    Given these telephony rows:
      | Date       | Queue    | Calls Offered | Calls Answered | Answered Within 10 Min | Abandoned |
      | 2025-06-02 | Benefits | 1000          | 950            | 900                    | 50        |
      | 2025-06-03 | Benefits | 100           | 50             | 40                     | 50        |
    When the compliance check runs
    Then CALL-02 is in warning for 2025-06 in queue Benefits with 9.1% against 10%
    And a warning alert is raised for CALL-02 in 2025-06 for queue Benefits
    And the alert says "met, but inside the warning band (above 8%)"

  Scenario: Each queue is judged on its own, and a queue far above everyone raises an equity gap
    Given these telephony rows:
      | Date       | Queue    | Calls Offered | Calls Answered | Answered Within 10 Min | Abandoned |
      | 2025-06-02 | Benefits | 1000          | 960            | 900                    | 40        |
      | 2025-06-02 | Pensions | 1000          | 840            | 700                    | 160       |
    When the compliance check runs
    Then CALL-02 is met for 2025-06 in queue Benefits with 4.0% against 10%
    And CALL-02 is breached for 2025-06 in queue Pensions with 16.0% against 10%
    And CALL-02 is in warning for 2025-06 overall with 10.0% against 10%
    And a breach alert is raised for CALL-02 in 2025-06 for queue Pensions
    And the alert says "16.0% (160 of 1,000) against a target of at most 10%: 6.0 points above the target; it needed 60 fewer cases counted."
    And an equity gap alert is raised for CALL-02 in 2025-06 for queue Pensions
    And the alert says "This segment trails the whole population by 6.0 points"
    And a warning alert is raised for CALL-02 in 2025-06 overall

  Scenario: A queue exactly 5 points above everyone raises no equity gap
    Given these telephony rows:
      | Date       | Queue    | Calls Offered | Calls Answered | Answered Within 10 Min | Abandoned |
      | 2025-06-02 | Benefits | 1000          | 950            | 900                    | 50        |
      | 2025-06-02 | Pensions | 1000          | 850            | 700                    | 150       |
    When the compliance check runs
    Then CALL-02 is breached for 2025-06 in queue Pensions with 15.0% against 10%
    And CALL-02 is in warning for 2025-06 overall with 10.0% against 10%
    And no equity gap alert is raised for CALL-02

  Scenario: Three breached months running in a queue raise an escalation
    Given these telephony rows:
      | Date       | Queue    | Calls Offered | Calls Answered | Answered Within 10 Min | Abandoned |
      | 2025-04-30 | Pensions | 1000          | 880            | 800                    | 120       |
      | 2025-05-30 | Pensions | 1000          | 880            | 800                    | 120       |
      | 2025-06-02 | Pensions | 1000          | 880            | 800                    | 120       |
    When the compliance check runs
    Then CALL-02 is breached for 2025-04 in queue Pensions with 12.0% against 10%
    And CALL-02 is breached for 2025-05 in queue Pensions with 12.0% against 10%
    And CALL-02 is breached for 2025-06 in queue Pensions with 12.0% against 10%
    And an escalation alert is raised for CALL-02 in 2025-06 for queue Pensions
    And the alert says "Escalation: breached for 3 consecutive periods (2025-04 to 2025-06)"

  Scenario: Two breached months running are a breach, not yet an escalation
    Given these telephony rows:
      | Date       | Queue    | Calls Offered | Calls Answered | Answered Within 10 Min | Abandoned |
      | 2025-05-30 | Pensions | 1000          | 880            | 800                    | 120       |
      | 2025-06-02 | Pensions | 1000          | 880            | 800                    | 120       |
    When the compliance check runs
    Then a breach alert is raised for CALL-02 in 2025-06 for queue Pensions
    And the alert says "It has missed the target for 2 consecutive periods (2025-05 to 2025-06)"
    And no escalation alert is raised for CALL-02

  Scenario: Counts whose newest day is more than 7 days old raise a stale data alert
    Given these telephony rows:
      | Date       | Queue    | Calls Offered | Calls Answered | Answered Within 10 Min | Abandoned |
      | 2025-06-20 | Benefits | 1000          | 950            | 900                    | 50        |
    When the compliance check runs
    Then a stale data alert is raised for CALL-02 in 2025-06
    And the alert says "The newest Date in the telephony extract is 2025-06-20, 10 days before the as-of date 2025-06-30; the alert policy allows 7 days."

  Scenario: A day with more calls abandoned than offered is rejected, and one bad row in two stops the check
    One row in two is 50% of the extract, far more than the 1% allowed: no result is
    published for June.
    Given these telephony rows:
      | Date       | Queue    | Calls Offered | Calls Answered | Answered Within 10 Min | Abandoned |
      | 2025-06-02 | Benefits | 1000          | 950            | 900                    | 50        |
      | 2025-06-03 | Benefits | 100           | 50             | 40                     | 120       |
    When the compliance check runs
    Then the check stops because 1 of 2 rows read were rejected (50.00%), more than max_rejected 1%; results from this extract would mislead
    And the check stops because counts_inconsistent — more calls abandoned than offered: 1 row
