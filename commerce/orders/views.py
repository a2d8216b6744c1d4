"""A customer's order history and order pages; a guest's order through its signed link."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from commerce.accounts.signup import customer_sign_up_confirm
from commerce.accounts.verification import user_for_verification_token
from commerce.core.exceptions import CommerceError
from commerce.core.links import safe_next_url
from commerce.stores.selectors import store_for_request

from .claims import customer_email_verify
from .fulfilment_forms import ReturnForm
from .links import order_from_guest_token
from .returns import return_request_create
from .selectors import order_for_customer, order_shipments_and_returns, orders_for_customer


@require_GET
@login_required
def order_history(request: HttpRequest) -> HttpResponse:
    store = store_for_request(request)
    paginator = Paginator(orders_for_customer(user=request.user, store=store), 20)
    try:
        number = min(int(request.GET.get("page", 1)), settings.MAGPIE_MAX_PAGE_NUMBER)
    except ValueError:
        number = 1
    page = paginator.get_page(number)
    return render(request, "orders/history.html", {"orders": page, "page_obj": page})


@require_GET
@login_required
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = order_for_customer(user=request.user, number=number, store=store_for_request(request))
    if order is None:
        raise Http404("No such order.")
    context = {"order": order, "lines": order.lines.all(), **order_shipments_and_returns(order=order)}
    return render(request, "orders/detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def order_return_request(request: HttpRequest, number: str) -> HttpResponse:
    """The customer asks to return shipped items of their own order (lines, quantities, reason)."""
    order = order_for_customer(user=request.user, number=number, store=store_for_request(request))
    if order is None:
        raise Http404("No such order.")
    form = ReturnForm(request.POST or None, order=order)
    if request.method == "POST" and form.is_valid():
        try:
            return_request_create(
                order=order,
                lines=form.return_lines(),
                note=form.cleaned_data["note"],
                actor=request.user,
                by_staff=False,
            )
        except CommerceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Thank you: we have your return request and will email you once it is approved.")
            return redirect("orders:detail", number=order.number)
    status = 400 if request.method == "POST" else 200
    return render(request, "orders/return_request.html", {"order": order, "form": form}, status=status)


@require_GET
def guest_order_detail(request: HttpRequest, token: str) -> HttpResponse:
    order = order_from_guest_token(token, store=store_for_request(request))
    if order is None:
        raise Http404("No such order.")
    context = {"order": order, "lines": order.lines.all(), "guest": True, **order_shipments_and_returns(order=order)}
    return render(request, "orders/detail.html", context)


@require_http_methods(["GET", "POST"])
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed confirmation link: GET shows a button (a GET never writes), POST confirms."""
    user = user_for_verification_token(token)
    if user is None:
        return render(request, "accounts/verify_email.html", {"invalid": True}, status=400)
    if request.method == "GET":
        return render(request, "accounts/verify_email.html", {"email": user.email})
    claimed = customer_email_verify(user=user)
    joined = f" {claimed} earlier order{'s' if claimed != 1 else ''} joined your account." if claimed else ""
    messages.success(request, f"Thank you: {user.email} is confirmed.{joined}")
    signed_in_as_them = request.user.is_authenticated and request.user.pk == user.pk
    return redirect("orders:history" if signed_in_as_them else "accounts:login")


@require_GET
def signup_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The sign-up link: it activates the account and, since it proves the address, confirms it, so
    the guest orders placed with it join the account (the one path, ``customer_email_verify``). It
    lives here, above accounts, because joining orders is the orders floor's business."""
    user = customer_sign_up_confirm(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "accounts/signup_link_invalid.html", status=400)
    claimed = customer_email_verify(user=user)
    login(request, user, backend="commerce.accounts.backends.EmailBackend")
    joined = f" {claimed} earlier order{'s' if claimed != 1 else ''} joined your account." if claimed else ""
    messages.success(request, f"Welcome! Your account is ready.{joined}")
    return HttpResponseRedirect(safe_next_url(request) or reverse("accounts:detail"))
