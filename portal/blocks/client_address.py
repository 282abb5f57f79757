"""The address of the client a request comes from, behind reverse proxies too.

The same answer as the admin login lockout's (django-axes, through django-ipware, with
the settings that ``PROXY_COUNT`` and ``PROXY_CLIENT_IP_HEADER`` derive): without a proxy
the connection's own address, forwarding headers ignored (a client could write one);
behind proxies the address they forward, whatever the client wrote further left
ignored. Used wherever a limit is counted per client (the API's rate limit).
"""

from django.conf import settings
from ipware.ip import get_client_ip


def client_address(request):
    """The client's address as a string, or "" when none can be told."""
    address, _routable = get_client_ip(
        request,
        proxy_order=settings.AXES_IPWARE_PROXY_ORDER,
        proxy_count=settings.AXES_IPWARE_PROXY_COUNT,
        request_header_order=settings.AXES_IPWARE_META_PRECEDENCE_ORDER,
    )
    return address or ""
