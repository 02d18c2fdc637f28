"""Budget events and budget analysis: the answers (Event, BudgetAnalysisPackage,
BudgetAnalysis, Period, with the spec's field names) and the queries and bodies that
read and write them.

An event is one occurrence of a series; its id is ``<series id>-<unix date>``
(services/planning/repeats.py), so an event's date is 1 January 1970 or later: an
earlier one would have an id with a negative time that no client reads back (nor
repeats.parse_occurrence_id). The bodies check shape only; the event service checks
the values (the category, the currency, the limits of a rule). SpendSense knows more of
an event than PocketSmith's bodies list (an end date or a count, a colour, posting it
automatically): a body may send those too.

A budget's dates are widened to whole periods by the analysis, which also refuses a
range of more periods than a budget has (services/planning/periods.py).
"""

from datetime import date
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

from spendsense.api.openapi import no_null_defaults
from spendsense.api.v2.fields import AmountIn, Body, CurrencyIn, CurrencyOut, Day, Money, Out, Query
from spendsense.api.v2.schemas.accounts import DayIn, IdIn
from spendsense.api.v2.schemas.categories import Category, Colour
from spendsense.api.v2.schemas.scenarios import Scenario
from spendsense.api.v2.schemas.transaction_queries import DAY, Flag, PageNumber, PerPage
from spendsense.models.planning import REPEAT_TYPES
from spendsense.services import validation

RepeatType = Literal[REPEAT_TYPES]
Behaviour = Literal["one", "forward", "all"]
AnalysisPeriod = Literal["weeks", "months", "years", "event"]
# The longest window of events one request reads: every occurrence in it is worked out
# (the list is paged after), so the window, not the page, bounds the work.
MAX_WINDOW_DAYS = 5 * 366
MAX_INTERVAL = 1000
MAX_IDS = 100


# --- answers


class Event(Out):
    id: str = Field(description="`<series id>-<unix time of the date>`.", examples=["42-1601942400"])
    category: Category
    scenario: Scenario
    amount: Money
    amount_in_base_currency: Money | None = None
    currency_code: CurrencyOut
    date: Day
    colour: str | None = None
    note: str | None = None
    repeat_type: RepeatType
    repeat_interval: int
    series_id: int
    series_start_id: str = Field(description="The id of the series' first occurrence.")
    infinite_series: bool


class Period(Out):
    start_date: Day
    end_date: Day
    currency_code: CurrencyOut
    actual_amount: Money
    forecast_amount: Money = Field(description="The budgeted amount, including what a category with "
                                               "rollover carries in from the period before.")
    refund_amount: Money
    current: bool
    over_budget: bool
    under_budget: bool
    over_by: Money
    under_by: Money
    percentage_used: Money | None = None


class BudgetAnalysis(Out):
    start_date: Day
    end_date: Day
    currency_code: CurrencyOut
    total_actual_amount: Money
    average_actual_amount: Money
    total_forecast_amount: Money
    average_forecast_amount: Money
    total_over_by: Money
    total_under_by: Money
    periods: list[Period]


class BudgetAnalysisPackage(Out):
    category: Category | None = None
    is_transfer: bool
    expense: BudgetAnalysis | None = None
    income: BudgetAnalysis | None = None


# --- queries


def _empty_is_none(value):
    return None if isinstance(value, str) and not value.strip() else value


def _required_day(value):
    """A date as YYYY-MM-DD, within the dates SpendSense keeps."""
    value = _empty_is_none(value)
    if not isinstance(value, str) or not DAY.fullmatch(value.strip()):
        raise ValueError("must be a date as YYYY-MM-DD")
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError("is not a date of the calendar") from None
    if not validation.MIN_DATE <= day <= validation.MAX_DATE:
        raise ValueError(f"must be between {validation.MIN_DATE} and {validation.MAX_DATE}")
    return day


def _ids_of(noun):
    def ids(value):
        value = _empty_is_none(value)
        parts = [part.strip() for part in str(value).split(",")] if value is not None else []
        if not parts or not all(part.isascii() and part.isdigit() for part in parts):
            raise ValueError(f"must be a {noun} id or a comma-separated list of them")
        found = {int(part) for part in parts}
        if any(not 1 <= number <= validation.MAX_ID for number in found):
            raise ValueError(f"names no {noun} id")
        if len(found) > MAX_IDS:
            raise ValueError(f"may name at most {MAX_IDS} {noun} ids")
        return tuple(sorted(found))

    return ids


QueryDay = Annotated[date, BeforeValidator(_required_day),
                     WithJsonSchema({"type": "string", "format": "date", "examples": ["2020-10-01"]},
                                    mode="validation")]
IDS_SCHEMA = {"type": "string", "pattern": r"^\d+(,\d+)*$", "examples": ["42,49"]}
CategoryIds = Annotated[tuple[int, ...], BeforeValidator(_ids_of("category")), WithJsonSchema(IDS_SCHEMA)]
ScenarioIds = Annotated[tuple[int, ...], BeforeValidator(_ids_of("scenario")), WithJsonSchema(IDS_SCHEMA)]


def _no_python_defaults(schema, _model):
    """A parameter left out takes the value its description names; the Python defaults
    (None, False) are not values of the parameters' types in a query string."""
    for prop in schema.get("properties", {}).values():
        prop.pop("default", None)


class _Window(Query):
    start_date: QueryDay
    end_date: QueryDay

    @model_validator(mode="after")
    def _in_order(self):
        if self.end_date < self.start_date:
            raise ValueError("end_date must not be before start_date")
        return self


class EventWindow(_Window):
    model_config = ConfigDict(json_schema_extra=_no_python_defaults)

    start_date: QueryDay = Field(description="The events from and including this date.")
    end_date: QueryDay = Field(description=f"The events until and including this date (at most "
                                           f"{MAX_WINDOW_DAYS} days after start_date).")
    page: PageNumber = Field(None, description="The page, from 1.")
    per_page: PerPage = Field(None, description="Events per page, 10 to 1000 (default 30).")

    @model_validator(mode="after")
    def _not_too_long(self):
        if (self.end_date - self.start_date).days > MAX_WINDOW_DAYS:
            raise ValueError(f"start_date and end_date may be at most {MAX_WINDOW_DAYS} days apart")
        return self


class EventDeletion(Query):
    behaviour: Behaviour = Field(description="one: only this event; forward: this one and the series' "
                                             "later ones; all: the whole series.")


class BudgetQuery(Query):
    model_config = ConfigDict(json_schema_extra=_no_python_defaults)

    roll_up: Flag = Field(False, description="1/true: each parent category's figures include its "
                                             "children's (which are still listed on their own).")


class AnalysisQuery(_Window):
    model_config = ConfigDict(json_schema_extra=_no_python_defaults)

    period: AnalysisPeriod = Field(description="weeks, months or years; event (the periods between one "
                                               "occurrence and the next) when every series analysed aligns.")
    interval: Annotated[int, Field(ge=1, le=MAX_INTERVAL)] = Field(
        description="How many of `period` one period spans: weeks and 2 is fortnightly.")
    start_date: QueryDay = Field(description="Widened to the start of its period.")
    end_date: QueryDay = Field(description="Widened to the end of its period (at most 1000 periods in all).")


class TrendQuery(AnalysisQuery):
    categories: CategoryIds = Field(description="The categories to analyse (comma-separated ids).")
    scenarios: ScenarioIds = Field(description="The scenarios whose events are the forecast (comma-separated "
                                               "ids); actuals come from every account.")


# --- bodies


def _whole(value):
    """JSON's true is no number of steps (pydantic would read it as 1)."""
    if isinstance(value, bool):
        raise ValueError("must be a whole number")
    return value


UNIX_DAY_ZERO = date(1970, 1, 1)


def _from_unix_day_zero(day):
    if day < UNIX_DAY_ZERO:
        raise ValueError(f"must be {UNIX_DAY_ZERO} or later: an event's id is its unix date")
    return day


EventDay = Annotated[DayIn, AfterValidator(_from_unix_day_zero)]
Interval = Annotated[int, Field(ge=1, le=MAX_INTERVAL), BeforeValidator(_whole)]
Note = Annotated[str, Field(max_length=500)]
Count = Annotated[int, Field(ge=1, le=10_000), BeforeValidator(_whole)]


class EventNew(Body):
    model_config = ConfigDict(json_schema_extra=no_null_defaults)

    category_id: IdIn
    date: EventDay = Field(description="The series' first date (1970-01-01 or later).")
    amount: AmountIn = Field(description="Positive: money in; negative: money out.")
    repeat_type: RepeatType
    repeat_interval: Interval = 1
    note: Note | None = None
    end_date: DayIn | None = Field(None, description="SpendSense only: the last date an event may fall on.")
    occurrences: Count | None = Field(None, description="SpendSense only: how many events the series has.")
    colour: Colour | None = None
    post_automatically: bool = Field(False, description="SpendSense only: record each event as a transaction "
                                                        "when it falls due.")
    currency_code: CurrencyIn | None = Field(None, description="SpendSense only: the amount's currency "
                                                               "(default: the scenario's account's).")


class UserEventNew(EventNew):
    scenario_id: IdIn | None = Field(None, description="SpendSense only: the scenario to plan in (default: "
                                                       "the primary scenario of the first account).")


class EventChange(Body):
    """Which events a change reaches is ``behaviour``'s: one (this date only, which
    becomes an event of its own), forward (this date and the later ones, which become a
    series of their own) or all (the whole series)."""

    model_config = ConfigDict(json_schema_extra=no_null_defaults)

    behaviour: Behaviour
    amount: AmountIn | None = None
    repeat_type: RepeatType | None = None
    repeat_interval: Interval | None = None
    note: Note | None = None
    category_id: IdIn | None = Field(None, description="SpendSense only.")
    date: EventDay | None = Field(None, description="SpendSense only: move the event to this date.")
    end_date: DayIn | None = Field(None, description="SpendSense only: null repeats for ever.")
    colour: Colour | None = None
    post_automatically: bool | None = Field(None, description="SpendSense only.")
