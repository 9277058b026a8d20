"""Accounts, roles, login, tokens and permissions."""
