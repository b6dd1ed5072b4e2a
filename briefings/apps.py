from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class BriefingsConfig(AppConfig):
    name = "briefings"
    verbose_name = "Desk"  # the admin: Desk › Briefings, Topics, Error reports…

    def ready(self) -> None:
        from newsroom.cache import clear_public_pages_on_commit
        from sources.models import Outlet

        # Workflow transitions clear the public pages themselves; these models appear on
        # public pages too (navigation, the standards page, the sources pages).
        for model in (self.get_model("Topic"), self.get_model("StandardsVersion"), Outlet):
            for signal in (post_save, post_delete):
                signal.connect(
                    clear_public_pages_on_commit,
                    sender=model,
                    dispatch_uid=f"clear-public-pages-{model._meta.label}-{signal}",
                )
