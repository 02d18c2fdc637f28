"""Template filters: money and dates, formatted with Babel in the user's locale."""

from babel.dates import format_date
from flask_login import current_user

from spendsense import money
from spendsense.web import bp


def _locale():
    return getattr(current_user, "locale", None) or "en_GB"


@bp.app_template_filter("minor")
def format_minor(minor, currency):
    """Integer minor units -> '€1,234.50'."""
    return money.format_money(money.from_minor(minor, currency), currency, _locale())


@bp.app_template_filter("money")
def format_decimal(amount, currency):
    return money.format_money(amount, currency, _locale())


@bp.app_template_filter("day")
def format_day(value, style="medium"):
    return format_date(value, format=style, locale=_locale())


@bp.app_template_filter("weekday_day")
def format_weekday_day(value):
    return format_date(value, format="EEEE, d MMMM y", locale=_locale())


@bp.app_template_filter("zip")
def zip_with(left, right):
    return zip(left, right, strict=False)
