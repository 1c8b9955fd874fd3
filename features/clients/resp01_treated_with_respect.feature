@respect @owner_client_experience
Feature: RESP-01 Clients who felt treated with respect
  90% of clients who answer our survey agree that our staff treated them with respect:
  a score of 4 or 5 on the 5-point scale. A response counts in the quarter of its survey
  date, in its region and in the whole population. A response with no respect score is
  left out and counted as such, whatever its other answers. A quarter with fewer than 50
  scored responses is not judged. There is no warning band: 90% or more is met, anything
  less is a breach. A region trailing all responses by more than 5 points is flagged for
  an equity gap. A response with either score outside 1 to 5 is rejected. Survey
  responses are complete when received, so there are no open cases.

  Background:
    Given the standard RESP-01
    And the extract is dated 2025-06-30

  Scenario: A score of 4 or 5 agrees, 3 or lower does not, and a blank respect score is left out
    R-5 answered only the satisfaction question; R-6 answered only the respect question.
    Given these responses:
      | Response ID | Survey Date | Region | Overall Satisfaction (1-5) | Treated With Respect (1-5) |
      | R-1         | 15/04/2025  | North  | 4                          | 5                          |
      | R-2         | 15/04/2025  | North  | 4                          | 4                          |
      | R-3         | 15/04/2025  | North  | 4                          | 3                          |
      | R-4         | 15/04/2025  | North  | 4                          | 1                          |
      | R-5         | 15/04/2025  | North  | 5                          |                            |
      | R-6         | 15/04/2025  | North  |                            | 5                          |
    When the compliance check runs
    Then RESP-01 counts 3 of 5 for 2025-Q2 in region North
    And RESP-01 leaves out 1 response as condition unknown

  Scenario: A response counts in the quarter of its survey date, in its region and overall
    R-1 was answered on 31 March: it counts in the first quarter.
    Given these responses:
      | Response ID | Survey Date | Region | Treated With Respect (1-5) |
      | R-1         | 31/03/2025  | North  | 5                          |
      | R-2         | 01/04/2025  | North  | 2                          |
      | R-3         | 30/06/2025  | South  | 5                          |
    When the compliance check runs
    Then RESP-01 counts 1 of 1 for 2025-Q1 in region North
    And RESP-01 counts 0 of 1 for 2025-Q2 in region North
    And RESP-01 counts 1 of 1 for 2025-Q2 in region South
    And RESP-01 counts 1 of 2 for 2025-Q2 overall
    And RESP-01 counts 1 of 1 for 2025-Q1 overall

  Scenario Outline: A quarter is met at 90% or more, breached below, and not judged under 50 scored responses
    Given these responses:
      | How many   | Survey Date | Region | Treated With Respect (1-5) |
      | <agree>    | 15/04/2025  | East   | 4                          |
      | <disagree> | 15/04/2025  | East   | 3                          |
      | <blank>    | 15/04/2025  | East   |                            |
    When the compliance check runs
    Then RESP-01 is <verdict> for 2025-Q2 in region East
    And RESP-01 counts <agree> of <scored> for 2025-Q2 in region East

    Examples:
      | agree | disagree | blank | scored | verdict    |
      | 50    | 0        | 0     | 50     | met        |
      | 45    | 5        | 0     | 50     | met        |
      | 89    | 11       | 0     | 100    | breached   |
      | 44    | 6        | 0     | 50     | breached   |
      | 45    | 4        | 1     | 49     | not judged |

  Scenario: Exactly 90% is met, with no warning
    Given these responses:
      | How many | Survey Date | Region | Treated With Respect (1-5) |
      | 45       | 15/04/2025  | West   | 5                          |
      | 5        | 15/04/2025  | West   | 2                          |
    When the compliance check runs
    Then RESP-01 is met for 2025-Q2 in region West with 90.0% against 90%
    And no warning alert is raised for RESP-01
    And no breach alert is raised for RESP-01

  Scenario: A breach two quarters running is reported as such, but not yet escalated
    Given these responses:
      | How many | Survey Date | Region | Treated With Respect (1-5) |
      | 44       | 14/02/2025  | West   | 5                          |
      | 6        | 14/02/2025  | West   | 2                          |
      | 44       | 15/05/2025  | West   | 5                          |
      | 6        | 15/05/2025  | West   | 2                          |
    When the compliance check runs
    Then RESP-01 is breached for 2025-Q1 in region West with 88.0% against 90%
    And RESP-01 is breached for 2025-Q2 in region West with 88.0% against 90%
    And a breach alert is raised for RESP-01 in 2025-Q2 for region West
    And the alert says "88.0% (44 of 50) against a target of at least 90%: 2.0 points below the target; it needed 1 more case meeting the standard"
    And the alert says "It has missed the target for 2 consecutive periods (2025-Q1 to 2025-Q2)"
    And no escalation alert is raised for RESP-01

  Scenario: A region trailing all responses by more than 5 points is flagged as an equity gap
    South is at 88.0% against 94.0% for all responses: 6 points behind.
    Given these responses:
      | How many | Survey Date | Region | Treated With Respect (1-5) |
      | 50       | 15/04/2025  | North  | 5                          |
      | 44       | 15/04/2025  | South  | 5                          |
      | 6        | 15/04/2025  | South  | 2                          |
    When the compliance check runs
    Then RESP-01 is met for 2025-Q2 overall with 94.0% against 90%
    And RESP-01 is breached for 2025-Q2 in region South with 88.0% against 90%
    And an equity gap alert is raised for RESP-01 in 2025-Q2 for region South
    And the alert says "trails the whole population by 6.0 points: 88.0% (44 of 50) against 94.0% (94 of 100) for everyone, more than the 5 points the alert policy allows"

  Scenario: A region exactly 5 points behind all responses is not flagged
    South is at 90.0% against 95.0% for all responses.
    Given these responses:
      | How many | Survey Date | Region | Treated With Respect (1-5) |
      | 50       | 15/04/2025  | North  | 5                          |
      | 45       | 15/04/2025  | South  | 5                          |
      | 5        | 15/04/2025  | South  | 2                          |
    When the compliance check runs
    Then RESP-01 is met for 2025-Q2 in region South with 90.0% against 90%
    And no equity gap alert is raised for RESP-01

  Scenario: The extract is flagged as stale when its newest response is more than 7 days old
    Given these responses:
      | Response ID | Survey Date | Region | Treated With Respect (1-5) |
      | R-1         | 02/06/2025  | North  | 5                          |
      | R-2         | 20/06/2025  | North  | 4                          |
    When the compliance check runs
    Then a stale data alert is raised for RESP-01 in 2025-Q2 overall
    And the alert says "The newest Survey Date in the client_survey extract is 2025-06-20, 10 days before the as-of date 2025-06-30; the alert policy allows 7 days"

  Scenario: A response with either score outside the 1 to 5 scale is rejected
    R-7 scored respect 5 but satisfaction 7: the whole response is rejected. Two bad rows
    in 200 are within the 1% of rejected rows the survey extract allows.
    Given 198 responses like this:
      | Survey Date | Region | Overall Satisfaction (1-5) | Treated With Respect (1-5) |
      | 15/04/2025  | North  | 4                          | 5                          |
    And these responses:
      | Response ID | Survey Date | Region | Overall Satisfaction (1-5) | Treated With Respect (1-5) |
      | R-0         | 15/04/2025  | North  | 4                          | 0                          |
      | R-7         | 15/04/2025  | North  | 7                          | 5                          |
    When the compliance check runs
    Then response R-0 is rejected because a score outside the 1 to 5 scale
    And response R-7 is rejected because a score outside the 1 to 5 scale
    And RESP-01 counts 198 of 198 for 2025-Q2 overall
