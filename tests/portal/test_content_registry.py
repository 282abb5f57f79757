"""The content registry is the one list of content models: translation, history, roles
and page-cache invalidation all follow it, so a model missing from it would be edited
without any of them."""

from django.apps import apps
from django.db.models.signals import post_init, post_save
from modeltranslation.translator import translator

from portal.blocks.content import content_models
from portal.blocks.roles import EDITOR, sync_roles

PROJECT_APPS = ("portal", "cities", "institutions", "events")


def project_models():
    """Every model of the project's apps that staff could edit: not a table Django or
    simple-history makes for another model, nor one without permissions (state the code
    keeps for itself, such as a spreadsheet awaiting its confirmation)."""
    return [
        model
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models()
        if not model._meta.auto_created
        and not model.__name__.startswith("Historical")
        and model._meta.default_permissions
    ]


def test_every_content_model_is_registered():
    missing = set(project_models()) - set(content_models())
    assert not missing, f"not registered with register_content: {sorted(map(str, missing))}"


def test_registration_gives_translation_history_and_invalidation():
    for model in content_models():
        assert translator.get_options_for_model(model).fields
        assert hasattr(model, "history")
        assert post_save.has_listeners(model) and post_init.has_listeners(model)


def test_the_roles_follow_the_registry(db):
    from django.contrib.auth.models import Group

    sync_roles()
    codenames = set(Group.objects.get(name=EDITOR).permissions.values_list("codename", flat=True))
    for model in content_models():
        assert f"change_{model._meta.model_name}" in codenames
