"""A v2 test client and the checks every v2 answer must pass."""

from decimal import Decimal

BASE = "/v2"


class V2Client:
    """Sends one user's key with every request; paths are relative to /v2."""

    def __init__(self, client, headers):
        self.client = client
        self.headers = headers

    def _call(self, method, path, **kwargs):
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.client.open(BASE + path, method=method, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self._call("GET", path, **kwargs)

    def post(self, path, json=None, **kwargs):
        return self._call("POST", path, json=json, **kwargs)

    def put(self, path, json=None, **kwargs):
        return self._call("PUT", path, json=json, **kwargs)

    def delete(self, path, **kwargs):
        return self._call("DELETE", path, **kwargs)


def error_of(response, status):
    """The message of a v2 error answer, after checking its status and shape."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    body = response.get_json()
    assert set(body) == {"error"} and isinstance(body["error"], str) and body["error"], body
    return body["error"]


def no_nulls(value, where="body"):
    """v2 leaves a key out rather than send null (COMPAT.md §4)."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert item is not None, f"{where}.{key} is null"
            no_nulls(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            no_nulls(item, f"{where}[{index}]")


def decimal_json(response):
    """The body with numbers read as Decimal, to compare amounts exactly."""
    import simplejson

    return simplejson.loads(response.get_data(as_text=True), use_decimal=True)


__all__ = ["BASE", "Decimal", "V2Client", "decimal_json", "error_of", "no_nulls"]
