"""Backups: a consistent copy of the database while the app runs, and the instance keys kept apart."""
