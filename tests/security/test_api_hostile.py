"""Walk every API operation in the OpenAPI document with hostile values: never a 500.

Each path parameter, query parameter and body field gets, in turn, huge integers,
NUL and other control characters, a 1 MB string and values of the wrong type, while
the others keep plausible values. Out-of-range integers and control characters must
answer 422 with a JSON error; nothing may answer 5xx.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.test import Client

from amity.accounts.services import create_token
from amity.people.models import Interaction, Person

HUGE = [10**20, -(10**20), 2**63, 2**64 + 1]
CONTROL = ["\x00", "a\x00b", "tab\x01bell\x07"]
MEGABYTE = "x" * 1_000_000
WRONG_TYPES: list[Any] = [[], {}, True, "not a number", 1.5, None, [10**20], ["\x00"]]
QUERY_WRONG = ["abc", "1.5", "", "[]", "true"]
PATH_VALUES = ["99999999999999999999", "9223372036854775808", "-1", "0", "abc", "%00", "x" * 10_000]


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    for key in ("anyOf", "allOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return _resolve(document, options[0]) if options else schema
    return schema


def _sample(document: dict[str, Any], schema: dict[str, Any], ids: dict[str, int]) -> Any:
    schema = _resolve(document, schema)
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    kind = schema.get("type")
    if kind == "integer":
        return ids["person"]
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object":
        return {}
    if schema.get("format") == "date-time":
        return "2026-01-01T10:00:00Z"
    if schema.get("format") == "date":
        return "2026-01-01"
    return "x"


def _base_body(document: dict[str, Any], schema: dict[str, Any], ids: dict[str, int]) -> dict:
    schema = _resolve(document, schema)
    properties = schema.get("properties", {})
    return {name: _sample(document, properties[name], ids) for name in schema.get("required", [])}


def _path_for(template: str, params: list[dict], ids: dict[str, int], hostile: tuple) -> str:
    path = template
    for param in params:
        if param["in"] != "path":
            continue
        name = param["name"]
        if hostile and hostile[0] == name:
            value = hostile[1] if hostile[1] == "%00" else quote(hostile[1], safe="")
        elif name == "step":
            value = "accept"
        else:
            value = str(ids.get(name.removesuffix("_id"), ids["person"]))
        path = path.replace("{" + name + "}", value)
    return path


@pytest.fixture
def target(transactional_db: None, user: Any) -> tuple[Client, dict[str, int]]:
    person = Person.objects.create(owner=user, full_name="Ada Lovelace")
    interaction = Interaction.objects.create(
        owner=user, occurred_at="2026-01-01T10:00:00Z", channel="email", summary="hello"
    )
    interaction.people.add(person)
    ids = {"person": person.pk, "interaction": interaction.pk}
    _, raw = create_token(owner=user, name="tests")
    # A 500 must count as an answer here, not surface as the view's exception.
    client = Client(headers={"Authorization": f"Bearer {raw}"}, raise_request_exception=False)
    return client, ids


def _operations(client: Client) -> list[tuple[str, str, dict[str, Any]]]:
    document = client.get("/api/v1/openapi.json").json()
    found = [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]
    assert len(found) >= 40
    return found


def _send(client: Client, method: str, path: str, query: dict, body: Any) -> int:
    url = f"{path}?{urlencode(query)}" if query else path
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    return client.generic(method.upper(), url, **kwargs).status_code


def test_it_never_answers_5xx_to_hostile_values_on_any_operation(target) -> None:
    client, ids = target
    document = client.get("/api/v1/openapi.json").json()
    failures: list[str] = []
    sent = 0
    for path, method, operation in _operations(client):
        params = operation.get("parameters", [])
        body_schema = (
            operation.get("requestBody", {})
            .get("content", {})
            .get("application/json", {})
            .get("schema")
        )
        body = _base_body(document, body_schema, ids) if body_schema else None
        cases: list[tuple[str, tuple, dict, Any, bool]] = []
        for param in params:
            name, schema = param["name"], _resolve(document, param["schema"])
            if param["in"] == "path":
                for value in PATH_VALUES:
                    cases.append((f"path {name}={value[:20]!r}", (name, value), {}, body, False))
            elif param["in"] == "query":
                integer = schema.get("type") == "integer"
                for value in [*map(str, HUGE), *CONTROL, MEGABYTE, *QUERY_WRONG]:
                    must_422 = value in CONTROL or (integer and value in map(str, HUGE))
                    cases.append(
                        (f"query {name}={value[:20]!r}", (), {name: value}, body, must_422)
                    )
        if body_schema:
            properties = _resolve(document, body_schema).get("properties", {})
            for name in properties:
                for value in [*HUGE, *CONTROL, MEGABYTE, *WRONG_TYPES]:
                    must_422 = value in HUGE or value in CONTROL
                    cases.append(
                        (
                            f"body {name}={str(value)[:20]!r}",
                            (),
                            {},
                            {**body, name: value},
                            must_422,
                        )
                    )
        for label, hostile, query, payload, must_422 in cases:
            url = _path_for(path, params, ids, hostile)
            status = _send(client, method, url, query, payload)
            sent += 1
            if status >= 500 or (must_422 and status != 422):
                failures.append(f"{method.upper()} {path} {label}: {status}")
    assert sent > 1000
    assert not failures, "\n".join(failures)


def test_it_answers_422_with_a_json_error_for_an_out_of_range_offset(target) -> None:
    client, _ = target
    response = client.get("/api/v1/people?offset=99999999999999999999")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "offset"


def test_it_answers_422_for_nul_in_a_search(target) -> None:
    client, _ = target
    response = client.get("/api/v1/people?q=ada%00")
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["field"] == "q" and "control character" in detail["message"]
