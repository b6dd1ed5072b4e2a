"""Demo feeds and inbox items for the demo outlets (see ``seed_demo``).

Every outlet, address and event here is invented. The feeds point at .example addresses,
which never resolve, so they are created switched off.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import Feed, Outlet, SourceItem

FEEDS = [
    # (outlet slug, feed URL, title)
    ("harbor-ledger", "https://harborledger.example/feeds/latest.xml", "Harbor Ledger: latest"),
    ("harbor-ledger", "https://harborledger.example/feeds/port.atom", "Harbor Ledger: the port"),
    ("northfield-tribune", "https://northfield-tribune.example/rss/", "Northfield Tribune"),
    ("civic-data-weekly", "https://civicdata.example/issues.atom", "Civic Data Weekly issues"),
]

NEW, SHORTLISTED, DISMISSED = (
    SourceItem.Status.NEW,
    SourceItem.Status.SHORTLISTED,
    SourceItem.Status.DISMISSED,
)

ITEMS = [
    # (outlet slug, path, status, hours ago, title, summary, author)
    (
        "harbor-ledger",
        "stories/ferry-timetable-winter-trial",
        NEW,
        2,
        "Island ferry tests a winter timetable with fewer, larger sailings",
        "The ferry operator will run four sailings a day instead of seven from December, using "
        "its two biggest boats. Commuters' groups say the first sailing leaves too late.",
        "Mara Quill",
    ),
    (
        "harbor-ledger",
        "stories/dredging-permit-hearing",
        SHORTLISTED,
        5,
        "Dredging permit for the east channel goes to a public hearing",
        "The port authority wants to deepen the east channel by two metres. Fishing crews "
        "worry about silt over the mussel beds; the hearing is set for next month.",
        "Theo Brandt",
    ),
    (
        "harbor-ledger",
        "stories/harbour-festival-parking",
        DISMISSED,
        30,
        "Harbour festival adds a park-and-ride lot",
        "Organisers will run shuttle buses from the old cannery car park on both festival days.",
        "",
    ),
    (
        "northfield-tribune",
        "valley/school-bus-routes-merged",
        NEW,
        1,
        "Two valley school districts merge their bus routes",
        "Drivers will cover one shared network from next term. The districts say rides get "
        "shorter for most pupils and longer for about forty families on the upper road.",
        "Ines Varga",
    ),
    (
        "northfield-tribune",
        "valley/orchard-frost-fans",
        SHORTLISTED,
        9,
        "Orchards install frost fans after a second lost blossom season",
        "Growers in the northern valleys are sharing the cost of twelve wind machines. "
        "Neighbours have asked the county to limit how early in the morning they may run.",
        "Ines Varga",
    ),
    (
        "northfield-tribune",
        "opinion/letters-bridge-tolls",
        DISMISSED,
        26,
        "Letters: readers on the bridge toll",
        "A selection of readers' letters on the proposed toll for the river crossing.",
        "",
    ),
    (
        "civic-data-weekly",
        "issues/library-loans-by-branch",
        NEW,
        3,
        "Library loans rose fastest in the smallest branches",
        "Our analysis of five years of loan records finds the three smallest branches grew "
        "twice as fast as the central library, mostly in children's books and e-readers.",
        "Civic Data Weekly team",
    ),
    (
        "civic-data-weekly",
        "issues/pothole-reports-response-times",
        SHORTLISTED,
        12,
        "How long the city takes to fix a reported pothole, street by street",
        "Median repair time fell from nineteen days to eleven, but reports from streets "
        "without a bus route still wait more than three weeks.",
        "Civic Data Weekly team",
    ),
    (
        "civic-data-weekly",
        "issues/corrections-to-last-week",
        DISMISSED,
        40,
        "Corrections to last week's issue",
        "Two chart labels were swapped in last week's issue on recycling rates.",
        "",
    ),
]


@transaction.atomic
def seed_feeds_and_items() -> None:
    """Give the demo outlets feeds (inactive) and inbox items in every triage state.

    Safe to run again: feeds and items are matched by URL and left as they are. Outlets
    that do not exist yet are skipped.
    """
    outlets = {outlet.slug: outlet for outlet in Outlet.objects.all()}
    now = timezone.now()
    feeds = {}
    for n, (slug, url, title) in enumerate(FEEDS):
        if slug not in outlets:
            continue
        feed, _ = Feed.objects.get_or_create(
            url=url,
            defaults={
                "outlet": outlets[slug],
                "title": title,
                "is_active": False,
                "last_polled_at": now - timedelta(hours=n + 1),
                "last_success_at": now - timedelta(hours=n + 1),
                "last_entry_count": 20,
                "last_new_count": n % 3,
            },
        )
        feeds.setdefault(slug, feed)
    for slug, path, status, hours, title, summary, author in ITEMS:
        if slug not in outlets:
            continue
        outlet = outlets[slug]
        SourceItem.objects.get_or_create(
            url=f"{outlet.homepage}{path}",
            defaults={
                "outlet": outlet,
                "feed": feeds.get(slug),
                "guid": f"{slug}:{path}",
                "title": title,
                "summary": summary,
                "author": author,
                "status": status,
                "published_at": now - timedelta(hours=hours + 1),
                "discovered_at": now - timedelta(hours=hours),
            },
        )
