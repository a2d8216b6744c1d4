"""``migrate`` as the owner role: the runtime role owns nothing and cannot change the schema.

Afterwards a ``post_migrate`` receiver writes the RLS policies and grants (see
``commerce.core.rls.policies.sync``).
"""

from django.core.management.commands.migrate import Command as MigrateCommand

from commerce.core.rls.roles import RunsAsOwner


class Command(RunsAsOwner, MigrateCommand):
    pass
