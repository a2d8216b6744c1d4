"""Pages are created in the Wagtail admin one at a time under each parent page.

Wagtail 8's editor autosaves a new page: 500 ms after the last change it POSTs the form (as JSON) to
the same "add" URL, which creates the page as a draft. A Publish pressed meanwhile is a second POST
to that URL. Both pass the form's "this slug is free" check before either has saved, and the one
that saves second fails inside ``add_child`` with an uncaught ``ValidationError``: a server error,
and for the marketer whose Publish lost, a 500 page (found by the marketer's browser journey,
``tests/e2e/test_marketer_journey_browser.py``).

This middleware runs each create POST in one transaction that first locks the parent page's row, so
a second create under the same parent waits for the first to commit; its form then sees the new
sibling and answers with the editor's own validation error ("The slug ... is already in use"), or
for an autosave Wagtail's JSON ``validation_error``, never a 500. The whole creation (page,
revision, publication, hooks) is then all or nothing. Creates under different parents never wait
for each other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from .locking import locked

CREATE_VIEW = "wagtailadmin_pages:add"


class SerialPageCreationMiddleware:
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
        if request.method != "POST" or match is None or match.view_name != CREATE_VIEW:
            return None
        from wagtail.models import Page

        with transaction.atomic():
            # The parent's row: a create under it elsewhere waits here until this one commits.
            list(locked(Page.objects.filter(pk=view_kwargs.get("parent_page_id"))).values_list("pk", flat=True))
            return view_func(request, *view_args, **view_kwargs)
