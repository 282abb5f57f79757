"""The client's address, read as the admin login lockout reads it (django-axes through
django-ipware; settings PROXY_COUNT and PROXY_CLIENT_IP_HEADER, README "Configuration"):
the connection's address with no proxy in front, otherwise the one the configured
proxies forward, never one a client wrote itself. One reading for every limit the site
keeps per client."""

from axes.helpers import get_client_ip_address


def client_address(request):
    """The client's address as a string, or "" when none can be read."""
    return get_client_ip_address(request) or ""
