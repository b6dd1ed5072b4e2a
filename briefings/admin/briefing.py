from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.views.main import SEARCH_VAR, ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, models
from django.db.models import F, Q, Value
from django.db.models.functions import Upper
from django.forms.models import BaseInlineFormSet
from django.http import Http404, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst, smart_split, unescape_string_literal

from newsroom.fields import RichTextField
from newsroom.widgets import RichTextEditor

from .. import checklist, paging, permissions, workflow, working_copy
from ..images import clean_upload
from ..inbox import follow_headline
from ..models import HOUSE_SECTIONS, Briefing, Citation, EditorsNote, QABlock, Section, Takeaway
from ..models.briefing import admin_search_text
from ..snapshot import Snapshot
from .desk import DeskAdminMixin
from .workflow import WorkflowAdminMixin

# Positions are moved this far out of the way while a formset is renumbered.
_POSITION_OFFSET = 1_000_000


def show_limits(form: forms.BaseForm) -> None:
    """Let the browser take in whatever is typed or pasted, and show the limit instead of
    enforcing it: ``maxlength`` cuts a pasted text short without a word, while the server
    refuses an over-long value with its length (static/admin-extra/counters.js counts)."""
    for field in form.fields.values():
        limit = field.widget.attrs.pop("maxlength", None)
        if limit is not None:
            field.widget.attrs["data-max-length"] = limit


class OrderedChildForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        show_limits(self)
        if "position" in self.fields:
            # Set by dragging or the Move buttons (static/admin-extra/ordering.js), never
            # typed; a row posted without one goes last.
            self.fields["position"].required = False

    def has_changed(self):
        # Reordering numbers every row on the page, a blank one just added included: that
        # number alone does not make a new row something to save.
        if self.instance.pk is None:
            return any(name != "position" for name in self.changed_data)
        return super().has_changed()

    def _get_validation_exclusions(self):
        # Positions are renumbered 1..n on save (see save_ordered_formset), so two rows
        # briefly sharing a number while being reordered is not an error.
        exclusions = super()._get_validation_exclusions()
        exclusions.add("position")
        return exclusions


class OrderedInlineFormSet(BaseInlineFormSet):
    """A row added in the page and then saved by an autosave stays an added ("extra") form in
    the page, now carrying its id (static/admin-extra/autosave.js fills it in): such a form
    is that row again, updated and never created twice. Only this briefing's rows count."""

    def _saved_rows(self) -> dict[str, models.Model]:
        if not hasattr(self, "_rows"):
            rows = self.model.objects.filter(briefing=self.instance) if self.instance.pk else []
            self._rows = {str(row.pk): row for row in rows}
        return self._rows

    def get_queryset(self):
        # A briefing read with its parts (``working_copy.with_parts``) brings its rows along:
        # the form and the checklist share them, instead of each reading the table.
        if not hasattr(self, "_queryset") and working_copy.has_parts(self.instance):
            accessor = self.fk.remote_field.get_accessor_name()
            self._queryset = list(getattr(self.instance, accessor).all())
        return super().get_queryset()

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            # Tabular rows show the checkbox under a column heading, not beside a label.
            what = self.model._meta.verbose_name
            name = f"{what} {index + 1}" if index is not None else f"this {what}"
            form.fields["DELETE"].widget.attrs["aria-label"] = f"Delete {name}"

    def _construct_form(self, i, **kwargs):
        if self.is_bound and i >= self.initial_form_count():
            saved = self._saved_rows().get(self.data.get(f"{self.add_prefix(i)}-id", ""))
            if saved is not None:
                kwargs["instance"] = saved
        return super()._construct_form(i, **kwargs)


class OrderedInline:
    """Children follow their briefing: editable exactly when the briefing is."""

    form = OrderedChildForm
    formset = OrderedInlineFormSet
    extra = 0
    ordering = ["position"]
    # Section bodies, answers and editor's notes are written in the rich-text editor.
    formfield_overrides = {RichTextField: {"widget": RichTextEditor}}

    def _briefing_editable(self, request, obj) -> bool:
        return obj is None or permissions.can_edit(request.user, obj)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "position":
            # Posted with every row but not shown: static/admin-extra/ordering.js finds the
            # rows by this input, names them after the part and rewrites it on a move.
            name = self.model._meta.verbose_name
            kwargs["widget"] = forms.HiddenInput(attrs={"data-order-item": name})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if not self.has_change_permission(request, obj):
            # Read only: the rows come in their order already; no bare numbers beside them.
            fields = [name for name in fields if name != "position"]
        return fields

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._briefing_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._briefing_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._briefing_editable(request, obj)


def save_ordered_formset(formset, parent) -> None:
    """Save an inline formset of ordered children, numbering them 1..n in the order given.

    The posted rows are all the parent's children: the form was checked to be for the current
    version (``BriefingForm.clean``), so a saved row that is not among them was removed in the
    page (a row an autosave had saved, then taken out with the row's remove link) and goes."""
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
    posted = [obj.pk for _, _, obj in kept if obj.pk is not None]
    formset.model.objects.filter(briefing=parent).exclude(pk__in=posted).delete()
    kept.sort(key=lambda entry: entry[:2])
    formset.model.objects.filter(briefing=parent).update(position=F("position") + _POSITION_OFFSET)
    for number, (_, _, obj) in enumerate(kept, start=1):
        obj.briefing = parent
        obj.position = number
        obj.save()
    formset.save_m2m()


class TabularOrderedInline(OrderedInline, admin.TabularInline):
    """A table of rows: its cells have column headings, not labels, so each input is named."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name != "position":
            label = f"{capfirst(self.model._meta.verbose_name)} {field.label.lower()}"
            field.widget.attrs.setdefault("aria-label", label)
        return field


class TakeawayInline(TabularOrderedInline):
    model = Takeaway
    fields = ["position", "text"]
    # A takeaway is a sentence: give it the width of one.
    formfield_overrides = {
        models.CharField: {"widget": forms.TextInput(attrs={"class": "vLargeTextField"})}
    }

    def get_extra(self, request, obj=None, **kwargs):
        """Empty rows up to the checklist's minimum, so a new draft needs no "Add another"."""
        have = obj.takeaways.count() if obj is not None and obj.pk else 0
        return max(checklist.TAKEAWAYS_MIN - have, 0)


class SectionInline(OrderedInline, admin.StackedInline):
    model = Section
    fields = ["position", "heading", "body"]

    def get_extra(self, request, obj=None, **kwargs):
        return len(HOUSE_SECTIONS) if obj is None else 0  # room for the house trio


class QABlockInline(OrderedInline, admin.StackedInline):
    model = QABlock
    fields = ["position", "question", "answer"]


class EditorsNoteInline(OrderedInline, admin.StackedInline):
    """Editor's notes and AI disclosures: content, reviewed and published with the briefing.
    Corrections, clarifications and updates go on the public record with the workflow's
    "Add a correction" action instead."""

    model = EditorsNote
    fields = ["position", "kind", "body"]


class CitationInline(TabularOrderedInline):
    model = Citation
    fields = ["position", "title", "url", "publisher"]


class LeadImageInput(forms.ClearableFileInput):
    """The file input, with a thumbnail of the current image above it. Its address is the
    checked ``/media/`` view (briefings/media.py), which shows a draft's image only to those
    who may preview the briefing."""

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if not self.is_initial(value):
            return html
        return format_html(
            '<a href="{0}" target="_blank" class="lead-image-thumb">'
            '<img src="{0}" alt="The current lead image" loading="lazy"></a>{1}',
            value.url,
            html,
        )


class BriefingForm(forms.ModelForm):
    """The briefing form, carrying the version it was loaded at (optimistic locking)."""

    # Not the model field (which the form never writes): the version this form was loaded at.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    ai_uses = forms.MultipleChoiceField(
        label="What the AI did",
        choices=Briefing.AIUse.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Every use that applies; the page says it in one sentence.",
    )

    class Meta:
        # A plain file field: Django's image field would open the upload with every decoder
        # Pillow has before clean_upload (the one gate, with its own formats and pixel limit).
        field_classes = {"lead_image": forms.FileField}
        wide = {"class": "vLargeTextField"}
        widgets = {
            "lead_image": LeadImageInput,
            "headline": forms.TextInput(attrs=wide),
            "dek": forms.Textarea(attrs={**wide, "rows": 2}),
            "lead_image_alt": forms.TextInput(attrs=wide),
            "lead_image_caption": forms.TextInput(attrs=wide),
            "lead_image_credit": forms.TextInput(attrs=wide),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        show_limits(self)
        staff = (
            get_user_model()
            .objects.filter(is_staff=True, is_active=True)
            .order_by("display_name", "username")
        )
        if "ai_checked_by" in self.fields:
            self.fields["ai_checked_by"].queryset = staff
        people = [self.fields[n] for n in ("authors", "ai_checked_by") if n in self.fields]
        if people and not self.is_bound:
            # The byline and the AI checker offer the same people: read them once for both
            # lists (a posted form is checked against each field's queryset, as ever).
            users = list(staff)
            for field in people:
                blank = [("", field.empty_label)] if field.empty_label is not None else []
                field.choices = blank + [(u.pk, field.label_from_instance(u)) for u in users]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        if "follows" in self.fields:
            follows = self.fields["follows"]
            # Published briefings only (and whatever it follows already, even if that has been
            # withdrawn since: saving must not fail on a value nobody touched).
            follows.queryset = (
                Briefing.objects.filter(
                    Q(pk__in=Briefing.objects.published().values("pk"))
                    | Q(pk=self.instance.follows_id)
                )
                .select_related("live_revision")
                .only("headline", "published_at", "live_revision", "live_revision__headline")
                .order_by("-published_at", "-pk")
            )
            follows.label_from_instance = _follows_label
            # Only a published briefing can be followed: no "add" or "change" pop-ups here.
            follows.widget.can_add_related = follows.widget.can_change_related = False
            follows.widget.can_delete_related = False
            follows.error_messages["invalid_choice"] = (
                "Choose a published briefing: only those can be followed up."
            )

    def clean_follows(self):
        follows = self.cleaned_data.get("follows")
        if follows is not None and follows.pk == self.instance.pk:
            raise ValidationError("A briefing cannot follow itself.", code="follows_itself")
        return follows

    def clean_lead_image(self):
        image = self.cleaned_data.get("lead_image")
        if isinstance(image, UploadedFile):
            data = self.data
            return clean_upload(
                image, data.get("lead_image_credit", ""), data.get("lead_image_source_type", "")
            )
        return image

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        # Runs inside the admin's transaction: the row stays locked until the save is done.
        current = (
            Briefing.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if cleaned.get("version") != current:
            raise ValidationError(conflict_message(self.instance), code="conflict")
        return cleaned


def _follows_label(briefing: Briefing) -> str:
    """A published briefing as readers know it: its live headline, and when it went out."""
    headline = briefing.live_revision.headline if briefing.live_revision else briefing.headline
    when = f" ({briefing.published_at:%-d %b %Y})" if briefing.published_at else ""
    return f"{headline}{when}"


def error_summary(form, formsets) -> list[tuple[str, str, str]]:
    """Why a save was refused, as (field id, label, message), for the list at the top of the
    form: the admin marks each field in place, which can be far below the fold."""
    entries = []

    def add(each_form, prefix: str) -> None:
        for name, errors in each_form.errors.items():
            field = each_form.fields.get(name)
            if field is None:  # non-field errors
                entries.extend(("", prefix, str(error)) for error in errors)
                continue
            label = capfirst(field.label or name)
            label = f"{prefix}, {label.lower()}" if prefix else label
            entries.extend((each_form[name].auto_id, label, error) for error in errors)

    add(form, "")
    for formset in formsets:
        name = capfirst(formset.model._meta.verbose_name)
        for error in formset.non_form_errors():
            entries.append(("", capfirst(formset.model._meta.verbose_name_plural), error))
        for number, each_form in enumerate(formset.forms, 1):
            add(each_form, f"{name} {number}")
    return entries


def autosaved(briefing: Briefing, formsets) -> JsonResponse:
    """What the page needs after an autosave to go on as if it had been reloaded: the version
    it now stands at, the ids of the rows it added (by their form's prefix), and the rows
    deleted (ticked "Delete"), which are gone."""
    rows, deleted = {}, []
    for formset in formsets:
        for index, form in enumerate(formset.forms):
            key = f"{formset.prefix}-{index}"
            if formset.can_delete and formset._should_delete_form(form):
                deleted.append(key)
            elif index >= formset.initial_form_count() and form.instance.pk is not None:
                rows[key] = form.instance.pk
    return JsonResponse(
        {
            "saved": True,
            "version": briefing.version,
            "saved_at": timezone.localtime(briefing.modified_at).strftime("%H:%M"),
            "rows": rows,
            "deleted": deleted,
        }
    )


def not_autosaved(form, summary) -> JsonResponse:
    """Why an autosave was refused; nothing was saved, and the page keeps what it holds."""
    if any(error.code == "conflict" for error in form.non_field_errors().as_data()):
        briefing = form.instance
        return JsonResponse(
            {
                "saved": False,
                "conflict": True,
                "reason": (
                    "someone else saved this briefing after you opened it. Nothing was "
                    "overwritten and your text is still in the form; copy what you need, then "
                    "reload the page."
                ),
                "current": reverse("admin:briefings_briefing_change", args=[briefing.pk]),
                "compare": reverse("admin:briefings_briefing_compare", args=[briefing.pk]),
            },
            status=409,
        )
    return JsonResponse(
        {
            "saved": False,
            "reason": "fix the errors",
            "errors": [
                {"field": anchor, "label": label, "message": str(message)}
                for anchor, label, message in summary
            ],
        },
        status=400,
    )


def conflict_message(briefing: Briefing):
    change_url = reverse("admin:briefings_briefing_change", args=[briefing.pk])
    history_url = reverse("admin:briefings_briefing_history", args=[briefing.pk])
    compare_url = reverse("admin:briefings_briefing_compare", args=[briefing.pk])
    return format_html(
        "Someone else saved this briefing after you opened it, so your changes were "
        "<strong>not saved</strong> (nothing was overwritten). Your text is still in the form "
        'below. <a href="{}" target="_blank">Open the current version</a> in a new tab, see '
        '<a href="{}" target="_blank">who changed what</a> or '
        '<a href="{}" target="_blank">compare it with the live page</a>, then reload this '
        "page and make your changes again.",
        change_url,
        history_url,
        compare_url,
    )


class BriefingChangeList(ChangeList):
    """Ties are broken by id in the direction of the sort (Django adds ``-pk`` whatever the
    direction), so one (column, id) index serves a column sorted either way."""

    def get_ordering(self, request, queryset):
        ordering = super().get_ordering(request, queryset)
        first = ordering[0] if ordering else None
        if ordering[-1:] == ["-pk"] and isinstance(first, str) and not first.startswith("-"):
            ordering[-1] = "pk"
        return ordering


class FollowsWidget(AutocompleteSelect):
    """The search box of the "Story thread" field: it asks ``FollowsSearch``."""

    url_name = "%s:briefings_briefing_follows"


class FollowsSearch(AutocompleteJsonView):
    """The briefings a follow-up may follow, as readers know them: published, newest first,
    found and labelled by their live headline (never a working copy's unpublished edits), for
    anyone who may open briefings in the admin (published briefings are public)."""

    def get_queryset(self):
        found = (
            Briefing.objects.published()
            .select_related("live_revision")
            .only("headline", "published_at", "live_revision", "live_revision__headline")
            .order_by("-published_at", "-pk")
        )
        for word in smart_split(self.term):
            found = found.filter(live_revision__headline__icontains=word.strip("\"'"))
        return found

    def get(self, request, *args, **kwargs):
        # As Django's view, but a page is read without counting every match (``paging``).
        self.term, self.model_admin, self.source_field, _ = self.process_request(request)
        if not self.has_perm(request):
            raise PermissionDenied
        page = paging.get_page(self.get_queryset(), request.GET.get("page"), self.paginate_by)
        results = [{"id": str(obj.pk), "text": _follows_label(obj)} for obj in page]
        return JsonResponse({"results": results, "pagination": {"more": page.has_next()}})


@admin.register(Briefing)
class BriefingAdmin(DeskAdminMixin, WorkflowAdminMixin, admin.ModelAdmin):
    form = BriefingForm
    # The list counts its rows once (for its pages), never the whole table again besides.
    show_full_result_count = False
    list_display = [
        "headline",
        "topic",
        "status",
        "live",
        "has_unpublished_changes",
        "work_type",
        "published_at",
        "modified_at",
    ]
    list_filter = [
        ("published_at", admin.DateFieldListFilter),
        "status",
        "has_unpublished_changes",
        "topic",
        "work_type",
        "attribution_kind",
        "ai_assisted",
    ]
    list_select_related = ["topic"]
    search_fields = ["headline", "dek", "slug"]
    # Publish time is a filter of fixed ranges (today, past 7 days, this month, this year),
    # not a date hierarchy: that asked the database for every distinct year or month of the
    # listed briefings on each page, running the list's search or filters once more.
    prepopulated_fields = {"slug": ["headline"]}
    # The briefing a follow-up follows is picked by searching (FollowsWidget), not from a
    # list of every published briefing.
    autocomplete_fields = ["source_item"]
    filter_horizontal = ["authors"]
    readonly_fields = ["status", "published_at"]
    inlines = [TakeawayInline, SectionInline, QABlockInline, EditorsNoteInline, CitationInline]
    actions = ["submit_selected"]
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
        ("Sourcing", {"fields": ["attribution_kind", "source_item"]}),
        (
            "AI assistance",
            {
                "fields": ["ai_assisted", "ai_tool", "ai_uses", "ai_use_other", "ai_checked_by"],
                "description": "Readers are told which tool was used, for what, and who "
                "checked its work (see the standards' section on AI tools).",
            },
        ),
        ("Story thread", {"fields": ["follows"]}),
        ("Publication", {"fields": ["status", "published_at"]}),
    ]

    class Media:
        css = {"all": ["admin-extra/workflow.css", "admin-extra/ordering.css"]}
        js = [
            "admin-extra/checklist.js",
            "admin-extra/counters.js",
            "admin-extra/ordering.js",
            "admin-extra/autosave.js",
            "admin-extra/a11y.js",
        ]

    @admin.action(description="Submit the selected briefings for review", permissions=["change"])
    def submit_selected(self, request, queryset):
        """Each through the workflow, with its own checks; what could not go says why."""
        submitted = []
        for briefing in queryset.order_by("pk"):
            try:
                workflow.take(workflow.Action.SUBMIT, request.user, briefing, {}, briefing.version)
            except (ValidationError, PermissionDenied) as error:
                reasons = error.messages if isinstance(error, ValidationError) else [str(error)]
                self.message_user(
                    request, f"“{briefing}” was not submitted: {' '.join(reasons)}", messages.ERROR
                )
            else:
                submitted.append(briefing)
        if submitted:
            self.message_user(
                request,
                f"Submitted {len(submitted)} briefing(s) for review. The editors have been told.",
                messages.SUCCESS,
            )

    @admin.display(boolean=True, description="Live")
    def live(self, obj):
        return obj.is_live

    def get_urls(self):
        search = FollowsSearch.as_view(admin_site=self.admin_site)
        follows = path(
            "follows/", self.admin_site.admin_view(search), name="briefings_briefing_follows"
        )
        return [follows, *super().get_urls()]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "follows":
            kwargs["widget"] = FollowsWidget(db_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changelist(self, request, **kwargs):
        return BriefingChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        """A search counts its matches up to ``CappedPaginator.CAP``; the list unsearched, or
        filtered, counts them all (an index-only count). Either reads a page's ids first."""
        searched = request.GET.get(SEARCH_VAR, "").strip()  # blank: no search (no words)
        paginator = paging.CappedPaginator if searched else paging.IdsFirstPaginator
        return paginator(queryset, per_page, orphans, allow_empty_first_page)

    def get_search_results(self, request, queryset, search_term):
        """On PostgreSQL every word must be in the headline, dek or slug (any case), matched
        through one trigram index; elsewhere Django's own search of the three fields."""
        if connection.vendor != "postgresql":
            return super().get_search_results(request, queryset, search_term)
        queryset = queryset.alias(admin_haystack=admin_search_text())
        for word in smart_split(search_term):
            if word.startswith(('"', "'")) and word[0] == word[-1]:  # as Django reads quotes
                word = unescape_string_literal(word)
            queryset = queryset.filter(admin_haystack__contains=Upper(Value(word)))
        return queryset, False

    # Permissions: the rules live in briefings.permissions; the admin only asks.

    def get_queryset(self, request):
        return permissions.visible_briefings(request.user, super().get_queryset(request))

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or permissions.can_view(request.user, obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or permissions.can_edit(request.user, obj))

    def get_object(self, request, object_id, from_field=None):
        """On a GET, the briefing with its parts, read once for the whole page (the form, its
        formsets and the checklist); a POST reads it afresh where Django does."""
        if request.method not in {"GET", "HEAD"}:
            return super().get_object(request, object_id, from_field)
        read = getattr(request, "_briefings_read", {})
        key = (object_id, from_field)
        if key not in read:
            briefings = working_copy.with_parts(self.get_queryset(request))
            field = (
                Briefing._meta.pk if from_field is None else Briefing._meta.get_field(from_field)
            )
            try:
                found = briefings.select_related("follows__live_revision").get(
                    **{field.name: field.to_python(object_id)}
                )
            except (Briefing.DoesNotExist, ValidationError, ValueError):
                found = None
            read[key] = found
            request._briefings_read = read
        return read[key]

    def _visible(self, request, object_id) -> Briefing:
        """The briefing, or 404 when this user may not know it exists."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such briefing.")
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self._visible(request, object_id)
        request.autosave = request.method == "POST" and "_autosave" in request.POST
        if request.autosave and "_transition" in request.POST:
            return JsonResponse(
                {"saved": False, "reason": "an autosave takes no action"}, status=400
            )
        if request.method == "POST" and "_transition" in request.POST:
            # A workflow button of the form: checked before anything is saved.
            self.check_transition(request, obj, request.POST["_transition"])
        context = {**self.workflow_context(request, obj), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, context)

    def response_change(self, request, obj):
        """A workflow button saves the form, then makes its transition on what was just saved,
        in the same transaction: never on a version the user has not seen. A form that does
        not validate never gets here (it is shown again with its errors, and nothing is done).
        """
        if getattr(request, "autosave", False):
            return autosaved(obj, getattr(request, "saved_formsets", []))
        transition = request.POST.get("_transition")
        if transition is None:
            return super().response_change(request, obj)
        saved = "Your changes were saved." if getattr(request, "briefing_edited", False) else ""
        self.run_transition(request, obj, transition, obj.version, saved)
        return self._back(obj)

    def history_view(self, request, object_id, extra_context=None):
        self._visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._visible(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    # The form.

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(name, {**opts}) for name, opts in super().get_fieldsets(request, obj)]
        if obj is not None and self.has_change_permission(request, obj):
            first = fieldsets[0][1]
            first["fields"] = [*first["fields"], "version"]
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        # ``version`` is the form's own hidden field, not the (non-editable) model field.
        fields = kwargs.get("fields") or flatten_fieldsets(self.get_fieldsets(request, obj))
        kwargs["fields"] = [name for name in fields if name != "version"]
        return super().get_form(request, obj, change, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "authors":  # the byline: active staff, by the name readers see
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(is_staff=True, is_active=True)
                .order_by("display_name", "username")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_live else None

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # Set from the headline on each save until first publication (save_model), then
            # fixed: the public address never changes once published.
            fields.append("slug")
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None:
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
            return
        # The row is locked and its version checked (BriefingForm.clean). Only the form's
        # fields are written, so a transition made meanwhile is never undone; the version
        # moves on in save_related, once the parts are saved too.
        names = {f.name for f in Briefing._meta.concrete_fields if f.name in form.cleaned_data}
        if follow_headline(obj):
            names.add("slug")
        obj.save(update_fields=[*names, "modified_at"])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        edited = form.has_changed() or any(formset.has_changed() for formset in formsets)
        request.briefing_edited = edited
        request.saved_formsets = formsets
        workflow.save_working_copy(request.user, form.instance, changed=edited)

    def render_change_form(self, request, context, *args, **kwargs):
        if request.method == "POST" and getattr(request, "autosave", False):
            form = context["adminform"].form
            formsets = [inline.formset for inline in context.get("inline_admin_formsets", [])]
            return not_autosaved(form, error_summary(form, formsets))
        if request.method == "POST" and context.get("errors"):
            form = context["adminform"].form
            formsets = [inline.formset for inline in context.get("inline_admin_formsets", [])]
            context["error_summary"] = error_summary(form, formsets)
            context["transition_not_made"] = "_transition" in request.POST
            if "workflow" in context:  # the checklist describes the form as posted
                page = Snapshot.from_form(form.instance, form, formsets)
                context["workflow"]["checklist"] = checklist.run(page)
        return super().render_change_form(request, context, *args, **kwargs)

    def save_formset(self, request, form, formset, change):
        save_ordered_formset(formset, form.instance)
