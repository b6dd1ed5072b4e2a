from dataclasses import astuple

from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import Count
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.views.decorators.http import require_POST

from .forms import OpmlUploadForm, SourceItemForm
from .models import Feed, Outlet, SourceItem
from .opml import OpmlFeed, export_opml, import_feeds, plan_import
from .tasks import queue_poll


class FeedInline(admin.TabularInline):
    """Add an outlet's feeds on its own page; health and polling live on the feed's page."""

    model = Feed
    fields = ["url", "title", "is_active", "poll_interval", "health_link"]
    readonly_fields = ["health_link"]
    extra = 0

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None else 0

    @admin.display(description="health")
    def health_link(self, feed: Feed) -> str:
        if feed.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:sources_feed_change", args=[feed.pk]),
            feed.get_health_display(),
        )


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "homepage", "feed_count"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "homepage"]
    inlines = [FeedInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(feed_count=Count("feeds"))

    @admin.display(description="feeds", ordering="feed_count")
    def feed_count(self, obj):
        return obj.feed_count


class HealthFilter(admin.SimpleListFilter):
    title = "health"
    parameter_name = "health"

    def lookups(self, request, model_admin):
        return [("ok", "OK"), ("failing", "Failing"), ("never", "Never polled")]

    def queryset(self, request, queryset):
        active = queryset.filter(is_active=True)
        if self.value() == "ok":
            return active.filter(consecutive_failures=0, last_success_at__isnull=False)
        if self.value() == "failing":
            return active.filter(consecutive_failures__gt=0)
        if self.value() == "never":
            return active.filter(consecutive_failures=0, last_success_at__isnull=True)
        return queryset


HEALTH_FIELDS = [
    "health",
    "error_in_full",
    ("last_polled_at", "last_success_at", "next_poll_at"),
    ("last_entry_count", "last_new_count"),
]
CACHE_FIELDS = ["etag", "last_modified"]


# The OPML preview carries the feeds it read to the confirmation, signed for the user who
# uploaded the file and good for an hour.
OPML_SALT = "sources.admin.import-opml"
OPML_PREVIEW_MAX_AGE = 60 * 60

# What "Poll now" did, by what queue_poll() answered.
POLL_NOW_MESSAGES = {
    "queued": (messages.SUCCESS, "Queued a poll of {feed}"),
    "polling": (messages.WARNING, "{feed} is being polled right now"),
    "waiting": (messages.WARNING, "A poll of {feed} is queued already"),
}


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = ["__str__", "outlet", "is_active", "health", "last_success_at", "next_poll_at"]
    list_filter = ["is_active", HealthFilter, "outlet"]
    list_select_related = ["outlet"]
    search_fields = ["url", "title", "outlet__name"]
    autocomplete_fields = ["outlet"]
    readonly_fields = ["health", "error_in_full", *Feed.POLLING_STATE]
    actions = ["poll_now", "export_as_opml"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(None, {"fields": ["outlet", "url", "title", "is_active", "poll_interval"]})]
        if obj is not None:
            fieldsets.append(("Health", {"fields": HEALTH_FIELDS}))
            fieldsets.append(("Conditional GET", {"fields": CACHE_FIELDS, "classes": ["collapse"]}))
        return fieldsets

    def save_model(self, request, obj, form, change):
        if change and "url" in form.changed_data:
            # Validators and the content hash belonged to the old address.
            obj.etag = obj.last_modified = obj.content_hash = ""
            obj.next_poll_at = None
        if change and "is_active" in form.changed_data and obj.is_active:
            obj.next_poll_at = None  # polled on the next run, not after a long back-off
        super().save_model(request, obj, form, change)

    @admin.display(description="health")
    def health(self, feed: Feed) -> str:
        state = feed.health
        if state == Feed.Health.INACTIVE:
            return format_html('<span title="{}">Inactive</span>', feed.last_error)
        if state == Feed.Health.NEVER_POLLED:
            return "Never polled"
        if state == Feed.Health.FAILING:
            since = timezone.localtime(feed.failing_since)
            return format_html(
                '<strong style="color:var(--error-fg)" title="{}">✖ Failing since {} '
                "({} ago, {} attempt{})</strong>",
                feed.last_error,
                since.strftime("%d %b %Y %H:%M"),
                timesince(feed.failing_since),
                feed.consecutive_failures,
                "" if feed.consecutive_failures == 1 else "s",
            )
        return format_html(
            '<span style="color:var(--message-success-fg, green)">✔ OK</span>, '
            "{} new of {} item{} last time",
            feed.last_new_count,
            feed.last_entry_count,
            "" if feed.last_entry_count == 1 else "s",
        )

    @admin.display(description="last error")
    def error_in_full(self, feed: Feed) -> str:
        if not feed.last_error:
            return "—"
        return format_html(
            '<pre style="white-space:pre-wrap;margin:0">{}</pre>{}',
            feed.last_error,
            " (the feed has recovered since)" if not feed.consecutive_failures else "",
        )

    def get_urls(self):
        poll = self.admin_site.admin_view(require_POST(self.poll_view))
        import_opml = self.admin_site.admin_view(self.import_opml_view)
        return [
            path("<int:pk>/poll/", poll, name="sources_feed_poll"),
            path("import-opml/", import_opml, name="sources_feed_import_opml"),
            *super().get_urls(),
        ]

    # Importing an OPML file: upload, preview what would be added, confirm.

    def has_import_permission(self, request) -> bool:
        """An import adds feeds and the outlets they belong to."""
        return request.user.has_perm("sources.add_feed") and request.user.has_perm(
            "sources.add_outlet"
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {"has_import_permission": self.has_import_permission(request)} | (
            extra_context or {}
        )
        return super().changelist_view(request, extra_context)

    def import_opml_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method == "POST" and "preview" in request.POST:
            return self._import_previewed(request)
        posted = request.method == "POST"
        form = OpmlUploadForm(request.POST, request.FILES) if posted else OpmlUploadForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import feeds from an OPML file",
            "form": form,
        }
        if posted and form.is_valid():
            payload = {"user": request.user.pk, "entries": [astuple(e) for e in form.entries]}
            context |= {
                "plan": plan_import(form.entries),
                "preview": signing.dumps(payload, salt=OPML_SALT, compress=True),
                "file_name": form.cleaned_data["file"].name,
            }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/sources/feed/import_opml.html", context)

    def _import_previewed(self, request):
        """Import what the preview showed: the feeds read from the file, planned anew against
        the database as it is now (a feed added meanwhile counts as already there)."""
        again = HttpResponseRedirect(reverse("admin:sources_feed_import_opml"))
        try:
            payload = signing.loads(
                request.POST["preview"], salt=OPML_SALT, max_age=OPML_PREVIEW_MAX_AGE
            )
            if payload.get("user") != request.user.pk:
                raise signing.BadSignature("made for someone else")
            entries = [OpmlFeed(*map(str, row)) for row in payload["entries"]]
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            self.message_user(
                request,
                "This preview has expired or is not yours, so nothing was imported. Upload the "
                "file again.",
                messages.ERROR,
            )
            return again
        try:
            report = import_feeds(entries)
        except IntegrityError:
            self.message_user(
                request,
                "Someone added some of these feeds or outlets at the same moment, so nothing "
                "was imported. Upload the file again to see an up-to-date preview.",
                messages.ERROR,
            )
            return again
        self.message_user(
            request,
            f"Imported {len(report.feeds_created)} feed(s) and "
            f"{len(report.outlets_created)} new outlet(s); {len(report.feeds_existing)} "
            f"already known, {len(report.skipped)} skipped.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:sources_feed_changelist"))

    def poll_view(self, request, pk):
        feed = get_object_or_404(Feed, pk=pk)
        if not self.has_poll_permission(request):
            return HttpResponse("You may not poll feeds.", status=403)
        self._poll_in_background(request, feed)
        return HttpResponseRedirect(reverse("admin:sources_feed_change", args=[feed.pk]))

    def _poll_in_background(self, request, feed: Feed) -> None:
        level, what = POLL_NOW_MESSAGES[queue_poll(feed)]
        text = what.format(feed=feed) + "; the feed's page shows the result when it lands."
        self.message_user(request, text, level)

    def has_poll_permission(self, request) -> bool:
        return request.user.has_perm("sources.poll_feed")

    def render_change_form(self, request, context, *args, **kwargs):
        context["has_poll_permission"] = self.has_poll_permission(request)
        return super().render_change_form(request, context, *args, **kwargs)

    @admin.action(description="Poll the selected feeds now", permissions=["poll"])
    def poll_now(self, request, queryset):
        for feed in queryset:
            self._poll_in_background(request, feed)

    @admin.action(description="Export the selected feeds as OPML", permissions=["view"])
    def export_as_opml(self, request, queryset):
        response = HttpResponse(export_opml(queryset), content_type="text/x-opml; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="feeds.opml"'
        return response


def _short_time(moment) -> str:
    if moment is None:
        return "—"
    local = timezone.localtime(moment)
    if local.year == timezone.localtime().year:
        return local.strftime("%d %b %H:%M")
    return local.strftime("%d %b %Y")


class SourceItemAdmin(admin.ModelAdmin):
    """The inbox: where writers triage what discovery brings in, newest first.

    Registered by the briefings app, which adds "Start a briefing" to each row."""

    form = SourceItemForm
    list_display = ["item", "status", "published", "discovered"]
    list_display_links = None  # the title in the item column links to the item
    list_filter = ["status", "outlet", "discovered_at", "published_at"]
    list_select_related = ["outlet"]
    search_fields = ["title", "summary", "url", "author", "outlet__name"]
    date_hierarchy = "discovered_at"
    ordering = ["-discovered_at", "-id"]
    autocomplete_fields = ["outlet"]
    actions = ["shortlist", "dismiss", "mark_new"]
    list_per_page = 50

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fields = ["url", "guid", "feed", "discovered_at"] if obj.feed_id else ["discovered_at"]
        if obj.status == SourceItem.Status.USED:
            # A briefing's public attribution links to this URL and names this title.
            fields += [name for name in ["url", "title"] if name not in fields]
        return fields

    def get_fields(self, request, obj=None):
        fields = list(SourceItemForm.Meta.fields)
        if obj is not None:
            fields += [name for name in ["guid", "feed", "discovered_at"] if name not in fields]
        return fields

    @admin.display(description="item", ordering="title")
    def item(self, obj: SourceItem) -> str:
        summary = obj.summary if len(obj.summary) <= 220 else obj.summary[:219] + "…"
        return format_html(
            '<div style="min-width:18em;max-width:36em"><a href="{}"><strong>{}</strong></a>'
            '<div class="help">{}</div>{} · <a href="{}" target="_blank" '
            'rel="noopener noreferrer">Open the original ↗</a></div>',
            reverse("admin:sources_sourceitem_change", args=[obj.pk]),
            obj.title,
            summary,
            obj.outlet,
            obj.url,
        )

    @admin.display(description="published", ordering="published_at")
    def published(self, obj: SourceItem) -> str:
        return _short_time(obj.published_at)

    @admin.display(description="discovered", ordering="discovered_at")
    def discovered(self, obj: SourceItem) -> str:
        return _short_time(obj.discovered_at)

    def triageable(self, queryset):
        """The items whose triage status the bulk actions may change."""
        return queryset.exclude(status=SourceItem.Status.USED)

    def _set_status(self, request, queryset, status, verb):
        count = self.triageable(queryset).update(status=status)
        self.message_user(request, f"{verb} {count} item(s).", messages.SUCCESS)

    @admin.action(description="Shortlist selected items", permissions=["change"])
    def shortlist(self, request, queryset):
        self._set_status(request, queryset, SourceItem.Status.SHORTLISTED, "Shortlisted")

    @admin.action(description="Dismiss selected items", permissions=["change"])
    def dismiss(self, request, queryset):
        self._set_status(request, queryset, SourceItem.Status.DISMISSED, "Dismissed")

    @admin.action(description="Return selected items to new", permissions=["change"])
    def mark_new(self, request, queryset):
        self._set_status(request, queryset, SourceItem.Status.NEW, "Returned to new")
