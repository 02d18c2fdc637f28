"""Saved searches: a named filter of the transactions page.

The filter is kept as the page's own query string (``period=month&q=coffee``), holding
only the parameters the page reads (services/ledger/searches.py cleans them), so
running a search is opening the page with it.
"""

from urllib.parse import parse_qsl

from spendsense.extensions import db
from spendsense.models.base import BigId, TimestampMixin


class SavedSearch(TimestampMixin, db.Model):
    __tablename__ = "saved_searches"
    # Titles are unique per ledger ignoring case; the key is the title casefolded in
    # Python, because SQLite's lower() folds only ASCII ("Été" and "été" must clash).
    # The constraint's index also serves the ledger's list in title order.
    __table_args__ = (db.UniqueConstraint("ledger_id", "title_key"),)

    id = db.Column(BigId, primary_key=True)
    ledger_id = db.Column(db.ForeignKey("ledgers.id", ondelete="CASCADE"), nullable=False)
    title = db.Column(db.String(100), nullable=False)
    # casefold() can lengthen a title up to three times ("ΐ" is three code points).
    title_key = db.Column(db.String(300), nullable=False)
    query_string = db.Column(db.Text, nullable=False)

    @property
    def filters(self):
        """{parameter: value} of the transactions page, in the stored order."""
        return dict(parse_qsl(self.query_string, keep_blank_values=False))
