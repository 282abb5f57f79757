"""The footer's page links, on every page: cached so they cost no query per request."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from portal.models import Page

CACHE_KEY = "portal:footer-pages"
MAX_AGE = 300


def footer_pages():
    """(slug, title_ko, title_en) of the published pages marked for the footer."""
    pages = cache.get(CACHE_KEY)
    if pages is None:
        pages = list(Page.objects.published().filter(in_footer=True)
                     .values_list("slug", "title_ko", "title_en"))
        # A page scheduled to appear soon must not wait for the whole cache lifetime.
        upcoming = (Page.objects.scheduled().filter(in_footer=True)
                    .order_by("publish_at").values_list("publish_at", flat=True).first())
        timeout = MAX_AGE
        if upcoming:
            timeout = max(1, min(MAX_AGE, int((upcoming - timezone.now()).total_seconds()) + 1))
        cache.set(CACHE_KEY, pages, timeout)
    return pages


@receiver([post_save, post_delete], sender=Page)
def forget_footer_pages(**kwargs):
    cache.delete(CACHE_KEY)
