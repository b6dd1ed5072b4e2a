from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.generic import ListView

from newsroom.cache import public_page
from newsroom.login_throttle import client_address
from sources.models import Outlet

from . import authors, diff, paging, permissions, reports, search
from . import history as briefing_history
from .credits import credits_of
from .followups import published_follow_ups
from .forms import ErrorReportForm, SearchForm
from .models import (
    Briefing,
    ErrorReport,
    PreviewLink,
    PublicNote,
    Revision,
    StandardsVersion,
    Topic,
)
from .snapshot import Snapshot

PAGE_SIZE = 12


class BriefingList(ListView):
    template_name = "briefings/briefing_list.html"
    context_object_name = "briefings"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return Briefing.objects.for_listing()

    def paginate_queryset(self, queryset, page_size):
        """The page's rows and one more, never a count of the listing (``paging``)."""
        page = paging.get_page(queryset, self.request.GET.get(self.page_kwarg), page_size)
        return (None, page, page.object_list, page.has_other_pages())


class HomePage(BriefingList):
    """The latest briefing leads the first page, with its lead image; the rest are cards."""

    template_name = "briefings/briefing_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        briefings = list(context["briefings"])
        lead = briefings[0] if briefings and context["page_obj"].number == 1 else None
        image = None
        if lead and lead.live_revision.lead_image:
            # The alt text and credit live in the snapshot: load the lead's alone.
            image = Revision.objects.only("data").get(pk=lead.live_revision_id).snapshot.image
        return {
            **context,
            "lead": lead,
            "lead_image": image,
            "briefings": briefings[1:] if lead else briefings,
        }


class TopicBriefingList(BriefingList):
    template_name = "briefings/topic.html"

    def get_queryset(self):
        self.topic = get_object_or_404(Topic, slug=self.kwargs["slug"])
        return super().get_queryset().filter(live_revision__topic=self.topic)

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.topic, **kwargs)


home = public_page(HomePage.as_view())
topic = public_page(TopicBriefingList.as_view())


SEARCH_PAGE_SIZE = 20


def search_page(request):
    """Search the published briefings (their live revisions), with topic and date filters.

    Not cached: queries are endless, and each is cheap for the database's index. Only the
    newest ``search.MAX_RESULTS`` matches are ranked and paged; the page says when there are
    more.
    """
    form = SearchForm(request.GET)
    form.is_valid()  # the errors are shown; what was valid is still searched
    query = form.cleaned_data.get("q", "")
    context = {
        "form": form,
        "query": query,
        "search_query": query,
        "max_query_length": search.MAX_QUERY_LENGTH,
    }
    if query:
        found = search.search(
            Briefing.objects.for_listing(),
            query,
            topic=form.cleaned_data.get("topic"),
            since=form.cleaned_data.get("from"),
            until=form.cleaned_data.get("to"),
        )
        paginator = Paginator(found, SEARCH_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        results = list(page.object_list)
        search.mark_results(results, query)
        params = request.GET.copy()
        params.pop("page", None)
        params["q"] = query
        context.update(
            results=results,
            page_obj=page,
            paginator=paginator,
            more_than=f"{search.MAX_RESULTS:,}" if found.more else "",
            page_query=params.urlencode() + "&",
        )
    return render(request, "briefings/search.html", context)


def render_briefing(
    request, briefing: Briefing, page: Snapshot, topic: Topic, original=None, **extra
):
    """Render ``page`` (a snapshot: the live revision, or a preview) with the public template,
    beside the briefing's public record. ``original`` is the briefing ``page`` follows, if the
    caller has it at hand (with its live revision); otherwise it is looked up."""
    related = (
        Briefing.objects.for_cards()
        .filter(live_revision__topic_id=page.topic_id)
        .exclude(pk=briefing.pk)[:3]
    )
    if page.follows_id and (original is None or original.pk != page.follows_id):
        original = (
            Briefing.objects.select_related("live_revision")
            .only(*FOLLOWED_FIELDS)
            .filter(pk=page.follows_id)
            .first()
        )
    public_notes = list(briefing.public_notes.all()) if briefing.pk else []
    dating = [note for note in public_notes if note.kind in PublicNote.DATING]
    context = {
        "briefing": briefing,
        "page": page,
        "topic": topic,
        "related": related,
        # Readers are sent only to an original they can see, never to a draft or withdrawn one.
        "follows": original if page.follows_id and original and original.is_live else None,
        "follow_ups": list(published_follow_ups(briefing)) if briefing.pk else [],
        "public_notes": public_notes,
        "record_title": _record_title(public_notes),
        "latest_note": dating[-1] if dating else None,
        "updated_at": dating[-1].created_at if dating else None,
        **extra,
    }
    return render(request, "briefings/briefing_detail.html", context)


def _record_title(notes: list[PublicNote]) -> str:
    """The heading of the public record on a page, fitting what it holds."""
    kinds = {note.kind for note in notes}
    if len(kinds) == 1:
        label = notes[0].get_kind_display()
        return label if len(notes) == 1 else f"{label}s"
    return "Corrections and updates"


# What a briefing page reads of the briefing a revision follows up: its address, whether
# readers can see it, and its live headline.
FOLLOWED_FIELDS = ("slug", "status", "published_at", "live_revision", "live_revision__headline")

# What a briefing page reads of the briefing, in one query: its address and state, and its
# live revision's snapshot, credits, topic, standards and the briefing it follows up.
PAGE_FIELDS = (
    "slug",
    "status",
    "published_at",
    "live_revision",
    "live_revision__data",
    "live_revision__credits",
    "live_revision__topic",
    "live_revision__topic__name",
    "live_revision__topic__slug",
    "live_revision__standards",
    "live_revision__standards__effective_at",
    "live_revision__follows",
    *(f"live_revision__follows__{field}" for field in FOLLOWED_FIELDS),
)


def page_briefings():
    """Briefings with what their page reads of them, for one query by slug."""
    return Briefing.objects.select_related(
        "live_revision__topic",
        "live_revision__standards",
        "live_revision__follows__live_revision",  # the original, with its live headline
    ).only(*PAGE_FIELDS)


@public_page
def detail(request, slug):
    briefing = _public_briefing(request, page_briefings(), slug)
    if not isinstance(briefing, Briefing):
        return briefing
    live = briefing.live_revision
    return render_briefing(
        request,
        briefing,
        live.snapshot,
        live.topic,
        original=live.follows,
        published_under=live.standards,
        credits=credits_of(briefing, live),
    )


class Withdrawn(Exception):
    def __init__(self, briefing: Briefing):
        self.briefing = briefing


def _live_briefing(slug: str, briefings=None) -> Briefing:
    """The briefing readers see at ``slug``; 404 if there is none (drafts, briefings scheduled
    for later), ``Withdrawn`` if it was withdrawn."""
    briefings = (
        briefings
        if briefings is not None
        else Briefing.objects.select_related("live_revision__topic")
    )
    briefing = briefings.filter(slug=slug).first()
    if briefing is None:
        raise Http404("No briefing at this address.")
    if briefing.status == Briefing.Status.WITHDRAWN and briefing.live_revision_id:
        raise Withdrawn(briefing)
    if not briefing.is_live:
        raise Http404("No briefing at this address.")
    return briefing


def _withdrawn(request, briefing: Briefing):
    notice = briefing.public_notes.filter(kind=PublicNote.Kind.WITHDRAWAL).last()
    context = {"briefing": briefing, "notice": notice}
    return render(request, "briefings/withdrawn.html", context, status=410)


def _public_briefing(request, briefings, slug):
    """The briefing readers may see at ``slug``, or for a withdrawn one the 410 page that says
    why."""
    try:
        return _live_briefing(slug, briefings)
    except Withdrawn as gone:
        return _withdrawn(request, gone.briefing)


def _standards_in_force() -> list[StandardsVersion]:
    history = list(StandardsVersion.objects.in_force())
    if not history:
        raise Http404("The standards page has not been written yet.")
    return history


@public_page
def history(request, slug):
    """The dated list of the versions readers saw of a published briefing."""
    briefing = _public_briefing(request, Briefing.objects.select_related("live_revision"), slug)
    if not isinstance(briefing, Briefing):
        return briefing
    old, new = request.GET.get("old", ""), request.GET.get("new", "")
    if old.isdigit() and new.isdigit() and old != new:
        # The comparison form: on to the comparison's own (cached) address.
        pair = sorted([int(old), int(new)])
        return redirect("briefings:history_compare", slug=slug, old=pair[0], new=pair[1])
    context = {"briefing": briefing, "versions": briefing_history.versions(briefing)}
    return render(request, "briefings/history.html", context)


@public_page
def history_compare(request, slug, old, new):
    """What changed in the text readers see between two versions of a published briefing."""
    briefing = _public_briefing(request, Briefing.objects.select_related("live_revision"), slug)
    if not isinstance(briefing, Briefing):
        return briefing
    versions = briefing_history.versions(briefing, with_content=True)
    if not 1 <= old < new <= len(versions):
        raise Http404("No such versions of this briefing.")
    before, after = versions[old - 1], versions[new - 1]
    parts = diff.compare_for_readers(before.revision.snapshot, after.revision.snapshot)
    context = {
        "briefing": briefing,
        "versions": versions,
        "before": before,
        "after": after,
        "changed": [part for part in parts if part.changed],
        "unchanged": [part for part in parts if not part.changed],
    }
    return render(request, "briefings/history_compare.html", context)


@never_cache
@csrf_protect
def report_error(request, slug):
    """The "Report an error" form. The briefing's page (cached, so without a CSRF token)
    carries a short form that opens this one with the quoted passage; this page posts to
    itself and answers with thanks, or with the form, its errors and what was typed."""
    try:
        briefing = _live_briefing(slug)
    except Withdrawn as gone:
        return _withdrawn(request, gone.briefing)
    context = {"briefing": briefing, "headline": briefing.live_revision.headline}
    if request.method != "POST":
        passage = request.GET.get("passage", "")[
            : ErrorReportForm.base_fields["passage"].max_length
        ]
        form = ErrorReportForm(initial={"passage": passage})
        return render(request, "briefings/report_error.html", {**context, "form": form})
    form = ErrorReportForm(request.POST, instance=ErrorReport(briefing=briefing))
    if form.is_bot:
        return render(request, "briefings/report_thanks.html", context)
    address = client_address(request)
    if reports.throttled(address):
        context.update(form=form, throttled=True)
        return render(request, "briefings/report_error.html", context, status=429)
    if not form.is_valid():
        return render(request, "briefings/report_error.html", {**context, "form": form})
    reports.file_report(form.instance, address)
    return render(request, "briefings/report_thanks.html", context)


@public_page
def standards(request):
    history = _standards_in_force()
    context = {
        "standards": history[0],
        "history": history,
        "current": history[0],
        "contact_email": settings.CONTACT_EMAIL,
    }
    return render(request, "briefings/standards.html", context)


@public_page
def standards_version(request, pk):
    """One version's full text, at an address that never changes: the one briefings published
    under it link to."""
    history = _standards_in_force()
    version = next((v for v in history if v.pk == pk), None)
    if version is None:
        raise Http404("No standards version at this address.")
    context = {
        "standards": version,
        "history": history,
        "current": history[0],
        "contact_email": settings.CONTACT_EMAIL,
    }
    return render(request, "briefings/standards.html", context)


@public_page
def standards_history(request):
    """Every version of the standards in force so far, newest first, each with what changed."""
    history = _standards_in_force()
    context = {"history": history, "current": history[0]}
    return render(request, "briefings/standards_history.html", context)


OUTLETS_PAGE_SIZE = 50


@public_page
def outlet_list(request):
    """The outlets we discover from, a page at a time, each with the date of its latest
    published briefing (an index walk per outlet, never a count of their briefings)."""
    latest = Briefing.objects.published().newest_by("source_outlet")
    outlets = Outlet.objects.annotate(latest_briefing_at=latest).order_by("name", "pk")
    paginator = Paginator(outlets, OUTLETS_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {"outlets": page.object_list, "page_obj": page, "paginator": paginator}
    return render(request, "briefings/outlet_list.html", context)


class OutletBriefingList(BriefingList):
    """Published briefings whose live revision attributes this outlet."""

    template_name = "briefings/outlet_detail.html"

    def get_queryset(self):
        self.outlet = get_object_or_404(Outlet, slug=self.kwargs["slug"])
        return super().get_queryset().filter(live_revision__source_outlet=self.outlet)

    def get_context_data(self, **kwargs):
        return super().get_context_data(outlet=self.outlet, **kwargs)


outlet_detail = public_page(OutletBriefingList.as_view())


class AuthorBriefingList(BriefingList):
    """An author's page: their name, bio and the published briefings whose live byline names
    them. Anyone without one (staff who never had a byline readers saw) is a 404."""

    template_name = "briefings/author.html"
    allow_empty = False

    def get_queryset(self):
        self.author = get_object_or_404(get_user_model(), slug=self.kwargs["slug"])
        return authors.published_by(self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


author = public_page(AuthorBriefingList.as_view())


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
    page = Snapshot.of(briefing)
    label = (
        "the proposed changes to this live briefing"
        if briefing.is_live
        else f"{briefing.get_status_display().lower()}, not published"
    )
    return _private(render_briefing(request, briefing, page, briefing.topic, preview=label))


@never_cache
@login_required(login_url="admin:login")
def revision_preview(request, pk, number):
    """An earlier revision, as readers saw (or will see) it."""
    briefing = _previewable(request, pk)
    revision = get_object_or_404(briefing.revisions.select_related("topic"), number=number)
    when = timezone.localtime(revision.created_at)
    state = "the live revision" if revision.pk == briefing.live_revision_id else "an earlier one"
    label = f"revision {revision.number}, frozen {when:%Y-%m-%d %H:%M} ({state})"
    page = revision.snapshot
    return _private(render_briefing(request, briefing, page, revision.topic, preview=label))


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
    page = Snapshot.of(briefing)
    until = timezone.localtime(link.expires_at)
    label = f"shared for review until {until:%-d %B %Y, %H:%M}"
    image_query = f"?share={link.token}"  # the image is the draft's: the link opens it too
    return _private(
        render_briefing(
            request, briefing, page, briefing.topic, preview=label, image_query=image_query
        )
    )


CORRECTIONS_PAGE_SIZE = 30


@public_page
def corrections(request):
    """The public record: every correction, clarification, update and withdrawal of a
    briefing readers have seen, newest first, in strict date order.

    The database sorts and pages the notes, with the headline each went out under, without
    counting them, so a page costs the same however long the record grows.
    """
    notes = PublicNote.objects.for_log().order_by("-created_at", "-id")
    page = paging.get_page(notes, request.GET.get("page"), CORRECTIONS_PAGE_SIZE)
    context = {"notes": page.object_list, "page_obj": page}
    return render(request, "briefings/corrections.html", context)
