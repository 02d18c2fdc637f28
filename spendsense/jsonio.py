"""JSON in and out with exact decimals.

Flask's default provider writes Decimal as a string and reads floats as binary
floats. Money must stay exact both ways, so requests are parsed with floats as
Decimal and responses write Decimal as a JSON number with its exact digits.
"""

import simplejson
from flask.json.provider import DefaultJSONProvider


class DecimalJSONProvider(DefaultJSONProvider):
    ensure_ascii = False
    sort_keys = False

    def dumps(self, obj, **kwargs):
        kwargs.setdefault("default", self.default)
        kwargs.setdefault("ensure_ascii", self.ensure_ascii)
        kwargs.setdefault("sort_keys", self.sort_keys)
        return simplejson.dumps(obj, use_decimal=True, **kwargs)

    def loads(self, s, **kwargs):
        return simplejson.loads(s, use_decimal=True, **kwargs)
