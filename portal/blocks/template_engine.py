"""Django's template engine, without the tag libraries of apps whose templates the site
never renders.

Django imports every installed app's ``templatetags`` modules when its engine starts,
to know which ``{% load %}`` names exist. REST framework's library imports what its
browsable API would need (its compatibility module, which loads PostgreSQL's driver,
Markdown and syntax highlighting): a dozen megabytes in every worker, for pages this
site never renders (the API answers JSON only). Such apps are named in the engine's
options:

    "OPTIONS": {"apps_without_tags": ["rest_framework"], ...}

and their libraries cannot be loaded in a template (``{% load rest_framework %}`` fails
as an unknown library would).
"""

from importlib import import_module

from django.apps import apps
from django.template.backends.django import DjangoTemplates as DjangoTemplatesBase
from django.template.backends.django import get_package_libraries


class DjangoTemplates(DjangoTemplatesBase):
    def __init__(self, params):
        params = {**params, "OPTIONS": dict(params.get("OPTIONS", {}))}
        self.apps_without_tags = frozenset(params["OPTIONS"].pop("apps_without_tags", ()))
        super().__init__(params)

    def get_templatetag_libraries(self, custom_libraries):
        libraries = dict(self.installed_libraries())
        libraries.update(custom_libraries)
        return libraries

    def installed_libraries(self):
        """(name, module) of each tag library of Django and of the installed apps but
        those left out, as Django finds them."""
        packages = ["django.templatetags"] + [
            f"{config.name}.templatetags"
            for config in apps.get_app_configs()
            if config.name not in self.apps_without_tags
        ]
        for package_name in packages:
            try:
                package = import_module(package_name)
            except ImportError:
                continue
            if hasattr(package, "__path__"):
                for module in get_package_libraries(package):
                    yield module.removeprefix(package_name).lstrip("."), module
