"""Atom feeds whose entry summaries say what they hold.

Django's ``Atom1Feed`` labels every summary ``type="html"``, so a feed reader renders a
plain-text summary as HTML: a ``<`` or an ``&`` in it becomes markup or vanishes. A feed
built on ``AtomFeed`` sends each summary as text unless ``item_summary_type`` says it is
HTML, which must then be sanitised (``portal.blocks.markdown.render_markdown``).
"""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

TEXT = "text"
HTML = "html"


class LabelledAtom1Feed(Atom1Feed):
    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement(
                "summary", item["description"], {"type": item.get("summary_type", TEXT)}
            )


class AtomFeed(Feed):
    feed_type = LabelledAtom1Feed

    def item_summary_type(self, item):
        """``TEXT`` or ``HTML``: what ``item_description`` returns for ``item``."""
        return TEXT

    def item_extra_kwargs(self, item):
        return {**super().item_extra_kwargs(item), "summary_type": self.item_summary_type(item)}
