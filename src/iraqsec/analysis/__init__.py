"""Queries and reports: filters, groupings, series and the report page's data (pure functions)."""
