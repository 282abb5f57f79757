from django import template

from portal.dashboard import dashboard

register = template.Library()


@register.inclusion_tag("admin/includes/dashboard.html")
def staff_dashboard():
    return dashboard()
