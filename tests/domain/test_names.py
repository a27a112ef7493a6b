"""Test name parsing and key normalisation."""

from amity.domain.names import (
    normalize_email,
    normalize_linkedin_url,
    normalize_phone,
    normalize_url,
    parse_name,
)


def test_it_splits_a_name_into_parts() -> None:
    name = parse_name("  Dr. Ada  King Lovelace Jr. ")
    assert name.full_name == "Dr. Ada King Lovelace Jr."
    assert (name.prefix, name.given_name, name.middle_name) == ("Dr.", "Ada", "King")
    assert (name.family_name, name.suffix) == ("Lovelace", "Jr.")
    assert name.sort_name == "lovelace ada king"


def test_it_normalises_every_spelling_of_a_linkedin_profile() -> None:
    expected = "https://www.linkedin.com/in/ada-lovelace"
    for raw in (
        "https://www.linkedin.com/in/Ada-Lovelace/",
        "linkedin.com/in/ada-lovelace",
        "http://uk.linkedin.com/in/ada-lovelace?trk=x",
        "www.linkedin.com/in/ada%2Dlovelace",
    ):
        assert normalize_linkedin_url(raw) == expected
    assert normalize_linkedin_url("https://example.com/in/ada") == ""
    assert normalize_linkedin_url("https://www.linkedin.com/company/acme") == ""


def test_it_normalises_contact_values() -> None:
    assert normalize_email(" MailTo:Ada@Example.ORG ") == "ada@example.org"
    assert normalize_phone("+44 (20) 7946-0958") == "+442079460958"
    assert normalize_phone("020 7946 0958") == "02079460958"
    assert normalize_url("HTTPS://www.Example.com/blog/") == "example.com/blog"
