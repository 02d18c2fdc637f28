"""Recurring transactions posted by the first request of the day, without cron.

A deployment may run ``flask post-due`` from cron; without it, the first request a
process serves in a new run period calls ``recurring.post_due`` for every ledger
before the request goes on. The check is in memory, per app and process: every other
request pays one comparison. Each ledger posts up to its own today (its owner's time
zone), and no single moment starts everyone's day, so a day has two run periods, from
00:00 and from 12:00 UTC: owners from UTC to UTC+14 get theirs early in their day from
the first, owners west of UTC early in theirs from the second. Several processes (or
both periods) running it is harmless: post_due records each occurrence once.

A failure is logged and never fails the request; the next period tries again.

Config ``POST_DUE_ON_REQUEST`` (environment ``SPENDSENSE_POST_DUE_ON_REQUEST``, see
config.py) turns it on or off; on by default, off in TestingConfig.
"""

import logging
import threading
from datetime import UTC, datetime

from spendsense.extensions import db

log = logging.getLogger(__name__)
SETTING = "POST_DUE_ON_REQUEST"


def now():
    return datetime.now(UTC)


def run_period(moment):
    """The run period a UTC moment falls in: its date and which half of it."""
    return moment.date(), moment.hour >= 12


def register(app):
    state = {"period": None}
    lock = threading.Lock()

    @app.before_request
    def _post_due_first_in_period():
        if not app.config.get(SETTING):
            return
        period = run_period(now())
        if state["period"] == period:
            return
        with lock:
            if state["period"] == period:
                return
            state["period"] = period
        from spendsense.services.planning import recurring

        try:
            counts = recurring.post_due()
        except Exception:  # a request must never fail for it
            db.session.rollback()
            log.exception("post-due on the first request of %s failed", period[0].isoformat())
        else:
            log.info("post-due: %(posted)d posted, %(matched)d matched, %(failed)d failed", counts)
