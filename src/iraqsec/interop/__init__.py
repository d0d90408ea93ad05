"""Other datasets: ACLED import and the export formats."""
