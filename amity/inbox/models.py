"""Keep the user's triage corrections so they shape future triage.

A label pins one message to a group. Triage also reads it two more ways (see
amity.domain.triage.Corrections): the sender's other messages follow it, and
messages worded like it (the stored word-triple hashes) get the same group.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from amity.core.owned_rows import OwnedManager
from amity.people.models import Interaction, Person


class TriageLabel(models.Model):
    """The group the user says one inbound message belongs in."""

    class Group(models.TextChoices):
        TRUSTED = "trusted", "Trusted"
        GENUINE_NEW = "genuine_new", "Genuine new"
        ASKS = "asks", "Asks"
        COLD_PITCH = "cold_pitch", "Cold pitches"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="+")
    group = models.CharField(max_length=20, choices=Group.choices)
    # Who sent it when it was labelled: their other messages follow the label.
    sender = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Hashed word triples of the message (amity.domain.triage.shingles), so messages
    # worded like it can be recognised without re-reading this one.
    shingles = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = OwnedManager()

    class Meta:
        ordering = ["updated_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "interaction"], name="triage_label_unique")
        ]
        indexes = [models.Index(fields=["owner", "updated_at"], name="triage_label_owner")]

    def __str__(self) -> str:
        return f"{self.interaction_id} → {self.group}"
