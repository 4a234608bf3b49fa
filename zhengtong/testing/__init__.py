"""Test support shared by every app's tests (and the browser tests): factories of the
kernel's objects. Never imported by the running site.

Like the kernel it supports, this package imports `core`, `org` and `public` only,
never a subsystem: an app's own builders (a document in a state, a letter) stay in
that app's tests/conftest.py and build their kernel parts with these factories."""
