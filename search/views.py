from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .forms import SearchForm, bounded_page_number
from .selectors import shop_url, storefront_search


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Storefront search. No query: a prompt. A query that is too long: a message and no search (400)."""
    form = SearchForm(request.GET)
    form.is_valid()  # invalid filters are shown with their errors and ignored; see SearchForm
    results = None
    status = 200
    if not form.query_is_valid:
        status = 400
    elif form.query:
        results = storefront_search(
            request=request,
            query=form.query,
            filters=form.filters,
            sort=form.chosen_sort,
            page_number=bounded_page_number(request.GET.get("page", 1)),
        )
        form.set_categories(results.categories)
    context = {
        "form": form,
        "results": results,
        "search_query": form.query if form.query_is_valid else "",
    }
    if results is None or not results.products.unfiltered_total:
        context["shop_url"] = shop_url(request)
    return render(request, "search/search.html", context, status=status)
