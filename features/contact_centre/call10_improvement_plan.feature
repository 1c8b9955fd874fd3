@access @owner_contact_centre_operations
Feature: CALL-10 Calls answered by an agent within 10 minutes
  We answer 80% of calls to our contact centres within 10 minutes of the caller choosing
  to speak to an agent. The telephony platform's monthly report has already counted, for
  each month and centre (Halifax, Winnipeg), the calls offered to an agent queue and the
  calls answered within 10 minutes; these are added up for each centre and for both
  centres together, and the sums divided. A month at or above 80% but below 82% is in
  warning; a month with fewer than 1,000 calls offered is not judged. There are no open
  cases: each row is a month already counted.

  The improvement plan published with the 2024-25 business plan starts from the level
  of FY2023-24 (April 2023 to March 2024), computed by adding up the calls of the months
  of that year, for everyone and for each centre on its own. From that baseline on 31 March 2024 the path runs in a straight line to 80%
  on 31 March 2025, then to the goal of 85% on 31 March 2026. A month is held against
  the path's value on its last day: at or past 85% it has achieved the goal; at or above
  the path it is on track; behind by no more than 2 points it is at risk; behind by more
  it is off track, unless the trend of the months so far (at least 6 of them) reaches 85%
  by March 2026, which makes it at risk again. A month with fewer than 1,000 calls has no
  value on the path: it is left out of the baseline and is not assessed. A month of the
  baseline year and a month not yet over are not assessed either, and the goal's status
  is that of the latest month assessed. A centre, or both centres together, off track in
  its latest month raises an off trajectory alert; at risk raises none.

  The report dates each month on its first day, so the data are stale only when the
  newest month is more than 45 days old.

  Background:
    Given the standard CALL-10
    And the extract is dated 2025-06-30

  Scenario Outline: The verdict for a month depends on the calls answered within 10 minutes and the calls offered
    Given these calls:
      | Month   | Centre  | Calls offered | Answered within 10 min |
      | 2025-06 | Halifax | <offered>     | <answered>             |
    When the compliance check runs
    Then CALL-10 counts <answered> of <offered> for 2025-06 in centre Halifax
    And CALL-10 is <verdict> for 2025-06 in centre Halifax

    Examples:
      | offered | answered | verdict    |
      | 20000   | 17000    | met        |
      | 20000   | 16400    | met        |
      | 20000   | 16000    | in warning |
      | 20000   | 15999    | breached   |
      | 1000    | 900      | met        |
      | 999     | 900      | not judged |

  Scenario: Each centre is judged on its own, and a centre trailing both together by more than 5 points raises an equity gap
    Given these calls:
      | Month   | Centre   | Calls offered | Answered within 10 min |
      | 2025-06 | Halifax  | 20000         | 16800                  |
      | 2025-06 | Winnipeg | 15000         | 11250                  |
    When the compliance check runs
    Then CALL-10 is met for 2025-06 in centre Halifax with 84.0% against 80%
    And CALL-10 is breached for 2025-06 in centre Winnipeg with 75.0% against 80%
    And CALL-10 is in warning for 2025-06 overall with 80.1% against 80%
    And a breach alert is raised for CALL-10 in 2025-06 for centre Winnipeg
    And the alert says "75.0% (11,250 of 15,000) against a target of at least 80%: 5.0 points below the target; it needed 750 more cases meeting the standard."
    And an equity gap alert is raised for CALL-10 in 2025-06 for centre Winnipeg
    And the alert says "This segment trails the whole population by 5.1 points"
    And a warning alert is raised for CALL-10 in 2025-06 overall
    And the alert says "met, but inside the warning band (below 82%)"

  Scenario: Three breached months running in a centre raise an escalation
    Given these calls:
      | Month   | Centre   | Calls offered | Answered within 10 min |
      | 2025-04 | Winnipeg | 15000         | 11250                  |
      | 2025-05 | Winnipeg | 15000         | 11250                  |
      | 2025-06 | Winnipeg | 15000         | 11250                  |
    When the compliance check runs
    Then an escalation alert is raised for CALL-10 in 2025-06 for centre Winnipeg
    And the alert says "Escalation: breached for 3 consecutive periods (2025-04 to 2025-06)"

  Scenario: The baseline adds up the calls of the months of FY2023-24, for everyone and for each centre
    March 2023 is in the year before and April 2024 in the year after. For everyone:
    14,000 + 10,200 + 14,800 answered in time of 20,000 + 15,000 + 20,000 offered is
    70.9%.
    Given these calls:
      | Month   | Centre   | Calls offered | Answered within 10 min |
      | 2023-03 | Halifax  | 20000         | 19000                  |
      | 2023-04 | Halifax  | 20000         | 14000                  |
      | 2023-06 | Winnipeg | 15000         | 10200                  |
      | 2024-03 | Halifax  | 20000         | 14800                  |
      | 2024-04 | Halifax  | 20000         | 19000                  |
    When the compliance check runs
    Then the baseline of CALL-10 overall is 70.9% from FY2023-24
    And the baseline of CALL-10 in centre Halifax is 72.0% from FY2023-24
    And the baseline of CALL-10 in centre Winnipeg is 68.0% from FY2023-24

  Scenario: A month of the baseline year with fewer than 1,000 calls is left out of the baseline
    May 2023's 999 calls, all answered in time, would lift the baseline to 72.7% (29,799
    of 40,999); without them it is 28,800 of 40,000.
    Given these calls:
      | Month   | Centre  | Calls offered | Answered within 10 min |
      | 2023-04 | Halifax | 20000         | 14000                  |
      | 2023-05 | Halifax | 999           | 999                    |
      | 2024-03 | Halifax | 20000         | 14800                  |
    When the compliance check runs
    Then CALL-10 has too few cases to judge 2023-05 in centre Halifax
    And the baseline of CALL-10 overall is 72.0% from FY2023-24
    And the baseline of CALL-10 in centre Halifax is 72.0% from FY2023-24

  Scenario: The path runs in a straight line from the baseline to 80% in March 2025, then on to 85% in March 2026
    From 72.0% on 31 March 2024 the path gains 8 points over the 365 days to 31 March
    2025 (76.0% on 30 September 2024), then 5 points over the next 365 days (81.2% on
    30 June 2025).
    Given these calls:
      | Month   | Centre  | Calls offered | Answered within 10 min |
      | 2024-03 | Halifax | 20000         | 14400                  |
      | 2024-09 | Halifax | 20000         | 15200                  |
      | 2024-12 | Halifax | 20000         | 15600                  |
      | 2025-03 | Halifax | 20000         | 16000                  |
      | 2025-06 | Halifax | 20000         | 16400                  |
    When the compliance check runs
    Then the baseline of CALL-10 overall is 72.0% from FY2023-24
    And CALL-10 should be at 76.0% in 2024-09 on its improvement path overall
    And CALL-10 should be at 78.0% in 2024-12 on its improvement path overall
    And CALL-10 should be at 80.0% in 2025-03 on its improvement path overall
    And CALL-10 should be at 81.2% in 2025-06 on its improvement path overall

  Scenario Outline: A month stands on track, at risk or off track against the path's value on its last day
    The path is at 81.25% on 30 June 2025 (81.2466% exactly). Two months of history are
    too few for a trend, so the status rests on the path alone.
    Given these calls:
      | Month   | Centre  | Calls offered | Answered within 10 min |
      | 2024-03 | Halifax | 20000         | 14400                  |
      | 2025-06 | Halifax | 20000         | <answered>             |
    When the compliance check runs
    Then CALL-10 should be at 81.25% in 2025-06 on its improvement path overall
    And CALL-10 is <status> on its improvement path in 2025-06 overall
    And the improvement goal of CALL-10 overall is <status>

    Examples:
      | answered | rate   | status    |
      | 17000    | 85.0%  | achieved  |
      | 16400    | 82.0%  | on track  |
      | 16250    | 81.25% | on track  |
      | 16200    | 81.0%  | at risk   |
      | 15860    | 79.3%  | at risk   |
      | 15840    | 79.2%  | off track |

  Scenario: Each centre is tracked against its own path, and everyone together against theirs
    Given these calls:
      | Month   | Centre   | Calls offered | Answered within 10 min |
      | 2023-04 | Halifax  | 20000         | 14400                  |
      | 2023-04 | Winnipeg | 15000         | 10200                  |
      | 2025-06 | Halifax  | 20000         | 16500                  |
      | 2025-06 | Winnipeg | 15000         | 11400                  |
    When the compliance check runs
    Then the improvement goal of CALL-10 in centre Halifax is on track
    And the improvement goal of CALL-10 in centre Winnipeg is off track
    And the improvement goal of CALL-10 overall is at risk

  Scenario: A month more than 2 points behind is still at risk when the trend of at least 6 months reaches 85% by March 2026
    The months climb 0.68 points a month from 69.0% in March 2024. In March and April
    2025 there are too few months for a trend (4 and 5), so those months are off track on
    the path alone; from May the trend reaches 85.3% by March 2026.
    Given these calls:
      | Month   | Centre  | Calls offered | Answered within 10 min |
      | 2024-03 | Halifax | 20000         | 13800                  |
      | 2025-01 | Halifax | 20000         | 15160                  |
      | 2025-02 | Halifax | 20000         | 15296                  |
      | 2025-03 | Halifax | 20000         | 15432                  |
      | 2025-04 | Halifax | 20000         | 15568                  |
      | 2025-05 | Halifax | 20000         | 15704                  |
      | 2025-06 | Halifax | 20000         | 15840                  |
    When the compliance check runs
    Then the baseline of CALL-10 overall is 69.0% from FY2023-24
    And CALL-10 is off track on its improvement path in 2025-03 overall
    And CALL-10 is off track on its improvement path in 2025-04 overall
    And CALL-10 is at risk on its improvement path in 2025-05 overall
    And CALL-10 is at risk on its improvement path in 2025-06 overall
    And the improvement goal of CALL-10 overall is at risk

  Scenario: Months of the baseline year, with fewer than 1,000 calls, or not yet over are not assessed; the goal takes the latest month assessed
    May 2025's 999 calls, all answered in time, would have achieved the goal; June is
    not over on 15 June. April, at 81.0% against the path's 80.4% on 30 April, is the
    latest month assessed.
    Given the extract is dated 2025-06-15
    And these calls:
      | Month   | Centre  | Calls offered | Answered within 10 min |
      | 2024-03 | Halifax | 20000         | 14400                  |
      | 2025-04 | Halifax | 20000         | 16200                  |
      | 2025-05 | Halifax | 999           | 999                    |
      | 2025-06 | Halifax | 20000         | 14000                  |
    When the compliance check runs
    Then CALL-10 is not assessed on its improvement path in 2024-03 overall
    And CALL-10 is on track on its improvement path in 2025-04 overall
    And CALL-10 has too few cases to judge 2025-05 overall
    And CALL-10 is not assessed on its improvement path in 2025-05 overall
    And CALL-10 is not assessed on its improvement path in 2025-06 overall
    And the improvement goal of CALL-10 overall is on track
    And the improvement goal of CALL-10 overall says "2025-04 is 81.0%, at or ahead of the path's 80.4%"

  Scenario: A centre off track in its latest month raises an off trajectory alert; being at risk raises none
    From 70.0% in FY2023-24, Winnipeg's 76.0% in June 2025 is 5.25 points behind the
    path's 81.25%: off track. Halifax has reached 85%; both centres together, at 81.1%,
    are 0.10 points behind the path: at risk, within the tolerance.
    Given these calls:
      | Month   | Centre   | Calls offered | Answered within 10 min |
      | 2023-04 | Halifax  | 20000         | 15000                  |
      | 2023-04 | Winnipeg | 15000         | 10500                  |
      | 2025-06 | Halifax  | 20000         | 17000                  |
      | 2025-06 | Winnipeg | 15000         | 11400                  |
    When the compliance check runs
    Then CALL-10 is achieved on its improvement path in 2025-06 in centre Halifax
    And CALL-10 is off track on its improvement path in 2025-06 in centre Winnipeg
    And CALL-10 is at risk on its improvement path in 2025-06 overall
    And the improvement goal of CALL-10 in centre Winnipeg says "2025-06 is 76.0%, 5.25 points behind the path's 81.2%, more than the tolerance of 2 points"
    And an off trajectory alert is raised for CALL-10 in 2025-06 for centre Winnipeg
    And the alert says "(centre Winnipeg) is off track for its improvement goal of 85% by 2026-03-31, from 70.0% in FY2023-24"
    And the alert says "Reaching the goal needs 1.00 points a period over the 9 periods left."
    And no off trajectory alert is raised for CALL-10 overall
    And no off trajectory alert is raised for CALL-10 for centre Halifax

  Scenario: A newest month more than 45 days old raises a stale data alert
    Given these calls:
      | Month   | Centre  | Calls offered | Answered within 10 min |
      | 2025-05 | Halifax | 20000         | 16400                  |
    When the compliance check runs
    Then a stale data alert is raised for CALL-10 in 2025-06
    And the alert says "The newest Month in the calls extract is 2025-05-01, 60 days before the as-of date 2025-06-30; the alert policy allows 45 days."

  Scenario: A newest month exactly 45 days old is not stale
    Given the extract is dated 2025-06-15
    And these calls:
      | Month   | Centre  | Calls offered | Answered within 10 min |
      | 2025-05 | Halifax | 20000         | 16400                  |
    When the compliance check runs
    Then no stale data alert is raised for CALL-10
