from __future__ import annotations

import stat
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


@pytest.fixture
def password_file(settings, tmp_path: Path) -> Path:
    path = tmp_path / "var" / "demo-admin.txt"
    settings.MAGPIE_DEMO_ADMIN_FILE = path
    settings.DEBUG = True
    return path


def demo_admin(*args: str) -> str:
    output = StringIO()
    call_command("demo_admin", *args, stdout=output)
    return output.getvalue()


def login_line(password: str) -> str:
    return f"Admin: http://127.0.0.1:8000/admin/  user: admin@example.com  password: {password}"


def test_creates_the_superuser_once_and_prints_its_password_every_time(password_file):
    first = demo_admin()
    second = demo_admin()

    password = password_file.read_text().strip()
    user = get_user_model().objects.get(email="admin@example.com")
    assert get_user_model().objects.filter(email="admin@example.com").count() == 1
    assert (user.email, user.is_superuser, user.is_staff, user.is_active) == ("admin@example.com", True, True, True)
    assert user.check_password(password)
    assert len(password) >= 20
    assert login_line(password) in first
    assert login_line(password) in second
    assert "Created" in first
    assert "Created" not in second
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600


def test_a_missing_password_file_resets_the_password(password_file):
    demo_admin()
    old_password = password_file.read_text().strip()
    password_file.unlink()

    output = demo_admin()

    new_password = password_file.read_text().strip()
    assert new_password != old_password
    assert get_user_model().objects.get(email="admin@example.com").check_password(new_password)
    assert login_line(new_password) in output


def test_a_password_changed_in_the_admin_is_not_printed_wrong(password_file):
    demo_admin()
    saved = password_file.read_text().strip()
    user = get_user_model().objects.get(email="admin@example.com")
    user.set_password("changed-in-the-admin")
    user.save()

    output = demo_admin()

    assert saved not in output
    assert "changed since it was saved" in output
    assert get_user_model().objects.get(email="admin@example.com").check_password("changed-in-the-admin")


def test_refuses_to_run_without_debug_unless_forced(password_file, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        demo_admin()
    assert not get_user_model().objects.filter(email="admin@example.com").exists()
    assert not password_file.exists()

    output = demo_admin("--force")
    assert login_line(password_file.read_text().strip()) in output
