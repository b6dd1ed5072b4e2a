"""Readers' error reports: the triage queue. Editors accept or decline reports, and turn an
accepted one into a correction or clarification in one step, from a form pre-filled with what
the reader quoted and said. Writers read the queue for their own briefings."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import truncatechars
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from .. import permissions, reports
from ..models import ErrorReport, PublicNote


class CorrectionFromReportForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[
            (PublicNote.Kind.CORRECTION.value, "Correction (fixes a fact)"),
            (PublicNote.Kind.CLARIFICATION.value, "Clarification (fixes misleading wording)"),
        ]
    )
    body = forms.CharField(
        label="Note readers will see (dated today; appears at once and in the corrections log)",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        max_length=5000,
    )


@admin.register(ErrorReport)
class ErrorReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "briefing", "passage_excerpt", "status", "outcome"]
    list_filter = ["status", ("briefing", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["passage", "problem", "briefing__headline"]
    search_help_text = "Search the quoted passage, what is wrong, or the headline."
    list_select_related = ["briefing", "public_note"]
    ordering = ["-created_at", "-id"]
    date_hierarchy = "created_at"
    actions = ["accept", "decline"]
    fields = [
        "briefing",
        "passage",
        "problem",
        "email",
        "status",
        "created_at",
        "decided_by",
        "decided_at",
        "public_note",
    ]
    readonly_fields = fields
    change_form_template = "admin/briefings/errorreport/change_form.html"

    def get_queryset(self, request):
        visible = permissions.visible_briefings(request.user)
        return super().get_queryset(request).filter(briefing__in=visible)

    def has_add_permission(self, request):
        return False  # reports come from readers

    def has_delete_permission(self, request, obj=None):
        return False  # the queue keeps what readers sent; decline instead

    @admin.display(description="passage")
    def passage_excerpt(self, report: ErrorReport) -> str:
        return truncatechars(report.passage, 80)

    @admin.display(description="led to")
    def outcome(self, report: ErrorReport) -> str:
        return str(report.public_note) if report.public_note_id else "—"

    def _decide(self, request, queryset, status: str, done: str) -> None:
        decided = skipped = 0
        for report in queryset:
            try:
                reports.decide(request.user, report, status)
                decided += 1
            except ValidationError:
                skipped += 1
        self.message_user(request, done.format(decided), messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"{skipped} already led to a note on the public record and were left alone.",
                messages.WARNING,
            )

    @admin.action(description="Accept the selected reports", permissions=["change"])
    def accept(self, request, queryset):
        self._decide(request, queryset, ErrorReport.Status.ACCEPTED, "{} report(s) accepted.")

    @admin.action(description="Decline the selected reports", permissions=["change"])
    def decline(self, request, queryset):
        self._decide(
            request,
            queryset,
            ErrorReport.Status.DECLINED,
            "{} report(s) declined; readers who left an email are told.",
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        report = self.get_object(request, object_id)
        extra = {
            "may_correct": report is not None and reports.may_correct_from(request.user, report),
            "may_triage": reports.may_triage(request.user),
        }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def get_urls(self):
        return [
            path(
                "<path:object_id>/correct/",
                self.admin_site.admin_view(self.correct_view),
                name="briefings_errorreport_correct",
            ),
            path(
                "<path:object_id>/decide/<str:status>/",
                self.admin_site.admin_view(self.decide_view),
                name="briefings_errorreport_decide",
            ),
            *super().get_urls(),
        ]

    def _report(self, request, object_id) -> ErrorReport:
        return get_object_or_404(
            self.get_queryset(request).select_related("briefing"), pk=object_id
        )

    def _back(self, report: ErrorReport):
        return HttpResponseRedirect(reverse("admin:briefings_errorreport_change", args=[report.pk]))

    def decide_view(self, request, object_id, status):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        report = self._report(request, object_id)
        try:
            reports.decide(request.user, report, status)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return self._back(report)
        report.refresh_from_db()
        self.message_user(
            request, f"Report {report.get_status_display().lower()}.", messages.SUCCESS
        )
        return self._back(report)

    def correct_view(self, request, object_id):
        """One step from an accepted report to a note on the briefing's public record."""
        report = self._report(request, object_id)
        if not reports.may_correct_from(request.user, report):
            raise PermissionDenied
        if request.method == "POST":
            form = CorrectionFromReportForm(request.POST)
            if form.is_valid():
                try:
                    note = reports.correct_from_report(
                        request.user, report, form.cleaned_data["kind"], form.cleaned_data["body"]
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    self.message_user(
                        request,
                        format_html(
                            '{} added. Readers see it on <a href="{}#note-{}">the briefing</a> '
                            "and in the corrections log.",
                            note.get_kind_display(),
                            report.briefing.get_absolute_url(),
                            note.pk,
                        ),
                        messages.SUCCESS,
                    )
                    return self._back(report)
        else:
            form = CorrectionFromReportForm(
                initial={"kind": PublicNote.Kind.CORRECTION, "body": reports.suggested_note(report)}
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": report,
            "title": "Turn the report into a correction or clarification",
            "form": form,
            "report": report,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/briefings/errorreport/correct.html", context)
