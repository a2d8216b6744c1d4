"""The checkout as the API shows it, and the bodies of its steps.

The bodies' fields come from the HTML checkout's own forms (``form_body_fields``), which then
validate them: the API accepts exactly what the pages accept. Amounts are always the server's."""

from __future__ import annotations

from rest_framework import serializers

from commerce.checkout.forms import AddressForm, ContactForm, ShippingMethodForm

from ..forms import form_body_fields
from .cart import CartLineSerializer, TotalsSerializer
from .catalog import MoneySerializer

STEP_CHOICES = [
    ("contact", "contact: the email is missing"),
    ("address", "address: the shipping address is missing"),
    ("shipping", "shipping: no shipping option chosen"),
    ("payment", "payment: ready to pay (or a payment is under way)"),
    ("complete", "complete: the order is placed and paid"),
]

ContactSerializer = type("ContactSerializer", (serializers.Serializer,), form_body_fields(ContactForm))
ShippingAddressSerializer = type("ShippingAddressSerializer", (serializers.Serializer,), form_body_fields(AddressForm))
ShippingMethodSerializer = type(
    "ShippingMethodSerializer", (serializers.Serializer,), form_body_fields(ShippingMethodForm)
)


class PostalAddressSerializer(serializers.Serializer):
    full_name = serializers.CharField()
    line1 = serializers.CharField()
    line2 = serializers.CharField(allow_blank=True)
    city = serializers.CharField()
    region = serializers.CharField(allow_blank=True)
    postal_code = serializers.CharField()
    country = serializers.CharField()
    phone = serializers.CharField(allow_blank=True)


class ShippingRateSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Send this as shipping_method to choose the rate.")
    name = serializers.CharField()
    price = MoneySerializer()
    estimated_days = serializers.CharField(allow_blank=True)
    carrier = serializers.CharField(allow_blank=True)
    service = serializers.CharField(allow_blank=True)


class ShippingRatesSerializer(serializers.Serializer):
    rates = ShippingRateSerializer(many=True)
    note = serializers.CharField(
        allow_blank=True, help_text="Why the store's own rates are shown instead of live carrier rates; blank if not."
    )


class PlacedOrderSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    payment_status = serializers.CharField()
    total = MoneySerializer()
    url = serializers.CharField(help_text="The order's page (a signed link that also works for guests).")


class CheckoutSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=STEP_CHOICES, help_text="The next thing to do.")
    email = serializers.CharField(allow_blank=True)
    shipping_address = PostalAddressSerializer(allow_null=True)
    shipping_method = ShippingRateSerializer(allow_null=True)
    lines = CartLineSerializer(many=True)
    problems = serializers.ListField(
        child=serializers.CharField(), help_text="Lines that cannot be bought as they are: fix the cart first."
    )
    totals = TotalsSerializer(allow_null=True)
    order = PlacedOrderSerializer(allow_null=True, help_text="The order, once placed (at payment).")


class PaymentSetupSerializer(serializers.Serializer):
    card_needed = serializers.BooleanField(help_text="False when gift cards cover everything: pay without a card.")
    client_secret = serializers.CharField(
        allow_null=True,
        help_text="The SetupIntent's client secret for Stripe.js confirmCardSetup (the card goes to Stripe).",
    )
    publishable_key = serializers.CharField(allow_blank=True)
    stripe_js_url = serializers.CharField(allow_blank=True)
    amount_due = MoneySerializer()


# Named in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] (orders have a "status" too).
PAYMENT_OUTCOMES = [
    ("paid", "paid: the order is confirmed"),
    ("requires_action", "requires_action: run Stripe.js confirmCardPayment, then POST .../confirm/"),
    ("pending", "pending: the provider has not answered yet, or the payment is under review"),
]


class PaymentOutcomeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PAYMENT_OUTCOMES)
    client_secret = serializers.CharField(
        allow_blank=True, help_text="The PaymentIntent's client secret when status is requires_action."
    )
    message = serializers.CharField(allow_blank=True)
    order = PlacedOrderSerializer()
