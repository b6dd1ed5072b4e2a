# Separate from 0002: PostgreSQL cannot add the unique index in the transaction that filled
# the column.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0002_user_slug_and_bio")]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="slug",
            field=models.SlugField(
                help_text="The author page's address (/authors/<slug>/), made from the display "
                "name when the user is created. Changing it breaks links to the old address.",
                max_length=120,
                unique=True,
            ),
        ),
    ]
