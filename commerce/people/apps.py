from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig


class PeopleConfig(AppConfig):
    """The back office's people screens: customers, staff invitations, the staff user form."""

    default = True
    name = "commerce.people"
    label = "people"
    verbose_name = "Customers and staff"
    default_auto_field = "django.db.models.BigAutoField"


class StaffUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's Users app with Magpie's user viewset (roles make staff; owners choose stores).
    Listed in INSTALLED_APPS instead of ``wagtail.users`` (Wagtail 8 reads no user-form settings)."""

    default = False
    user_viewset = "commerce.people.staff_users.StaffUserViewSet"
