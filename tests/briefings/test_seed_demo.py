import os
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from briefings.models import Briefing, SitemapMonth, Topic
from newsroom.models import User
from sources.models import Outlet

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_demo_has_published_briefings_over_topics_and_outlets(demo):
    live = Briefing.objects.published()
    assert live.count() >= 6
    assert Topic.objects.filter(briefings__in=live).distinct().count() >= 2
    assert Outlet.objects.filter(items__briefings__in=live).distinct().count() >= 3
    for briefing in live:
        page = briefing.live_revision.snapshot
        assert len(page.takeaways) >= 3
        assert [s.heading for s in page.sections][:3] == [
            "What happened",
            "Why it matters",
            "What to watch next",
        ]
        assert page.source is not None


def test_demo_includes_qa_ai_disclosure_an_image_and_a_draft(demo):
    live = list(Briefing.objects.published())
    with_qa = [b for b in live if b.live_revision.snapshot.questions]
    disclosed = [b for b in live if b.live_revision.snapshot.ai]
    assert all(b.live_revision.snapshot.ai.checker for b in disclosed)
    assert len(with_qa) >= 2
    assert len(disclosed) >= 2
    illustrated = [b for b in live if b.lead_image]
    assert illustrated and illustrated[0].lead_image_credit
    assert illustrated[0].lead_image.storage.exists(illustrated[0].lead_image.name)
    assert Briefing.objects.filter(status=Briefing.Status.DRAFT).exists()


def test_demo_log_ins_work_and_seeding_twice_changes_nothing(demo, client):
    counts = (Briefing.objects.count(), User.objects.count(), Outlet.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (Briefing.objects.count(), User.objects.count(), Outlet.objects.count()) == counts
    assert client.login(username="writer", password="writer-demo-pass")
    assert client.get("/admin/").status_code == 200
    assert client.login(username="editor", password="editor-demo-pass")


def test_seed_demo_refuses_to_run_outside_demo_mode(settings):
    from django.core.management.base import CommandError

    settings.DEMO_MODE = False
    settings.DEBUG = True  # debug mode alone is not demo mode
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.filter(username="writer").exists()


def test_the_demo_follows_its_host_and_port(settings, tmp_path):
    """`make run PORT=8102` serves on 8102: the printed log-ins and the links in workflow
    emails name that address, not the default port."""
    root = Path(__file__).resolve().parents[2]
    plan = subprocess.run(
        ["make", "-n", "run", "PORT=8102"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "SITE_URL"},
    ).stdout
    serve = next(line for line in plan.splitlines() if "rundemo" in line)  # server and worker
    assert "SITE_URL=http://127.0.0.1:8102" in serve
    assert serve.rstrip().endswith("rundemo 127.0.0.1:8102")

    settings.DEMO_MODE = True
    settings.SITE_URL = "http://127.0.0.1:8102"
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "Demo log-ins for http://127.0.0.1:8102/admin/" in out.getvalue()
    assert ":8000" not in out.getvalue()


def test_the_demo_standards_explain_what_the_withdrawn_page_points_to(demo, client):
    withdrawn = Briefing.objects.get(status=Briefing.Status.WITHDRAWN)
    gone = client.get(withdrawn.get_absolute_url())
    assert gone.status_code == 410
    assert 'href="/standards/#withdrawals"' in gone.text
    standards = client.get("/standards/").text
    assert 'id="withdrawals"' in standards
    assert "Withdrawals" in standards


def test_the_demo_has_a_corrected_briefing_with_two_versions_to_compare(demo, client):
    from briefings.history import versions

    corrected = Briefing.objects.get(slug="open-data-portal-drops-inspection-records")
    assert len(versions(corrected)) == 2
    html = client.get(f"{corrected.get_absolute_url()}history/1/2/").text
    assert "<del>five</del>" in html.lower()
    assert 'class="record-flag"' in client.get(corrected.get_absolute_url()).text


def test_the_demo_has_a_story_thread_published_through_the_workflow(demo, client):
    follow_up = Briefing.objects.published().get(live_revision__follows__isnull=False)
    original = follow_up.live_revision.follows
    assert follow_up.transitions.filter(action="publish").exists()  # reviewed and published

    page = client.get(follow_up.get_absolute_url()).text
    assert f'This follows <a href="{original.get_absolute_url()}">' in page
    original_page = client.get(original.get_absolute_url()).text
    assert f'<a href="{follow_up.get_absolute_url()}">{follow_up.headline}</a>' in original_page


def test_the_demo_is_in_the_sitemap_index_as_the_briefings_say(demo):
    """The demo publishes and corrects through the workflow, which keeps the sitemap index's
    months: rebuilding them from the briefings changes nothing."""
    rows = SitemapMonth.objects.filter(briefings__gt=0).order_by("month")
    kept = list(rows.values_list("month", "briefings", "lastmod"))
    SitemapMonth.rebuild()
    assert list(rows.values_list("month", "briefings", "lastmod")) == kept
    assert sum(count for _, count, _ in kept) == Briefing.objects.published().count()
