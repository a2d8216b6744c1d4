"""Ask the insights assistant from the command line, answered exactly as the admin would answer
that user (same planner, permissions and store scope), e.g.

    manage.py insights_ask "top 5 products last month" --user owner@example.com --today 2026-11-18 --json
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from commerce.core.rls import system_context
from commerce.insights.assistant.service import QuestionInvalid, insights_ask


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = "Ask the insights assistant a question as a given member of staff."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("question")
        parser.add_argument("--user", required=True, help="The email of the member of staff asking.")
        parser.add_argument("--today", help="The day relative periods resolve against (YYYY-MM-DD).")
        parser.add_argument("--json", action="store_true", help="Print tool calls, periods, answer and figures.")

    def handle(self, *args: Any, question: str, user: str, today: str | None, **options: Any) -> None:
        day = _day(today) if today else None
        with system_context("insights_ask: find the asker"):
            asker = get_user_model().objects.filter(email__iexact=user, is_active=True).first()
        if asker is None:
            raise CommandError(f"No active user with the email {user!r}.")
        try:
            asked = insights_ask(user=asker, question=question, today=day)
        except PermissionDenied as error:
            raise CommandError(f"{user} may not use the insights assistant ({error}).") from None
        except QuestionInvalid as error:
            raise CommandError(str(error)) from None
        answer = asked.answer
        if options["json"]:
            payload = {"question": asked.record.question, "planner": asked.planner, "today": str(asked.record.today)}
            self.stdout.write(json.dumps({**payload, **answer.as_json()}, indent=2, default=str))
            return
        self.stdout.write(answer.text)
        for table in answer.tables:
            self.stdout.write(f"\n{table['title']}")
            self.stdout.write(" | ".join(table["columns"]))
            for row in table["rows"]:
                self.stdout.write(" | ".join(row))
        for note in answer.notes:
            self.stdout.write(f"Note: {note}")
        for call in answer.calls:
            self.stdout.write(f"Tool: {call['name']}({call['arguments_text']})")
        self.stdout.write(f"Asked as {user} with the {asked.planner} planner; {answer.outcome}.")
