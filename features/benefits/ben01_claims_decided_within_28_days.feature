@timeliness @owner_benefits_processing
Feature: BEN-01 Benefit claims decided within 28 days
  We decide 80% of benefit claims within 28 calendar days of receiving them (85% from
  April 2025). A claim counts in the month it was decided, in its region. Death grants
  and withdrawn claims are outside the standard. A month with fewer than 30 claims is
  not judged.

  Background:
    Given the standard BEN-01
    And the extract is dated 2025-06-30

  Scenario: A claim decided on day 28 meets the standard, on day 29 it does not
    Given these claims:
      | Claim ID | Benefit Type       | Region | Lodged Date | Decided Date |
      | C-1      | Disability benefit | North  | 01/03/2025  | 29/03/2025   |
      | C-2      | Disability benefit | North  | 01/03/2025  | 30/03/2025   |
    When the compliance check runs
    Then BEN-01 counts 1 of 2 for 2025-03 in region North

  Scenario: A month where enough claims are decided in time meets the target
    Given these claims:
      | How many | Benefit Type       | Region | Lodged Date | Decided Date |
      | 33       | Disability benefit | North  | 01/03/2025  | 20/03/2025   |
      | 7        | Disability benefit | North  | 01/02/2025  | 20/03/2025   |
    When the compliance check runs
    Then BEN-01 is met for 2025-03 in region North with 82.5% against 80%
    And no breach alert is raised for BEN-01

  Scenario: A month below the target is a breach
    Given these claims:
      | How many | Benefit Type       | Region | Lodged Date | Decided Date |
      | 31       | Disability benefit | South  | 01/03/2025  | 20/03/2025   |
      | 9        | Disability benefit | South  | 01/02/2025  | 20/03/2025   |
    When the compliance check runs
    Then BEN-01 is breached for 2025-03 in region South with 77.5% against 80%
    And a breach alert is raised for BEN-01 in 2025-03 for region South

  Scenario: The target rises to 85% from April 2025
    Given these claims:
      | How many | Benefit Type       | Region | Lodged Date | Decided Date |
      | 34       | Disability benefit | East   | 01/03/2025  | 20/03/2025   |
      | 6        | Disability benefit | East   | 01/02/2025  | 20/03/2025   |
      | 34       | Disability benefit | East   | 01/04/2025  | 20/04/2025   |
      | 6        | Disability benefit | East   | 01/03/2025  | 20/04/2025   |
    When the compliance check runs
    Then BEN-01 is met for 2025-03 in region East with 85.0% against 80%
    And BEN-01 is in warning for 2025-04 in region East with 85.0% against 85%

  Scenario: An open claim already past 28 days counts now as a claim not decided in time
    C-3 is due within the 5 days the alert policy looks ahead, so it is reported at risk;
    C-4 still has weeks to go.
    Given these claims:
      | Claim ID | Benefit Type       | Region | Lodged Date | Decided Date |
      | C-1      | Disability benefit | West   | 01/06/2025  | 10/06/2025   |
      | C-2      | Disability benefit | West   | 15/05/2025  |              |
      | C-3      | Disability benefit | West   | 04/06/2025  |              |
      | C-4      | Disability benefit | West   | 20/06/2025  |              |
    When the compliance check runs
    Then BEN-01 counts 1 of 2 for 2025-06 in region West
    And claim C-2 is reported overdue
    And claim C-3 is reported at risk, to be done by 2025-07-02
    And claim C-4 is not reported
    And BEN-01 leaves out 2 claims as open within limit

  Scenario: Death grants and withdrawn claims are outside the standard
    Given these claims:
      | Claim ID | Benefit Type       | Region | Lodged Date | Decided Date | Outcome   |
      | C-1      | Death grant        | North  | 01/05/2025  | 30/06/2025   | Granted   |
      | C-2      | Disability benefit | North  | 01/05/2025  | 30/06/2025   | Withdrawn |
      | C-3      | Disability benefit | North  | 01/06/2025  | 05/06/2025   | Granted   |
    When the compliance check runs
    Then BEN-01 counts 1 of 1 for 2025-06 in region North
    And BEN-01 leaves out 2 claims as outside population

  Scenario: Too few claims to judge
    Given 12 claims like this:
      | Benefit Type       | Region | Lodged Date | Decided Date |
      | Disability benefit | North  | 01/05/2025  | 20/06/2025   |
    When the compliance check runs
    Then BEN-01 has too few cases to judge 2025-06 in region North
