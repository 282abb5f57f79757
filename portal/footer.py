"""The footer's page links, on every page."""

from portal.models import Page


def footer_pages():
    """(slug, title_ko, title_en) of the published pages marked for the footer. Read
    only when the footer is made: it is a fragment kept until content changes
    (templates/includes/footer.html), and a page saved, deleted or reaching its
    publication time starts a new content generation (portal.cache), so the footer
    costs one query per generation and no wait for a page scheduled to appear."""
    return list(Page.objects.published().filter(in_footer=True)
                .values_list("slug", "title_ko", "title_en"))
