"""Views of the dtsen app, by subject: snapshots (imports) and reconciliation."""
