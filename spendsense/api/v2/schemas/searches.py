"""Saved searches: a named filter of the transactions list."""

from spendsense.api.v2.fields import Out, Timestamp


class SavedSearch(Out):
    id: int
    title: str
    created_at: Timestamp
    updated_at: Timestamp
