from django.contrib import admin, messages

from .models import Outlet, SourceItem


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "homepage"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "homepage"]


@admin.register(SourceItem)
class SourceItemAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "status", "published_at", "discovered_at"]
    list_filter = ["status", "outlet", "discovered_at"]
    list_select_related = ["outlet"]
    search_fields = ["title", "summary", "url", "author"]
    date_hierarchy = "discovered_at"
    ordering = ["-discovered_at", "-id"]
    actions = ["shortlist", "dismiss"]

    def _set_status(self, request, queryset, status, verb):
        count = queryset.exclude(status=SourceItem.Status.USED).update(status=status)
        self.message_user(request, f"{verb} {count} item(s).", messages.SUCCESS)

    @admin.action(description="Shortlist selected items", permissions=["change"])
    def shortlist(self, request, queryset):
        self._set_status(request, queryset, SourceItem.Status.SHORTLISTED, "Shortlisted")

    @admin.action(description="Dismiss selected items", permissions=["change"])
    def dismiss(self, request, queryset):
        self._set_status(request, queryset, SourceItem.Status.DISMISSED, "Dismissed")
