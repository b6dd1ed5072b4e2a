from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_delete, post_save


class BriefingsConfig(AppConfig):
    name = "briefings"
    verbose_name = "Desk"  # the admin: Desk › Briefings, Topics, Error reports…

    def ready(self) -> None:
        from newsroom import pages
        from newsroom.cache import clear_public_pages_on_commit
        from sources.models import Outlet

        from .models.sitemap_month import briefing_deleted
        from .pages import changed_pages, user_saved

        # With PUBLIC_PAGES_ROOT set, these pages are written as soon as readers' content changes.
        pages.on_advance(changed_pages)
        # A name, bio or address shows on author pages and bylines; a log-in shows nowhere.
        post_save.connect(user_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="user-pages")
        # Workflow transitions clear the public pages; deleting a briefing is not one.
        post_delete.connect(
            clear_public_pages_on_commit,
            sender=self.get_model("Briefing"),
            dispatch_uid="clear-public-pages-deleted-briefing",
        )
        # Nor does the workflow take a deleted briefing out of its month's sitemap count.
        post_delete.connect(
            briefing_deleted,
            sender=self.get_model("Briefing"),
            dispatch_uid="sitemap-months-deleted-briefing",
        )

        # Workflow transitions clear the public pages themselves; these models appear on
        # public pages too (navigation, the standards page, the sources pages).
        for model in (self.get_model("Topic"), self.get_model("StandardsVersion"), Outlet):
            for signal in (post_save, post_delete):
                signal.connect(
                    clear_public_pages_on_commit,
                    sender=model,
                    dispatch_uid=f"clear-public-pages-{model._meta.label}-{signal}",
                )
