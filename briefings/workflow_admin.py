"""The briefing admin's workflow pages: the buttons' transitions, the live checklist, the
comparison of versions, revisions and restoring, and preview share links. Mixed into
``BriefingAdmin``; every view asks ``permissions`` and calls ``workflow``."""

from datetime import datetime, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from sources.models import SourceItem

from . import checklist, diff, permissions, workflow
from .models import Briefing, EditorsNote, PreviewLink, Revision, Transition

SHARE_DAYS = [(1, "1 day"), (3, "3 days"), (7, "7 days"), (14, "14 days")]


class WorkflowAdminMixin:
    """Needs ``_visible(request, object_id)`` from the admin it is mixed into."""

    # The workflow around the form: buttons, checklist, timeline, share links.

    def workflow_context(self, request, obj: Briefing) -> dict:
        user = request.user
        allowed = permissions.allowed_transitions(user, obj)
        timeline = list(obj.transitions.select_related("user", "revision"))
        last_request = next(
            (t for t in timeline if t.action == Transition.Action.REQUEST_CHANGES), None
        )
        can_share = permissions.can_share(user, obj)
        can_edit = permissions.can_edit(user, obj)
        return {
            "workflow": {
                "allowed": allowed,
                # After a refused save the page shows the form as posted: so does the list.
                "checklist": checklist.run(snapshot_from_form(request.POST, obj))
                if request.method == "POST" and can_edit
                else workflow.publication_checklist(obj),
                "timeline": timeline,
                "changes_request": last_request
                if obj.status == Briefing.Status.CHANGES_REQUESTED
                else None,
                "can_edit": can_edit,
                # With an editable form on the page, the buttons submit it (save, then act).
                "in_form": can_edit,
                "actions": workflow_actions(obj, allowed),
                "can_share": can_share,
                "share_links": list(obj.preview_links.active()) if can_share else [],
                "share_days": SHARE_DAYS,
                "second_editor_block": (
                    obj.status == Briefing.Status.IN_REVIEW
                    and user.has_perm("briefings.publish_briefing")
                    and not permissions.may_approve_own(user, obj)
                ),
            }
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
        if transition not in permissions.TRANSITIONS:
            raise Http404("No such transition.")
        if not permissions.can(request.user, transition, obj):
            raise PermissionDenied

    def run_transition(
        self, request, obj: Briefing, transition: str, version: int, saved: str = ""
    ) -> bool:
        """Make ``transition`` on the version the user saw, and say what happened. ``saved``
        opens the message when the same request saved the user's edits first."""
        data, user = request.POST, request.user

        def field(name: str) -> str:
            return data.get(f"{transition}-{name}", data.get(name, ""))

        comment = field("comment")
        try:
            if transition == permissions.SUBMIT:
                workflow.submit_for_review(user, obj, comment, version)
                done = "Submitted for review. The editors have been told."
            elif transition == permissions.REQUEST_CHANGES:
                workflow.request_changes(user, obj, comment, version)
                done = "Changes requested. The authors have been told."
            elif transition == permissions.PUBLISH:
                workflow.publish(user, obj, comment, version)
                done = "Published. Readers now see this version."
            elif transition == permissions.SCHEDULE:
                when = parse_local_datetime(field("publish_at"))
                obj = workflow.schedule(user, obj, when, comment, version)
                done = f"Scheduled for {timezone.localtime(obj.published_at):%Y-%m-%d %H:%M %Z}."
            elif transition == permissions.UNSCHEDULE:
                workflow.unschedule(user, obj, comment)
                done = "Schedule cancelled; the briefing is back in review."
            elif transition == permissions.WITHDRAW:
                workflow.withdraw(user, obj, field("reason"))
                done = "Withdrawn. Its address now answers 410 Gone with your reason."
            else:
                workflow.add_correction(user, obj, field("kind"), field("body"))
                done = "Note added. Readers see it on the page and in the corrections log."
        except workflow.BriefingChanged as error:
            self._changed_meanwhile(request, obj, error)
            return False
        except ValidationError as error:
            if saved:
                self.message_user(request, f"{saved} Nothing else was done:", messages.WARNING)
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
            return False
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
        writer types (static/admin-extra/checklist.js)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._visible(request, object_id)
        checks = checklist.run(snapshot_from_form(request.POST, obj))
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
        old_data = old.data if old else None
        new_data = new.data if new else Revision.unsaved(obj).data
        parts = diff.compare(old_data, new_data)
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
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._visible(request, object_id)
        revision = get_object_or_404(obj.revisions, number=number)
        if not permissions.can_restore(request.user, obj):
            raise PermissionDenied
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

    def revoke_share_view(self, request, object_id, link_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._visible(request, object_id)
        if not permissions.can_share(request.user, obj):
            raise PermissionDenied
        PreviewLink.objects.filter(briefing=obj, pk=link_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        self.message_user(request, "Preview link revoked.", messages.SUCCESS)
        return self._back(obj)


def workflow_actions(obj: Briefing, allowed: set[str]) -> list[dict]:
    """The controls for the transitions ``allowed`` here, in the order the panel shows them."""
    live, scheduled = obj.is_live, obj.status == Briefing.Status.SCHEDULED
    zone = timezone.get_current_timezone_name()
    kinds = [(k.value, k.label) for k in EditorsNote.Kind if k in EditorsNote.DATED_KINDS]
    actions = [
        {
            "name": permissions.SUBMIT,
            "button": "Submit for review",
            "primary": True,
            "fields": [{"name": "comment", "label": "Note for the editor (optional)"}],
        },
        {
            "name": permissions.REQUEST_CHANGES,
            "button": "Request changes",
            "fields": [
                {
                    "name": "comment",
                    "label": "What needs to change (the writer sees this)",
                    "rows": 3,
                    "required": True,
                }
            ],
        },
        {
            "name": permissions.PUBLISH,
            "button": "Publish changes"
            if live
            else ("Publish now" if scheduled else "Approve and publish"),
            "primary": True,
            "fields": [{"name": "comment", "label": "Comment (optional)"}],
        },
        {
            "name": permissions.SCHEDULE,
            "button": "Reschedule" if scheduled else "Approve and schedule",
            "fields": [
                {
                    "name": "publish_at",
                    "label": f"Publish at ({zone})",
                    "type": "datetime-local",
                    "min": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                    "required": True,
                }
            ],
        },
        {"name": permissions.UNSCHEDULE, "button": "Cancel the schedule", "fields": []},
        {
            "name": permissions.CORRECT,
            "button": "Add the note",
            "folded": "Add a correction, clarification or update",
            "fields": [
                {"name": "kind", "label": "Kind", "choices": kinds},
                {
                    "name": "body",
                    "label": "Note readers will see (dated today; appears at once and in the "
                    "corrections log)",
                    "rows": 3,
                    "required": True,
                },
            ],
        },
        {
            "name": permissions.WITHDRAW,
            "button": "Withdraw",
            "folded": "Withdraw this briefing",
            "danger": True,
            "fields": [{"name": "reason", "label": "Reason readers will see", "required": True}],
        },
    ]
    return [action for action in actions if action["name"] in allowed]


FORM_CHILDREN = {
    "takeaways": ["text"],
    "sections": ["heading", "body"],
    "qa_blocks": ["question", "answer"],
    "notes": ["kind", "body"],
}


def snapshot_from_form(post, briefing: Briefing) -> dict:
    """What the change form would save, as a snapshot the checklist can read."""
    data = Revision.unsaved(briefing).data
    fields = data["briefing"]
    for name in ("headline", "dek", "lead_image_alt", "lead_image_credit", "attribution_kind"):
        if name in post:
            fields[name] = post[name]
    fields["ai_assisted"] = "ai_assisted" in post
    if post.get("lead_image-clear"):
        fields["lead_image"] = ""
    if post.get("lead_image_chosen"):
        fields["lead_image"] = "chosen"
    if "source_item" in post and str(fields.get("source_item_id") or "") != post["source_item"]:
        item = (
            SourceItem.objects.select_related("outlet").filter(pk=post["source_item"]).first()
            if post["source_item"].isdigit()
            else None
        )
        data["source"] = item and {"url": item.url, "outlet": {"name": item.outlet.name}}
    # A byline emptied in the form posts no "authors" at all.
    data["byline"] = [{"id": pk, "name": ""} for pk in post.getlist("authors") if pk]
    for prefix, names in FORM_CHILDREN.items():
        try:
            total = min(int(post.get(f"{prefix}-TOTAL_FORMS", "")), 1000)
        except ValueError:
            continue
        data[prefix] = [
            {name: post.get(f"{prefix}-{n}-{name}", "") for name in names}
            for n in range(total)
            if not post.get(f"{prefix}-{n}-DELETE")
        ]
    return data


def posted_version(post) -> int:
    """The briefing version a workflow form was rendered with. A form without one (an old
    page, a hand-made request) is treated as stale: 0 never matches a saved briefing."""
    try:
        return int(post.get("version", ""))
    except ValueError:
        return 0


def parse_local_datetime(value: str) -> datetime | None:
    """A ``datetime-local`` input (in the newsroom's time zone) as an aware datetime."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed
