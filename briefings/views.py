from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.generic import ListView

from newsroom.cache import public_page
from sources.models import Outlet

from .models import Briefing, StandardsVersion, Topic

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
    outlets = Outlet.objects.annotate(
        briefing_count=Count(
            "items__briefings",
            filter=Q(items__briefings__in=Briefing.objects.published()),
            distinct=True,
        )
    )
    return render(request, "briefings/outlet_list.html", {"outlets": outlets})


class OutletBriefingList(BriefingList):
    template_name = "briefings/outlet_detail.html"

    def get_queryset(self):
        self.outlet = get_object_or_404(Outlet, slug=self.kwargs["slug"])
        return (
            super()
            .get_queryset()
            .filter(source_item__outlet=self.outlet)
            .select_related("source_item")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(outlet=self.outlet, **kwargs)


outlet_detail = public_page(OutletBriefingList.as_view())
