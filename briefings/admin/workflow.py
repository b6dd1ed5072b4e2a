"""The briefing admin's workflow pages: the buttons' transitions, the live checklist, the
comparison of versions, revisions and restoring, and preview share links. Mixed into
``BriefingAdmin``; every view asks ``permissions`` and calls ``workflow``."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from .. import checklist, diff, followups, permissions, workflow, working_copy
from ..inbox import CannotStartBriefing
from ..models import Briefing, PreviewLink, PublicNote, Transition
from ..snapshot import Snapshot

SHARE_DAYS = [(1, "1 day"), (3, "3 days"), (7, "7 days"), (14, "14 days")]


class WorkflowAdminMixin:
    """Needs ``_visible(request, object_id)`` from the admin it is mixed into."""

    # The workflow around the form: buttons, checklist, timeline, share links.

    def workflow_context(self, request, obj: Briefing) -> dict:
        user = request.user
        actions = workflow.allowed_actions(user, obj)
        timeline = list(obj.transitions.select_related("user", "revision"))
        last_request = next(
            (t for t in timeline if t.action == Transition.Action.REQUEST_CHANGES), None
        )
        last_submit = next((t for t in timeline if t.action == Transition.Action.SUBMIT), None)
        can_share = permissions.can_share(user, obj)
        can_edit = permissions.can_edit(user, obj)
        original = obj.follows
        return {
            "follows": original
            and {
                "original": original,
                "headline": original.live_revision.headline
                if original.live_revision
                else original.headline,
                "watch_next": followups.watch_next(original),
                "heading": followups.WATCH_NEXT,
            },
            "workflow": {
                # A POST either redirects or comes back with errors, and then the checklist
                # describes the form as posted (BriefingAdmin.render_change_form).
                "checklist": None
                if request.method == "POST"
                else (
                    checklist.run(working_copy.snapshot(obj))
                    if working_copy.has_parts(obj)  # read with its parts: no second read
                    else workflow.publication_checklist(obj)
                ),
                "timeline": timeline,
                "changes_request": last_request
                if obj.status == Briefing.Status.CHANGES_REQUESTED
                else None,
                # What the writer said on submitting, for the editor reviewing it.
                "submission": last_submit if obj.status == Briefing.Status.IN_REVIEW else None,
                # The notice readers see at a withdrawn briefing's address, from its record.
                "withdrawal": obj.public_notes.filter(kind=PublicNote.Kind.WITHDRAWAL).last()
                if obj.status == Briefing.Status.WITHDRAWN
                else None,
                "can_edit": can_edit,
                # With an editable form on the page, the buttons submit it (save, then act).
                "in_form": can_edit,
                "actions": [_control(action, obj) for action in actions],
                "can_share": can_share,
                "can_follow_up": obj.is_live and may_start_briefings(user),
                "share_links": list(obj.preview_links.active()) if can_share else [],
                "share_days": SHARE_DAYS,
                "second_editor_block": (
                    obj.status == Briefing.Status.IN_REVIEW
                    and user.has_perm("briefings.publish_briefing")
                    and not permissions.may_approve_own(user, obj)
                ),
            },
        }

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(view)

        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/workflow/<str:transition>/",
                wrap(self.transition_view),
                name=f"{name}_transition",
            ),
            path("<path:object_id>/compare/", wrap(self.compare_view), name=f"{name}_compare"),
            path(
                "<path:object_id>/checklist/", wrap(self.checklist_view), name=f"{name}_checklist"
            ),
            path(
                "<path:object_id>/revisions/", wrap(self.revisions_view), name=f"{name}_revisions"
            ),
            path(
                "<path:object_id>/revisions/<int:number>/restore/",
                wrap(self.restore_view),
                name=f"{name}_restore",
            ),
            path("<path:object_id>/share/", wrap(self.share_view), name=f"{name}_share"),
            path(
                "<path:object_id>/follow-up/",
                wrap(self.follow_up_view),
                name=f"{name}_follow_up",
            ),
            path(
                "<path:object_id>/share/<int:link_id>/revoke/",
                wrap(self.revoke_share_view),
                name=f"{name}_revoke_share",
            ),
            *super().get_urls(),
        ]

    def _back(self, obj: Briefing):
        return HttpResponseRedirect(reverse("admin:briefings_briefing_change", args=[obj.pk]))

    def transition_view(self, request, object_id, transition):
        """A workflow form on a page without an editable form (or a hand-made request)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._visible(request, object_id)
        self.check_transition(request, obj, transition)
        self.run_transition(request, obj, transition, posted_version(request.POST))
        return self._back(obj)

    def check_transition(self, request, obj: Briefing, transition: str) -> None:
        if transition not in workflow.ACTIONS:
            raise Http404("No such transition.")
        if not workflow.can(request.user, transition, obj):
            raise PermissionDenied

    def run_transition(
        self, request, obj: Briefing, transition: str, version: int, saved: str = ""
    ) -> bool:
        """Take ``transition`` on the version the user saw, and say what happened. ``saved``
        opens the message when the same request saved the user's edits first."""
        posted = request.POST
        spec = workflow.ACTIONS[transition]
        if spec.confirm and posted.get(f"{transition}-confirm") != "yes":
            if saved:
                self.message_user(request, f"{saved} Nothing else was done:", messages.WARNING)
            self.message_user(
                request,
                f"Tick “{spec.confirm}” to confirm, then press “{spec.button_label(obj)}” again.",
                messages.ERROR,
            )
            return False
        values = {
            field.name: posted.get(f"{transition}-{field.name}", posted.get(field.name, ""))
            for field in workflow.ACTIONS[transition].fields
        }
        try:
            obj = workflow.take(transition, request.user, obj, values, version)
        except workflow.BriefingChanged as error:
            self._changed_meanwhile(request, obj, error)
            return False
        except ValidationError as error:
            if saved:
                self.message_user(request, f"{saved} Nothing else was done:", messages.WARNING)
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
            return False
        done = workflow.ACTIONS[transition].done_message(obj)
        self.message_user(request, f"{saved} {done}".strip(), messages.SUCCESS)
        return True

    def _changed_meanwhile(self, request, obj: Briefing, error: ValidationError) -> None:
        compare_url = reverse("admin:briefings_briefing_compare", args=[obj.pk])
        self.message_user(
            request,
            format_html(
                '{} <a href="{}">Compare the working copy with the live version</a>; this '
                "page now shows the current version.",
                error.messages[0],
                compare_url,
            ),
            messages.ERROR,
        )

    def checklist_view(self, request, object_id):
        """The checklist for the form as it is now, unsaved: the admin page asks as the
        writer types (static/admin-extra/checklist.js). The admin's own form and formsets are
        bound to what was posted, as a save would bind them; nothing is saved."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._visible(request, object_id)
        if not permissions.can_edit(request.user, obj):
            raise PermissionDenied
        form = self.get_form(request, obj, change=True)(request.POST, request.FILES, instance=obj)
        formsets, _ = self._create_formsets(request, obj, change=True)
        checks = checklist.run(Snapshot.from_form(obj, form, formsets))
        return TemplateResponse(
            request, "admin/briefings/briefing/checklist_items.html", {"checks": checks}
        )

    def compare_view(self, request, object_id):
        obj = self._visible(request, object_id)
        revisions = {r.number: r for r in obj.revisions.select_related("created_by")}
        live = revisions.get(
            next((n for n, r in revisions.items() if r.pk == obj.live_revision_id), None)
        )

        def pick(value, default):
            if value in (None, ""):
                return default
            if value == "draft":
                return None
            try:
                return revisions[int(value)]
            except (KeyError, ValueError):
                raise Http404("No such revision.") from None

        old = pick(request.GET.get("from"), live)
        new = pick(request.GET.get("to"), None)
        old_page = old.snapshot if old else None
        new_page = new.snapshot if new else Snapshot.of(obj)
        parts = diff.compare(old_page, new_page)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"Compare versions: {obj}",
            "old": old,
            "new": new,
            "live": live,
            "parts": parts,
            "changed": [part for part in parts if part.changed],
            "revisions": sorted(revisions.values(), key=lambda r: -r.number),
            "show_all": request.GET.get("all") == "1",
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/briefings/briefing/compare.html", context)

    def revisions_view(self, request, object_id):
        obj = self._visible(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"Revisions: {obj}",
            "revisions": obj.revisions.select_related("created_by").defer("data"),
            "can_restore": permissions.can_restore(request.user, obj),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/briefings/briefing/revisions.html", context)

    def restore_view(self, request, object_id, number):
        """GET, or a POST without ``confirm``: the confirmation page. A confirmed POST
        restores, on the version the revisions page showed (carried through the page)."""
        obj = self._visible(request, object_id)
        revision = get_object_or_404(obj.revisions, number=number)
        if not permissions.can_restore(request.user, obj):
            raise PermissionDenied
        if request.method != "POST" or request.POST.get("confirm") != "yes":
            data = request.POST if request.method == "POST" else request.GET
            seen = data.get("version", "")
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": obj,
                "revision": revision,
                "version": int(seen) if seen.isdigit() else obj.version,
                "title": f"Restore revision {number} into the working copy?",
            }
            request.current_app = self.admin_site.name
            return TemplateResponse(
                request, "admin/briefings/briefing/restore_confirm.html", context
            )
        try:
            workflow.restore_revision(request.user, obj, revision, posted_version(request.POST))
        except workflow.BriefingChanged as error:
            self._changed_meanwhile(request, obj, error)
            return self._back(obj)
        self.message_user(
            request,
            f"Revision {number} restored into the working copy. Readers see it only after "
            "review and publication. The working copy as it was is kept in the revisions.",
            messages.SUCCESS,
        )
        return self._back(obj)

    def share_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._visible(request, object_id)
        if not permissions.can_share(request.user, obj):
            raise PermissionDenied
        days = dict(SHARE_DAYS)
        try:
            chosen = int(request.POST.get("days", 3))
        except ValueError:
            chosen = 3
        link = PreviewLink.objects.create(
            briefing=obj,
            created_by=request.user,
            expires_at=timezone.now() + timedelta(days=chosen if chosen in days else 3),
        )
        self.message_user(
            request,
            format_html(
                'Preview link created: <a href="{0}">{0}</a> (until {1}).',
                request.build_absolute_uri(link.get_absolute_url()),
                timezone.localtime(link.expires_at).strftime("%Y-%m-%d %H:%M"),
            ),
            messages.SUCCESS,
        )
        return self._back(obj)

    def follow_up_view(self, request, object_id):
        """Start a draft that follows this published briefing, and open it."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._visible(request, object_id)
        if not may_start_briefings(request.user):
            raise PermissionDenied
        try:
            draft = followups.start_follow_up(obj, request.user)
        except CannotStartBriefing as error:
            self.message_user(request, str(error), messages.WARNING)
            return self._back(obj)
        except IntegrityError:  # another draft took the same address at the same moment
            self.message_user(
                request, "Another draft was started at the same moment; try again.", messages.ERROR
            )
            return self._back(obj)
        self.message_user(
            request,
            f"Follow-up draft started. Write the headline, dek and sections in your own words; "
            f"readers will see that it follows “{obj.live_revision.headline}” once it is "
            "published.",
            messages.SUCCESS,
        )
        return self._back(draft)

    def revoke_share_view(self, request, object_id, link_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._visible(request, object_id)
        if not permissions.can_share(request.user, obj):
            raise PermissionDenied
        PreviewLink.objects.filter(briefing=obj, pk=link_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=request.user
        )
        self.message_user(request, "Preview link revoked.", messages.SUCCESS)
        return self._back(obj)


def _control(action: workflow.WorkflowAction, obj: Briefing) -> dict:
    """What the panel draws for ``action`` on ``obj``: its button and what it asks for."""
    zone = timezone.get_current_timezone_name()
    fields = []
    for field in action.fields:
        label = f"{field.label} ({zone})" if field.widget == "datetime-local" else field.label
        minimum = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        fields.append(
            {
                "name": field.name,
                "label": label,
                "type": field.widget if field.widget == "datetime-local" else "",
                "min": minimum if field.widget == "datetime-local" else "",
                "choices": field.choices,
                "required": field.required,
                "rows": field.rows,
            }
        )
    return {
        "name": action.name,
        "button": action.button_label(obj),
        "fields": fields,
        "folded": action.folded,
        "confirm": action.confirm,
        "primary": action.primary,
        "danger": action.danger,
    }


def may_start_briefings(user) -> bool:
    return permissions.has_role_permission(user, "add_briefing")


def posted_version(post) -> int:
    """The briefing version a workflow form was rendered with. A form without one (an old
    page, a hand-made request) is treated as stale: 0 never matches a saved briefing."""
    try:
        return int(post.get("version", ""))
    except ValueError:
        return 0
