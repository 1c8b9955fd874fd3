@responsiveness @owner_complaints_unit
Feature: CMP-02 Complaints resolved within 20 business days
  We resolve 80% of complaints within 20 business days of receiving them. Business days
  are Monday to Friday, less Ontario's public holidays: the count starts the business
  day after the complaint arrives. A complaint counts in the quarter it was received,
  in its region and in the whole population. A complaint still unresolved on the
  extract date counts as a miss once it can no longer be resolved in time; until then it
  is left out. A quarter with fewer than 20 complaints is not judged. From 80% up to
  but not including 82% the standard is met but in warning. Only the regions North,
  South, East and West are accepted; any other region is rejected.

  Background:
    Given the standard CMP-02
    And the extract is dated 2025-06-30

  Scenario: Resolved on the 20th business day meets the standard, on the 21st it does not
    The complaints arrive on Thursday 17 April, the day before Good Friday. The 20th
    business day is Friday 16 May; Monday 19 May is Victoria Day, so a resolution that
    day is still on the 20th business day. Tuesday 20 May is the 21st.
    Given these complaints:
      | Complaint Ref | Region | Received   | Resolved   |
      | K-1           | North  | 17/04/2025 | 16/05/2025 |
      | K-2           | North  | 17/04/2025 | 19/05/2025 |
      | K-3           | North  | 17/04/2025 | 20/05/2025 |
    When the compliance check runs
    Then CMP-02 counts 2 of 3 for 2025-Q2 in region North

  Scenario: A complaint counts in the quarter it was received, in its region and overall
    K-1 arrived on 31 March and was resolved in April: it counts in the first quarter.
    Given these complaints:
      | Complaint Ref | Region | Received   | Resolved   |
      | K-1           | South  | 31/03/2025 | 15/04/2025 |
      | K-2           | South  | 01/04/2025 | 02/04/2025 |
      | K-3           | East   | 01/04/2025 | 30/05/2025 |
    When the compliance check runs
    Then CMP-02 counts 1 of 1 for 2025-Q1 in region South
    And CMP-02 counts 1 of 1 for 2025-Q2 in region South
    And CMP-02 counts 0 of 1 for 2025-Q2 in region East
    And CMP-02 counts 1 of 1 for 2025-Q1 overall
    And CMP-02 counts 1 of 2 for 2025-Q2 overall
    And CMP-02 has too few cases to judge 2025-Q2 overall

  Scenario Outline: A quarter is met from 82%, in warning from 80%, breached below, not judged under 20
    Given these complaints:
      | How many  | Region | Received   | Resolved   |
      | <in time> | South  | 01/04/2025 | 08/04/2025 |
      | <late>    | South  | 01/04/2025 | 30/05/2025 |
    When the compliance check runs
    Then CMP-02 is <verdict> for 2025-Q2 in region South
    And CMP-02 counts <in time> of <complaints> for 2025-Q2 in region South

    Examples:
      | in time | late | complaints | verdict    |
      | 17      | 3    | 20         | met        |
      | 41      | 9    | 50         | met        |
      | 40      | 10   | 50         | in warning |
      | 16      | 4    | 20         | in warning |
      | 15      | 5    | 20         | breached   |
      | 18      | 1    | 19         | not judged |

  Scenario: An open complaint counts as a miss once it can no longer be resolved in time
    K-2 arrived on 1 May and is long past its 20 business days: it counts now as a miss
    in the second quarter. K-3 arrived on Tuesday 3 June: its 20th business day is
    Wednesday 2 July, as Canada Day is a holiday, so it is left out and reported at risk.
    K-4 arrived on 20 June and has weeks to go: left out, not reported.
    Given these complaints:
      | Complaint Ref | Region | Received   | Resolved   |
      | K-1           | West   | 02/04/2025 | 10/04/2025 |
      | K-2           | West   | 01/05/2025 |            |
      | K-3           | West   | 03/06/2025 |            |
      | K-4           | West   | 20/06/2025 |            |
    When the compliance check runs
    Then CMP-02 counts 1 of 2 for 2025-Q2 in region West
    And CMP-02 leaves out 2 complaints as open within limit
    And complaint K-2 is reported overdue
    And complaint K-3 is reported at risk, to be done by 2025-07-02
    And complaint K-4 is not reported
    And a cases at risk alert is raised for CMP-02 in 2025-Q2 overall
    And the alert says "1 open case will miss the standard (Resolved within 20 business days of Received) unless each is done by its date"
    And the alert says "left out of the results of 2025-Q2 while open"
    And the alert says "Owner: Complaints Unit. Next step: complete the listed case by its date, 2025-07-02"

  Scenario: A quarter at exactly 80% is met but raises a warning
    Given these complaints:
      | How many | Region | Received   | Resolved   |
      | 16       | East   | 01/04/2025 | 02/04/2025 |
      | 4        | East   | 01/04/2025 | 30/05/2025 |
    When the compliance check runs
    Then CMP-02 is in warning for 2025-Q2 in region East with 80.0% against 80%
    And a warning alert is raised for CMP-02 in 2025-Q2 for region East
    And the alert says "80.0% (16 of 20) against a target of at least 80%: met, but inside the warning band (below 82%)"
    And no breach alert is raised for CMP-02

  Scenario: A region that misses the target three quarters running is escalated
    Given these complaints:
      | How many | Region | Received   | Resolved   |
      | 15       | North  | 01/10/2024 | 02/10/2024 |
      | 5        | North  | 01/10/2024 | 20/12/2024 |
      | 15       | North  | 07/01/2025 | 08/01/2025 |
      | 5        | North  | 07/01/2025 | 28/03/2025 |
      | 15       | North  | 01/04/2025 | 02/04/2025 |
      | 5        | North  | 01/04/2025 | 30/05/2025 |
    When the compliance check runs
    Then CMP-02 is breached for 2024-Q4 in region North with 75.0% against 80%
    And CMP-02 is breached for 2025-Q1 in region North with 75.0% against 80%
    And CMP-02 is breached for 2025-Q2 in region North with 75.0% against 80%
    And a breach alert is raised for CMP-02 in 2025-Q2 for region North
    And the alert says "It has missed the target for 3 consecutive periods (2024-Q4 to 2025-Q2)"
    And an escalation alert is raised for CMP-02 in 2025-Q2 for region North
    And the alert says "Escalation: breached for 3 consecutive periods (2024-Q4 to 2025-Q2)"

  Scenario: A region trailing all complaints by more than 5 points is flagged as an equity gap
    South is at 70.0% against 85.0% for all complaints: 15 points behind.
    Given these complaints:
      | How many | Region | Received   | Resolved   |
      | 20       | North  | 01/04/2025 | 02/04/2025 |
      | 14       | South  | 01/04/2025 | 02/04/2025 |
      | 6        | South  | 01/04/2025 | 30/05/2025 |
    When the compliance check runs
    Then CMP-02 is met for 2025-Q2 overall with 85.0% against 80%
    And CMP-02 is breached for 2025-Q2 in region South with 70.0% against 80%
    And a breach alert is raised for CMP-02 in 2025-Q2 for region South
    And the alert says "70.0% (14 of 20) against a target of at least 80%: 10.0 points below the target; it needed 2 more cases meeting the standard"
    And an equity gap alert is raised for CMP-02 in 2025-Q2 for region South
    And the alert says "trails the whole population by 15.0 points: 70.0% (14 of 20) against 85.0% (34 of 40) for everyone, more than the 5 points the alert policy allows"

  Scenario: The extract is flagged as stale when its newest complaint is more than 7 days old
    Given these complaints:
      | Complaint Ref | Region | Received   | Resolved   |
      | K-1           | North  | 02/06/2025 | 03/06/2025 |
      | K-2           | North  | 13/06/2025 | 16/06/2025 |
    When the compliance check runs
    Then a stale data alert is raised for CMP-02 in 2025-Q2 overall
    And the alert says "The newest Received in the complaints extract is 2025-06-13, 17 days before the as-of date 2025-06-30; the alert policy allows 7 days"

  Scenario: A complaint from a region outside North, South, East and West is rejected
    One bad row in 100 is within the 1% of rejected rows the complaints extract allows.
    Given 99 complaints like this:
      | Region | Received   | Resolved   |
      | North  | 01/04/2025 | 02/04/2025 |
    And these complaints:
      | Complaint Ref | Region  | Received   | Resolved   |
      | K-100         | Central | 01/04/2025 | 02/04/2025 |
    When the compliance check runs
    Then complaint K-100 is rejected because not one of the declared values: North, South, East, West
    And CMP-02 counts 99 of 99 for 2025-Q2 overall
    And CMP-02 is met for 2025-Q2 in region North with 100.0% against 80%
