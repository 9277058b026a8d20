"""Factories per feature: each builds valid records through the same rules as the services."""
