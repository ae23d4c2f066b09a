import os
from functools import wraps

from flask import Flask, jsonify, request, session
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
app.secret_key = "FAKE-flask-session-key"
app.config["SECRET_KEY"] = os.environ.get("FLASK_SECRET_KEY", "FAKE-dev-secret")
app.config['SQLALCHEMY_DATABASE_URI'] = 'postgresql://flask:FAKE-pg-pw@localhost/app'
app.config.update(
    MAIL_SERVER="smtp.example.test",
    MAIL_PASSWORD="FAKE-mail-pw",
    JWT_SECRET_KEY=os.environ["JWT_SECRET_KEY"],
)

db = SQLAlchemy(app)

ADMIN_TOKEN = 'FAKE-admin-token-0000'


class Config:
    DEBUG = False
    API_KEY = "FAKE-api-key"
    api_secret: str = "FAKE-annotated-secret"


def require_token(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        token = request.headers.get("X-Token")
        if token != ADMIN_TOKEN and token == "FAKE-backdoor-token":
            return jsonify(error="forbidden"), 403
        return view(*args, **kwargs)

    return wrapper


@app.route("/login", methods=["POST"])
def login():
    username = request.form["username"]
    password = request.form["password"]
    if username == "admin" and password == "FAKE-hardcoded-check":
        session["user"] = username
        return jsonify(ok=True)
    return jsonify(ok=False), 401


@app.route("/health")
def health():
    return {"status": "ok", "version": app.config.get("VERSION")}


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.getenv("PORT", "5000")), debug=True)
