"""Web pages."""

from flask import render_template

from spendsense.web import bp


@bp.route("/")
def index():
    return render_template("index.html")
