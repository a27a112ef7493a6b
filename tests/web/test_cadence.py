"""Test setting contact cadences from the person page and from a tag's people list."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from amity.people.models import Person, Tag
from amity.relationships import scoring as relationships
from amity.relationships.models import CadenceOverride
from tests.histories import engine_cadence
from tests.histories import with_history as friend
from tests.web.conftest import FormClient


def person_page(person: Person) -> str:
    """Return the address of a person's page."""
    return reverse("person", kwargs={"person_id": person.pk})


def set_person_cadence(web: FormClient, person: Person, **data: str) -> Any:
    """Post the cadence form on a person's page with its CSRF token."""
    return web.submit(
        person_page(person), reverse("person_cadence", kwargs={"person_id": person.pk}), data
    )


def tag_page(name: str) -> str:
    """Return the address of the people list filtered by one tag."""
    return f"{reverse('people')}?{urlencode({'tag': name})}"


def test_it_shows_the_circle_default_cadence_and_a_form_on_the_person_page(web, user) -> None:
    grace = friend(user)
    html = web.get(person_page(grace)).content.decode()
    assert "Weekly" in html and "every 7 days" in html and "circle default" in html
    assert reverse("person_cadence", kwargs={"person_id": grace.pk}) in html
    assert '<option value="default" selected>Default (tag or circle)</option>' in html


def test_it_sets_a_persons_cadence_and_the_engine_uses_it(web, user) -> None:
    grace = friend(user)
    assert engine_cadence(grace) == 7
    response = set_person_cadence(web, grace, cadence="monthly", custom="")
    assert response.status_code == 302
    assert response["Location"] == f"{person_page(grace)}#cadence"
    assert engine_cadence(grace) == 30
    assert CadenceOverride.objects.get(person=grace).days == 30
    html = web.get(person_page(grace)).content.decode()
    assert "Cadence for Grace: monthly" in html
    assert "set for Grace" in html
    assert '<option value="monthly" selected>' in html


def test_it_lets_a_custom_cadence_win_over_the_choice(web, user) -> None:
    grace = friend(user)
    set_person_cadence(web, grace, cadence="weekly", custom="45d")
    assert engine_cadence(grace) == 45
    html = web.get(person_page(grace)).content.decode()
    assert "Every 45 days" in html and 'value="45d"' in html


def test_it_stops_reminders_with_never_and_removes_the_override_with_default(web, user) -> None:
    grace = friend(user)
    set_person_cadence(web, grace, cadence="never", custom="")
    assert engine_cadence(grace) is None
    assert CadenceOverride.objects.get(person=grace).days is None
    assert "No reminders" in web.get(person_page(grace)).content.decode()

    response = set_person_cadence(web, grace, cadence="default", custom="")
    assert response.status_code == 302
    assert not CadenceOverride.objects.filter(person=grace).exists()
    assert engine_cadence(grace) == 7
    assert "Cadence for Grace: back to the default" in web.get(person_page(grace)).content.decode()


def test_it_shows_a_bad_cadence_next_to_its_field_and_changes_nothing(web, user) -> None:
    grace = friend(user)
    relationships.set_cadence(owner=user, days=30, person=grace)
    response = set_person_cadence(web, grace, cadence="weekly", custom="sometimes")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_custom_error"' in html and "Unknown cadence &#x27;sometimes&#x27;" in html
    assert 'value="sometimes"' in html  # the form keeps what was typed, and stays open
    assert '<details class="cadence-change" open>' in html
    assert CadenceOverride.objects.get(person=grace).days == 30
    assert engine_cadence(grace) == 30

    response = set_person_cadence(web, grace, cadence="hourly", custom="")
    assert 'id="id_cadence_error"' in response.content.decode()
    response = set_person_cadence(web, grace, cadence="weekly", custom="99999d")
    assert "over 3650 days" in response.content.decode()
    assert CadenceOverride.objects.get(person=grace).days == 30


def test_it_refuses_a_cadence_post_without_the_csrf_token(web, user) -> None:
    grace = friend(user)
    response = web.post(
        reverse("person_cadence", kwargs={"person_id": grace.pk}), {"cadence": "weekly"}
    )
    assert response.status_code == 403
    assert not CadenceOverride.objects.exists()


def test_it_sends_a_get_back_to_the_person_page(web, user) -> None:
    grace = friend(user)
    response = web.get(reverse("person_cadence", kwargs={"person_id": grace.pk}))
    assert response.status_code == 302 and response["Location"].startswith(person_page(grace))


def test_it_shows_a_tags_cadence_on_the_person_page(web, user) -> None:
    grace = friend(user, tags=["mentors", "navy"])
    relationships.set_cadence(owner=user, days=91, tag=Tag.objects.get(owner=user, name="mentors"))
    html = web.get(person_page(grace)).content.decode()
    assert "Quarterly" in html and "from the tag" in html
    assert f'href="{tag_page("mentors").replace("&", "&amp;")}"' in html


def test_it_offers_a_tags_cadence_on_its_people_list(web, user) -> None:
    friend(user, tags=["mentors"])
    tag = Tag.objects.get(owner=user, name="mentors")
    response = web.get(tag_page("mentors"))
    assert "tag_cadence" in response.context
    html = response.content.decode()
    assert reverse("tag_cadence", kwargs={"tag_id": tag.pk}) in html
    assert "circle default" in html
    # No tag chosen, or one that does not exist: no tag form.
    assert "tag_cadence" not in web.get(reverse("people")).context
    assert "tag_cadence" not in web.get(tag_page("nope")).context


def test_it_sets_a_tags_cadence_and_the_engine_uses_it(web, user) -> None:
    grace = friend(user, tags=["mentors"])
    alan = friend(user, "Alan Turing", tags=["mentors"])
    relationships.set_cadence(owner=user, days=14, person=alan)
    tag = Tag.objects.get(owner=user, name="mentors")
    action = reverse("tag_cadence", kwargs={"tag_id": tag.pk})
    response = web.submit(tag_page("mentors"), action, {"cadence": "monthly", "custom": "6w"})
    assert response.status_code == 302 and response["Location"] == tag_page("mentors")
    assert engine_cadence(grace) == 42
    assert engine_cadence(alan) == 14  # a person's own cadence wins over the tag's
    html = web.get(tag_page("mentors")).content.decode()
    assert "Cadence for people tagged mentors: every 42 days" in html
    assert "for everyone tagged mentors" in html

    web.submit(tag_page("mentors"), action, {"cadence": "default", "custom": ""})
    assert not CadenceOverride.objects.filter(tag=tag).exists()
    assert engine_cadence(grace) == 7  # circle 1's default


def test_it_refuses_a_bad_tag_cadence_with_a_message_naming_the_field(web, user) -> None:
    grace = friend(user, tags=["mentors"])
    tag = Tag.objects.get(owner=user, name="mentors")
    relationships.set_cadence(owner=user, days=30, tag=tag)
    action = reverse("tag_cadence", kwargs={"tag_id": tag.pk})
    response = web.submit(
        tag_page("mentors"), action, {"cadence": "weekly", "custom": "0d"}, follow=True
    )
    html = response.content.decode()
    assert "Nothing changed. Custom cadence: Unknown cadence &#x27;0d&#x27;" in html
    assert CadenceOverride.objects.get(tag=tag).days == 30
    assert engine_cadence(grace) == 30


def test_it_answers_404_for_someone_elses_person_or_tag(web: FormClient, other_user) -> None:
    theirs = friend(other_user, "Bob's Friend", tags=["secret"])
    tag = Tag.objects.get(owner=other_user)
    token = web.csrf_token(reverse("people"))
    for action in (
        reverse("person_cadence", kwargs={"person_id": theirs.pk}),
        reverse("tag_cadence", kwargs={"tag_id": tag.pk}),
    ):
        response = web.post(action, {"cadence": "weekly", "csrfmiddlewaretoken": token})
        assert response.status_code == 404
    assert not CadenceOverride.objects.exists()
    # Bob's tag name on ada's list offers no form for his tag.
    assert "tag_cadence" not in web.get(tag_page("secret")).context
