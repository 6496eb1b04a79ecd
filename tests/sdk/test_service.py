"""Unsigned service endpoints and the X-Request-Id response header."""

import uuid

import requests

import support
from support import AUTH_FAILED, BAD_PARAM, FORBIDDEN, expect_error


def test_health_answers_200_without_signature(url):
    assert requests.get(url + "/health", timeout=10).status_code == 200


def test_ready_answers_200_without_signature(url):
    assert requests.get(url + "/ready", timeout=10).status_code == 200


def test_health_carries_request_id(url):
    assert requests.get(url + "/health", timeout=10).headers.get("X-Request-Id")


def test_successful_sdk_call_carries_request_id(demo, recorder):
    client = support.client_for(demo["solution_provider"], recorder)
    support.list_customers(client, limit=1)
    assert recorder.last.status_code == 200
    assert recorder.last.headers.get("X-Request-Id")


def test_request_ids_differ_between_requests(demo, recorder):
    client = support.client_for(demo["solution_provider"], recorder)
    support.list_customers(client, limit=1)
    support.list_customers(client, limit=1)
    first, second = (r.headers.get("X-Request-Id") for r in recorder.responses[-2:])
    assert first and second and first != second


def test_auth_error_carries_request_id(demo):
    sp = demo["solution_provider"]
    client = support.make_client(sp["ak"], sp["sk"] + "x", sp["domain_id"])
    exc = expect_error(401, AUTH_FAILED, support.list_customers, client)
    assert exc.request_id


def test_forbidden_error_carries_request_id(customer):
    exc = expect_error(403, FORBIDDEN, support.list_customers, customer)
    assert exc.request_id


def test_validation_error_carries_request_id(sp):
    exc = expect_error(400, BAD_PARAM, support.list_customers, sp, limit=101)
    assert exc.request_id


def test_unsigned_api_request_carries_request_id(url):
    resp = requests.post(url + "/v2/partners/sub-customers/query", json={}, timeout=10)
    assert resp.status_code >= 400
    assert resp.headers.get("X-Request-Id")


def test_unknown_path_carries_request_id(url):
    resp = requests.post(url + "/v2/partners/%s" % uuid.uuid4().hex, json={}, timeout=10)
    assert resp.status_code >= 400
    assert resp.headers.get("X-Request-Id")
