"""Test the OpenAPI document and the interactive docs."""

import re

from django.test import Client

EXPECTED_OPERATIONS = {
    ("/api/v1/me", "get"),
    ("/api/v1/people", "get"),
    ("/api/v1/people", "post"),
    ("/api/v1/people/{person_id}", "get"),
    ("/api/v1/people/{person_id}", "patch"),
    ("/api/v1/people/{person_id}", "delete"),
    ("/api/v1/people/{person_id}/interactions", "get"),
    ("/api/v1/interactions", "get"),
    ("/api/v1/interactions", "post"),
    ("/api/v1/interactions/{interaction_id}", "get"),
    ("/api/v1/interactions/{interaction_id}", "patch"),
    ("/api/v1/interactions/{interaction_id}", "delete"),
    ("/api/v1/tags", "get"),
}


def test_it_serves_the_openapi_document_with_every_route(db: None) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    operations = {(path, method) for path, item in document["paths"].items() for method in item}
    assert operations >= EXPECTED_OPERATIONS
    schemas = document["components"]["schemas"]
    assert {"PersonCreate", "PersonUpdate", "PersonPublic", "InteractionPublic"} <= set(schemas)
    assert "notes_html" in schemas["PersonPublic"]["properties"]


def test_it_documents_the_bearer_token_and_the_session(db: None) -> None:
    document = Client().get("/api/v1/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["TokenAuth"]["type"] == "http" and schemes["TokenAuth"]["scheme"] == "bearer"
    assert "amity token create" in schemes["TokenAuth"]["description"]
    assert (schemes["SessionAuth"]["type"], schemes["SessionAuth"]["in"]) == ("apiKey", "cookie")
    people = document["paths"]["/api/v1/people"]["get"]
    assert {"TokenAuth": []} in people["security"] and {"SessionAuth": []} in people["security"]


def test_it_serves_the_interactive_docs_from_local_files(db: None) -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html and "/api/v1/openapi.json" in html
    # A self-hosted app should not depend on a CDN for its docs.
    assert "cdn.jsdelivr.net" not in html
    assets = re.findall(r'(?:src|href)="(/static/ninja/[^"]+)"', html)
    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets)
    for asset in assets:
        assert Client().get(asset).status_code == 200, asset
