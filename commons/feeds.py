"""The Atom feed of newly published projects (published only: an unpublished project leaves
the feed at once)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from commons.selectors import publications_public
from curiouslab.site import absolute_url

FEED_SIZE = 50


class PublishedProjectsFeed(Feed):
    feed_type = Atom1Feed
    title = _("Curious Lab: the newly published projects")
    subtitle = _("Every project published in the commons, newest first.")

    def link(self):
        return absolute_url(reverse("commons:archive"))

    def feed_url(self):
        return absolute_url(reverse("commons:feed"))

    def items(self):
        return publications_public().order_by("-published_at", "-id")[:FEED_SIZE]

    def item_title(self, item):
        return f"{item.team.challenge.title} · {item.team.challenge.municipality}"

    def item_description(self, item):
        return item.team.challenge.question

    def item_link(self, item):
        return absolute_url(reverse("commons:project", args=[item.slug]))

    def item_guid(self, item):
        return self.item_link(item)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at

    def item_author_name(self, item):
        return item.team.name
