"""The API token page says the same key works for v2, with a curl example on the
page's own address: the new secret right after it is made, a placeholder otherwise."""

import re
from html import unescape

from tests.conftest import PASSWORD
from tests.web.helpers import key_form, text


def example(html):
    match = re.search(r'<pre class="code" id="v2-example">([^<]*)</pre>', html)
    assert match, "no v2 example on the page"
    return unescape(match.group(1))


def test_the_note_shows_a_placeholder_and_links_the_docs(logged_in):
    html = text(logged_in.get("/link_api/"))
    assert "PocketSmith-compatible API (v2)" in html
    assert example(html) == 'curl -H "X-Developer-Key: <your token>" http://localhost/v2/me'
    assert '<a href="/docs" id="docs-link">' in html


def test_the_example_uses_the_address_the_page_was_opened_on(client, user):
    host = "https://money.example.org"
    assert client.post("/login", base_url=host, data={"username": "alice", "password": PASSWORD}).status_code == 302
    html = text(client.get("/link_api/", base_url=host))
    assert example(html).endswith(" https://money.example.org/v2/me")


def test_a_new_token_appears_in_the_example_once_and_works_there(logged_in, user):
    # The answer to the POST shows the key, once (issue 13: never through the cookie).
    command = example(text(logged_in.post("/link_api/", data=key_form(logged_in, "Home Assistant", PASSWORD))))
    key, url = re.fullmatch(r'curl -H "X-Developer-Key: ([0-9a-f]+)" (\S+)', command).groups()
    # The command as printed answers with the key's owner.
    response = logged_in.get(url, headers={"X-Developer-Key": key})
    assert response.status_code == 200 and response.get_json()["login"] == "alice"
    again = text(logged_in.get("/link_api/"))
    assert key not in again
    assert "<your token>" in example(again)
