"""The WSGI application of the site's entry points (``portal.wsgi``,
``portal.wsgi_public``)."""

import gc

from django.core.wsgi import get_wsgi_application


def frozen_application():
    """Django's WSGI application, with everything loaded so far moved out of the garbage
    collector's sight: modules, models, settings and the like live as long as the
    process, and without this each full collection (one every few dozen requests) walks
    all of them again, a few milliseconds each time. Objects made later, per request,
    are collected as usual."""
    application = get_wsgi_application()
    gc.collect()
    gc.freeze()
    return application
