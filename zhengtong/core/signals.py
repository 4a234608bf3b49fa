"""Audit of sign-in events: login, logout and failed login."""
