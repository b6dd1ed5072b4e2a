"""What the admin's desk pages show: each person's desk on the admin index, the calendar of
publications, and the activity log. Each reads a fixed number of queries, however many rows
there are; the admin views and the index's template tag only render what these return."""

import calendar
from datetime import date, datetime, time, timedelta

from django.db.models import CharField, F, IntegerField, OuterRef, Q, Subquery, Value
from django.utils import timezone

from newsroom import health
from sources.models import Feed, SourceItem

from . import permissions
from .models import Briefing, PreviewLink, StandardsVersion, Transition

Status = Briefing.Status
Action = Transition.Action

# How many entries a block of the desk lists (its count says how many there are in all).
DESK_LIMIT = 10
INBOX_LIMIT = 5


def is_editor(user) -> bool:
    """Editors are those who may publish."""
    return user.is_active and user.has_perm("briefings.publish_briefing")


def _latest(action: str, field: str) -> Subquery:
    """The ``field`` of a briefing's latest transition of kind ``action``."""
    latest = Transition.objects.filter(briefing=OuterRef("pk"), action=action)
    return Subquery(latest.order_by("-created_at", "-id").values(field)[:1])


def own_briefings(user):
    """Briefings on ``user``'s byline or started by them."""
    mine = Briefing.objects.filter(Q(created_by=user) | Q(authors=user)).values("pk")
    return Briefing.objects.filter(pk__in=mine)


def writer_desk(user) -> dict:
    mine = own_briefings(user)
    return {
        "drafts": list(mine.filter(status=Status.DRAFT).order_by("-modified_at")[:DESK_LIMIT]),
        "changes_requested": list(
            mine.filter(status=Status.CHANGES_REQUESTED)
            .annotate(
                requested_at=_latest(Action.REQUEST_CHANGES, "created_at"),
                request_comment=_latest(Action.REQUEST_CHANGES, "comment"),
                requested_by_id=_latest(Action.REQUEST_CHANGES, "user"),
            )
            .order_by("requested_at")
        ),
        "scheduled": list(mine.filter(status=Status.SCHEDULED).order_by("published_at")),
        "published": list(mine.published().order_by("-published_at")[:DESK_LIMIT]),
    }


def _name_requesters(entries) -> None:
    """Give each briefing with changes requested the editor who asked (one query)."""
    from django.contrib.auth import get_user_model

    ids = {entry.requested_by_id for entry in entries if entry.requested_by_id}
    users = get_user_model().objects.in_bulk(ids) if ids else {}
    for entry in entries:
        user = users.get(entry.requested_by_id)
        entry.requested_by = user.public_name if user else ""


def editor_desk(user, now: datetime) -> dict:
    visible = permissions.visible_briefings(user)
    _, week_end = week_bounds(timezone.localdate(now))
    queue = (
        visible.filter(status=Status.IN_REVIEW)
        .annotate(
            submitted_at=_latest(Action.SUBMIT, "created_at"),
            submit_note=_latest(Action.SUBMIT, "comment"),
        )
        .select_related("created_by")
        .prefetch_related("authors")
        .order_by(F("submitted_at").asc(nulls_first=True), "pk")
    )
    desk = {
        "queue": list(queue),
        # Everything due by the end of this week, including any the publisher has not yet
        # recorded as published.
        "scheduled": list(
            visible.filter(status=Status.SCHEDULED, published_at__lt=week_end).order_by(
                "published_at"
            )
        ),
        "published": list(visible.published(now).order_by("-published_at")[:DESK_LIMIT]),
        "feeds": None,
        "inbox": None,
    }
    if user.has_perm("sources.view_feed"):
        failing = Feed.objects.filter(is_active=True, consecutive_failures__gt=0)
        desk["feeds"] = list(
            failing.select_related("outlet").order_by("failing_since", "pk")[:DESK_LIMIT]
        )
        desk["feeds_count"] = (
            len(desk["feeds"]) if len(desk["feeds"]) < DESK_LIMIT else failing.count()
        )
    if user.has_perm("sources.view_sourceitem"):
        new = SourceItem.objects.filter(status=SourceItem.Status.NEW)
        desk["inbox"] = list(new.select_related("outlet").order_by("-discovered_at", "-id")[:5])
        desk["inbox_count"] = new.count()
    return desk


def for_user(user, now: datetime | None = None) -> dict:
    """The desk of ``user``: the editor's for those who may publish, the writer's for those
    who write, nothing else for the others (they still have the admin's list of models)."""
    now = now or timezone.now()
    desk = {
        "editor": None,
        "writer": None,
        "can_see_calendar": user.has_perm("briefings.view_briefing"),
        "can_see_activity": user.has_perm("briefings.view_transition"),
        "scheduler": None,
    }
    if is_editor(user):
        desk["editor"] = editor_desk(user, now)
        # Editors schedule briefings: tell them when nothing will publish them.
        desk["scheduler"] = health.scheduler(now)
    elif user.has_perm("briefings.add_briefing"):
        desk["writer"] = writer_desk(user)
        _name_requesters(desk["writer"]["changes_requested"])
    return desk


# The calendar.


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def week_bounds(day: date) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00 around ``day``, in the site's time zone."""
    monday = day - timedelta(days=day.weekday())
    return start_of(monday), start_of(monday + timedelta(days=7))


def calendar_weeks(view: str, day: date) -> list[list[date]]:
    """The rows of days the calendar draws: one week, or the weeks of ``day``'s month."""
    if view == "month":
        return calendar.Calendar(firstweekday=0).monthdatescalendar(day.year, day.month)
    monday = day - timedelta(days=day.weekday())
    return [[monday + timedelta(days=n) for n in range(7)]]


def calendar_step(view: str, day: date, forward: bool) -> date:
    """The day the previous or next page of the calendar shows."""
    if view == "week":
        return day + timedelta(days=7 if forward else -7)
    first = day.replace(day=1)
    if forward:
        return (first + timedelta(days=32)).replace(day=1)
    return (first - timedelta(days=1)).replace(day=1)


def calendar_entries(user, start: datetime, end: datetime) -> dict[date, list[Briefing]]:
    """Scheduled and published briefings ``user`` may see whose publish time falls in
    [start, end), by local day. Withdrawn briefings are no longer on the calendar."""
    briefings = (
        permissions.visible_briefings(user)
        .filter(live_revision__isnull=False, published_at__gte=start, published_at__lt=end)
        .exclude(status=Status.WITHDRAWN)
        .order_by("published_at", "pk")
    )
    days: dict[date, list[Briefing]] = {}
    now = timezone.now()
    for briefing in briefings:
        briefing.is_upcoming = briefing.published_at > now
        days.setdefault(timezone.localdate(briefing.published_at), []).append(briefing)
    return days


# The activity log: transitions, preview links created and revoked, standards versions.

EVENT_COLUMNS = ["event_kind", "event_id", "event_at", "event_user", "event_briefing"]


def _events(queryset, kind: str, at: str, user: str, briefing: str | None):
    return (
        queryset.order_by()
        .annotate(
            event_kind=Value(kind, output_field=CharField()),
            event_id=F("pk"),
            event_at=F(at),
            event_user=F(user),
            event_briefing=F(briefing) if briefing else Value(None, output_field=IntegerField()),
        )
        .values(*EVENT_COLUMNS)
    )


def activity(user, person: int | None = None, briefing: int | None = None):
    """Every event ``user`` may see, newest first, as rows of ``EVENT_COLUMNS`` (one
    UNION query, sorted and sliced by the database); ``load_events`` turns a page of them
    into objects. Filtered by who acted and by briefing."""
    transitions = Transition.objects.all()
    links = PreviewLink.objects.all()
    standards = StandardsVersion.objects.all()
    if not permissions.sees_all_briefings(user):
        visible = permissions.visible_briefings(user).values("pk")
        transitions = transitions.filter(briefing__in=visible)
        links = links.filter(briefing__in=visible)
    if person is not None:
        transitions = transitions.filter(user=person)
        standards = standards.filter(created_by=person)
    if briefing is not None:
        transitions = transitions.filter(briefing=briefing)
        links = links.filter(briefing=briefing)
        standards = standards.none()
    created, revoked = links, links.filter(revoked_at__isnull=False)
    if person is not None:
        created, revoked = created.filter(created_by=person), revoked.filter(revoked_by=person)
    parts = [
        _events(transitions, "transition", "created_at", "user", "briefing"),
        _events(created, "link_created", "created_at", "created_by", "briefing"),
        _events(revoked, "link_revoked", "revoked_at", "revoked_by", "briefing"),
        _events(standards, "standards", "effective_at", "created_by", None),
    ]
    return parts[0].union(*parts[1:], all=True).order_by("-event_at", "-event_id")


def load_events(rows) -> list[dict]:
    """The objects behind a page of ``activity`` rows: one query per kind of event."""
    rows = list(rows)
    ids = {kind: set() for kind in ("transition", "link", "standards")}
    for row in rows:
        ids[row["event_kind"].split("_")[0]].add(row["event_id"])
    transitions = Transition.objects.select_related("user", "briefing").in_bulk(ids["transition"])
    links = PreviewLink.objects.select_related("briefing", "created_by", "revoked_by").in_bulk(
        ids["link"]
    )
    standards = StandardsVersion.objects.select_related("created_by").in_bulk(ids["standards"])
    events = []
    for row in rows:
        kind, pk = row["event_kind"], row["event_id"]
        if kind == "transition":
            item = transitions[pk]
            event = {"who": item.user, "what": item.get_action_display(), "briefing": item.briefing}
            event["detail"] = item.comment
            event["move"] = f"{item.get_from_status_display()} → {item.get_to_status_display()}"
        elif kind == "standards":
            item = standards[pk]
            event = {"who": item.created_by, "what": "Added a standards version", "briefing": None}
            event["detail"] = item.change_summary
            event["standards"] = item
        else:
            item = links[pk]
            created = kind == "link_created"
            event = {
                "who": item.created_by if created else item.revoked_by,
                "what": "Created a preview link" if created else "Revoked a preview link",
                "briefing": item.briefing,
                "detail": ""
                if not created
                else f"Valid until {timezone.localtime(item.expires_at):%Y-%m-%d %H:%M}",
            }
        event.update(kind=kind, at=row["event_at"])
        events.append(event)
    return events
