"""Running calls at the same moment in real threads, each on its own database connection.

Each thread starts with a copy of the caller's row-level security context (threads otherwise start
with none), so a test that arranges data as the system also races as the system; a test can pass
calls that switch context themselves.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable

from django.db import connections, transaction


def run_together(calls: list[Callable[[], object]], *, atomic: bool = False) -> list[object]:
    """Start every call at once behind a barrier; return each result or the exception it raised.
    With ``atomic`` each call runs in its own transaction."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)
    context = contextvars.copy_context()

    def worker(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            if atomic:
                with transaction.atomic():
                    results[index] = call()
            else:
                results[index] = call()
        except Exception as exc:  # collected and asserted on by the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=context.copy().run, args=(worker, i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def in_this_context(function: Callable) -> Callable:
    """``function`` wrapped to run, in whatever thread calls it, under a copy of the current context."""
    context = contextvars.copy_context()

    def run(*args, **kwargs):
        return context.copy().run(function, *args, **kwargs)

    return run
