"""Scenarios: an account's plans. Each account has one primary scenario, which holds its
budget events, and may have extra ones (a savings goal, a debt).

PocketSmith spells two keys with hyphens, ``minimum-value`` and ``maximum-value``: the
fields keep Python names and are written under the spec's (``serialize_by_alias``).

A scenario's balances are its account's: SpendSense keeps one balance per account and
a scenario plans on top of it. The spec's ``closing_balance`` (the end of the
forecast) and ``safe_balance`` are left out: SpendSense has no safe balance, and the
forecast is its own read (services/planning/forecast.py), too dear to run for every
account and event a list shows.
"""

from typing import Literal

from pydantic import ConfigDict, Field

from spendsense.api.v2.fields import Day, Money, Out, Timestamp

ScenarioType = Literal["no-interest", "savings", "debt"]


class Scenario(Out):
    model_config = ConfigDict(serialize_by_alias=True)

    id: int
    title: str
    description: str | None = None
    interest_rate: Money | None = None
    interest_rate_repeat_id: int
    type: ScenarioType
    minimum_value: Money | None = Field(None, serialization_alias="minimum-value")
    maximum_value: Money | None = Field(None, serialization_alias="maximum-value")
    achieve_date: Day | None = None
    starting_balance: Money
    starting_balance_date: Day | None = None
    current_balance: Money
    current_balance_date: Day
    current_balance_in_base_currency: Money | None = None
    current_balance_exchange_rate: Money | None = None
    created_at: Timestamp
    updated_at: Timestamp
