"""A small client for the example billing API."""
import aiohttp
import requests
from requests.auth import HTTPBasicAuth, HTTPDigestAuth

BASE_URL = "https://billing.example.test/api/v2"
API_USER = "billing-bot"
API_PASSWORD = "FAKE-billing-pw"


class BillingClient:
    def __init__(self, user=API_USER, password="FAKE-default-pw", timeout=10):
        self.session = requests.Session()
        self.session.auth = (user, password)
        self.session.headers.update({"Authorization": "Bearer FAKE.jwt.token", "Accept": "application/json"})
        self.timeout = timeout

    def invoices(self):
        r = self.session.get(BASE_URL + "/invoices", timeout=self.timeout)
        r.raise_for_status()
        return r.json()


def fetch_report(report_id):
    return requests.get(
        f"{BASE_URL}/reports/{report_id}",
        auth=("report-reader", "FAKE-report-pw"),
        headers={"X-Api-Key": "FAKE-x-api-key"},
    )


def legacy_digest():
    return requests.get(BASE_URL + "/legacy", auth=HTTPDigestAuth("legacy", "FAKE-digest-pw"))


def basic():
    auth = HTTPBasicAuth("basic-user", 'FAKE-basic-pw')
    return requests.post(BASE_URL + "/basic", auth=auth, data={"client_secret": "FAKE-client-secret"})


async def fetch_async():
    async with aiohttp.ClientSession(auth=aiohttp.BasicAuth("async-user", "FAKE-async-pw")) as s:
        async with s.get(BASE_URL + "/async") as resp:
            return await resp.json()


def es_client():
    from elasticsearch import Elasticsearch

    return Elasticsearch(
        "https://es.example.test:9200",
        basic_auth=("elastic", "FAKE-elastic-pw"),
        verify_certs=False,
    )
