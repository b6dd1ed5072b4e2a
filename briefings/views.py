from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.cache import never_cache
from django.views.generic import ListView

from newsroom.cache import public_page
from newsroom.fields import SanitizedHTML
from sources.models import Outlet

from . import permissions
from .models import Briefing, EditorsNote, PreviewLink, Revision, StandardsVersion, Topic

PAGE_SIZE = 12


class BriefingList(ListView):
    template_name = "briefings/briefing_list.html"
    context_object_name = "briefings"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return Briefing.objects.for_listing()


class TopicBriefingList(BriefingList):
    template_name = "briefings/topic.html"

    def get_queryset(self):
        self.topic = get_object_or_404(Topic, slug=self.kwargs["slug"])
        return super().get_queryset().filter(live_revision__topic=self.topic)

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.topic, **kwargs)


home = public_page(BriefingList.as_view())
topic = public_page(TopicBriefingList.as_view())


def render_briefing(request, briefing: Briefing, page: Briefing, **extra):
    """Render ``page`` (a revision's content) with the public template."""
    topic = page.revision.topic if page.revision.pk else page.topic
    related = (
        Briefing.objects.for_listing()
        .filter(live_revision__topic_id=page.topic_id)
        .exclude(pk=briefing.pk)[:3]
    )
    context = {
        "briefing": briefing,
        "page": page,
        "topic": topic,
        "related": related,
        "standards": StandardsVersion.objects.current(),
        **extra,
    }
    return render(request, "briefings/briefing_detail.html", context)


@public_page
def detail(request, slug):
    briefing = Briefing.objects.select_related("live_revision__topic").filter(slug=slug).first()
    if briefing is None:
        raise Http404("No briefing at this address.")
    if briefing.status == Briefing.Status.WITHDRAWN and briefing.live_revision_id:
        return render(request, "briefings/withdrawn.html", {"briefing": briefing}, status=410)
    if not briefing.is_live:
        raise Http404("No briefing at this address.")
    return render_briefing(request, briefing, briefing.live_revision.as_briefing())


@public_page
def standards(request):
    history = list(
        StandardsVersion.objects.filter(effective_at__lte=timezone.now()).order_by("-effective_at")
    )
    if not history:
        raise Http404("The standards page has not been written yet.")
    return render(
        request, "briefings/standards.html", {"standards": history[0], "history": history}
    )


@public_page
def outlet_list(request):
    """Every outlet we discover from, with how many published briefings began there."""
    counts = dict(
        Briefing.objects.published()
        .values_list("live_revision__source_outlet")
        .annotate(count=Count("pk"))
        .order_by()
    )
    outlets = list(Outlet.objects.all())
    for outlet in outlets:
        outlet.briefing_count = counts.get(outlet.pk, 0)
    return render(request, "briefings/outlet_list.html", {"outlets": outlets})


class OutletBriefingList(BriefingList):
    """Published briefings whose live revision attributes this outlet."""

    template_name = "briefings/outlet_detail.html"

    def get_queryset(self):
        self.outlet = get_object_or_404(Outlet, slug=self.kwargs["slug"])
        return super().get_queryset().filter(live_revision__source_outlet=self.outlet)

    def get_context_data(self, **kwargs):
        return super().get_context_data(outlet=self.outlet, **kwargs)


outlet_detail = public_page(OutletBriefingList.as_view())


def _private(response):
    """Previews are for the people reviewing them: never indexed, never cached."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _previewable(request, pk) -> Briefing:
    """The briefing, or 404 when the user may not know that it exists."""
    briefing = Briefing.objects.filter(pk=pk).first()
    if briefing is None or not permissions.can_preview(request.user, briefing):
        raise Http404("No such briefing.")
    return briefing


@never_cache
@login_required(login_url="admin:login")
def preview(request, pk):
    """The working copy (draft or proposed change) rendered by the public template."""
    briefing = _previewable(request, pk)
    page = Revision.unsaved(briefing).as_briefing()
    label = (
        "the proposed changes to this live briefing"
        if briefing.is_live
        else f"{briefing.get_status_display().lower()}, not published"
    )
    return _private(render_briefing(request, briefing, page, preview=label))


@never_cache
@login_required(login_url="admin:login")
def revision_preview(request, pk, number):
    """An earlier revision, as readers saw (or will see) it."""
    briefing = _previewable(request, pk)
    revision = get_object_or_404(briefing.revisions.select_related("topic"), number=number)
    when = timezone.localtime(revision.created_at)
    state = "the live revision" if revision.pk == briefing.live_revision_id else "an earlier one"
    label = f"revision {revision.number}, frozen {when:%Y-%m-%d %H:%M} ({state})"
    return _private(render_briefing(request, briefing, revision.as_briefing(), preview=label))


@never_cache
def shared_preview(request, token):
    """What a preview share link shows someone without an account: this briefing only."""
    link = get_object_or_404(PreviewLink.objects.select_related("briefing"), token=token)
    if not link.is_active:
        context = {"link": link}
        return _private(render(request, "briefings/preview_link_expired.html", context, status=410))
    briefing = link.briefing
    if briefing.status == Briefing.Status.WITHDRAWN:
        raise Http404("No briefing at this address.")
    page = Revision.unsaved(briefing).as_briefing()
    until = timezone.localtime(link.expires_at)
    label = f"shared for review until {until:%-d %B %Y, %H:%M}"
    return _private(render_briefing(request, briefing, page, preview=label))


CORRECTIONS_PAGE_SIZE = 30


def _dated_notes(notes: list[dict] | None) -> list[dict]:
    """A live revision's corrections, clarifications and updates, newest first."""
    dated = [
        {
            "kind": note["kind"],
            "kind_label": EditorsNote.Kind(note["kind"]).label,
            "date": parse_datetime(note.get("created_at") or ""),
            "body": SanitizedHTML(note.get("body") or ""),
        }
        for note in notes or []
        if note.get("kind") in EditorsNote.DATED_KINDS
    ]
    dated.sort(key=lambda note: (note["date"] is not None, note["date"]), reverse=True)
    return dated


@public_page
def corrections(request):
    """The public corrections log: every live briefing with a dated note, the most recently
    corrected first, each with its notes newest first.

    Notes are read from live revisions (not working copies), so an unpublished note never
    shows. The database paginates, and only the notes of one page's revisions are loaded
    (not whole snapshots), so a page costs the same however long the log grows.
    """
    corrected = (
        Briefing.objects.published()
        .filter(live_revision__corrected_at__isnull=False)
        .select_related("live_revision")
        .only("slug", "live_revision__headline", "live_revision__corrected_at")
        .annotate(public_notes=F("live_revision__data__notes"))
        .order_by("-live_revision__corrected_at", "-pk")
    )
    paginator = Paginator(corrected, CORRECTIONS_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    entries = [
        {
            "briefing": briefing,
            "headline": briefing.live_revision.headline,
            "notes": _dated_notes(briefing.public_notes),
        }
        for briefing in page.object_list
    ]
    context = {"entries": entries, "page_obj": page, "paginator": paginator}
    return render(request, "briefings/corrections.html", context)
