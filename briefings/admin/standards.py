"""The public standards page: versions are added, never rewritten."""

from django.contrib import admin

from ..models import StandardsVersion


@admin.register(StandardsVersion)
class StandardsVersionAdmin(admin.ModelAdmin):
    """Each save adds a version; published versions are kept as the public history."""

    list_display = ["title", "effective_at", "change_summary", "created_by"]
    readonly_fields = ["created_by"]
    fields = ["title", "method_summary", "body", "change_summary", "effective_at", "created_by"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        latest = StandardsVersion.objects.order_by("-effective_at").first()
        if latest:
            initial.update(
                title=latest.title, method_summary=latest.method_summary, body=latest.body
            )
        return initial

    def save_model(self, request, obj, form, change):
        obj.created_by = request.user
        super().save_model(request, obj, form, change)
