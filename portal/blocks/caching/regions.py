"""Regions: parts of a page kept on their own, for what many pages share and that is
made the same way on each (the site's navigation, the footer).

    {% load caching %}
    {% region "footer" LANGUAGE_CODE depends_on="m:portal.page" %}…{% endregion %}

The name and the values after it are the region's key (the page's language is always
part of it). What the region depends on is recorded while it is made, as for a page,
plus the tags in ``depends_on`` (comma-separated); a stored region is current on the
same terms as a stored page, and a page that contains it depends on what it depends on.
Staff, who bypass the page cache, are served regions too: a region never holds
anything per user.
"""

import hashlib
from typing import NamedTuple

from django import template
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from portal.blocks.caching import schedule
from portal.blocks.caching import tags as cache_tags
from portal.blocks.caching.local import LocalStore

register = template.Library()

REGION = "cc:region:"
# Regions are few and small; each process keeps those it used last (checked as a stored
# one is: a copy here saves reading it, not checking it).
LOCAL = LocalStore(256)


class Region(NamedTuple):
    epoch: str
    since: int
    tags: tuple
    html: str


class RegionNode(template.Node):
    def __init__(self, nodelist, name, key_parts, depends_on):
        self.nodelist = nodelist
        self.name = name
        self.key_parts = key_parts
        self.depends_on = depends_on

    def render(self, context):
        declared = (
            [tag.strip() for tag in self.depends_on.resolve(context).split(",")]
            if self.depends_on
            else []
        )
        cache_tags.depends_on(*declared)
        if not cache_tags.enabled():
            return self.nodelist.render(context)
        parts = [str(part.resolve(context)) for part in (self.name, *self.key_parts)]
        key = (
            REGION
            + hashlib.sha256("\x1f".join([get_language() or "", *parts]).encode()).hexdigest()
        )
        making = cache_tags.made_from()
        if making is not None:
            # Within a page being made: checked against the page's own counter (read
            # before anything of it), kept in this process too.
            state, counter_now = making
            region = LOCAL.get(key)
            if not self.current(region, state, counter_now):
                region = cache.get(key)
        else:
            found = cache.get_many([schedule.SCHEDULE, cache_tags.COUNTER, key])
            state = schedule.now_state(found.get(schedule.SCHEDULE), timezone.now())
            # A look at the schedule that changed anything moved the counter since it
            # was read.
            counter_now = (
                found.get(cache_tags.COUNTER) if state is found.get(schedule.SCHEDULE) else None
            )
            region = found.get(key)
        if self.current(region, state, counter_now):
            if counter_now is not None:
                # Current as the counter reads now (a change's number is read only once
                # its entry is written): until it moves, the copy is current without
                # following a change.
                region = region._replace(since=counter_now)
            LOCAL.set(key, region)
            cache_tags.depends_on(*region.tags)
            return mark_safe(region.html)  # noqa: S308 - the template's own output
        since = counter_now if making is not None else cache_tags.counter()
        with cache_tags.recording() as recorded:
            html = self.nodelist.render(context)
        tags = cache_tags.minimal(recorded | set(declared))
        cache_tags.depends_on(*tags)
        if cache_tags.still_unchanged(tags, since):
            region = Region(state.epoch, since, tuple(tags), str(html))
            cache.set(key, region, settings.PAGE_CACHE_SECONDS)
            LOCAL.set(key, region)
        return html

    @staticmethod
    def current(region, state, counter_now):
        return (
            isinstance(region, Region)
            and region.epoch == state.epoch
            and cache_tags.unchanged(region.tags, region.since, counter_now)
        )


@register.tag("region")
def region(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% region %} needs a name.")
    depends_on = None
    key_parts = []
    for bit in bits[2:]:
        if bit.startswith("depends_on="):
            depends_on = parser.compile_filter(bit.split("=", 1)[1])
        else:
            key_parts.append(parser.compile_filter(bit))
    nodelist = parser.parse(("endregion",))
    parser.delete_first_token()
    return RegionNode(nodelist, parser.compile_filter(bits[1]), key_parts, depends_on)
