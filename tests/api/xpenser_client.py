"""A test client for the Xpenser dialect: HTTP Basic credentials on every call."""

import base64

from tests.conftest import PASSWORD


def basic(login, password=PASSWORD):
    token = base64.b64encode(f"{login}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


class XClient:
    def __init__(self, client, headers):
        self.client = client
        self.headers = headers

    def get(self, path, params=None):
        return self.client.get("/api/" + path, query_string=params or {}, headers=self.headers)

    def post(self, path, data=None, *, json=None, params=None):
        return self.client.post("/api/" + path, data=data, json=json, query_string=params or {},
                                headers=self.headers)

    def delete(self, path):
        return self.client.delete("/api/" + path, headers=self.headers)

    def simple(self, text, **params):
        response = self.get("simple/", {"q": text, "format": "json", **params})
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()

    def create(self, **fields):
        response = self.post("expense/", fields)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()["id"]

    def expenses(self, **params):
        response = self.get("expenses/", {"format": "json", "report": "*", **params})
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()


def error(response, status, fragment=""):
    """Assert the Xpenser error shape: the same status in the body, and a message."""
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body["status"] == status and fragment.lower() in body["error"].lower(), body
    return body
