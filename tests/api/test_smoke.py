def test_token_check(client, auth, user):
    response = client.get("/api/v1/token/check/", headers=auth)
    assert response.status_code == 200
    assert response.get_json() == {"status": "valid", "user": "alice"}
