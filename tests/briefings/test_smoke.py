import pytest

from briefings.workflow import make_live
from tests.factories import BriefingFactory, add_children

pytestmark = pytest.mark.django_db


def test_published_briefing_page_shows_its_headline(client):
    briefing = add_children(BriefingFactory(headline="Harbour gate trial ends"))
    make_live(briefing)
    response = client.get(briefing.get_absolute_url())
    assert response.status_code == 200
    assert "Harbour gate trial ends" in response.text
