from django import forms
from django.contrib import admin
from django.db.models import F

from newsroom.cache import clear_public_pages

from .models import (
    HOUSE_SECTIONS,
    Briefing,
    Citation,
    EditorsNote,
    QABlock,
    Section,
    StandardsVersion,
    Takeaway,
    Topic,
)

# Positions are moved this far out of the way while a formset is renumbered.
_POSITION_OFFSET = 1_000_000


class OrderedChildForm(forms.ModelForm):
    def _get_validation_exclusions(self):
        # Positions are renumbered 1..n on save (see save_ordered_formset), so two rows
        # briefly sharing a number while being reordered is not an error.
        exclusions = super()._get_validation_exclusions()
        exclusions.add("position")
        return exclusions


class OrderedInline:
    form = OrderedChildForm
    extra = 0
    ordering = ["position"]


def save_ordered_formset(formset, parent) -> None:
    """Save an inline formset of ordered children, numbering them 1..n in the order given."""
    formset.save(commit=False)
    for obj in formset.deleted_objects:
        obj.delete()
    kept = []
    for index, form in enumerate(formset.forms):
        if form.instance.pk is None and not form.has_changed():
            continue
        if formset.can_delete and formset._should_delete_form(form):
            continue
        position = form.instance.position or _POSITION_OFFSET
        kept.append((position, index, form.instance))
    kept.sort(key=lambda entry: entry[:2])
    formset.model.objects.filter(briefing=parent).update(position=F("position") + _POSITION_OFFSET)
    for number, (_, _, obj) in enumerate(kept, start=1):
        obj.briefing = parent
        obj.position = number
        obj.save()
    formset.save_m2m()


class TakeawayInline(OrderedInline, admin.TabularInline):
    model = Takeaway
    fields = ["position", "text"]


class SectionInline(OrderedInline, admin.StackedInline):
    model = Section
    fields = ["position", "heading", "body"]

    def get_extra(self, request, obj=None, **kwargs):
        return len(HOUSE_SECTIONS) if obj is None else 0  # room for the house trio


class QABlockInline(OrderedInline, admin.StackedInline):
    model = QABlock
    fields = ["position", "question", "answer"]


class EditorsNoteInline(OrderedInline, admin.StackedInline):
    model = EditorsNote
    fields = ["position", "kind", "created_at", "body"]


class CitationInline(OrderedInline, admin.TabularInline):
    model = Citation
    fields = ["position", "title", "url", "publisher"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Briefing)
class BriefingAdmin(admin.ModelAdmin):
    list_display = ["headline", "topic", "status", "work_type", "published_at", "modified_at"]
    list_filter = ["status", "topic", "work_type", "attribution_kind", "ai_assisted"]
    list_select_related = ["topic"]
    search_fields = ["headline", "dek", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["source_item", "authors"]
    readonly_fields = ["status", "published_at"]
    inlines = [TakeawayInline, SectionInline, QABlockInline, EditorsNoteInline, CitationInline]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "dek", "topic", "authors", "work_type"]}),
        (
            "Lead image",
            {
                "fields": [
                    "lead_image",
                    "lead_image_alt",
                    "lead_image_caption",
                    "lead_image_credit",
                    "lead_image_source_type",
                ]
            },
        ),
        ("Sourcing", {"fields": ["attribution_kind", "source_item", "ai_assisted"]}),
        ("Publication", {"fields": ["status", "published_at"]}),
    ]

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_live else None

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.live_revision_id:
            fields.append("slug")  # the public address never changes once published
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None and obj.live_revision_id:
            return {}
        return super().get_prepopulated_fields(request, obj)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("authors", [request.user.pk])
        return initial

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if (
            (obj is None or obj.pk is None)
            and isinstance(inline, SectionInline)
            and request.method == "GET"
        ):
            kwargs["initial"] = [
                {"position": n, "heading": heading} for n, heading in enumerate(HOUSE_SECTIONS, 1)
            ]
        return kwargs

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        save_ordered_formset(formset, form.instance)


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
        clear_public_pages()


from . import inbox  # noqa: E402, F401  (adds "Start a briefing" to the inbox)
