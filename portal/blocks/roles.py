"""Staff roles: Editors write, Publishers also publish, withdraw and delete.

``sync_roles`` creates the two groups with their permissions. A data migration runs it
so every install has the roles; run ``python manage.py sync_roles`` after registering
a content model (``portal.blocks.content``), or add a migration that calls it.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

from portal.blocks.content import content_models

EDITOR = "Editor"
PUBLISHER = "Publisher"

PUBLISH_PERMISSION = "portal.publish_content"

ROLE_ACTIONS = {
    EDITOR: ("view", "add", "change"),
    PUBLISHER: ("view", "add", "change", "delete"),
}


def can_publish(user):
    return user.is_active and user.has_perm(PUBLISH_PERMISSION)


def requires_two_factor(user):
    """Whoever can publish (Publishers, and anyone given the permission) and every
    superuser must sign in with a second step; Editors may choose to."""
    return user.is_active and (user.is_superuser or user.has_perm(PUBLISH_PERMISSION))


def sync_roles(apps=global_apps):
    for app_config in apps.get_app_configs():
        # Permissions are normally created after migrations; make sure they exist now.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, actions in ROLE_ACTIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = []
        for model in content_models():
            app_label, model_name = model._meta.app_label, model._meta.model_name
            if not _exists(apps, app_label, model_name):
                continue
            for action in actions:
                wanted.append((app_label, f"{action}_{model_name}"))
                # The edit history of each model (simple-history's Historical<Model>).
                if action == "view":
                    wanted.append((app_label, f"view_historical{model_name}"))
        if role == PUBLISHER:
            wanted.append(tuple(PUBLISH_PERMISSION.split(".")))
        permissions = [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in wanted
        ]
        group.permissions.set(permissions)


def _exists(apps, app_label, model_name):
    """Whether the model is in ``apps``: a migration that runs before a later model's
    own sees the state of its time, without it (the later model's migration calls
    ``sync_roles`` again)."""
    try:
        apps.get_model(app_label, model_name)
    except LookupError:
        return False
    return True
