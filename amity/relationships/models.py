"""Store the relationship engine's rows: summaries, snoozes, cadences and daily picks.

These tables were created by the people app and keep their names (db_table), so
databases made before the engine had its own app need no data migration.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from amity.core.owned_rows import OwnedManager
from amity.people.models import Person, Tag


class PersonSummary(models.Model):
    """Aggregates of one person's interactions, kept current on every write.

    `services.refresh_summaries` rebuilds the rows of the people a write touched, so
    the engine scores a whole network from this table without rescanning
    interactions. Times are seconds since the epoch (floats load fast by the hundred
    thousand); decayed sums are anchored at `last_ts` (see amity.domain.strength).
    People without interactions have no row.
    """

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, primary_key=True, related_name="engine_summary"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveSmallIntegerField(default=0)
    first_ts = models.FloatField(null=True)
    last_ts = models.FloatField(null=True)
    count = models.PositiveIntegerField(default=0)
    outbound = models.PositiveIntegerField(default=0)
    inbound = models.PositiveIntegerField(default=0)
    mutual = models.PositiveIntegerField(default=0)
    two_way = models.PositiveIntegerField(default=0)
    weighted_count = models.FloatField(default=0.0)
    depth = models.FloatField(default=0.0)
    gave = models.FloatField(default=0.0)
    received = models.FloatField(default=0.0)
    asked = models.FloatField(default=0.0)
    were_asked = models.FloatField(default=0.0)
    gave_count = models.PositiveIntegerField(default=0)
    received_count = models.PositiveIntegerField(default=0)
    asked_count = models.PositiveIntegerField(default=0)
    were_asked_count = models.PositiveIntegerField(default=0)
    last_received_ts = models.FloatField(null=True)
    last_received_subtype = models.CharField(max_length=20, blank=True)
    last_thanked_ts = models.FloatField(null=True)
    updated_at = models.DateTimeField(default=timezone.now)
    # The scoring columns again as float64 bytes (summaries.PACKED_COLUMNS), so a whole
    # network loads as one buffer.
    packed = models.BinaryField(default=b"")
    # The circle this person was last placed in (0: never), so circles move only when
    # a score clears a boundary by a margin (amity.relationships.circles).
    circle = models.PositiveSmallIntegerField(default=0, db_default=0)
    # The spells without interactions longer than `quiet_days` (NULL: not stored), as
    # summaries.quiet_spells packs them: insights' monthly activity comes from these
    # instead of joining every interaction of the last years to its people.
    quiet_days = models.PositiveIntegerField(null=True)
    quiet_spells = models.BinaryField(default=b"")

    objects = OwnedManager()

    class Meta:
        db_table = "people_personsummary"
        indexes = [
            # Covers today's fingerprint and ensure_summaries' check without the table.
            models.Index(
                fields=["owner", "updated_at", "version", "count"], name="summary_owner_upd_check"
            ),
            # Loading a network reads the packed rows from this index alone: a third of
            # the pages of the table's wide rows (~35 ms for 85k rows instead of ~100).
            models.Index(fields=["owner", "packed"], name="summary_owner_packed"),
            # Reading the stored circles (a few hundred rows) without the whole table.
            models.Index(fields=["owner", "circle"], name="summary_owner_circle"),
        ]

    def __str__(self) -> str:
        return f"summary of person {self.person_id}"


class Snooze(models.Model):
    """Keep a person off today's list until a date; they come back when it is due."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="snooze")
    until = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = OwnedManager()

    class Meta:
        db_table = "people_snooze"
        indexes = [models.Index(fields=["owner", "until"], name="snooze_owner_until")]

    def __str__(self) -> str:
        return f"{self.person_id} until {self.until}"


class CadenceOverride(models.Model):
    """A contact cadence the user chose for one person or for everyone with a tag.

    `days` empty means "never remind me"; a person's override beats their tags'.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    person = models.OneToOneField(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="cadence_override"
    )
    tag = models.OneToOneField(
        Tag, null=True, blank=True, on_delete=models.CASCADE, related_name="cadence_override"
    )
    days = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = OwnedManager()

    class Meta:
        db_table = "people_cadenceoverride"
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, tag__isnull=True)
                | Q(person__isnull=True, tag__isnull=False),
                name="cadence_person_xor_tag",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id or self.tag_id}: {self.days or 'never'}"


class DailyList(models.Model):
    """Today's short list for one user and day, with what it was computed from.

    `fingerprint` hashes the data the list depends on; while it matches, the stored
    picks are the answer and nothing is recomputed.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    fingerprint = models.CharField(max_length=64, blank=True)
    size = models.PositiveSmallIntegerField(default=0)
    # Tie-strength scores at the circle boundaries (ranks 5, 15, 50, 150) that day, so a
    # person page can name someone's circle without scoring the whole network.
    thresholds = models.JSONField(default=list, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)
    # The finished answer ({"fingerprint", "limit", "data"}) as `amity today` prints it,
    # so an unchanged day is answered without scoring or even starting Django.
    payload = models.JSONField(default=dict, blank=True)

    objects = OwnedManager()

    class Meta:
        db_table = "people_dailylist"
        constraints = [
            models.UniqueConstraint(fields=["owner", "day"], name="daily_list_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.day}"


class DailyPick(models.Model):
    """One person on a day's list: why, what to do, and whether it was done."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    daily_list = models.ForeignKey(DailyList, on_delete=models.CASCADE, related_name="picks")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(default=0)
    priority = models.FloatField(default=0.0)
    circle = models.PositiveSmallIntegerField(default=5)
    score = models.FloatField(default=0.0)
    # [{"code": "overdue", "text": "...", "priority": 0.4}, ...], best first.
    reasons = models.JSONField(default=list)
    action = models.TextField(blank=True)
    action_subtype = models.CharField(max_length=20, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    objects = OwnedManager()

    class Meta:
        db_table = "people_dailypick"
        ordering = ["rank", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["daily_list", "person"], name="daily_pick_unique_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.daily_list_id}: {self.person_id}"
