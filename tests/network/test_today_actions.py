"""Test that Today resurfaces saved articles and pending referral steps."""

import io
import json

from django.test import Client

from amity.cli import call
from amity.network import services as network
from amity.people import services
from amity.relationships.today import today_list
from tests.histories import with_history


def _overdue_friend(user, name: str, interests: list[str]):
    """Return a person with a real but quiet history, so Today picks them."""
    return with_history(
        user, name, days_ago=(400, 300, 200, 120), channel="call", interests=interests
    )


def test_it_adds_a_fitting_saved_article_to_todays_item(user) -> None:
    friend = _overdue_friend(user, "Ada Lovelace", ["heat pumps", "retrofitting old houses"])
    network.save_reading(owner=user, text="How heat pumps cut bills when retrofitting old houses")
    data = today_list(owner=user)
    item = next(i for i in data["items"] if i["id"] == friend.pk)
    assert "heat pumps" in item["reading"]["title"].lower()
    assert item["reading"]["text"].startswith("Share “")


def test_it_lists_pending_referral_steps_in_the_cli_and_on_the_page(user) -> None:
    referrer = _overdue_friend(user, "Grace Hopper", ["compilers"])
    referred = services.create_person(owner=user, full_name="Katherine Johnson")
    network.add_referrals(owner=user, referrer=referrer, people=[referred])
    out = io.StringIO()
    call("today", "--json", stdout=out)
    steps = json.loads(out.getvalue())["network"]["referrals"]
    assert [s["person_id"] for s in steps] == [referred.pk]
    client = Client()
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "Introductions and referrals waiting on you" in html
    assert steps[0]["text"] in html.replace("&#x27;", "'").replace("&quot;", '"')
