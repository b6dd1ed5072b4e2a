"""The discovered-items inbox as writers use it: starting a briefing from a source item.

Lives in briefings (not sources) because it creates briefings; sources knows nothing of them.
"""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from newsroom.plaintext import truncate
from sources.admin import SourceItemAdmin
from sources.models import SourceItem

from .models import HOUSE_SECTIONS, Briefing, Section, Topic

HEADLINE_LENGTH = Briefing._meta.get_field("headline").max_length
DEK_LENGTH = Briefing._meta.get_field("dek").max_length
SLUG_LENGTH = Briefing._meta.get_field("slug").max_length


class CannotStartBriefing(Exception):
    """The message says why, for the writer."""


def unique_slug(text: str) -> str:
    base = slugify(text)[: SLUG_LENGTH - 4].strip("-") or "briefing"
    taken = set(Briefing.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def start_briefing(item: SourceItem, user) -> Briefing:
    """A draft briefing that began from ``item``, attributed to it; the item becomes used."""
    item = SourceItem.objects.select_for_update().select_related("outlet").get(pk=item.pk)
    existing = item.briefings.first()
    if existing is not None:
        raise CannotStartBriefing(f"A briefing already began from this item: “{existing}”.")
    topic = Topic.objects.first()
    if topic is None:
        raise CannotStartBriefing("Add a topic first: every briefing belongs to one.")
    headline = truncate(item.title, HEADLINE_LENGTH)
    dek = truncate(item.summary or f"{item.outlet.name} reports: {item.title}", DEK_LENGTH)
    briefing = Briefing.objects.create(
        headline=headline,
        slug=unique_slug(headline),
        dek=dek,
        topic=topic,
        attribution_kind=Briefing.AttributionKind.SOURCE_ASSISTED,
        source_item=item,
        created_by=user,
    )
    briefing.authors.add(user)
    Section.objects.bulk_create(
        Section(briefing=briefing, position=n, heading=heading, body="")
        for n, heading in enumerate(HOUSE_SECTIONS, start=1)
    )
    item.status = SourceItem.Status.USED
    item.save(update_fields=["status"])
    return briefing


class InboxAdmin(SourceItemAdmin):
    """The inbox, plus "Start a briefing" for writers who may add briefings."""

    actions = [*SourceItemAdmin.actions, "start_briefing_action"]

    def has_start_briefing_permission(self, request) -> bool:
        return request.user.has_perm("briefings.add_briefing")

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if self.has_start_briefing_permission(request):
            columns.append("start_briefing_button")
        return columns

    def get_queryset(self, request):
        briefings = Briefing.objects.filter(source_item=OuterRef("pk")).order_by("pk")
        return (
            super().get_queryset(request).annotate(briefing_pk=Subquery(briefings.values("pk")[:1]))
        )

    @admin.display(description="briefing")
    def start_briefing_button(self, item: SourceItem) -> str:
        if item.briefing_pk:
            link = reverse("admin:briefings_briefing_change", args=[item.briefing_pk])
            return format_html('<a href="{}">Open the briefing</a>', link)
        if item.status == SourceItem.Status.USED:
            return "Used"
        # Submits the changelist form (and its CSRF token) to the start view: no JavaScript.
        return format_html(
            '<button type="submit" class="button" formaction="{}" formmethod="post" '
            'style="white-space:nowrap">Start a briefing</button>',
            reverse("admin:sources_sourceitem_start_briefing", args=[item.pk]),
        )

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.start_briefing_view))
        return [
            path("<int:pk>/start-briefing/", view, name="sources_sourceitem_start_briefing"),
            *super().get_urls(),
        ]

    def start_briefing_view(self, request, pk):
        if not (self.has_view_permission(request) and self.has_start_briefing_permission(request)):
            return HttpResponseForbidden("You may not start briefings.")
        return self._start(request, get_object_or_404(SourceItem, pk=pk))

    @admin.action(
        description="Start a briefing from the selected item", permissions=["start_briefing"]
    )
    def start_briefing_action(self, request, queryset):
        items = list(queryset[:2])
        if len(items) != 1:
            self.message_user(
                request, "Select exactly one item to start a briefing from.", messages.WARNING
            )
            return None
        return self._start(request, items[0])

    def _start(self, request, item: SourceItem):
        try:
            briefing = start_briefing(item, request.user)
        except CannotStartBriefing as error:
            self.message_user(request, str(error), messages.WARNING)
            return HttpResponseRedirect(reverse("admin:sources_sourceitem_changelist"))
        self.message_user(
            request,
            f"Draft started from “{item.title}” ({item.outlet}). Rewrite the headline and dek "
            "in our own words, then write the sections.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:briefings_briefing_change", args=[briefing.pk]))


admin.site.unregister(SourceItem)
admin.site.register(SourceItem, InboxAdmin)
