"""The admin's addresses never carry a NUL character to the database.

The admin puts the values of its list filters and of its autocomplete search into
queries as they come; PostgreSQL refuses a text containing NUL (``DataError``, a server
error), where SQLite stores it. No stored text holds one (forms refuse it), so such a
value can find nothing: the admin is sent to the same address without it, with a
message, as it is for a filter it does not know.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

NUL = "\x00"


class NulInAdminQueryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.app_name != "admin":
            return None
        pairs = list(request.GET.lists())
        if not any(NUL in key or NUL in value for key, values in pairs for value in values):
            return None
        kept = [
            (key, value)
            for key, values in pairs
            if NUL not in key
            for value in values
            if NUL not in value
        ]
        messages.warning(
            request,
            _("The address held a NUL character, which no record holds; it was left out."),
        )
        query = urlencode(kept)
        return HttpResponseRedirect(request.path + (f"?{query}" if query else ""))
