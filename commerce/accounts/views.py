"""Customer account pages: sign-up, log-in and out, passwords, the account page and the address book.

HTTP only: forms validate, services write, selectors read. Logging in goes through
``django.contrib.auth.login`` everywhere, so the visitor's cart joins the customer's (cart app signal).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commerce.core.exceptions import CommerceError, NotFound
from commerce.core.links import email_link_options, safe_next_url, site_url
from commerce.core.rls import runs_as_system
from commerce.core.throttle import throttled
from commerce.stores.selectors import store_for_request

from .forms import AddressForm, EmailAuthenticationForm, SignUpForm
from .selectors import address_for_customer, addresses_for, default_address_for
from .services import address_create, address_delete, address_set_default, address_update
from .signup import customer_sign_up_request
from .verification import email_verification_send

LOGIN_URL = reverse_lazy("accounts:login")
customer_required = login_required(login_url=LOGIN_URL)


@method_decorator(throttled("login", account_field="username"), name="dispatch")
class AccountLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True
    next_page = reverse_lazy("accounts:detail")


class AccountLogoutView(auth_views.LogoutView):
    """POST only (Django's LogoutView answers GET with 405). A safe ``next`` wins over the home page."""

    next_page = "/"

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have logged out.")
        return response


class AccountPasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:detail")

    def form_valid(self, form: Form) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, "Your password has been changed.")
        return response


@method_decorator(throttled("password_reset", account_field="email"), name="dispatch")
class AccountPasswordResetView(auth_views.PasswordResetView):
    """Always answers "sent", whether or not the email has an account, so it reveals none. The
    link is built on the store's own Site, never on the request's Host."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Form) -> HttpResponse:
        store = store_for_request(self.request)
        self.extra_email_context = {"store_name": store.name if store else settings.WAGTAIL_SITE_NAME}
        base_url = site_url(store.site) if store else settings.WAGTAILADMIN_BASE_URL
        form.save(
            **email_link_options(base_url),
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
            html_email_template_name=self.html_email_template_name,
            extra_email_context=self.extra_email_context,
        )
        return HttpResponseRedirect(self.get_success_url())


login_view = AccountLoginView.as_view()
logout_view = AccountLogoutView.as_view()
password_change = customer_required(AccountPasswordChangeView.as_view())
# Finding an account by email and checking a reset link read a user row before anyone is signed
# in: these two views run under the named "password_reset" system context.
password_reset = runs_as_system("password_reset")(AccountPasswordResetView.as_view())
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html")
password_reset_confirm = runs_as_system("password_reset")(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password_reset_complete"),
    )
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


@require_http_methods(["GET", "POST"])
@throttled("signup", account_field="email")
def signup(request: HttpRequest) -> HttpResponse:
    """The same answer for a new email and a registered one ("check your email"): the mail itself
    says which it was, to its owner only (``commerce.accounts.signup``)."""
    next_url = safe_next_url(request)
    if request.user.is_authenticated:
        return HttpResponseRedirect(next_url or reverse("accounts:detail"))
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        store = store_for_request(request)
        try:
            customer_sign_up_request(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                base_url=site_url(store.site) if store else settings.WAGTAILADMIN_BASE_URL,
                store_name=store.name if store else settings.WAGTAIL_SITE_NAME,
                next_url=next_url or "",
            )
        except (CommerceError, ValidationError) as error:
            _show_error(form, error)
        else:
            request.session["magpie.signup_email"] = form.cleaned_data["email"]
            return redirect("accounts:signup_sent")
    return render(request, "accounts/signup.html", {"form": form, "next": next_url or ""})


def _verification_site(request: HttpRequest) -> dict[str, str]:
    """Where the emailed link points: the store's Site (never the request's Host), and its name."""
    store = store_for_request(request)
    if store is None:
        return {"site_root_url": settings.WAGTAILADMIN_BASE_URL, "store_name": settings.WAGTAIL_SITE_NAME}
    return {"site_root_url": site_url(store.site), "store_name": store.name}


@require_POST
@customer_required
def verification_resend(request: HttpRequest) -> HttpResponse:
    if request.user.email_verified_at is None:
        email_verification_send(user=request.user, **_verification_site(request))
        messages.success(request, f"We sent a new confirmation link to {request.user.email}.")
    return redirect("accounts:detail")


@require_GET
def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_sent.html", {"email": request.session.get("magpie.signup_email", "")})


@require_GET
@customer_required
def account_detail(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/detail.html", {"default_address": default_address_for(user=request.user)})


@require_GET
@customer_required
def address_list(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/addresses.html", {"addresses": addresses_for(user=request.user)})


@require_http_methods(["GET", "POST"])
@customer_required
def address_add(request: HttpRequest) -> HttpResponse:
    store = store_for_request(request)
    initial = {
        "country": store.default_country if store else "",
        "is_default": default_address_for(user=request.user) is None,
    }
    form = AddressForm(request.POST or None, initial=initial, shipping_countries=_shipping_countries(request))
    if request.method == "POST" and form.is_valid():
        try:
            address_create(customer=request.user, address=form.address(), is_default=form.cleaned_data["is_default"])
        except (CommerceError, ValidationError) as error:
            _show_error(form, error)
        else:
            messages.success(request, "Address added.")
            return redirect("accounts:addresses")
    return render(request, "accounts/address_form.html", {"form": form, "heading": "Add an address"})


@require_http_methods(["GET", "POST"])
@customer_required
def address_edit(request: HttpRequest, address_id: int) -> HttpResponse:
    record = address_for_customer(user=request.user, address_id=address_id)
    if record is None:
        raise Http404("No such address.")
    initial = {name: getattr(record, name) for name in AddressForm.base_fields}
    form = AddressForm(request.POST or None, initial=initial, shipping_countries=_shipping_countries(request))
    if request.method == "POST" and form.is_valid():
        try:
            address_update(
                customer=request.user,
                address_id=record.pk,
                address=form.address(),
                is_default=form.cleaned_data["is_default"],
            )
        except NotFound:
            raise Http404("No such address.") from None
        except (CommerceError, ValidationError) as error:
            _show_error(form, error)
        else:
            messages.success(request, "Address updated.")
            return redirect("accounts:addresses")
    return render(request, "accounts/address_form.html", {"form": form, "heading": "Edit address", "address": record})


@require_POST
@customer_required
def address_remove(request: HttpRequest, address_id: int) -> HttpResponse:
    try:
        address_delete(customer=request.user, address_id=address_id)
    except NotFound:
        raise Http404("No such address.") from None
    messages.success(request, "Address deleted.")
    return redirect("accounts:addresses")


@require_POST
@customer_required
def address_make_default(request: HttpRequest, address_id: int) -> HttpResponse:
    try:
        address_set_default(customer=request.user, address_id=address_id)
    except NotFound:
        raise Http404("No such address.") from None
    messages.success(request, "Default address updated.")
    return redirect("accounts:addresses")


def _shipping_countries(request: HttpRequest) -> list[str]:
    store = store_for_request(request)
    return store.shipping_country_codes if store else []


def _show_error(form: Form, error: CommerceError | ValidationError) -> None:
    """Put a service's error on the field it concerns, or above the form."""
    if isinstance(error, CommerceError):
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return
    errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, field_messages in errors.items():
        form.add_error(field if field in form.fields else None, field_messages)
