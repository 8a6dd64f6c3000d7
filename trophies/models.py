"""Jury, criteria, scores, results, awards and documents (issues #6 and #7)."""
