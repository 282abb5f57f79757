from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    name = "institutions"
    verbose_name = _("Institutions")

    def ready(self):
        from institutions.filters import forget_discipline_choices
        from institutions.models import Discipline

        # The directory's discipline select is cached; an edit must show at once.
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(forget_discipline_choices, sender=Discipline,
                           dispatch_uid=f"institutions_discipline_choices_{name}")
