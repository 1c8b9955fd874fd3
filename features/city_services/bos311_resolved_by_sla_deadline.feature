@timeliness @owner_city_of_boston
Feature: BOS-311 311 cases resolved by their service-level deadline
  We resolve each 311 case by the deadline the city's CRM set for it when it was opened
  (sla_target_dt, from its case type's service-level agreement). Each case has its own
  deadline, written with a time of day, and a case closed after that moment is late, even
  on the same day. The CRM has already set the deadline, so public holidays do not move
  it. A case counts in the month it was opened, in its case type; everyone together is
  judged too. Cases without a deadline (types with no service-level agreement, such as
  Animal Lost) are outside the standard. A case still open at the end of the extract's
  day that is past its deadline counts as a miss, in the month it was opened; one still
  before its deadline is left out until it closes. The target is at least 90% (the
  example's own level: Boston publishes none for these types), with no warning band and
  no minimum number of cases. Rows that contradict themselves (closed before opened, a
  deadline before opening, a status that disagrees with the closing time) are rejected;
  no more than 0.1% of rows may be.

  Background:
    Given the standard BOS-311
    And the extract is dated 2022-09-15

  Scenario: A case closed by the deadline's moment meets it; closed five minutes after, on the same day, it does not
    Given these cases:
      | case_enquiry_id | open_dt             | sla_target_dt       | closed_dt           | on_time | case_status | type                |
      | 101002789001    | 2019-03-04 09:00:00 | 2019-03-05 14:00:00 | 2019-03-05 11:30:00 | ONTIME  | Closed      | Pick up Dead Animal |
      | 101002789002    | 2019-03-04 09:00:00 | 2019-03-05 14:00:00 | 2019-03-05 14:00:00 | ONTIME  | Closed      | Pick up Dead Animal |
      | 101002789003    | 2019-03-04 09:00:00 | 2019-03-05 14:00:00 | 2019-03-05 14:05:00 | OVERDUE | Closed      | Pick up Dead Animal |
      | 101002789004    | 2019-03-04 09:00:00 | 2019-03-05 14:00:00 | 2019-03-06 08:00:00 | OVERDUE | Closed      | Pick up Dead Animal |
    When the compliance check runs
    Then BOS-311 counts 2 of 4 for 2019-03 in type Pick up Dead Animal

  Scenario Outline: A month is judged against 90% of its cases resolved by their deadline
    Given these cases:
      | How many  | open_dt             | sla_target_dt       | closed_dt           | on_time | case_status | type                |
      | <on time> | 2019-06-03 09:00:00 | 2019-06-05 09:00:00 | 2019-06-04 16:00:00 | ONTIME  | Closed      | Pick up Dead Animal |
      | <late>    | 2019-06-03 09:00:00 | 2019-06-05 09:00:00 | 2019-06-06 10:00:00 | OVERDUE | Closed      | Pick up Dead Animal |
    When the compliance check runs
    Then BOS-311 is <verdict> for 2019-06 in type Pick up Dead Animal with <share>% against 90%

    Examples:
      | on time | late | share | verdict  |
      | 19      | 1    | 95.0  | met      |
      | 9       | 1    | 90.0  | met      |
      | 17      | 2    | 89.5  | breached |
      | 8       | 2    | 80.0  | breached |

  Scenario: An open case past its deadline counts as a miss in the month it was opened; one before its deadline is left out
    The extract is taken at the end of 15 September 2022: case 4 is due at 16:00 that day,
    so it is already too late. Case 5 is due within the 5 days the alert policy looks
    ahead; case 6 has until the end of the month.
    Given these cases:
      | case_enquiry_id | open_dt             | sla_target_dt       | closed_dt           | on_time | case_status | type     |
      | 1               | 2022-08-01 09:00:00 | 2022-08-05 14:00:00 | 2022-08-04 10:00:00 | ONTIME  | Closed      | Bed Bugs |
      | 2               | 2022-08-02 09:00:00 | 2022-08-10 14:00:00 |                     | OVERDUE | Open        | Bed Bugs |
      | 3               | 2022-09-01 09:00:00 | 2022-09-05 14:00:00 | 2022-09-05 12:00:00 | ONTIME  | Closed      | Bed Bugs |
      | 4               | 2022-09-01 09:00:00 | 2022-09-15 16:00:00 |                     | OVERDUE | Open        | Bed Bugs |
      | 5               | 2022-09-01 09:00:00 | 2022-09-20 16:00:00 |                     | ONTIME  | Open        | Bed Bugs |
      | 6               | 2022-09-01 09:00:00 | 2022-09-30 16:00:00 |                     | ONTIME  | Open        | Bed Bugs |
    When the compliance check runs
    Then BOS-311 counts 1 of 2 for 2022-08 in type Bed Bugs
    And BOS-311 counts 1 of 2 for 2022-09 in type Bed Bugs
    And case 2 is reported overdue
    And case 4 is reported overdue
    And case 5 is reported at risk, to be done by 2022-09-20
    And case 6 is not reported
    And BOS-311 leaves out 2 cases as open within limit

  Scenario: A month whose cases are all still before their deadline has no result yet
    Given these cases:
      | case_enquiry_id | open_dt             | sla_target_dt       | closed_dt | on_time | case_status | type     |
      | 7               | 2022-09-12 09:00:00 | 2022-09-21 08:00:00 |           | ONTIME  | Open        | Bed Bugs |
    When the compliance check runs
    Then BOS-311 has no result for 2022-09 overall
    And case 7 is not reported
    And BOS-311 leaves out 1 case as open within limit

  Scenario: A case type without a deadline is outside the standard, whatever the city's flag says
    Given these cases:
      | case_enquiry_id | open_dt             | sla_target_dt       | closed_dt           | on_time | case_status | type                |
      | 101002789101    | 2019-05-06 09:00:00 | 2019-05-08 09:00:00 | 2019-05-07 09:00:00 | ONTIME  | Closed      | Pick up Dead Animal |
      | 101002789102    | 2019-05-06 09:00:00 |                     | 2019-10-01 11:05:06 | ONTIME  | Closed      | Animal Lost         |
      | 101002789103    | 2019-05-06 09:00:00 |                     |                     | ONTIME  | Open        | Animal Noise Disturbances |
    When the compliance check runs
    Then BOS-311 counts 1 of 1 for 2019-05 overall
    And BOS-311 leaves out 2 cases as outside population
    And BOS-311 has no result for 2019-05 in type Animal Lost
    And case 101002789103 is not reported

  Scenario: A case counts in the month it was opened, in its own type, and in everyone's figure
    Case 101002870049 was opened on the evening of 31 March and closed in April.
    Given these cases:
      | case_enquiry_id | open_dt             | sla_target_dt       | closed_dt           | on_time | case_status | type                           |
      | 101002870049    | 2019-03-31 20:12:00 | 2019-04-01 08:30:00 | 2019-04-01 07:00:00 | ONTIME  | Closed      | Pick up Dead Animal            |
      | 101002870050    | 2019-04-01 10:00:00 | 2019-04-15 10:00:00 | 2019-04-22 10:00:00 | OVERDUE | Closed      | Pest Infestation - Residential |
      | 101002870051    | 2019-04-02 10:00:00 | 2019-04-03 10:00:00 | 2019-04-02 15:00:00 | ONTIME  | Closed      | Pick up Dead Animal            |
    When the compliance check runs
    Then BOS-311 counts 1 of 1 for 2019-03 in type Pick up Dead Animal
    And BOS-311 counts 1 of 1 for 2019-04 in type Pick up Dead Animal
    And BOS-311 counts 0 of 1 for 2019-04 in type Pest Infestation - Residential
    And BOS-311 counts 1 of 2 for 2019-04 overall

  Scenario Outline: A row that contradicts itself is rejected and not counted
    One bad row in a thousand is the most the dataset allows; more would stop the check.
    Given 999 cases like this:
      | open_dt             | sla_target_dt       | closed_dt           | on_time | case_status | type                |
      | 2019-03-04 09:00:00 | 2019-03-06 14:00:00 | 2019-03-05 10:00:00 | ONTIME  | Closed      | Pick up Dead Animal |
    And these cases:
      | case_enquiry_id | open_dt             | sla_target_dt   | closed_dt   | on_time | case_status | type                |
      | 101002789777    | 2019-03-04 09:00:00 | <sla_target_dt> | <closed_dt> | ONTIME  | <status>    | Pick up Dead Animal |
    When the compliance check runs
    Then case 101002789777 is rejected because <message>
    And BOS-311 counts 999 of 999 for 2019-03 overall

    Examples:
      | sla_target_dt       | closed_dt           | status | message                                                       |
      | 2019-03-06 14:00:00 | 2019-03-04 08:00:00 | Closed | the case is closed before it was opened                       |
      | 2019-03-03 14:00:00 | 2019-03-05 10:00:00 | Closed | the deadline is before the case was opened                    |
      | 2019-03-06 14:00:00 |                     | Closed | the status says Closed without a closing time, or Open with one |
      | 2019-03-06 14:00:00 | 2019-03-05 10:00:00 | Open   | the status says Closed without a closing time, or Open with one |

  Scenario: A month below 90% raises a breach alert that counts the open cases already too late
    Given these cases:
      | How many | open_dt             | sla_target_dt       | closed_dt           | on_time | case_status | type                |
      | 8        | 2019-12-02 09:00:00 | 2019-12-04 09:00:00 | 2019-12-03 09:00:00 | ONTIME  | Closed      | Pick up Dead Animal |
      | 1        | 2019-12-02 09:00:00 | 2019-12-04 09:00:00 | 2019-12-05 09:00:00 | OVERDUE | Closed      | Pick up Dead Animal |
    And these cases:
      | case_enquiry_id | open_dt             | sla_target_dt       | closed_dt | on_time | case_status | type                |
      | 101003100001    | 2019-12-02 09:00:00 | 2019-12-04 09:00:00 |           | OVERDUE | Open        | Pick up Dead Animal |
    When the compliance check runs
    Then a breach alert is raised for BOS-311 in 2019-12 for type Pick up Dead Animal
    And the alert says "80.0% (8 of 10) against a target of at least 90%: 10.0 points below the target; it needed 1 more case meeting the standard. Includes 1 open case already too late to meet the limit on the as-of date."
    And a breach alert is raised for BOS-311 in 2019-12 overall
    And case 101003100001 is reported overdue
    And an overdue cases alert is raised for BOS-311
    And the alert says "1 open case can no longer meet the standard (closed_dt by its sla_target_dt) at the end of 2022-09-15"

  Scenario: A case type below 90% for three months running is escalated
    Given these cases:
      | open_dt             | sla_target_dt       | closed_dt           | on_time | case_status | type     |
      | 2019-10-07 09:00:00 | 2019-10-21 09:00:00 | 2019-10-14 09:00:00 | ONTIME  | Closed      | Bed Bugs |
      | 2019-10-07 09:00:00 | 2019-10-21 09:00:00 | 2019-10-28 09:00:00 | OVERDUE | Closed      | Bed Bugs |
      | 2019-11-04 09:00:00 | 2019-11-18 09:00:00 | 2019-11-11 09:00:00 | ONTIME  | Closed      | Bed Bugs |
      | 2019-11-04 09:00:00 | 2019-11-18 09:00:00 | 2019-11-25 09:00:00 | OVERDUE | Closed      | Bed Bugs |
      | 2019-12-02 09:00:00 | 2019-12-16 09:00:00 | 2019-12-09 09:00:00 | ONTIME  | Closed      | Bed Bugs |
      | 2019-12-02 09:00:00 | 2019-12-16 09:00:00 | 2019-12-23 09:00:00 | OVERDUE | Closed      | Bed Bugs |
    When the compliance check runs
    Then BOS-311 is breached for 2019-12 in type Bed Bugs with 50.0% against 90%
    And an escalation alert is raised for BOS-311 in 2019-12 for type Bed Bugs
    And the alert says "Escalation: breached for 3 consecutive periods (2019-10 to 2019-12)."

  Scenario: A case type trailing everyone by more than 5 points raises an equity gap alert
    Given these cases:
      | How many | open_dt             | sla_target_dt       | closed_dt           | on_time | case_status | type                |
      | 18       | 2019-12-02 09:00:00 | 2019-12-04 09:00:00 | 2019-12-03 09:00:00 | ONTIME  | Closed      | Pick up Dead Animal |
      | 1        | 2019-12-02 09:00:00 | 2019-12-16 09:00:00 | 2019-12-09 09:00:00 | ONTIME  | Closed      | Bed Bugs            |
      | 1        | 2019-12-02 09:00:00 | 2019-12-16 09:00:00 | 2019-12-23 09:00:00 | OVERDUE | Closed      | Bed Bugs            |
    When the compliance check runs
    Then BOS-311 is met for 2019-12 overall with 95.0% against 90%
    And an equity gap alert is raised for BOS-311 in 2019-12 for type Bed Bugs
    And the alert says "This segment trails the whole population by 45.0 points"
    And a breach alert is raised for BOS-311 in 2019-12 for type Bed Bugs

  Scenario: The 2019 extract checked in September 2022 is flagged: nothing opened this month, and the newest case is old
    Given these cases:
      | open_dt             | sla_target_dt       | closed_dt           | on_time | case_status | type                |
      | 2019-12-31 09:00:00 | 2020-01-02 09:00:00 | 2020-01-01 09:00:00 | ONTIME  | Closed      | Pick up Dead Animal |
    When the compliance check runs
    Then a no data alert is raised for BOS-311 in 2022-09
    And a stale data alert is raised for BOS-311 in 2022-09
    And the alert says "The newest open_dt in the boston_311 extract is 2019-12-31, 989 days before the as-of date 2022-09-15; the alert policy allows 7 days."
