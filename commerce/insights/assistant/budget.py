"""The per-user daily budget of questions sent to the OpenAI planner: one conditional upsert, so
two questions at the same moment cannot both take the last one."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import connection, transaction

from commerce.insights.models import AssistantUsage

TAKE = """
    INSERT INTO {table} (user_id, day, questions) VALUES (%(user)s, %(day)s, 1)
    ON CONFLICT (user_id, day) DO UPDATE SET questions = {table}.questions + 1
     WHERE {table}.questions < %(limit)s
    RETURNING questions
"""


@transaction.atomic
def budget_take(*, user: Any, day: date, limit: int) -> bool:
    """Count one AI question for ``user`` on ``day``; False (and nothing counted) past ``limit``."""
    if limit <= 0:
        return False
    with connection.cursor() as cursor:
        cursor.execute(TAKE.format(table=AssistantUsage._meta.db_table), {"user": user.pk, "day": day, "limit": limit})
        return cursor.fetchone() is not None


def budget_used(*, user: Any, day: date) -> int:
    row = AssistantUsage.objects.filter(user=user, day=day).first()
    return row.questions if row else 0
