"""The calendar of publications and the activity log: admin pages beside the briefings'
list (``/admin/briefings/briefing/calendar/`` and ``…/activity/``). Mixed into
``BriefingAdmin``; what they show comes from ``briefings.desk``."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from .. import desk, permissions

# The calendar's pages stay within these years: beyond them a date is a typing mistake.
FIRST_YEAR, LAST_YEAR = 1900, 2999
LOG_PAGE_SIZE = 50


def _as_id(value: str) -> int | None:
    try:
        number = int(value)
    except ValueError:
        return None
    return number if number > 0 else None


class DeskAdminMixin:
    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "calendar/",
                self.admin_site.admin_view(self.calendar_view),
                name=f"{name}_calendar",
            ),
            path(
                "activity/",
                self.admin_site.admin_view(self.activity_view),
                name=f"{name}_activity",
            ),
            *super().get_urls(),
        ]

    def _page(self, request, template: str, context: dict) -> TemplateResponse:
        request.current_app = self.admin_site.name
        context = {**self.admin_site.each_context(request), "opts": self.opts, **context}
        return TemplateResponse(request, template, context)

    def calendar_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        view = "month" if request.GET.get("view") == "month" else "week"
        today = timezone.localdate()
        day, error = today, ""
        raw = request.GET.get("date", "").strip()
        if raw:
            try:
                day = date.fromisoformat(raw)
            except ValueError:
                error = f"“{raw}” is not a date (write it as YYYY-MM-DD); showing today."
            else:
                if not FIRST_YEAR <= day.year <= LAST_YEAR:
                    error = f"The calendar covers {FIRST_YEAR} to {LAST_YEAR}; showing today."
                    day = today
        weeks = desk.calendar_weeks(view, day)
        start = desk.start_of(weeks[0][0])
        end = desk.start_of(weeks[-1][-1] + timedelta(days=1))
        entries = desk.calendar_entries(request.user, start, end)
        rows = [
            [
                {
                    "day": each,
                    "entries": entries.get(each, []),
                    "other": view == "month" and each.month != day.month,
                    "today": each == today,
                }
                for each in week
            ]
            for week in weeks
        ]
        if view == "month":
            title = f"{day:%B %Y}"
        else:
            title = f"Week of {weeks[0][0].day} {weeks[0][0]:%B %Y}"
        return self._page(
            request,
            "admin/briefings/briefing/calendar.html",
            {
                "title": f"Calendar: {title}",
                "period": title,
                "view": view,
                "day": day,
                "rows": rows,
                "weekdays": [each.strftime("%A") for each in weeks[0]],
                "previous": desk.calendar_step(view, day, forward=False),
                "next": desk.calendar_step(view, day, forward=True),
                "today": today,
                "error": error,
                "time_zone": timezone.get_current_timezone_name(),
            },
        )

    def activity_view(self, request):
        user = request.user
        if not user.has_perm("briefings.view_transition"):
            raise PermissionDenied
        errors = []
        person = briefing = None
        people = get_user_model().objects.filter(is_staff=True).order_by("username")
        if request.GET.get("person"):
            person = _as_id(request.GET["person"])
            if person is None or not people.filter(pk=person).exists():
                errors.append("No such person; showing everyone.")
                person = None
        if request.GET.get("briefing"):
            briefing = _as_id(request.GET["briefing"])
            found = briefing and permissions.visible_briefings(user).filter(pk=briefing).first()
            if not found:
                errors.append("No such briefing; showing every briefing.")
                briefing = None
            else:
                briefing = found
        events = desk.activity(user, person, briefing.pk if briefing else None)
        page = Paginator(events, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
        return self._page(
            request,
            "admin/briefings/briefing/activity.html",
            {
                "title": "Activity log",
                "events": desk.load_events(page.object_list),
                "page": page,
                "people": people,
                "person": person,
                "briefing": briefing,
                "errors": errors,
            },
        )
