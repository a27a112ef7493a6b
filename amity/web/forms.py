"""Declare the web forms and turn their input into service arguments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from amity.domain.vocabulary import DEPOSIT_SUBTYPES, WITHDRAWAL_SUBTYPES
from amity.people import services, validation
from amity.people.models import Interaction, Person
from amity.relationships import cadences

SORT_CHOICES = [
    ("name", "Name (A–Z)"),
    ("-name", "Name (Z–A)"),
    ("company", "Company"),
    ("field", "Field"),
    ("recent", "Recently in touch"),
    ("added", "Recently added"),
    ("strength", "Strongest ties"),
    ("overdue", "Most overdue"),
]

SUBTYPE_CHOICES: list[tuple[str, Any]] = [
    ("", "None"),
    (
        "Deposits (giving)",
        [(v, label) for v, label in Interaction.Subtype.choices if v in DEPOSIT_SUBTYPES],
    ),
    (
        "Withdrawals (asking)",
        [(v, label) for v, label in Interaction.Subtype.choices if v in WITHDRAWAL_SUBTYPES],
    ),
]

CADENCE_CHOICES = [
    (cadences.DEFAULT, "Circle default"),
    *((name, name.capitalize()) for name in cadences.NAMED if name != "never"),
    ("never", "Never remind me"),
]

# How a success message names each channel: "Logged a call with Ada".
CHANNEL_PHRASES = {
    "email": "an email",
    "call": "a call",
    "meeting": "a meeting",
    "message": "a message",
    "social": "a social touch",
    "in_person": "an in-person meeting",
    "letter": "a letter",
}


def split_lines(text: str) -> list[str]:
    """Return the non-blank lines of a textarea, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def split_commas(text: str) -> list[str]:
    """Return the non-blank items of a comma-separated input, stripped."""
    return [item.strip() for item in text.split(",") if item.strip()]


def _sentence(message: str) -> str:
    """Return a service's message as a sentence for a form: capital, full stop."""
    text = message[:1].upper() + message[1:]
    return text if text.endswith(".") else text + "."


def attach_error(form: forms.Form, error: services.ValidationError) -> None:
    """Show a service's validation error next to its field, or above the form."""
    field = {"interaction": "subtype"}.get(error.field, error.field)
    form.add_error(field if field in form.fields else None, error.message)


class PeopleFilterForm(forms.Form):
    """Search, filter and sort the people list (a GET form; bad input is ignored)."""

    q = forms.CharField(
        required=False,
        label="Search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Name, company, email, interest…"}
        ),
    )
    tag = forms.CharField(required=False, widget=forms.Select)
    field = forms.CharField(required=False, label="Field", widget=forms.Select)
    company = forms.CharField(required=False, widget=forms.Select)
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES)

    def __init__(self, data: Any, *, facets: dict[str, list[str]]) -> None:
        super().__init__(data)
        for name, values in facets.items():
            current = (data or {}).get(name, "")
            # Keep a chosen value selectable even when it fell beyond the facet cap.
            if current and current not in values:
                values = [current, *values]
            everyone = {"tag": "Any tag", "field": "Any field", "company": "Any company"}[name]
            self.fields[name].widget.choices = [("", everyone), *((v, v) for v in values)]

    def filters(self) -> dict[str, str]:
        """Return keyword arguments for services.people_for."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "query": (data.get("q") or "")[:200],
            "tag": data.get("tag") or "",
            "field": data.get("field") or "",
            "company": data.get("company") or "",
            "sort": data.get("sort") or "name",
        }


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonForm(forms.Form):
    """Add or edit a person; lists are one per line or comma-separated."""

    full_name = forms.CharField(label="Name", max_length=200)
    title = forms.CharField(required=False, max_length=200)
    company = forms.CharField(required=False, max_length=200)
    field = forms.CharField(label="Field / industry", required=False, max_length=100)
    location = forms.CharField(required=False, max_length=200)
    emails = forms.CharField(
        required=False, widget=_textarea(2), help_text="One per line; the first is the primary."
    )
    phones = forms.CharField(required=False, widget=_textarea(2), help_text="One per line.")
    urls = forms.CharField(
        label="Links", required=False, widget=_textarea(2), help_text="One per line."
    )
    linkedin_url = forms.CharField(
        label="LinkedIn profile",
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "linkedin.com/in/…"}),
    )
    tags = forms.CharField(required=False, help_text="Comma-separated, e.g. mentors, climate.")
    interests = forms.CharField(required=False, help_text="Comma-separated.")
    birthday = forms.DateField(required=False, widget=_date_input())
    connected_on = forms.DateField(required=False, widget=_date_input())
    how_we_met = forms.CharField(label="How we met", required=False, widget=_textarea(2))
    looking_for = forms.CharField(
        label="Looking for", required=False, widget=_textarea(2), help_text="What they need now."
    )
    can_offer = forms.CharField(
        label="Can offer", required=False, widget=_textarea(2), help_text="What they are good at."
    )
    notes = forms.CharField(required=False, widget=_textarea(5), help_text="Markdown is fine.")

    @staticmethod
    def initial_for(person: Person) -> dict[str, Any]:
        """Return the form's initial values for an existing person."""
        contacts: dict[str, list[str]] = {"email": [], "phone": [], "url": []}
        for cp in person.contact_points.all():
            contacts[cp.kind].append(cp.value)
        return {
            "full_name": person.full_name,
            **{name: getattr(person, name) for name in services.PERSON_TEXT_FIELDS},
            **{name: getattr(person, name) for name in services.PERSON_DATE_FIELDS},
            "emails": "\n".join(contacts["email"]),
            "phones": "\n".join(contacts["phone"]),
            "urls": "\n".join(contacts["url"]),
            "linkedin_url": person.linkedin_url,
            "tags": ", ".join(tag.name for tag in person.tags.all()),
            "interests": ", ".join(person.interests or []),
        }

    def service_kwargs(self) -> dict[str, Any]:
        """Return keyword arguments for services.create_person / update_person."""
        data = self.cleaned_data
        return {
            "full_name": data["full_name"],
            **{name: data[name] for name in services.PERSON_TEXT_FIELDS},
            **{name: data[name] for name in services.PERSON_DATE_FIELDS},
            "emails": split_lines(data["emails"]),
            "phones": split_lines(data["phones"]),
            "urls": split_lines(data["urls"]),
            "linkedin_url": data["linkedin_url"].strip(),
            "tags": split_commas(data["tags"]),
            "interests": split_commas(data["interests"]),
        }


class InteractionForm(forms.Form):
    """Log an interaction with one person."""

    channel = forms.ChoiceField(choices=Interaction.Channel.choices, initial="message")
    direction = forms.ChoiceField(choices=Interaction.Direction.choices, initial="outbound")
    intent = forms.ChoiceField(choices=Interaction.Intent.choices, initial="neutral")
    subtype = forms.ChoiceField(label="Kind", required=False, choices=SUBTYPE_CHOICES)
    occurred_on = forms.DateField(label="Date", widget=_date_input())
    summary = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "What happened?"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Today in the user's time zone, computed per form rather than at import.
        self.fields["occurred_on"].initial = timezone.localdate()

    @staticmethod
    def initial_for(interaction: Interaction) -> dict[str, Any]:
        """Return the form's values for an existing interaction."""
        return {
            "channel": interaction.channel,
            "direction": interaction.direction,
            "intent": interaction.intent,
            "subtype": interaction.subtype,
            "occurred_on": timezone.localtime(interaction.occurred_at).date(),
            "summary": interaction.summary,
        }

    def clean_occurred_on(self) -> dt.date:
        """Refuse dates in the future, with the words the API and the CLI use."""
        day: dt.date = self.cleaned_data["occurred_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_sentence(validation.FUTURE_DATE))
        return day

    def clean_summary(self) -> str:
        """Refuse an over-long summary, as the services do."""
        try:
            return validation.text(
                self.cleaned_data["summary"], field="summary", limit=validation.MAX_SUMMARY
            )
        except validation.ValidationError as exc:
            raise forms.ValidationError(_sentence(exc.message)) from None

    def service_kwargs(self, *, keep: dt.datetime | None = None) -> dict[str, Any]:
        """Return keyword arguments for timeline.log_interaction (without owner/people).

        `keep` is the time an edited interaction had: while its date stays, so does
        its time of day.
        """
        data = self.cleaned_data
        day: dt.date = data["occurred_on"]
        if keep is not None and timezone.localtime(keep).date() == day:
            occurred_at = keep
        elif day == timezone.localdate():
            occurred_at = timezone.now()
        else:
            # Midday keeps the date stable in nearby time zones.
            occurred_at = timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))
        return {
            "occurred_at": occurred_at,
            "channel": data["channel"],
            "direction": data["direction"],
            "intent": data["intent"],
            "subtype": data["subtype"],
            "summary": data["summary"],
        }


class NoteForm(forms.Form):
    """Add a dated note to a person's timeline, or change one."""

    body = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Markdown is fine."}),
    )


class TokenForm(forms.Form):
    """Name a new personal API token."""

    name = forms.CharField(
        label="Token name",
        max_length=100,
        initial="",
        widget=forms.TextInput(attrs={"placeholder": "e.g. laptop script"}),
        help_text="So you can tell your tokens apart.",
    )


class CadenceForm(forms.Form):
    """Set the contact cadence of a person or a tag: a named one, a custom one or the default."""

    cadence = forms.ChoiceField(label="Cadence", choices=CADENCE_CHOICES, initial=cadences.DEFAULT)
    custom = forms.CharField(
        label="Custom cadence",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "45d, 6w, 3m"}),
        help_text="Days, weeks or months; overrides the choice.",
    )

    def __init__(self, *args: Any, for_tag: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Without an override a tag's people keep their circles' cadences; a person
        # follows their tags' cadence if one has any, else their circle's.
        default = "Circle default" if for_tag else "Default (tag or circle)"
        self.fields["cadence"].choices = [(cadences.DEFAULT, default), *CADENCE_CHOICES[1:]]

    @staticmethod
    def initial_for(setting: str) -> dict[str, str]:
        """Return initial values showing `setting` ("default", "monthly", "45d")."""
        if setting in dict(CADENCE_CHOICES):
            return {"cadence": setting, "custom": ""}
        return {"cadence": cadences.DEFAULT, "custom": setting}

    def clean(self) -> dict[str, Any]:
        """Parse the custom cadence (when given) or the choice into `choice`."""
        data = super().clean() or {}
        custom = (data.get("custom") or "").strip()
        raw = custom or data.get("cadence") or ""
        if self.errors or not raw:
            return data
        try:
            data["choice"] = cadences.parse_choice(raw)
        except ValueError as exc:
            message = str(exc)
            field = "custom" if custom else "cadence"
            self.add_error(field, f"{message[:1].upper()}{message[1:]}.")
        return data

    def first_error(self) -> str:
        """Return the first error, prefixed with its field's label (for a flash message)."""
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else "Cadence"
            return f"{label}: {errors[0]}"
        return ""
