import os

import psycopg2
import pymysql
from sqlalchemy import create_engine
from sqlalchemy.engine import URL

DB_USER = os.getenv("DB_USER", "app")
DB_PASSWORD = os.getenv("DB_PASSWORD", "FAKE-fallback-db-pw")
DB_HOST = os.environ.get("DB_HOST", "localhost")

# A DSN assembled from parts: a template, not a literal secret.
DSN = f"postgresql://{DB_USER}:{DB_PASSWORD}@{DB_HOST}:5432/app"
LEGACY_DSN = "postgresql://%s:%s@%s/app" % (DB_USER, DB_PASSWORD, DB_HOST)
OTHER_DSN = "postgresql://{}:{}@{}/app".format(DB_USER, DB_PASSWORD, DB_HOST)
PLUS_DSN = "mysql://" + DB_USER + ":" + DB_PASSWORD + "@db/app"

HARDCODED_URL = "postgresql://admin:FAKE-hardcoded-pw@db.example.test:5432/app"

engine = create_engine(HARDCODED_URL, pool_size=5, echo=False)

url = URL.create(
    drivername="postgresql+psycopg2",
    username="svc",
    password="FAKE-url-create-pw",
    host="db.example.test",
    database="app",
)


def connect():
    return psycopg2.connect(
        dbname="app",
        user="svc",
        password="FAKE-psycopg2-pw",
        host=DB_HOST,
        sslmode="require",
    )


def connect_mysql():
    conn = pymysql.connect(host="mysql.example.test", user="root", passwd="FAKE-mysql-pw", db="app")
    return conn


def connect_from_dict():
    params = dict(host="db", user="svc", password="FAKE-dict-call-pw")
    return psycopg2.connect(**params)


def redis_url(password=None, db=0):
    return "redis://:" + (password or "") + "@cache:6379/" + str(db)
