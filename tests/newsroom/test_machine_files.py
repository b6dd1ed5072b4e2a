"""trust.txt and robots.txt say the same thing about the publication and AI training."""

from newsroom.machine_files import AI_TRAINING_CRAWLERS


def test_trust_txt_names_the_contact_and_refuses_ai_training_by_default(client, settings):
    settings.SITE_URL = "https://news.example.org"
    settings.SOCIAL_LINKS = ["https://social.example/@briefingdesk"]
    for path in ["/trust.txt", "/.well-known/trust.txt"]:
        response = client.get(path)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        lines = response.text.splitlines()
        assert "contact=https://news.example.org/standards/#feedback" in lines
        assert "social=https://social.example/@briefingdesk" in lines
        assert "datatrainingallowed=no" in lines
    robots = client.get("/robots.txt").text
    for agent in AI_TRAINING_CRAWLERS:
        assert f"User-agent: {agent}" in robots
    ai_group = robots[robots.index("User-agent: GPTBot") :]
    assert ai_group.splitlines()[len(AI_TRAINING_CRAWLERS)] == "Disallow: /"


def test_allowing_ai_training_changes_both_files(client, settings):
    settings.DATA_TRAINING_ALLOWED = True
    assert "datatrainingallowed=yes" in client.get("/trust.txt").text.splitlines()
    robots = client.get("/robots.txt").text
    assert "GPTBot" not in robots
    assert "Disallow: /admin/" in robots and "Sitemap:" in robots
