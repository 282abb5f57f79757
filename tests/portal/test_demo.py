import pytest
from django.contrib.auth import get_user_model

from portal import demo
from portal.models import News, Page

pytestmark = pytest.mark.django_db


def test_portal_demo_is_idempotent_and_creates_role_accounts(monkeypatch):
    lines = []
    monkeypatch.setenv("DEMO_PASSWORD", "a-demo-password-42")
    demo.load(log=lines.append, users=True)
    assert News.objects.published().count() == len(demo.NEWS)
    assert Page.objects.published().filter(slug="accessibility").exists()
    assert any("password: a-demo-password-42" in line for line in lines)
    editor = get_user_model().objects.get(username="editor")
    assert editor.groups.filter(name="Editor").exists() and not editor.is_superuser
    assert editor.check_password("a-demo-password-42")

    stamps = list(News.objects.order_by("pk").values_list("updated_at", flat=True))
    lines.clear()
    demo.load(log=lines.append, users=True)
    assert list(News.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps
    assert all("created" not in line and "updated" not in line for line in lines)


def test_demo_accounts_are_not_created_unless_asked():
    demo.load(log=lambda line: None)
    assert not get_user_model().objects.filter(username="editor").exists()
