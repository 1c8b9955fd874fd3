@accuracy @owner_quality_assurance
Feature: ACC-01 Payments made correctly
  95% of the benefit payments we check in our quality-assurance sample are correct. Each
  review says yes or no in its Payment Correct column; Y/N, Yes/No, True/False, T/F and
  1/0 are all understood, in any case, and any other word rejects the row. A review not
  yet assessed (Payment Correct blank) is left out and counted, not treated as an error.
  A review counts in the quarter of its review date, in its region and in the whole
  population. A quarter with fewer than 30 assessed reviews is not judged. From 95% up
  to but not including 96% the standard is met but in warning. Because the sample is
  drawn once a quarter, the extract is only flagged as stale when its newest review is
  more than 100 days old (7 days for other standards). Reviews are complete when
  recorded, so there are no open cases.

  Background:
    Given the standard ACC-01
    And the extract is dated 2025-06-30

  Scenario: Yes and no may be written several ways, and an unassessed review is left out
    Given these reviews:
      | Review ID | Review Date | Region | Payment Correct |
      | Q-1       | 2025-04-15  | North  | Y               |
      | Q-2       | 2025-04-15  | North  | yes             |
      | Q-3       | 2025-04-15  | North  | TRUE            |
      | Q-4       | 2025-04-15  | North  | t               |
      | Q-5       | 2025-04-15  | North  | 1               |
      | Q-6       | 2025-04-15  | North  | N               |
      | Q-7       | 2025-04-15  | North  | No              |
      | Q-8       | 2025-04-15  | North  | false           |
      | Q-9       | 2025-04-15  | North  | F               |
      | Q-10      | 2025-04-15  | North  | 0               |
      | Q-11      | 2025-04-15  | North  |                 |
    When the compliance check runs
    Then ACC-01 counts 5 of 10 for 2025-Q2 in region North
    And ACC-01 leaves out 1 review as condition unknown

  Scenario: A review whose Payment Correct is not a yes or a no is rejected
    One bad row in 100 is within the 1% of rejected rows the QA extract allows.
    Given 99 reviews like this:
      | Review Date | Region | Payment Correct |
      | 2025-04-15  | North  | Yes             |
    And these reviews:
      | Review ID | Review Date | Region | Payment Correct |
      | Q-100     | 2025-04-15  | North  | Maybe           |
    When the compliance check runs
    Then review Q-100 is rejected because not yes/no (Y/N, Yes/No, 1/0, True/False)
    And ACC-01 counts 99 of 99 for 2025-Q2 overall

  Scenario: A review counts in the quarter of its review date, in its region and overall
    Given these reviews:
      | Review ID | Review Date | Region | Payment Correct |
      | Q-1       | 2025-03-31  | South  | Yes             |
      | Q-2       | 2025-04-01  | South  | No              |
      | Q-3       | 2025-06-30  | East   | Yes             |
    When the compliance check runs
    Then ACC-01 counts 1 of 1 for 2025-Q1 in region South
    And ACC-01 counts 0 of 1 for 2025-Q2 in region South
    And ACC-01 counts 1 of 1 for 2025-Q2 in region East
    And ACC-01 counts 1 of 2 for 2025-Q2 overall
    And ACC-01 has too few cases to judge 2025-Q2 overall

  Scenario Outline: A quarter is met from 96%, in warning from 95%, breached below, not judged under 30
    Given these reviews:
      | How many  | Review Date | Region | Payment Correct |
      | <correct> | 2025-04-15  | North  | Yes             |
      | <wrong>   | 2025-04-15  | North  | No              |
    When the compliance check runs
    Then ACC-01 is <verdict> for 2025-Q2 in region North
    And ACC-01 counts <correct> of <reviews> for 2025-Q2 in region North

    Examples:
      | correct | wrong | reviews | verdict    |
      | 30      | 0     | 30      | met        |
      | 39      | 1     | 40      | met        |
      | 48      | 2     | 50      | met        |
      | 38      | 2     | 40      | in warning |
      | 37      | 3     | 40      | breached   |
      | 29      | 0     | 29      | not judged |

  Scenario: A quarter at exactly 95% is met but raises a warning
    Given these reviews:
      | How many | Review Date | Region | Payment Correct |
      | 38       | 2025-04-15  | West   | Yes             |
      | 2        | 2025-04-15  | West   | No              |
    When the compliance check runs
    Then ACC-01 is in warning for 2025-Q2 in region West with 95.0% against 95%
    And a warning alert is raised for ACC-01 in 2025-Q2 for region West
    And the alert says "95.0% (38 of 40) against a target of at least 95%: met, but inside the warning band (below 96%)"

  Scenario: A region that misses the target three quarters running is escalated
    Given these reviews:
      | How many | Review Date | Region | Payment Correct |
      | 37       | 2024-11-15  | East   | Yes             |
      | 3        | 2024-11-15  | East   | No              |
      | 37       | 2025-02-14  | East   | Yes             |
      | 3        | 2025-02-14  | East   | No              |
      | 37       | 2025-05-15  | East   | Yes             |
      | 3        | 2025-05-15  | East   | No              |
    When the compliance check runs
    Then ACC-01 is breached for 2025-Q2 in region East with 92.5% against 95%
    And a breach alert is raised for ACC-01 in 2025-Q2 for region East
    And the alert says "92.5% (37 of 40) against a target of at least 95%: 2.5 points below the target; it needed 1 more case meeting the standard"
    And an escalation alert is raised for ACC-01 in 2025-Q2 for region East
    And the alert says "Escalation: breached for 3 consecutive periods (2024-Q4 to 2025-Q2)"

  Scenario: A region trailing all reviews by more than 5 points is flagged as an equity gap
    South is at 85.0% against 92.5% for all reviews: 7.5 points behind.
    Given these reviews:
      | How many | Review Date | Region | Payment Correct |
      | 40       | 2025-04-15  | North  | Yes             |
      | 34       | 2025-04-15  | South  | Yes             |
      | 6        | 2025-04-15  | South  | No              |
    When the compliance check runs
    Then ACC-01 is breached for 2025-Q2 overall with 92.5% against 95%
    And an equity gap alert is raised for ACC-01 in 2025-Q2 for region South
    And the alert says "trails the whole population by 7.5 points: 85.0% (34 of 40) against 92.5% (74 of 80) for everyone, more than the 5 points the alert policy allows"

  Scenario Outline: A sample up to 100 days old is not stale
    Given these reviews:
      | Review ID | Review Date | Region | Payment Correct |
      | Q-1       | 2025-01-15  | North  | Yes             |
      | Q-2       | <newest>    | North  | Yes             |
    When the compliance check runs
    Then no stale data alert is raised for ACC-01

    Examples:
      | newest     | age      |
      | 2025-05-15 | 46 days  |
      | 2025-03-22 | 100 days |

  Scenario: A sample whose newest review is more than 100 days old is stale
    With no review dated in the current quarter, the quarter also has no data.
    Given these reviews:
      | Review ID | Review Date | Region | Payment Correct |
      | Q-1       | 2025-01-15  | North  | Yes             |
      | Q-2       | 2025-03-21  | North  | Yes             |
    When the compliance check runs
    Then a stale data alert is raised for ACC-01 in 2025-Q2 overall
    And the alert says "The newest Review Date in the payment_qa extract is 2025-03-21, 101 days before the as-of date 2025-06-30; the alert policy allows 100 days"
    And a no data alert is raised for ACC-01 in 2025-Q2 overall
