"""Award lists, statistics and the provincial dashboard's reads.

The layout follows pretix's exporters: an exporter (exporters.py) only says what its sheets are and
yields their rows; one writer (xlsx.py) writes every workbook with openpyxl's write-only mode.
Reads live in selectors.py (lists) and statistics.py (aggregates for the dashboard), who may use
them in rules.py (can_report, reportable_rounds), the background export in services.py and tasks.py.
"""
