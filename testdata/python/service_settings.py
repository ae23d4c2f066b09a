"""Settings of a small service, as they are often committed by mistake."""
import os

import requests
from requests.auth import HTTPBasicAuth

DEBUG = False
SECRET_KEY = "k9#vq2$xw!7zr@p4m1n8&b6t3y5u0e"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "orders",
        "USER": "orders_app",
        "PASSWORD": "Tq7vWm2p#Lx9",
        "HOST": "db.internal",
    }
}
REDIS_URL = "redis://:Rk4nP8qZt2@cache.internal:6379/0"
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
SMTP_PASSWORD = os.getenv("SMTP_PASSWORD", "Jm3$kR8wq")
GITHUB_TOKEN = "ghp_R2d8Kq0ZbT5mXv9LpW3sY7nC1fH4jA6uE0gI"


class Client:
    api_key = "c3f9a1e7b5d24f08a6c19e2b"
    token_url = "https://auth.example.org/oauth/token"

    def fetch(self):
        return requests.get(
            "https://api.example.org/v1/orders",
            auth=HTTPBasicAuth("svc-orders", "Pz8!vN3qLw"),
            timeout=5,
        )


def connect(password="Hx5mQ2vR9k"):
    return password


# Near misses, none of which is a credential:
PASSWORD_MIN_LENGTH = 12
password_field = "password"
db_password = os.environ["DB_PASSWORD"]
api_token = settings_token()
secret = f"{prefix}-{suffix}"
admin_password = "<your-password>"
placeholder_token = "changeme"
AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
