"""Property-based fuzzing of a live pcenter server from its own OpenAPI document.

Loads the schema from the server's ``/openapi.json``, generates requests for every
operation with Schemathesis (Hypothesis), positive and negative, and sends each one
signed with SDK-HMAC-SHA256 exactly as the official SDK signs (``huaweicloudsdkcore``'s
``Signer``), plus some unsigned. The server must never answer a 5xx, every response must
carry ``X-Request-Id``, an unsigned request to a signed operation must never succeed, and
every answer must be one the document describes (status, content type, headers, body).

Environment (scripts/schemathesis.sh sets the first two):
  PCENTER_URL    base URL of the running server
  PCENTER_DEMO   path of the ``pcenter seed demo --json`` output (access keys)
  MAX_EXAMPLES   generated cases per operation and generation mode (default 25)
  SEED           Hypothesis seed, to replay a run (default: random, printed)

``--workers N`` (default 4) exercises the operations in N processes at once, so the server
sees concurrent requests of every kind, as in production.
"""

import argparse
import json
import os
import uuid
from concurrent.futures import ProcessPoolExecutor
import random
import sys
import time
from urllib.parse import parse_qsl, urlsplit

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import HypothesisException, Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

# Headers the HTTP client manages; they are sent but not signed, as the SDK does.
TRANSPORT_HEADERS = {
    "accept",
    "accept-encoding",
    "connection",
    "content-length",
    "transfer-encoding",
    "user-agent",
    # Replaced by the signature itself.
    "authorization",
    "host",
    "x-sdk-date",
}

# Operations whose natural caller is not the solution provider: each case is also sent
# signed by that caller, so that the request reaches the operation's own rules.
CUSTOMER_OPERATIONS = {
    "show_customer_account_balances",
    "list_customer_account_change_records",
    "list_customer_coupon_change_records",
    "list_sub_customer_coupons",
}
DISTRIBUTOR_OPERATIONS = {
    "list_indirect_partners",
    "update_indirect_partner_account",
    "update_coupon_quotas",
    "reclaim_coupon_quotas",
    "list_issued_coupon_quotas",
    "list_coupon_quotas_records",
}
RESELLER_OPERATIONS = {"reclaim_indirect_partner_account"}

# The answer must be one the document describes.
CONFORMANCE_CHECKS = [
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

# Every how many cases one is also sent unsigned.
UNSIGNED_EVERY = 3
# Failures printed in full.
MAX_PRINTED = 10


class SdkHmacSha256(requests.auth.AuthBase):
    """Signs the final prepared request with the SDK's Signer and GlobalCredentials.

    The SDK sends the canonical query string it signed; so does this: the URL is rewritten
    to the signer's ``uri`` (path and canonical query).
    """

    def __init__(self, account):
        self.domain_id = account["domain_id"]
        self.credentials = GlobalCredentials(account["ak"], account["sk"], account["domain_id"])

    def __call__(self, r):
        url = urlsplit(r.url)
        headers = {k: v for k, v in r.headers.items() if k.lower() not in TRANSPORT_HEADERS}
        headers["X-Domain-Id"] = self.domain_id
        # A signed nonce per request: a case Hypothesis generates twice is two requests, not
        # a replay of one (which the server refuses with 401 CBC.0155).
        headers["X-Request-Nonce"] = uuid.uuid4().hex
        body = r.body
        if body is None:
            body = b""
        elif isinstance(body, str):
            body = body.encode("utf-8")
        request = SdkRequest(
            method=r.method,
            schema=url.scheme,
            host=url.netloc,
            resource_path=url.path or "/",
            query_params=parse_qsl(url.query, keep_blank_values=True),
            header_params=headers,
            body=body,
        )
        Signer(self.credentials).sign(request)
        for name in list(r.headers):
            if name.lower() in ("authorization", "x-sdk-date", "host"):
                del r.headers[name]
        for name, value in request.header_params.items():
            r.headers[name] = value
        r.url = "%s://%s%s" % (url.scheme, url.netloc, request.uri)
        return r


def header(headers, name):
    for key, values in headers.items():
        if key.lower() == name.lower():
            return values[0] if isinstance(values, list) else values
    return None


def describe_request(prepared):
    body = prepared.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "backslashreplace")
    headers = "\n".join("    %s: %s" % (k, v) for k, v in prepared.headers.items())
    return "%s %s\n%s\n  body: %s" % (prepared.method, prepared.url, headers, body if body else "(empty)")


class Run:
    def __init__(self, base_url, demo):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.trust_env = False  # local traffic only: never through a proxy
        self.accounts = {
            "solution_provider": demo["solution_provider"],
            "distributor": demo["distributor"],
            "reseller": demo["reseller"],
            "operator": demo["operator"],
            "customer": next(c for c in demo["customers"] if c.get("association_type") == "resale"),
        }
        self.auth = {name: SdkHmacSha256(account) for name, account in self.accounts.items()}
        self.requests = 0
        self.failures = []
        self.statuses = {}
        self.counter = 0

    def callers(self, operation):
        """Who signs a case of this operation: the solution provider, and its natural caller."""
        op_id = operation.definition.raw.get("operationId", "")
        names = ["solution_provider"]
        if op_id.startswith("operator_"):
            names.append("operator")
        elif op_id in CUSTOMER_OPERATIONS:
            names.append("customer")
        elif op_id in DISTRIBUTOR_OPERATIONS:
            names.append("distributor")
        elif op_id in RESELLER_OPERATIONS:
            names.append("reseller")
        return names

    def send(self, operation, case, signer, signed_operation):
        try:
            auth = self.auth[signer] if signer else None
            response = case.call(base_url=self.base_url, session=self.session, auth=auth, timeout=30)
        except requests.exceptions.RequestException as exc:
            self.failures.append(("%s (%s): transport error %s" % (operation.label, signer or "unsigned", exc), None, None))
            return
        self.check(operation.label, signer, signed_operation, response.status_code, response.headers, response.request, response.content)
        self.conforms(operation, case, response, signer)

    def conforms(self, operation, case, response, signer):
        """The answer is one the document describes: status, content type, headers and body schema."""
        try:
            case.validate_response(response, checks=CONFORMANCE_CHECKS)
        except FailureGroup as group:
            titles = sorted({f.title for f in group.exceptions})
            body = response.content.decode("utf-8", "backslashreplace")[:2000]
            self.failures.append((
                "%s (%s): answer does not conform to the document: %s" % (operation.label, signer or "unsigned", "; ".join(titles)),
                describe_request(response.request),
                body,
            ))

    def check(self, label, signer, signed_operation, status, headers, prepared, content):
        self.requests += 1
        key = "%s %d" % ("signed" if signer else "unsigned", status)
        self.statuses[key] = self.statuses.get(key, 0) + 1
        who = signer or "unsigned"
        problems = []
        if status >= 500:
            problems.append("server error %d" % status)
        if not header(headers, "X-Request-Id"):
            problems.append("no X-Request-Id on a %d" % status)
        if signed_operation and signer is None and 200 <= status < 300:
            problems.append("an unsigned request succeeded (%d)" % status)
        if problems:
            body = content.decode("utf-8", "backslashreplace")[:2000]
            self.failures.append(("%s (%s): %s" % (label, who, "; ".join(problems)), describe_request(prepared), body))

    def probe(self, method, path):
        """An operation Schemathesis does not generate for (the schema document itself): one plain request."""
        label = "%s %s" % (method.upper(), path)
        try:
            response = self.session.request(method.upper(), self.base_url + path, timeout=30)
        except requests.exceptions.RequestException as exc:
            self.failures.append(("%s (unsigned): transport error %s" % (label, exc), None, None))
            return
        headers = {k: [v] for k, v in response.headers.items()}
        self.check(label, None, False, response.status_code, headers, response.request, response.content)

    def exercise(self, operation, mode, max_examples, run_seed):
        signed_operation = bool(operation.definition.raw.get("security"))
        signers = self.callers(operation) if signed_operation else [None]

        @settings(
            max_examples=max_examples,
            deadline=None,
            database=None,
            derandomize=False,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False,
        )
        @seed(run_seed)
        @given(case=operation.as_strategy(generation_mode=mode))
        def check(case):
            self.counter += 1
            for signer in signers:
                self.send(operation, case, signer, signed_operation)
            if signed_operation and self.counter % UNSIGNED_EVERY == 0:
                self.send(operation, case, None, signed_operation)

        try:
            check()
        except Unsatisfiable:
            # No case of this mode exists, e.g. no negative case for an operation without inputs.
            return "no %s cases" % mode.value
        except (HypothesisException, schemathesis.errors.SchemathesisError) as exc:
            return "%s: %s" % (type(exc).__name__, str(exc).splitlines()[0] if str(exc) else "")
        return None


def load_operations(base_url):
    """The operations of the served document, and the documented ones Schemathesis does not
    generate for (served plainly)."""
    schema = schemathesis.openapi.from_url(base_url + "/openapi.json", timeout=30)
    operations = []
    for result in schema.get_all_operations():
        operations.append(result.ok())
    generated = {(op.method.upper(), op.path) for op in operations}
    documented = [
        (method.upper(), path)
        for path, item in schema.raw_schema["paths"].items()
        for method in item
        if method in ("get", "put", "post", "delete", "options", "head", "patch", "trace")
    ]
    plain = [(m, p) for m, p in documented if (m, p) not in generated]
    return operations, plain


def exercise_share(args):
    """One worker process: the operations whose index is ``worker`` modulo ``workers``.
    Returns its report lines, statuses, failures and request count."""
    worker, workers, base_url, demo, max_examples, run_seed = args
    operations, plain = load_operations(base_url)
    run = Run(base_url, demo)
    lines = []
    for index, operation in enumerate(operations):
        if index % workers != worker:
            continue
        before = run.requests
        notes = []
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            note = run.exercise(operation, mode, max_examples, run_seed)
            if note:
                notes.append(note)
        line = "  %-60s %4d requests" % (operation.label, run.requests - before)
        if notes:
            line += "  (" + "; ".join(notes) + ")"
        lines.append(line)
    if worker == 0:
        for method, path in plain:
            before = run.requests
            run.probe(method, path)
            lines.append("  %-60s %4d requests  (no inputs: one plain request)" % ("%s %s" % (method, path), run.requests - before))
    return lines, run.statuses, run.failures, run.requests


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=int(os.environ.get("SCHEMATHESIS_WORKERS", "4")))
    args = parser.parse_args()
    workers = max(1, args.workers)
    base_url = os.environ["PCENTER_URL"].rstrip("/")
    with open(os.environ["PCENTER_DEMO"], encoding="utf-8") as f:
        demo = json.load(f)
    max_examples = int(os.environ.get("MAX_EXAMPLES", "25"))
    run_seed = int(os.environ["SEED"]) if os.environ.get("SEED") else random.randrange(2**32)
    started = time.monotonic()

    try:
        operations, plain = load_operations(base_url)
    except Exception as exc:  # an operation the schema cannot describe is a finding too
        print("schemathesis: invalid operation in the schema: %s" % exc, file=sys.stderr)
        return 1
    if not operations:
        print("schemathesis: the schema has no operations", file=sys.stderr)
        return 1

    total = len(operations) + len(plain)
    print("schemathesis: %d operations, %d examples per mode, seed %d, %d workers" % (total, max_examples, run_seed, workers))
    shares = [(w, workers, base_url, demo, max_examples, run_seed) for w in range(workers)]
    statuses, failures, requests_sent = {}, [], 0
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for lines, share_statuses, share_failures, share_requests in pool.map(exercise_share, shares):
            for line in lines:
                print(line)
            for key, count in share_statuses.items():
                statuses[key] = statuses.get(key, 0) + count
            failures.extend(share_failures)
            requests_sent += share_requests

    server_errors = sum(1 for title, _, _ in failures if "server error" in title)
    elapsed = time.monotonic() - started
    print(
        "schemathesis: answers (status: count) %s; %.1f s"
        % (", ".join("%s: %d" % (k, v) for k, v in sorted(statuses.items())), elapsed)
    )
    for title, request, body in failures[:MAX_PRINTED]:
        print("\nFAILED %s" % title)
        if request:
            print("  request:\n    " + request.replace("\n", "\n    "))
            print("  response body: %s" % body)
    if len(failures) > MAX_PRINTED:
        print("\n... and %d more failures" % (len(failures) - MAX_PRINTED))
    print("schemathesis: %d operations, %d requests, %d server errors" % (total, requests_sent, server_errors))
    if failures:
        print("schemathesis: %d failed checks (seed %d)" % (len(failures), run_seed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
