from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """Publication clears cached pages through the cache itself, so every process must share it."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            Warning(
                "The cache is not shared between processes, so a publication, withdrawal or "
                "correction clears cached pages only in the process that made it.",
                hint="Set CACHE_URL to a shared cache, e.g. redis://127.0.0.1:6379/1.",
                id="newsroom.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def demo_mode_in_production(app_configs, **kwargs):
    """Demo mode belongs to the debug-mode quick start: its log-ins have published passwords."""
    if settings.DEMO_MODE and not settings.DEBUG:
        return [
            Warning(
                "DEMO_MODE is on while DEBUG is off: seed_demo may create log-ins whose "
                "passwords are printed in the README.",
                hint="Set DEMO_MODE=false on any site other people can reach.",
                id="newsroom.W002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def two_factor_for_editors(app_configs, **kwargs):
    """Editors publish and standards editors set the rules: a password alone is not enough."""
    if not settings.REQUIRE_2FA_FOR_EDITORS:
        return [
            Warning(
                "Editors and standards editors can sign in with a password alone "
                "(REQUIRE_2FA_FOR_EDITORS is off).",
                hint="Unset REQUIRE_2FA_FOR_EDITORS or set it to true.",
                id="newsroom.W003",
            )
        ]
    return []
