@timeliness @owner_benefits_processing
Feature: BEN-01 Benefit claims decided within 28 days: the improvement goal
  Beyond meeting its monthly target, BEN-01 has an improvement plan: from the share of
  claims decided within 28 days in January 2025 (the baseline, computed from January's
  claims), to 90% by 31 March 2027, passing 85% by 31 March 2026. The path between them
  is a straight line: from the baseline on 31 January 2025 to 85% on 31 March 2026, then
  to 90% on 31 March 2027. Each month is held against where the path is on its last
  day. A month at or above 90% has achieved the goal; at or above the path it is on
  track; behind the path by no more than 2 points (the default tolerance) it is at risk;
  further behind it is off track, unless the trend of the months so far (a straight line
  fitted once there are at least 6 months with a value) reaches 90% by March 2027, when it
  is at risk. A month is not assessed while it is not over on the extract's date, and
  January 2025 itself, the baseline, is not assessed. The goal's status is that of the
  latest month assessed. Everyone together and each region are tracked, each from its own January
  level. The path is separate from the monthly target: a month can breach its target and
  still be on track.

  Background:
    Given the standard BEN-01
    And the extract is dated 2026-04-15

  Scenario: The baseline is the share of January 2025's claims decided within 28 days
    Given these claims:
      | How many | Benefit Type       | Region | Lodged Date | Decided Date |
      | 30       | Disability benefit | North  | 02/01/2025  | 20/01/2025   |
      | 10       | Disability benefit | North  | 02/12/2024  | 20/01/2025   |
    When the compliance check runs
    Then the baseline of BEN-01 overall is 75.0% from 2025-01
    And the baseline of BEN-01 in region North is 75.0% from 2025-01
    And BEN-01 is not assessed on its improvement path in 2025-01 overall

  Scenario: The path rises in a straight line to 85% at the end of March 2026, then towards 90%
    August 2025 is halfway from 31 January 2025 to 31 March 2026 (212 of 424 days); April
    2026 is 30 of the 365 days from the milestone to the goal.
    Given these claims:
      | How many | Benefit Type       | Region | Lodged Date | Decided Date |
      | 30       | Disability benefit | North  | 02/01/2025  | 20/01/2025   |
      | 10       | Disability benefit | North  | 02/12/2024  | 20/01/2025   |
      | 1        | Disability benefit | North  | 02/02/2025  | 20/02/2025   |
      | 1        | Disability benefit | North  | 01/08/2025  | 20/08/2025   |
      | 1        | Disability benefit | North  | 02/03/2026  | 20/03/2026   |
      | 1        | Disability benefit | North  | 01/04/2026  | 10/04/2026   |
    When the compliance check runs
    Then BEN-01 should be at 75.66% in 2025-02 on its improvement path overall
    And BEN-01 should be at 80.0% in 2025-08 on its improvement path overall
    And BEN-01 should be at 85.0% in 2026-03 on its improvement path overall
    And BEN-01 should be at 85.41% in 2026-04 on its improvement path overall

  Scenario Outline: A month is on track, at risk or off track by how far it is from the path
    From a baseline of 75.0%, the path is at 80.0% at the end of August 2025. Too few
    months have a value for a trend, so the path alone decides.
    Given these claims:
      | How many  | Benefit Type       | Region | Lodged Date | Decided Date |
      | 30        | Disability benefit | North  | 02/01/2025  | 20/01/2025   |
      | 10        | Disability benefit | North  | 02/12/2024  | 20/01/2025   |
      | <in time> | Disability benefit | North  | 01/08/2025  | 20/08/2025   |
      | <late>    | Disability benefit | North  | 01/07/2025  | 20/08/2025   |
    When the compliance check runs
    Then BEN-01 should be at 80.0% in 2025-08 on its improvement path overall
    And BEN-01 is <status> on its improvement path in 2025-08 overall
    And the improvement goal of BEN-01 overall is <status>

    Examples:
      | in time | late | status       |
      | 45      | 5    | achieved     |
      | 41      | 9    | on track     |
      | 40      | 10   | on track     |
      | 39      | 11   | at risk      |
      | 38      | 12   | off track    |

  Scenario: A month can breach its monthly target and still be on track on its improvement path
    March 2025 is at 77.5%, below the 80% target, but ahead of the path's 76.4%.
    Given these claims:
      | How many | Benefit Type       | Region | Lodged Date | Decided Date |
      | 30       | Disability benefit | North  | 02/01/2025  | 20/01/2025   |
      | 10       | Disability benefit | North  | 02/12/2024  | 20/01/2025   |
      | 31       | Disability benefit | North  | 03/03/2025  | 20/03/2025   |
      | 9        | Disability benefit | North  | 03/02/2025  | 20/03/2025   |
    When the compliance check runs
    Then BEN-01 is breached for 2025-03 overall with 77.5% against 80%
    And BEN-01 should be at 76.4% in 2025-03 on its improvement path overall
    And BEN-01 is on track on its improvement path in 2025-03 overall

  Scenario: Each region follows its own path, from its own January level
    In August 2025 North is at 82.5%, ahead of its path; South is at 80.0%, 2.5 points
    behind its path; everyone together is at 81.25%, exactly on theirs.
    Given these claims:
      | How many | Benefit Type       | Region | Lodged Date | Decided Date |
      | 30       | Disability benefit | North  | 02/01/2025  | 20/01/2025   |
      | 10       | Disability benefit | North  | 02/12/2024  | 20/01/2025   |
      | 32       | Disability benefit | South  | 02/01/2025  | 20/01/2025   |
      | 8        | Disability benefit | South  | 02/12/2024  | 20/01/2025   |
      | 33       | Disability benefit | North  | 01/08/2025  | 20/08/2025   |
      | 7        | Disability benefit | North  | 01/07/2025  | 20/08/2025   |
      | 32       | Disability benefit | South  | 01/08/2025  | 20/08/2025   |
      | 8        | Disability benefit | South  | 01/07/2025  | 20/08/2025   |
    When the compliance check runs
    Then the baseline of BEN-01 in region North is 75.0% from 2025-01
    And the baseline of BEN-01 in region South is 80.0% from 2025-01
    And the baseline of BEN-01 overall is 77.5% from 2025-01
    And BEN-01 should be at 80.0% in 2025-08 on its improvement path in region North
    And BEN-01 should be at 82.5% in 2025-08 on its improvement path in region South
    And BEN-01 should be at 81.25% in 2025-08 on its improvement path overall
    And BEN-01 is on track on its improvement path in 2025-08 in region North
    And BEN-01 is off track on its improvement path in 2025-08 in region South
    And BEN-01 is on track on its improvement path in 2025-08 overall

  Scenario: The goal's status is the latest finished month's; a month not yet over is not assessed
    On 15 April 2026, April is not over. March 2026 is 1 point behind the milestone of 85%.
    Given these claims:
      | How many | Benefit Type       | Region | Lodged Date | Decided Date |
      | 30       | Disability benefit | North  | 02/01/2025  | 20/01/2025   |
      | 10       | Disability benefit | North  | 02/12/2024  | 20/01/2025   |
      | 43       | Disability benefit | North  | 02/02/2026  | 20/02/2026   |
      | 7        | Disability benefit | North  | 02/01/2026  | 20/02/2026   |
      | 42       | Disability benefit | North  | 02/03/2026  | 20/03/2026   |
      | 8        | Disability benefit | North  | 02/02/2026  | 20/03/2026   |
      | 30       | Disability benefit | North  | 01/04/2026  | 10/04/2026   |
      | 10       | Disability benefit | North  | 01/03/2026  | 10/04/2026   |
    When the compliance check runs
    Then BEN-01 is on track on its improvement path in 2026-02 overall
    And BEN-01 is at risk on its improvement path in 2026-03 overall
    And BEN-01 is not assessed on its improvement path in 2026-04 overall
    And the improvement goal of BEN-01 overall is at risk

  Scenario: A month well behind the path is only at risk while the trend of the months so far reaches 90% in time
    June 2025 is at 76%, 2.5 points behind the path's 78.5%, more than the tolerance. But
    the straight line through January to June (75, 66, 69, 72, 75, 76) rises by 1 point a
    month and reaches 95.7% by March 2027.
    Given these claims:
      | How many | Benefit Type       | Region | Lodged Date | Decided Date |
      | 75       | Disability benefit | North  | 02/01/2025  | 20/01/2025   |
      | 25       | Disability benefit | North  | 02/12/2024  | 20/01/2025   |
      | 66       | Disability benefit | North  | 03/02/2025  | 20/02/2025   |
      | 34       | Disability benefit | North  | 02/01/2025  | 20/02/2025   |
      | 69       | Disability benefit | North  | 03/03/2025  | 20/03/2025   |
      | 31       | Disability benefit | North  | 03/02/2025  | 20/03/2025   |
      | 72       | Disability benefit | North  | 01/04/2025  | 20/04/2025   |
      | 28       | Disability benefit | North  | 03/03/2025  | 20/04/2025   |
      | 75       | Disability benefit | North  | 01/05/2025  | 20/05/2025   |
      | 25       | Disability benefit | North  | 01/04/2025  | 20/05/2025   |
      | 76       | Disability benefit | North  | 02/06/2025  | 20/06/2025   |
      | 24       | Disability benefit | North  | 01/05/2025  | 20/06/2025   |
    When the compliance check runs
    Then BEN-01 should be at 78.5% in 2025-06 on its improvement path overall
    And BEN-01 is at risk on its improvement path in 2025-06 overall
    And BEN-01 is off track on its improvement path in 2025-02 overall

  Scenario: A January with too few claims to judge gives no baseline, so nothing is assessed
    January 2025 has 20 claims, fewer than the minimum sample of 30: its 100% is not a
    level to start a plan from.
    Given these claims:
      | How many | Benefit Type       | Region | Lodged Date | Decided Date |
      | 20       | Disability benefit | North  | 02/01/2025  | 20/01/2025   |
      | 40       | Disability benefit | North  | 01/08/2025  | 20/08/2025   |
    When the compliance check runs
    Then the improvement goal of BEN-01 overall is not assessed
    And the improvement goal of BEN-01 overall says "its results have fewer cases than the minimum sample"
    And BEN-01 is not assessed on its improvement path in 2025-08 overall

  Scenario: A month with too few claims to judge is not assessed on the path
    August 2025 has 12 claims: 10 of 12 (83.3%) would look on track, but it is too few
    to judge, against the target or against the path.
    Given these claims:
      | How many | Benefit Type       | Region | Lodged Date | Decided Date |
      | 30       | Disability benefit | North  | 02/01/2025  | 20/01/2025   |
      | 10       | Disability benefit | North  | 02/12/2024  | 20/01/2025   |
      | 10       | Disability benefit | North  | 01/08/2025  | 20/08/2025   |
      | 2        | Disability benefit | North  | 01/07/2025  | 20/08/2025   |
    When the compliance check runs
    Then BEN-01 has too few cases to judge 2025-08 overall
    And BEN-01 is not assessed on its improvement path in 2025-08 overall
