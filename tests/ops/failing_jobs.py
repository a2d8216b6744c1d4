"""A background job that fails, for the Sentry test (tasks must live at module level)."""

from django_tasks import task


@task()
def fail_for_customer(email: str) -> None:
    raise ValueError(f"no mailbox for {email}")
