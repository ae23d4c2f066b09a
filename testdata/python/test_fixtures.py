import pytest

from shop.auth import check_password, hash_password

TEST_PASSWORD = "FAKE-test-password"


@pytest.fixture
def user(db):
    return db.create_user(username="alice", password="FAKE-fixture-pw", email="alice@example.test")


@pytest.fixture
def api_client(client, settings):
    settings.API_TOKEN = "FAKE-settings-token"
    client.credentials(HTTP_AUTHORIZATION="Token FAKE-drf-token")
    return client


@pytest.fixture(params=["FAKE-param-pw-1", "FAKE-param-pw-2"])
def password(request):
    return request.param


def test_hash_roundtrip(password):
    hashed = hash_password(password)
    assert check_password(password, hashed)
    assert hashed != "FAKE-plain-text"


def test_login(client, user):
    resp = client.post("/login", data={"username": "alice", "password": "FAKE-fixture-pw"})
    assert resp.status_code == 200


def test_env(monkeypatch):
    monkeypatch.setenv("DB_PASSWORD", "FAKE-monkeypatched-pw")
    monkeypatch.setattr("shop.settings.SECRET_KEY", "FAKE-patched-secret")
    assert os.environ["DB_PASSWORD"] == "FAKE-monkeypatched-pw"


class TestTokens:
    token = "FAKE-class-token"
    secrets = {
        "github": "ghp_FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE",
        "slack": "xoxb-FAKE-FAKE-FAKE",
    }

    def test_tokens(self, user, token_value="FAKE-default-arg-token"):
        user.api_key, user.api_secret = "FAKE-unpacked-key", "FAKE-unpacked-secret"
        assert user.api_key == self.token or token_value
