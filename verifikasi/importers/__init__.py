"""Readers of the files offices bring in (e-PKH)."""
