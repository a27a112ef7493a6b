"""Store profile vectors, the reading list, introductions and referrals.

Introductions live here rather than in the people app (as DESIGN.md first had it):
they need the text model's suggestions and their own workflow, and keeping them in
one app lets the people app's migrations move on independently.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from amity.core.owned_rows import OwnedManager
from amity.people.models import Person


class ProfileEmbedding(models.Model):
    """The cached vector of one facet of a person's profile under one text model.

    A facet is re-embedded only when the hash of its text changes, so an unchanged
    profile is never embedded twice.
    """

    class Facet(models.TextChoices):
        PROFILE = "profile", "Whole profile"
        SEEKS = "seeks", "Looking for"
        OFFERS = "offers", "Can offer"
        TITLE = "title", "Title"
        INTERESTS = "interests", "Interests"
        NOTES = "notes", "Notes"
        RECENT = "recent", "Recent interactions"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="embeddings")
    facet = models.CharField(max_length=10, choices=Facet.choices, default=Facet.PROFILE)
    model_name = models.CharField(max_length=60)
    text_hash = models.CharField(max_length=64)
    # Little-endian float32, `dim` values; empty when the facet's text is empty.
    vector = models.BinaryField()
    dim = models.PositiveSmallIntegerField(default=0)
    embedded_at = models.DateTimeField(default=timezone.now)

    objects = OwnedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "facet", "model_name"], name="embedding_unique_facet"
            )
        ]
        indexes = [
            # Serves the count and newest/oldest `embedded_at` that say whether cached
            # matrices are current, without reading 100,000 vector blobs.
            models.Index(
                fields=["owner", "model_name", "facet", "embedded_at"],
                name="embedding_owner_model_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.facet} {self.model_name}"


class ReadingItem(models.Model):
    """An article or note the user saved to share with the right people later."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=1000, blank=True)
    text = models.TextField(blank=True)
    model_name = models.CharField(max_length=60, blank=True)
    vector = models.BinaryField(blank=True, default=b"")
    # Who it was already sent to: it never resurfaces for them again.
    shared_with = models.ManyToManyField(Person, blank=True, related_name="+")
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = OwnedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "archived"], name="reading_owner_archived")]

    def __str__(self) -> str:
        return self.title


class Introduction(models.Model):
    """A double-opt-in introduction between two of the user's people.

    proposed -> asked_a -> agreed_a -> asked_b -> agreed -> introduced -> followed_up:
    each side's yes is recorded (agreed_a_at, agreed_b_at) before the next step, so the
    introduction itself is offered only once both said yes. Either person (or the
    user) can decline, and a declined pair is never suggested again.
    """

    class State(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ASKED_A = "asked_a", "Asked the first person"
        AGREED_A = "agreed_a", "The first person said yes"
        ASKED_B = "asked_b", "Asked the second person"
        AGREED = "agreed", "Both said yes"
        INTRODUCED = "introduced", "Introduced"
        FOLLOWED_UP = "followed_up", "Followed up"
        DECLINED_A = "declined_a", "Declined by the first person"
        DECLINED_B = "declined_b", "Declined by the second person"
        DISMISSED = "dismissed", "Dismissed by you"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    # "<smaller id>-<larger id>": one introduction per unordered pair and owner.
    pair_key = models.CharField(max_length=41)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PROPOSED)
    reason = models.TextField(blank=True)
    ask_a_draft = models.TextField(blank=True)
    ask_b_draft = models.TextField(blank=True)
    intro_draft = models.TextField(blank=True)
    follow_up_draft = models.TextField(blank=True)
    proposed_at = models.DateTimeField(default=timezone.now)
    asked_a_at = models.DateTimeField(null=True, blank=True)
    asked_b_at = models.DateTimeField(null=True, blank=True)
    agreed_a_at = models.DateTimeField(null=True, blank=True)
    agreed_b_at = models.DateTimeField(null=True, blank=True)
    introduced_at = models.DateTimeField(null=True, blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = OwnedManager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "pair_key"], name="introduction_unique_pair")
        ]
        indexes = [models.Index(fields=["owner", "state"], name="introduction_owner_state")]

    def __str__(self) -> str:
        return f"{self.person_a} + {self.person_b} ({self.state})"


class Referral(models.Model):
    """ "A recommended I talk to B": who referred whom, and what was done about it."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referrer = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="referrals_made")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="referred_by")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    researched_at = models.DateTimeField(null=True, blank=True)
    thanked_at = models.DateTimeField(null=True, blank=True)

    objects = OwnedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "referrer", "person"], name="referral_unique_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.referrer} -> {self.person}"
