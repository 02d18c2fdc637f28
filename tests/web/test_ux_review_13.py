"""Issue 13's UX review: the confirmation page says what it is for and cancels back to
where the user was, project settings say when the code change shut others out, the
invitation link can be copied and shared, and an old ihatemoney login link opens a
project this browser may already open."""

import re

from spendsense.services.auth import tokens
from tests.conftest import PASSWORD
from tests.web.helpers import text

CODE = "flat-code"


def new_project(client, project_id="flat-12"):
    data = {"name": "Flat 12", "id": project_id, "password": CODE, "contact_email": "flat@example.com",
            "default_currency": "EUR"}
    assert client.post("/projects/new", data=data).status_code == 302


def cancel_link(html):
    return re.search(r'<a class="button secondary" href="([^"]*)">Cancel</a>', html).group(1)


# --- "Confirm it is you" says what for -------------------------------------------------

def test_revoking_a_key_says_which_key_and_cancels_back_to_the_keys(logged_in, user):
    key = tokens.issue(user.id, "Laptop CLI")[0]
    asked = logged_in.post(f"/link_api/{key.id}/revoke", headers={"Referer": "http://localhost/link_api/"})
    html = text(asked)
    assert "Enter your password to revoke the API key “Laptop CLI”." in html
    assert cancel_link(html) == "/link_api/"
    # A wrong password keeps both (the Referer is now the confirmation itself).
    wrong = logged_in.post(f"/link_api/{key.id}/revoke", data={"reauth_password": "wrong", "reauth_back": "/link_api/"},
                           headers={"Referer": f"http://localhost/link_api/{key.id}/revoke"})
    assert wrong.status_code == 401
    assert "to revoke the API key “Laptop CLI”." in text(wrong) and cancel_link(text(wrong)) == "/link_api/"


def test_making_a_key_says_so(logged_in):
    asked = logged_in.post("/link_api/", data={"name": "Laptop CLI"}, headers={"Referer": "http://localhost/link_api/"})
    assert "Enter your password to make a new API key." in text(asked) and cancel_link(text(asked)) == "/link_api/"


def test_the_two_factor_actions_say_what_they_do(logged_in):
    off = logged_in.post("/account/two-factor/disable", headers={"Referer": "http://localhost/account/two-factor"})
    assert "Enter your password to switch two-factor login off." in text(off)
    assert cancel_link(text(off)) == "/account/two-factor"
    codes = logged_in.post("/account/two-factor/recovery-codes")
    assert "Enter your password to make new recovery codes." in text(codes)
    assert cancel_link(text(codes)) == "/profile"  # no page to go back to: the profile


def test_the_confirmation_page_of_a_get_names_the_guarded_page_not_a_text_from_the_link(logged_in):
    asked = logged_in.get("/account/delete", headers={"Referer": "http://localhost/profile?tab=security"})
    page = logged_in.get(asked.headers["Location"], headers={"Referer": "http://localhost/profile?tab=security"})
    assert "Enter your password to delete your account." in text(page)
    assert cancel_link(text(page)) == "/profile?tab=security"
    # Another site as the Referer, or a next that is no guarded page: nothing made up.
    other = logged_in.get("/account/confirm?next=/transactions", headers={"Referer": "https://evil.example/x"})
    assert "Enter your password to go on." in text(other) and cancel_link(text(other)) == "/profile"
    bare = logged_in.get("/account/confirm?next=//evil.example/account/delete")
    assert "to go on." in text(bare)


def test_the_confirmation_still_goes_on_with_the_action(logged_in, user):
    key = tokens.issue(user.id, "Laptop CLI")[0]
    done = logged_in.post(f"/link_api/{key.id}/revoke", data={"reauth_password": PASSWORD, "reauth_back": "/link_api/"},
                          follow_redirects=True)
    assert "Token “Laptop CLI” revoked." in text(done)


# --- project settings ------------------------------------------------------------------

def test_changing_the_code_says_who_is_shut_out(client, app):
    new_project(client)
    guest = app.test_client()
    invite = text(client.get("/projects/flat-12/invite"))
    link = re.search(r'value="(http://localhost/flat-12/join/[^"]+)"', invite).group(1)
    assert guest.get(link.removeprefix("http://localhost")).status_code == 302
    settings = {"name": "Flat 12", "contact_email": "flat@example.com", "default_currency": "EUR",
                "current_password": CODE}
    same = client.post("/projects/flat-12/settings", data=settings, follow_redirects=True)
    assert "Settings saved." in text(same) and "The private code changed" not in text(same)
    changed = client.post("/projects/flat-12/settings", data={**settings, "password": "a new code"},
                          follow_redirects=True)
    assert ("Settings saved. The private code changed: old invitation links and every other browser that had "
            "this project open are shut out.") in text(changed)
    assert guest.get("/projects/flat-12/bills").status_code == 302  # shut out, as the message says


def test_the_project_password_forms_name_the_project_for_password_managers(client):
    new_project(client)
    html = text(client.get("/projects/flat-12/settings"))
    usernames = re.findall(r'<input type="text" name="project_username" value="([^"]*)" autocomplete="username" hidden>',
                           html)
    assert usernames == ["flat-12", "flat-12"]  # the settings form and the deletion form
    deletion = html[html.index('id="delete-project"'):]
    deletion = deletion[:deletion.index("</form>")]
    assert "<legend>Delete the project</legend>" in deletion and 'name="password"' in deletion
    assert 'autocomplete="username"' in text(client.get("/projects/login"))


# --- invitation ------------------------------------------------------------------------

def test_the_invitation_link_has_copy_and_share_buttons(client):
    new_project(client)
    html = text(client.get("/projects/flat-12/invite"))
    assert '<button type="button" class="button" data-copy="#invite-link">Copy</button>' in html
    assert 'data-share="#invite-link"' in html and re.search(r'data-share="#invite-link"[^>]*hidden>Share', html)
    assert "<script>" not in html  # the CSP allows static scripts only


# --- the old ihatemoney login link -----------------------------------------------------

def test_authenticate_opens_a_project_this_browser_may_open(client, app):
    new_project(client)
    opened = client.get("/authenticate?project_id=flat-12")
    assert opened.status_code == 302 and opened.headers["Location"] == "/projects/flat-12/bills"
    stranger = app.test_client().get("/authenticate?project_id=flat-12")
    assert stranger.headers["Location"] == "/projects/login?id=flat-12"
    unknown = client.get("/authenticate?project_id=nope%00")
    assert unknown.status_code == 302 and unknown.headers["Location"].startswith("/projects/login")


def test_authenticate_opens_the_owners_project(logged_in, app):
    new_project(logged_in, "alices")
    with logged_in.session_transaction() as session:
        session.pop("projects", None)  # no grant in the cookie: only ownership
    assert logged_in.get("/authenticate?project_id=alices").headers["Location"] == "/projects/alices/bills"
