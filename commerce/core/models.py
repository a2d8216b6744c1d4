"""Core has no tables. This module exists so that Django treats the app as having models and sends
it ``post_migrate``, which writes the row-level security policies (see ``apps.py``)."""
