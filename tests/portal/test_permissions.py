"""Each role's permissions both ways, for every content model, through the admin."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from portal.blocks.content import content_models
from portal.blocks.publishing import PublicationStatus, Publishable
from portal.blocks.roles import EDITOR, PUBLISHER
from tests.portal.admin_helpers import CONTENT_FACTORIES, content_model

pytestmark = pytest.mark.django_db

CONTENT_MODELS = [model._meta.label_lower for model in content_models()]

# role (None: staff without a role) → may add, change, delete, publish
EXPECTED = {
    None: {"add": False, "change": False, "delete": False, "publish": False},
    EDITOR: {"add": True, "change": True, "delete": False, "publish": False},
    PUBLISHER: {"add": True, "change": True, "delete": True, "publish": True},
}


# The site identity is one record: it is never added twice (one exists in the test) nor
# deleted, whatever the role.
SINGLETONS = {"portal.siteidentity"}


def test_every_content_model_has_a_factory():
    assert set(CONTENT_FACTORIES) == set(CONTENT_MODELS)


def url(model, name, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args)


@pytest.mark.parametrize("role", list(EXPECTED), ids=["no role", EDITOR, PUBLISHER])
@pytest.mark.parametrize("label", CONTENT_MODELS)
def test_role_permissions_in_the_admin(client, make_staff, role, label):
    model = content_model(label)
    publishable = issubclass(model, Publishable)
    expected = EXPECTED[role]
    if label in SINGLETONS:
        expected = {**expected, "add": False, "delete": False}
    user = make_staff(role, username=f"staff-{role}")
    client.force_login(user)
    extra = {"status": PublicationStatus.DRAFT, "publish_at": None} if publishable else {}
    obj = CONTENT_FACTORIES[label](**extra)

    # The admin's own checks agree with the role.
    request = RequestFactory().get("/")
    request.user = user
    model_admin = admin.site._registry[model]
    assert model_admin.has_add_permission(request) is expected["add"]
    assert model_admin.has_change_permission(request, obj) is expected["change"]
    assert model_admin.has_delete_permission(request, obj) is expected["delete"]

    # And the pages answer accordingly.
    allowed = {True: 200, False: 403}
    assert client.get(url(model, "add")).status_code == allowed[expected["add"]]
    assert client.get(url(model, "change", obj.pk)).status_code == allowed[expected["change"]]
    response = client.post(url(model, "delete", obj.pk), {"post": "yes"})
    assert response.status_code == (302 if expected["delete"] else 403)
    assert model.objects.filter(pk=obj.pk).exists() is not expected["delete"]

    if not publishable:
        return
    obj = CONTENT_FACTORIES[label](status=PublicationStatus.DRAFT, publish_at=None)
    changelist = client.get(url(model, "changelist"))
    if expected["change"]:
        assert ("publish_selected" in changelist.text) is expected["publish"]
    client.post(
        url(model, "changelist"), {"action": "publish_selected", "_selected_action": [obj.pk]}
    )
    obj.refresh_from_db()
    assert obj.is_live is expected["publish"]
    if expected["change"]:
        # Only a Publisher's form has the status and publication time to change.
        form = client.get(url(model, "change", obj.pk)).text
        assert ('name="status"' in form) is expected["publish"]
        assert ('name="publish_at_0"' in form) is expected["publish"]
