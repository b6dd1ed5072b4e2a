"""Polling feeds: fetch, parse, store what is new, and keep each feed's health.

Safe to run from several places at once: a poller first claims a feed with one conditional
UPDATE (``locked_until``), so no two pollers fetch the same feed, and the unique canonical
URL stops any item being stored twice. No database transaction stays open during HTTP.
The outcome is recorded by another conditional UPDATE that applies only while the claim is
still this poller's, so a poller that overran its lease never undoes a newer poller's work.
A poll costs the same handful of queries whatever the number of items.
"""

import hashlib
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .fetch import FetchError, Gone, Limits, Response, fetch
from .models import Feed, SourceItem
from .parse import Entry, FeedParseError, parse_feed

logger = logging.getLogger(__name__)

# How long a claim on a feed lasts; longer than any poll can take. A poller that dies
# mid-poll leaves the feed locked this long at most.
LEASE = timedelta(minutes=10)
# The longest a fetch may take (FEEDS_TOTAL_TIMEOUT is capped to it), leaving the rest of
# the lease for parsing and storing.
MAX_FETCH_SECONDS = LEASE.total_seconds() / 2
# Entries looked up per query: one query for any usual feed, and within SQLite's limit of
# 32,766 parameters per statement for the largest.
LOOKUP_CHUNK = 10_000
FEED_URL_LENGTH = Feed._meta.get_field("url").max_length


@dataclass(frozen=True)
class PollResult:
    feed_id: int
    outcome: str  # "new", "unchanged", "failed", "gone" or "skipped"
    new_items: int = 0
    message: str = ""

    def __str__(self) -> str:
        text = {
            "new": f"{self.new_items} new item(s)",
            "unchanged": "unchanged",
            "failed": "failed",
            "gone": "gone (deactivated)",
            "skipped": "skipped",
        }[self.outcome]
        return f"{text}: {self.message}" if self.message else text


def max_backoff() -> timedelta:
    return timedelta(seconds=settings.FEEDS_MAX_BACKOFF)


def backoff(feed: Feed, failures: int, retry_after: float | None = None) -> timedelta:
    """How long to wait after ``failures`` failures in a row: doubling, capped; at least as
    long as the server's Retry-After asks, within the same cap (it may ask for centuries)."""
    cap = max(max_backoff(), feed.interval)
    delay = min(feed.interval * 2 ** min(failures, 20), cap)
    if retry_after:
        delay = max(delay, timedelta(seconds=min(retry_after, cap.total_seconds())))
    return delay


class ClaimLost(Exception):
    """Another poller took the feed over after this poller's lease ran out."""


def lease_end(claimed_at: datetime) -> datetime:
    """The ``locked_until`` of a claim made at ``claimed_at``: it tells that claim apart."""
    return claimed_at + LEASE


def claim(feed_id: int, now: datetime, *, due_only: bool) -> bool:
    """Take the feed for this poller, unless another one has it (or it is not due)."""
    feeds = Feed.objects.filter(pk=feed_id).unlocked(now)
    if due_only:
        feeds = feeds.due(now)
    return feeds.update(locked_until=lease_end(now)) == 1


def _unique(entries: list[Entry]) -> list[Entry]:
    """Entries in document order, without repeats of a URL or guid."""
    seen_urls, seen_guids, unique = set(), set(), []
    for entry in entries:
        if entry.url in seen_urls or (entry.guid and entry.guid in seen_guids):
            continue
        seen_urls.add(entry.url)
        if entry.guid:
            seen_guids.add(entry.guid)
        unique.append(entry)
    return unique


def store_entries(feed: Feed, entries: list[Entry], now: datetime | None = None) -> int:
    """Store the entries not seen before (by canonical URL, or guid within the outlet), and
    return how many this call inserted.

    One query finds what is known (per 10,000 entries), one inserts the rest and one counts
    them; markup is removed only from the entries that are new.
    """
    now = now or timezone.now()
    entries = _unique(entries)
    if not entries:
        return 0
    known_urls, known_guids = set(), set()
    for start in range(0, len(entries), LOOKUP_CHUNK):
        chunk = entries[start : start + LOOKUP_CHUNK]
        guids = [entry.guid for entry in chunk if entry.guid]
        known = Q(url__in=[entry.url for entry in chunk])
        if guids:
            known |= Q(outlet_id=feed.outlet_id, guid__in=guids)
        for url, guid, outlet_id in SourceItem.objects.filter(known).values_list(
            "url", "guid", "outlet_id"
        ):
            known_urls.add(url)
            if outlet_id == feed.outlet_id:
                known_guids.add(guid)
    new_items = [
        SourceItem(
            outlet_id=feed.outlet_id,
            feed=feed,
            url=entry.url,
            guid=entry.guid,
            title=entry.clean_title(),
            summary=entry.clean_summary(),
            author=entry.author,
            published_at=entry.published_at,
            discovered_at=now,
        )
        # Feeds list the newest first; inserting them last gives them the highest ids,
        # so the inbox (newest first) shows them in the feed's order.
        for entry in reversed(entries)
        if entry.url not in known_urls and not (entry.guid and entry.guid in known_guids)
    ]
    if not new_items:
        return 0
    # Another poller (of another feed listing the same story) or a writer adding it by hand
    # may have stored some of these since the lookup: their rows are kept and ours skipped.
    SourceItem.objects.bulk_create(new_items, ignore_conflicts=True)
    # So count what this poll inserted: only it stores items of this feed at this moment.
    return SourceItem.objects.filter(feed=feed, discovered_at=now).count()


def _save(feed: Feed, started: datetime, **fields) -> None:
    """Record the outcome and release the claim made at ``started``, if it is still ours."""
    fields["locked_until"] = None
    ours = Feed.objects.filter(pk=feed.pk, locked_until=lease_end(started))
    if ours.update(**fields) != 1:
        raise ClaimLost
    for name, value in fields.items():
        setattr(feed, name, value)


def _succeeded(feed: Feed, started: datetime, **fields) -> None:
    _save(
        feed,
        started,
        last_polled_at=started,
        last_success_at=started,
        last_error="",
        failing_since=None,
        consecutive_failures=0,
        next_poll_at=timezone.now() + feed.interval,
        **fields,
    )


def _failed(feed: Feed, started: datetime, message: str, **fields) -> None:
    retry_after = fields.pop("retry_after", None)
    failures = feed.consecutive_failures + 1
    _save(
        feed,
        started,
        last_polled_at=started,
        last_error=message,
        failing_since=feed.failing_since or started,
        consecutive_failures=failures,
        next_poll_at=timezone.now() + backoff(feed, failures, retry_after),
        **fields,
    )


def _moved(feed: Feed, response: Response) -> dict:
    """The new URL of a feed that moved permanently, unless another feed already has it."""
    if not response.moved_to or response.moved_to == feed.url:
        return {}
    if len(response.moved_to) > FEED_URL_LENGTH:
        logger.warning("Feed %s moved to an address too long to store.", feed.url)
        return {}
    if Feed.objects.filter(url=response.moved_to).exclude(pk=feed.pk).exists():
        logger.warning("Feed %s moved to %s, which is another feed.", feed.url, response.moved_to)
        return {}
    logger.info("Feed %s moved permanently to %s.", feed.url, response.moved_to)
    return {"url": response.moved_to}


def _limits() -> Limits:
    limits = Limits.from_settings()
    return replace(limits, total_timeout=min(limits.total_timeout, MAX_FETCH_SECONDS))


def _poll(feed: Feed, started: datetime) -> PollResult:
    response = fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified, limits=_limits())
    moved = _moved(feed, response)
    validators = {
        "etag": response.etag[:500] or feed.etag,
        "last_modified": response.last_modified[:100] or feed.last_modified,
    }
    if response.status == 304:
        _succeeded(feed, started, last_new_count=0, **validators, **moved)
        return PollResult(feed.pk, "unchanged", message="HTTP 304 Not Modified")
    digest = hashlib.sha256(response.body).hexdigest()
    if digest == feed.content_hash:
        _succeeded(feed, started, last_new_count=0, **validators, **moved)
        return PollResult(feed.pk, "unchanged", message="same content as last time")
    parsed = parse_feed(response.body, response.url, response.content_type)
    with transaction.atomic():
        new_count = store_entries(feed, parsed.entries, started)
        counts = {"last_entry_count": len(parsed.entries), "last_new_count": new_count}
        if parsed.problem:
            # Whatever could be read is kept, but the feed is reported (and polled less).
            message = f"{parsed.problem} ({len(parsed.entries)} item(s) recovered)"
            _failed(feed, started, message, **counts, **moved)
            return PollResult(feed.pk, "failed", new_count, message)
        title = {"title": parsed.title} if parsed.title and not feed.title else {}
        _succeeded(feed, started, content_hash=digest, **counts, **validators, **moved, **title)
    return PollResult(feed.pk, "new", new_count)


def poll_feed(feed_id: int, *, due_only: bool = False) -> PollResult:
    """Poll one feed now (or only if it is due), recording the outcome on the feed.

    Never raises for a problem with the feed itself: the error is stored on the feed, the
    next poll is put off (exponentially, capped) and the caller moves on to the next feed.
    """
    started = timezone.now()
    if not claim(feed_id, started, due_only=due_only):
        return PollResult(feed_id, "skipped", message="not due, or another poller has it")
    try:
        return _poll_claimed(Feed.objects.get(pk=feed_id), started)
    except ClaimLost:
        logger.warning("Feed %s: the poll overran its lease; its result was discarded.", feed_id)
        return PollResult(
            feed_id, "skipped", message="another poller took the feed over; result discarded"
        )


def _poll_claimed(feed: Feed, started: datetime) -> PollResult:
    """Poll the claimed feed; whatever goes wrong, even while recording a failure, is
    recorded on the feed."""
    try:
        return _poll_or_record_problem(feed, started)
    except ClaimLost:
        raise
    except Exception as error:
        logger.exception("Unexpected error polling feed %s", feed.url)
        message = f"Unexpected error: {error!r}"
        _failed(Feed.objects.get(pk=feed.pk), started, message, last_new_count=0)
        return PollResult(feed.pk, "failed", message=message)


def _poll_or_record_problem(feed: Feed, started: datetime) -> PollResult:
    try:
        return _poll(feed, started)
    except Gone as error:
        message = f"{error} The feed was deactivated."
        _failed(feed, started, message, is_active=False, last_new_count=0)
        return PollResult(feed.pk, "gone", message=message)
    except (FetchError, FeedParseError) as error:
        retry_after = getattr(error, "retry_after", None)
        _failed(feed, started, str(error), last_new_count=0, retry_after=retry_after)
        return PollResult(feed.pk, "failed", message=str(error))


def _poll_each(feed_ids: list[int], *, due_only: bool) -> list[PollResult]:
    """Poll the feeds one after another: one feed's failure never stops the others."""
    results = []
    for feed_id in feed_ids:
        try:
            results.append(poll_feed(feed_id, due_only=due_only))
        except Exception as error:
            # Not even the failure could be recorded (the database failed, say); the claim
            # runs out with its lease and the feed is polled again then.
            logger.exception("Feed %s: the poll failed, and so did recording it", feed_id)
            message = f"Unexpected error: {error!r}"
            results.append(PollResult(feed_id, "failed", message=message))
    return results


def poll_due_feeds(now: datetime | None = None) -> list[PollResult]:
    """Poll every active feed whose time has come, oldest first."""
    now = now or timezone.now()
    due = (
        Feed.objects.due(now)
        .unlocked(now)
        .order_by(F("next_poll_at").asc(nulls_first=True), "pk")
        .values_list("pk", flat=True)
    )
    return _poll_each(list(due), due_only=True)


def poll_all_feeds() -> list[PollResult]:
    """Poll every active feed now, due or not (feeds another poller has are skipped)."""
    active = Feed.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
    return _poll_each(list(active), due_only=False)
