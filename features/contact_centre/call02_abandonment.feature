@access
Feature: CALL-02 Call abandonment rate
  No more than 10% of callers hang up before reaching an agent. The telephony
  system has already counted the calls per queue and day; the counts are added up
  over the month, so a busy day weighs more than a quiet one.

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
