"""An outlet's homepage is an http(s) address: it is a link on the public sources pages.

Homepages stored before (an OPML import took htmlUrl as it came, `javascript:` included)
become the site of the outlet's first web feed, or empty when it has none.
"""

from urllib.parse import urlsplit

import django.core.validators
from django.db import migrations, models


def _is_web(url: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in {"http", "https"} and bool(parts.netloc)


def replace_other_homepages(apps, schema_editor):
    Outlet = apps.get_model("sources", "Outlet")
    Feed = apps.get_model("sources", "Feed")
    for outlet in Outlet.objects.all():
        if _is_web(outlet.homepage):
            continue
        feed_urls = Feed.objects.filter(outlet=outlet).order_by("pk").values_list("url", flat=True)
        sites = [f"{urlsplit(url).scheme}://{urlsplit(url).netloc}/" for url in feed_urls]
        outlet.homepage = next((site for site in sites if _is_web(site)), "")
        outlet.save(update_fields=["homepage"])


class Migration(migrations.Migration):
    dependencies = [("sources", "0005_writers_add_sources_and_poll")]

    operations = [
        migrations.AlterField(
            model_name="outlet",
            name="homepage",
            field=models.URLField(
                max_length=500,
                validators=[django.core.validators.URLValidator(schemes=["http", "https"])],
            ),
        ),
        migrations.RunPython(replace_other_homepages, migrations.RunPython.noop),
    ]
