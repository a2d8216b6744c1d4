from django.db import models


class ReportAccess(models.Model):
    """No table: carries the ``view_reports`` permission (Owners and Managers, see ``roles.py``)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_reports", "Can view sales reports and the sales dashboard")]

    def __str__(self) -> str:
        return "Report access"
