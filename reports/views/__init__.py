"""Pages of the reports: the index and a round's dashboard (`dashboard.py`), the Excel exports, their
background jobs and the public open data (`exports.py`). Thin: reads come from reports.selectors and
reports.statistics, the background export goes through reports.services."""
