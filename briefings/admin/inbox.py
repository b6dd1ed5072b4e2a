"""The inbox as writers use it: the sources app's item list, plus "Start a briefing". The
source item admin is registered here, once."""

from django.contrib import admin, messages
from django.db import IntegrityError
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from sources.admin import SourceItemAdmin
from sources.models import SourceItem

from ..inbox import CannotStartBriefing, start_briefing
from ..models import Briefing

# What a briefing's attribution shows of the item it names.
LOCKED_WHEN_NAMED = ["outlet", "url", "title", "status"]


@admin.register(SourceItem)
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

    def get_readonly_fields(self, request, obj=None):
        """An item a briefing names is the attribution an editor reviews: its address, title,
        outlet and status stay as they are, for everyone (asked of the database, so the form
        shown and the form posted always agree)."""
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and Briefing.objects.filter(source_item=obj.pk).exists():
            fields += [name for name in LOCKED_WHEN_NAMED if name not in fields]
        return fields

    def triageable(self, queryset):
        return super().triageable(queryset).filter(briefings__isnull=True)

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
        except IntegrityError:  # another draft took the same address at the same moment
            self.message_user(
                request, "Another draft was started at the same moment; try again.", messages.ERROR
            )
            return HttpResponseRedirect(reverse("admin:sources_sourceitem_changelist"))
        self.message_user(
            request,
            f"Draft started from “{item.title}” ({item.outlet}). Write a headline and dek in "
            "our own words (the item is shown above the form), then the sections.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:briefings_briefing_change", args=[briefing.pk]))
