@responsiveness @owner_complaints_unit
Feature: CMP-01 Complaints acknowledged within 2 business days
  We acknowledge 95% of complaints within 2 business days of receiving them. Business
  days are Monday to Friday, less Ontario's public holidays (Good Friday, Victoria Day,
  Canada Day…): the count starts the business day after the complaint arrives, so one
  received on Thursday 17 April 2025 is on time if acknowledged by Tuesday 22 April.
  A complaint counts in the month it was received, in its channel and in the whole
  population. A complaint still not acknowledged on the extract date counts as a miss
  once it can no longer be acknowledged in time; until then it is left out. A month
  with fewer than 20 complaints is not judged. There is no warning band: 95% or more
  is met, anything less is a breach. A row acknowledged before it was received is
  rejected.

  Background:
    Given the standard CMP-01
    And the extract is dated 2025-06-30

  Scenario: Acknowledged on the second business day meets the standard, on the third it does not
    Given these complaints:
      | Complaint Ref | Channel | Received   | Acknowledged |
      | K-1           | Phone   | 02/06/2025 | 02/06/2025   |
      | K-2           | Phone   | 02/06/2025 | 04/06/2025   |
      | K-3           | Phone   | 02/06/2025 | 05/06/2025   |
    When the compliance check runs
    Then CMP-01 counts 2 of 3 for 2025-06 in channel Phone

  Scenario: Weekends and Ontario public holidays are not business days
    K-1 and K-2 arrive the day before Good Friday: Tuesday is day 2, Wednesday day 3.
    K-3 arrives on a Saturday: Monday is day 1, Tuesday day 2.
    Given these complaints:
      | Complaint Ref | Channel | Received   | Acknowledged |
      | K-1           | Email   | 17/04/2025 | 22/04/2025   |
      | K-2           | Email   | 17/04/2025 | 23/04/2025   |
      | K-3           | Email   | 26/04/2025 | 29/04/2025   |
    When the compliance check runs
    Then CMP-01 counts 2 of 3 for 2025-04 in channel Email

  Scenario Outline: A month is met at 95% or more, breached below, and not judged under 20 complaints
    Given these complaints:
      | How many  | Channel | Received   | Acknowledged |
      | <in time> | Phone   | 05/05/2025 | 06/05/2025   |
      | <late>    | Phone   | 05/05/2025 | 12/05/2025   |
    When the compliance check runs
    Then CMP-01 is <verdict> for 2025-05 in channel Phone
    And CMP-01 counts <in time> of <complaints> for 2025-05 in channel Phone

    Examples:
      | in time | late | complaints | verdict    |
      | 20      | 0    | 20         | met        |
      | 19      | 1    | 20         | met        |
      | 38      | 2    | 40         | met        |
      | 18      | 2    | 20         | breached   |
      | 37      | 3    | 40         | breached   |
      | 18      | 1    | 19         | not judged |

  Scenario: An open complaint counts as a miss once it can no longer be acknowledged in time
    K-2 arrived on Tuesday 24 June: its second business day was Thursday 26 June, so it
    counts now as a miss in June. K-3 arrived on Friday 27 June: Canada Day (1 July) is a
    holiday, so it can still be acknowledged on Wednesday 2 July. K-4 arrived on the
    extract date and has until Thursday 3 July. Both are left out for now, and reported at
    risk because they fall due within the 5 days the alert policy looks ahead.
    Given these complaints:
      | Complaint Ref | Channel | Received   | Acknowledged |
      | K-1           | Phone   | 02/06/2025 | 03/06/2025   |
      | K-2           | Phone   | 24/06/2025 |              |
      | K-3           | Phone   | 27/06/2025 |              |
      | K-4           | Phone   | 30/06/2025 |              |
    When the compliance check runs
    Then CMP-01 counts 1 of 2 for 2025-06 in channel Phone
    And CMP-01 leaves out 2 complaints as open within limit
    And complaint K-2 is reported overdue
    And complaint K-3 is reported at risk, to be done by 2025-07-02
    And complaint K-4 is reported at risk, to be done by 2025-07-03
    And complaint K-1 is not reported
    And an overdue cases alert is raised for CMP-01 in 2025-06 overall
    And the alert says "1 open case can no longer meet the standard (Acknowledged within 2 business days of Received)"

  Scenario: An open complaint is not a miss while the next day could still be in time
    K-5 arrived on Thursday 26 June; its second business day was Monday 30 June, the
    extract date. Acknowledged the next day, Canada Day, it would still count as 2
    business days (a holiday adds none), so it is not a miss yet: it is left out and
    reported at risk, due on 1 July. K-6 arrived a day earlier and is already late.
    Given these complaints:
      | Complaint Ref | Channel | Received   | Acknowledged |
      | K-5           | Email   | 26/06/2025 |              |
      | K-6           | Email   | 25/06/2025 |              |
    When the compliance check runs
    Then CMP-01 counts 0 of 1 for 2025-06 in channel Email
    And CMP-01 leaves out 1 complaint as open within limit
    And complaint K-5 is reported at risk, to be done by 2025-07-01
    And complaint K-6 is reported overdue

  Scenario: A complaint counts in the month it was received, in its channel and overall
    K-1 arrived on Friday 30 May and was acknowledged on Monday 2 June: it counts in May.
    Given these complaints:
      | Complaint Ref | Channel | Received   | Acknowledged |
      | K-1           | Email   | 30/05/2025 | 02/06/2025   |
      | K-2           | Phone   | 02/06/2025 | 02/06/2025   |
      | K-3           | Phone   | 03/06/2025 | 09/06/2025   |
    When the compliance check runs
    Then CMP-01 counts 1 of 1 for 2025-05 in channel Email
    And CMP-01 counts 1 of 2 for 2025-06 in channel Phone
    And CMP-01 counts 1 of 1 for 2025-05 overall
    And CMP-01 counts 1 of 2 for 2025-06 overall
    And CMP-01 has too few cases to judge 2025-06 overall

  Scenario: A breach two months running is reported as such, but not yet escalated
    Given these complaints:
      | How many | Channel | Received   | Acknowledged |
      | 18       | Phone   | 06/05/2025 | 07/05/2025   |
      | 2        | Phone   | 06/05/2025 | 09/05/2025   |
      | 18       | Phone   | 03/06/2025 | 04/06/2025   |
      | 2        | Phone   | 03/06/2025 | 06/06/2025   |
    When the compliance check runs
    Then CMP-01 is breached for 2025-06 in channel Phone with 90.0% against 95%
    And a breach alert is raised for CMP-01 in 2025-06 for channel Phone
    And the alert says "90.0% (18 of 20) against a target of at least 95%: 5.0 points below the target; it needed 1 more case meeting the standard"
    And the alert says "It has missed the target for 2 consecutive periods (2025-05 to 2025-06)"
    And no escalation alert is raised for CMP-01

  Scenario: A channel that misses the target three months running is escalated
    Given these complaints:
      | How many | Channel | Received   | Acknowledged |
      | 18       | Phone   | 01/04/2025 | 02/04/2025   |
      | 2        | Phone   | 01/04/2025 | 04/04/2025   |
      | 18       | Phone   | 06/05/2025 | 07/05/2025   |
      | 2        | Phone   | 06/05/2025 | 09/05/2025   |
      | 18       | Phone   | 03/06/2025 | 04/06/2025   |
      | 2        | Phone   | 03/06/2025 | 06/06/2025   |
    When the compliance check runs
    Then CMP-01 is breached for 2025-04 in channel Phone with 90.0% against 95%
    And an escalation alert is raised for CMP-01 in 2025-06 for channel Phone
    And the alert says "Escalation: breached for 3 consecutive periods (2025-04 to 2025-06)"

  Scenario: A channel trailing all complaints by more than 5 points is flagged as an equity gap
    Email is at 85.0% against 92.5% for all complaints: 7.5 points behind.
    Given these complaints:
      | How many | Channel | Received   | Acknowledged |
      | 20       | Phone   | 02/06/2025 | 03/06/2025   |
      | 17       | Email   | 02/06/2025 | 03/06/2025   |
      | 3        | Email   | 02/06/2025 | 05/06/2025   |
    When the compliance check runs
    Then CMP-01 is met for 2025-06 in channel Phone with 100.0% against 95%
    And CMP-01 is breached for 2025-06 in channel Email with 85.0% against 95%
    And CMP-01 is breached for 2025-06 overall with 92.5% against 95%
    And an equity gap alert is raised for CMP-01 in 2025-06 for channel Email
    And the alert says "trails the whole population by 7.5 points"

  Scenario: A channel exactly 5 points behind all complaints is not flagged
    Given these complaints:
      | How many | Channel | Received   | Acknowledged |
      | 20       | Phone   | 02/06/2025 | 03/06/2025   |
      | 18       | Email   | 02/06/2025 | 03/06/2025   |
      | 2        | Email   | 02/06/2025 | 05/06/2025   |
    When the compliance check runs
    Then CMP-01 is met for 2025-06 overall with 95.0% against 95%
    And CMP-01 is breached for 2025-06 in channel Email with 90.0% against 95%
    And no equity gap alert is raised for CMP-01

  Scenario Outline: The extract is flagged as stale when its newest complaint is more than 7 days old
    Given these complaints:
      | Complaint Ref | Channel | Received   | Acknowledged |
      | K-1           | Phone   | 02/06/2025 | 03/06/2025   |
      | K-2           | Phone   | <newest>   | <newest>     |
    When the compliance check runs
    Then <raised> stale data alert is raised for CMP-01

    Examples:
      | newest     | age     | raised |
      | 23/06/2025 | 7 days  | no     |
      | 20/06/2025 | 10 days | a      |

  Scenario: A complaint acknowledged before it was received is rejected
    One bad row in 100 is within the 1% of rejected rows the complaints extract allows.
    Given 99 complaints like this:
      | Channel | Received   | Acknowledged |
      | Phone   | 02/06/2025 | 03/06/2025   |
    And these complaints:
      | Complaint Ref | Channel | Received   | Acknowledged |
      | K-100         | Phone   | 10/06/2025 | 09/06/2025   |
    When the compliance check runs
    Then complaint K-100 is rejected because acknowledged or resolved before the complaint was received
    And CMP-01 is met for 2025-06 overall with 100.0% against 95%
    And CMP-01 counts 99 of 99 for 2025-06 overall
