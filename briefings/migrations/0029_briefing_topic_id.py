"""The admin list's sort by topic reads a page's ids from a (topic, id) index
(``paging.IdsFirstPaginator``)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("briefings", "0028_sitemap_months"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="briefing",
            index=models.Index(fields=["topic", "id"], name="briefing_topic_id"),
        ),
    ]
