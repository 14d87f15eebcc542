"""The insights: what is worked out from everything below, on a schedule or for staff.

Staff reports (reports.catalog and the report modules), the de facto standards
(reports.standards, shown by questions' pages), the nudges about waiting questions
(reports.nudges) and the daily digest (reports.digest). Nothing below imports this app
(the `layers` contract): it reads profiles, notifications, search and questions, and
fills tables some of them own.
"""
