"""Documents generated from stored data for the chart (the course summary PDF)."""
