"""Sessions of a cohort, attendance and coaching (issue #5)."""
