"""The small helpers every view uses: a form page's status, the page number."""

import pytest
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from spendsense.web.helpers import MAX_PAGE, page_arg, render_form


class NameForm(FlaskForm):
    name = StringField(validators=[DataRequired()])


@pytest.fixture
def page(app):
    """Render the error page, the simplest template there is, for a form."""
    def _render(form, **kwargs):
        return render_form("error.html", form, code=0, message="m", **kwargs)
    return _render


def test_a_form_page_is_200_until_something_is_wrong(app, page):
    with app.test_request_context("/", method="POST", data={"name": ""}):
        form = NameForm(meta={"csrf": False})
        assert page(form)[1] == 200
        form.validate()
        assert page(form)[1] == 422
        assert page(form, error_status=401)[1] == 401


def test_form_wide_errors_count_too(app, page):
    with app.test_request_context("/"):
        form = NameForm(meta={"csrf": False})
        form.form_errors.append("Wrong username or password.")
        assert page(form)[1] == 422


@pytest.mark.parametrize(("query", "number"), [
    ("", 1), ("page=3", 3), ("page=0", 1), ("page=-2", 1), ("page=²", 1), ("page=١", 1), ("page=3.5", 1),
    ("page=abc", 1), (f"page={MAX_PAGE}", MAX_PAGE), (f"page={MAX_PAGE + 1}", 1), ("page=" + "9" * 30, 1),
])
def test_page_numbers(app, query, number):
    with app.test_request_context(f"/?{query}"):
        assert page_arg() == number
