"""Pages are created in the Wagtail admin one at a time under each parent page, and saved one at a
time each.

Wagtail 8's editor autosaves a new page: 500 ms after the last change it POSTs the form (as JSON) to
the same "add" URL, which creates the page as a draft. A Publish pressed meanwhile is a second POST
to that URL. Both pass the form's "this slug is free" check before either has saved, and the one
that saves second fails inside ``add_child`` with an uncaught ``ValidationError``: a server error,
and for the marketer whose Publish lost, a 500 page (found by the marketer's browser journey,
``tests/e2e/test_marketer_journey_browser.py``).

Editing has the twin race: an autosave that loaded a never-published draft (``live`` false) while
the Publish of that draft was running saves the whole page row afterwards (Wagtail's edit view
saves a non-live page with ``form.save(commit=True)``), writing ``live = False`` over the publish:
the editor said "published" and the storefront answered 404 (found by the issue 17 journey).

This middleware runs each create POST in one transaction that first locks the parent page's row, so
a second create under the same parent waits for the first to commit; its form then sees the new
sibling and answers with the editor's own validation error ("The slug ... is already in use"), or
for an autosave Wagtail's JSON ``validation_error``, never a 500. The whole creation (page,
revision, publication, hooks) is then all or nothing. Each edit POST likewise locks the page's own
row before the view loads the page, so an autosave queued behind a Publish loads the live page.
Other pages never wait for each other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from .locking import locked

# The admin views that write a page, and the URL argument naming the page row to lock.
LOCKED_ROW = {"wagtailadmin_pages:add": "parent_page_id", "wagtailadmin_pages:edit": "page_id"}


class SerialPageWritesMiddleware:
    """Place after the row-level security middleware (the lock and the view run under its context)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple,
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = request.resolver_match
        if request.method != "POST" or match is None or match.view_name not in LOCKED_ROW:
            return None
        from wagtail.models import Page

        with transaction.atomic():
            # A create under the same parent, or a save of the same page, waits here until this commits.
            row = view_kwargs.get(LOCKED_ROW[match.view_name])
            list(locked(Page.objects.filter(pk=row)).values_list("pk", flat=True))
            return view_func(request, *view_args, **view_kwargs)
