"""Row-level security: the context each transaction carries and the policies that read it.

Import what callers need from here: ``system_context``, ``granted``, ``use_context``,
``current_context``, ``RlsContext``. See ``README.md`` (Security) for the model.
"""

from .context import (
    ANONYMOUS,
    RlsContext,
    activate,
    current_context,
    grant,
    granted,
    restore,
    runs_as_system,
    system_context,
    use_context,
)

__all__ = [
    "ANONYMOUS",
    "RlsContext",
    "activate",
    "current_context",
    "grant",
    "granted",
    "restore",
    "runs_as_system",
    "system_context",
    "use_context",
]
