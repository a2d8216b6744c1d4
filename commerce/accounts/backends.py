"""Signing in under row-level security.

Before sign-in nobody may see a user row, so looking one up by email and checking the password is
the one step that must run as the system; it runs under a context named ``authenticate`` and
nothing else does. Once Django's ``login()`` has run, the request continues as the user.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from commerce.core.rls import system_context


class EmailBackend(ModelBackend):
    def authenticate(self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any):
        with system_context("authenticate"):
            return super().authenticate(request, username=username, password=password, **kwargs)
