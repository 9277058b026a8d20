"""Audit log: who did what, when, to which record, with before and after."""
