"""The site's identity (``portal.models.SiteIdentity``) in every template.

Read lazily, at most once a request: only the regions that show it (the page's title,
the header, the footer; ``{% region %}``) and the contact page touch it, so a page
whose regions are kept runs no query for it.
"""

from django.utils.functional import SimpleLazyObject

from portal.models import SiteIdentity

# What the regions that show the identity depend on (``depends_on=`` of ``{% region %}``):
# a first identity saved, or a social link added, changes them too.
IDENTITY_TAGS = "m:portal.siteidentity,m:portal.sociallink"


def site_identity(request):
    return {
        "site_identity": SimpleLazyObject(SiteIdentity.objects.current),
        "IDENTITY_TAGS": IDENTITY_TAGS,
    }
