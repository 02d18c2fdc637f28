"""/docs: public, a picker of the four OpenAPI documents, Swagger UI from this server
only, under every page's Content-Security-Policy, which allows nothing else."""

import re
from pathlib import Path

import pytest

from spendsense.security_headers import PAGE_POLICY
from spendsense.web.docs import DOCUMENTS
from tests.web.helpers import text

VENDOR = Path(__file__).parents[2] / "spendsense" / "static" / "vendor" / "swagger-ui"
SPEC_URLS = {"v2": "/v2/openapi.json", "v1": "/api/v1/openapi.json", "ihatemoney": "/api/projects/openapi.json",
             "xpenser": "/api/openapi.json"}


def test_the_page_needs_no_login_and_shows_v2_first(client):
    response = client.get("/docs")
    assert response.status_code == 200
    html = text(response)
    assert 'data-spec-url="/v2/openapi.json"' in html
    assert re.search(r'aria-current="page">SpendSense v2<', html)


@pytest.mark.parametrize("key, url", SPEC_URLS.items())
def test_the_picker_names_each_document_and_the_document_is_served(client, key, url):
    html = text(client.get(f"/docs?api={key}"))
    assert f'data-spec-url="{url}"' in html and 'id="spec-link"' in html
    for document in DOCUMENTS:
        assert f'href="/docs?api={document.key}"' in html
    assert client.get(url).status_code == 200


def test_an_unknown_document_is_not_found(client):
    assert client.get("/docs?api=soap").status_code == 404


def test_the_page_loads_scripts_and_styles_from_this_server_only(logged_in):
    response = logged_in.get("/docs")
    assert response.headers["Content-Security-Policy"] == PAGE_POLICY
    sources = re.findall(r'(?:src|href)="([^"]+)"', text(response))
    assert sources and all(source.startswith(("/", "?", "data:")) for source in sources), sources
    assert "<script>" not in text(response)  # no inline script: the policy would refuse it


def test_the_vendored_swagger_ui_is_complete_and_licensed():
    assert {path.name for path in VENDOR.iterdir()} == {
        "swagger-ui-bundle.js", "swagger-ui-bundle.js.LICENSE.txt", "swagger-ui.css", "LICENSE", "NOTICE"}
    assert "Apache License" in (VENDOR / "LICENSE").read_text()
    readme = (VENDOR.parent / "README.md").read_text()
    assert "`swagger-ui-dist` | 5.35.0 | Apache-2.0" in readme


def test_every_page_links_the_docs_in_its_footer(app, logged_in):
    footer = '<a href="/docs">API documentation</a></footer>'
    assert footer in text(app.test_client().get("/login"))
    assert footer in text(logged_in.get("/dashboard"))
