"""The user as PocketSmith describes one, and what PUT /users/{id} may change."""

from typing import Annotated

from pydantic import Field

from spendsense.api.v2.fields import Body, CurrencyIn, CurrencyOut, Out, Timestamp


class User(Out):
    id: int
    login: str
    name: str
    email: str
    beta_user: bool
    time_zone: str
    week_start_day: int
    is_reviewing_transactions: bool
    base_currency_code: CurrencyOut
    always_show_base_currency: bool
    using_multiple_currencies: bool
    available_accounts: int
    created_at: Timestamp
    updated_at: Timestamp


class UserChange(Body):
    name: Annotated[str, Field(max_length=100)] | None = None
    time_zone: str | None = None
    week_start_day: Annotated[int, Field(ge=0, le=6, strict=True)] | None = None
    beta_user: bool | None = None
    base_currency_code: CurrencyIn | None = None
    always_show_base_currency: bool | None = None
