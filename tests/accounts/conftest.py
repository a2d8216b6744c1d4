import pytest

PASSWORD = "correct-horse-battery-42"


@pytest.fixture
def customer(store):
    from commerce.accounts.models import User

    return User.objects.create_user(email="Ada.Lovelace@example.com", password=PASSWORD, first_name="Ada")


@pytest.fixture
def other_customer(store):
    from commerce.accounts.models import User

    return User.objects.create_user(email="grace@example.com", password=PASSWORD, first_name="Grace")


def logged_in_user_id(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None
