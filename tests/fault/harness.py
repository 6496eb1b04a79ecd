"""Fault harness for the money paths: kill -9 the server under load, then prove nothing was lost
or applied twice.

Started by ``scripts/fault-harness.sh``, which prepares the database (seeded with the demo
channel), the virtualenv and a free port. This driver owns the server process from then on:

1. it starts ``pcenter serve`` and waits for ``/ready``;
2. load workers send signed allocate (``adjust-amount``) and reclaim requests as the demo
   solution provider to its two resale customers, each with a fresh ``X-Idempotency-Key``
   (with several ``--port`` options, one server node per port on the same database, each
   request sent to a node picked at random: the provider's account is hot on all of them),
   and classify every answer: *acked* (200), *refused* (400 CBC.99005003, short balance),
   or *unknown* (the connection broke after the request may have reached the server);
3. meanwhile the server (a node picked at random) is killed with SIGKILL every few tenths of a
   second and restarted on the same port and database;
4. after the last kill and restart it retries every unknown and every acked request once with
   the same key and body, looks every transfer up in the adjust records, checks that money
   is conserved and matches the requests known to be applied, and runs ``pcenter admin audit``.

It prints one summary line and exits non-zero on any violation.
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import threading
import uuid
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from urllib.parse import urlparse

import requests
import urllib3
from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

ADJUST_PATH = "/v2/accounts/partner-accounts/adjust-amount"
RECLAIM_PATH = "/v2/accounts/partner-accounts/reclaim"
RECORDS_PATH = "/v3/accounts/partner-accounts/adjust-records"
PARTNER_BALANCES_PATH = "/v2/accounts/partner-accounts/balances"
CUSTOMER_BALANCES_PATH = "/v2/accounts/customer-accounts/balances"

INSUFFICIENT_BALANCE = "CBC.99005003"
OPERATION_TYPE = {"allocate": "SOURCE_OPERATION_BEADJUST", "reclaim": "SOURCE_OPERATION_BERETRIEVE"}
ID_FIELD = {"allocate": "transfer_id", "reclaim": "trans_id"}
PATH = {"allocate": ADJUST_PATH, "reclaim": RECLAIM_PATH}

INITIAL_PARTNER_BALANCE = Decimal("50000.00")
REQUEST_TIMEOUT = 2.0


def log(msg):
    print("fault-harness: " + msg, file=sys.stderr, flush=True)


def exact_json(text):
    return json.loads(text, parse_float=Decimal)


# --------------------------------------------------------------------------
# signed requests


class Unsent(Exception):
    """The connection could not be established: nothing reached the server."""


class Broken(Exception):
    """The connection broke or timed out after the request may have reached the server."""


def _connect_failure(exc):
    """Whether ``exc`` (from requests) means the TCP connection was never established."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    seen = set()
    todo = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError, ConnectionRefusedError)):
            return True
        if isinstance(e, BaseException):
            todo.extend(a for a in e.args if isinstance(a, BaseException))
            todo.append(getattr(e, "reason", None))
            todo.append(e.__cause__)
            todo.append(e.__context__)
    return False


class Api:
    def __init__(self, base_url):
        self.base = base_url.rstrip("/")
        self.netloc = urlparse(self.base).netloc
        self.scheme = urlparse(self.base).scheme

    def send(self, account, method, path, body=b"", query=None, extra_headers=None, timeout=REQUEST_TIMEOUT):
        """Sign exactly as the SDK does and send on a fresh connection.

        Returns ``(status, text)``; raises Unsent or Broken on transport failures.
        """
        # A signed nonce per request: a retry with the same key and body within the second of
        # its first attempt is a second request, not a replay (refused with CBC.0155).
        headers = {"Content-Type": "application/json", "X-Domain-Id": account["domain_id"], "X-Request-Nonce": uuid.uuid4().hex}
        if extra_headers:
            headers.update(extra_headers)
        request = SdkRequest(
            method=method,
            schema=self.scheme,
            host=self.netloc,
            resource_path=path,
            query_params=list(query or []),
            header_params=headers,
            body=body,
        )
        Signer(GlobalCredentials(account["ak"], account["sk"], account["domain_id"])).sign(request)
        send_headers = dict(request.header_params)
        send_headers["Connection"] = "close"  # one connection per request: no stale pooled sockets after a kill
        try:
            r = requests.request(method, request.url, headers=send_headers, data=request.body or None, timeout=timeout)
            return r.status_code, r.text
        except requests.exceptions.RequestException as e:
            if _connect_failure(e):
                raise Unsent(repr(e)) from e
            raise Broken(repr(e)) from e


# --------------------------------------------------------------------------
# the server under test


class Server:
    def __init__(self, binary, db, port, log_path, pid_file):
        self.binary = binary
        self.db = db
        self.port = port
        self.log_path = log_path
        self.pid_file = pid_file
        self.proc = None
        self.starts = 0
        self.bind_retries = 0

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def _ready(self):
        try:
            with urllib.request.urlopen(self.url + "/ready", timeout=0.5) as r:
                return r.status == 200
        except Exception:
            return False

    def _log_since(self, offset):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(offset)
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def start(self, timeout=30.0):
        """Start serving and wait for /ready; retries when the port is briefly unavailable."""
        deadline = time.monotonic() + timeout
        attempt = 0
        while True:
            attempt += 1
            offset = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
            with open(self.log_path, "ab") as f:
                f.write(("===== start %d (attempt %d) =====\n" % (self.starts + 1, attempt)).encode())
                f.flush()
                self.proc = subprocess.Popen(
                    [self.binary, "--db", self.db, "--listen", "127.0.0.1:%d" % self.port, "serve"],
                    stdin=subprocess.DEVNULL,
                    stdout=f,
                    stderr=subprocess.STDOUT,
                )
            with open(self.pid_file, "w") as f:
                f.write("%d\n" % self.proc.pid)
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                if self._ready():
                    self.starts += 1
                    return
                time.sleep(0.02)
            if self.proc.poll() is None:
                self.kill()
                raise RuntimeError("server not ready on %s within %.0f s" % (self.url, timeout))
            out = self._log_since(offset)
            if ("in use" in out.lower() or "AddrInUse" in out) and time.monotonic() < deadline:
                self.bind_retries += 1
                time.sleep(0.2)
                continue
            if time.monotonic() < deadline and attempt < 5:
                log("server exited with %s before becoming ready; retrying" % self.proc.returncode)
                time.sleep(0.2)
                continue
            raise RuntimeError("server exited with %s before becoming ready:\n%s" % (self.proc.returncode, out[-4000:]))

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait()

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()


# --------------------------------------------------------------------------
# load


class Movement:
    __slots__ = ("key", "op", "customer", "amount", "body", "transfer_id", "outcome", "detail")

    def __init__(self, key, op, customer, amount, body):
        self.key = key
        self.op = op
        self.customer = customer  # index into demo customers
        self.amount = amount  # Decimal
        self.body = body  # exact bytes sent
        self.transfer_id = None
        self.outcome = None  # acked | refused | unknown
        self.detail = None

    def describe(self):
        return "%s key=%s customer=%d amount=%s body=%s" % (self.op, self.key, self.customer, self.amount, self.body.decode())


def classify(m, status, text):
    """(outcome, transfer_id or None, problem or None) for an HTTP answer to movement ``m``."""
    if status == 200:
        try:
            tid = exact_json(text).get(ID_FIELD[m.op])
        except (ValueError, AttributeError):
            tid = None
        if not isinstance(tid, str) or not tid:
            return "violation", None, "200 without %s: %s" % (ID_FIELD[m.op], text[:300])
        return "acked", tid, None
    if status == 400:
        try:
            code = exact_json(text).get("error_code")
        except (ValueError, AttributeError):
            code = None
        if code == INSUFFICIENT_BALANCE:
            return "refused", None, None
    return "violation", None, "HTTP %d: %s" % (status, text[:300])


class Load:
    def __init__(self, apis, partner, customers, run_id, seed):
        self.apis = apis
        self.partner = partner
        self.customers = customers
        self.run_id = run_id
        self.seed = seed
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.movements = []
        self.violations = []
        self.server_errors = 0
        self.unsent_attempts = 0

    def new_movement(self, rng, worker, seq):
        op = "allocate" if rng.random() < 0.5 else "reclaim"
        customer = rng.randrange(len(self.customers))
        cents = rng.randint(1, 5000)
        amount = Decimal(cents).scaleb(-2)
        literal = "%d.%02d" % divmod(cents, 100)
        body = ('{"customer_id": "%s", "amount": %s}' % (self.customers[customer]["domain_id"], literal)).encode()
        key = "fh.%s:%d-%d" % (self.run_id, worker, seq)
        return Movement(key, op, customer, amount, body)

    def submit(self, m):
        # Any node: a retry may land on another node than the first attempt.
        return random.choice(self.apis).send(self.partner, "POST", PATH[m.op], m.body, extra_headers={"X-Idempotency-Key": m.key})

    def worker(self, index):
        rng = random.Random("%s/%d" % (self.seed, index))
        seq = 0
        while not self.stop.is_set():
            seq += 1
            m = self.new_movement(rng, index, seq)
            while True:
                try:
                    status, text = self.submit(m)
                except Unsent:
                    # Never reached the server (it is down): the same request, same key, again.
                    with self.lock:
                        self.unsent_attempts += 1
                    if self.stop.is_set():
                        m.outcome = "unknown"
                        m.detail = "not delivered before the load stopped"
                        break
                    time.sleep(0.02)
                    continue
                except Broken as e:
                    m.outcome = "unknown"
                    m.detail = str(e)
                    break
                outcome, tid, problem = classify(m, status, text)
                m.outcome = outcome
                m.transfer_id = tid
                m.detail = problem
                if outcome == "violation":
                    with self.lock:
                        self.violations.append("during load: %s -> %s" % (m.describe(), problem))
                        if status >= 500:
                            # Applied or not is unknown: resolve it with the others after the load.
                            self.server_errors += 1
                            m.outcome = "unknown"
                break
            with self.lock:
                self.movements.append(m)


# --------------------------------------------------------------------------
# checks


def partner_balance(api, partner):
    status, text = api.send(partner, "GET", PARTNER_BALANCES_PATH, timeout=10)
    if status != 200:
        raise RuntimeError("partner balances: HTTP %d %s" % (status, text[:300]))
    return Decimal(exact_json(text)["account_balances"][0]["amount"])


def customer_balance(api, customer):
    status, text = api.send(customer, "GET", CUSTOMER_BALANCES_PATH, timeout=10)
    if status != 200:
        raise RuntimeError("customer balances: HTTP %d %s" % (status, text[:300]))
    return Decimal(exact_json(text)["account_balances"][0]["amount"])


def adjust_records(api, partner, **filters):
    query = [(k, str(v)) for k, v in filters.items()]
    status, text = api.send(partner, "GET", RECORDS_PATH, query=query, timeout=10)
    if status != 200:
        raise RuntimeError("adjust records %s: HTTP %d %s" % (filters, status, text[:300]))
    return exact_json(text)


def run_audit(binary, db):
    p = subprocess.run([binary, "--db", db, "admin", "audit"], capture_output=True, text=True, timeout=120)
    out = p.stdout.strip()
    try:
        doc = json.loads(out.splitlines()[-1]) if out else None
    except ValueError:
        doc = None
    ok = p.returncode == 0 and isinstance(doc, dict) and doc.get("ok") is True
    return ok, "exit %d: %s %s" % (p.returncode, out, p.stderr.strip()[-2000:])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--port", type=int, action="append", required=True, help="one server node per --port, all on --db")
    ap.add_argument("--demo", required=True, help="output of 'pcenter seed demo --json'")
    ap.add_argument("--server-log", required=True, help="node 0's log; node i writes to this path plus .node<i>")
    ap.add_argument("--pid-file", required=True, help="where node 0's current pid is written (node i: plus .<i>), for the caller's trap")
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--seconds-between", type=float, default=0.7)
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--seed", default=None, help="random seed (default: time based)")
    args = ap.parse_args()
    # A terminated driver still kills its server (the finally clause below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    started = time.monotonic()
    seed = args.seed or str(time.time_ns())
    run_id = "%x" % (int(time.time() * 1000) % (1 << 40))
    rng = random.Random(seed + "/killer")
    with open(args.demo, encoding="utf-8") as f:
        demo = json.load(f)
    partner = demo["solution_provider"]
    customers = demo["customers"][:2]
    for c in customers:
        if c.get("partner") != partner["domain_id"] or c.get("association_type") != "resale":
            log("demo customers[0..1] are not resale customers of the solution provider: %s" % c)
            return 2

    servers = [
        Server(
            args.bin,
            args.db,
            port,
            args.server_log + (".node%d" % i if i else ""),
            args.pid_file + (".%d" % i if i else ""),
        )
        for i, port in enumerate(args.port)
    ]
    server = servers[0]
    api = Api(server.url)
    violations = []
    try:
        for s in servers:
            s.start()
        initial_partner = partner_balance(api, partner)
        initial_customers = [customer_balance(api, c) for c in customers]
        initial_records = int(adjust_records(api, partner, limit=1)["total_count"])
        if initial_partner != INITIAL_PARTNER_BALANCE:
            violations.append("initial partner balance %s, expected %s" % (initial_partner, INITIAL_PARTNER_BALANCE))
        total0 = initial_partner + sum(initial_customers)
        log(
            "seed=%s servers=%s partner=%s customers=%s; %d workers, %d kills every ~%.2f s"
            % (seed, " ".join(s.url for s in servers), initial_partner, [str(b) for b in initial_customers], args.workers, args.kills, args.seconds_between)
        )

        load = Load([Api(s.url) for s in servers], partner, customers, run_id, seed)
        threads = [threading.Thread(target=load.worker, args=(i,), daemon=True) for i in range(args.workers)]
        for t in threads:
            t.start()
        kills = 0
        try:
            for _ in range(args.kills):
                time.sleep(args.seconds_between * rng.uniform(0.6, 1.4))
                victim = rng.choice(servers)
                victim.kill()
                kills += 1
                time.sleep(rng.choice([0.0, 0.0, 0.05, 0.2]))
                victim.start()
        finally:
            load.stop.set()
            for t in threads:
                t.join(timeout=30)
        if any(t.is_alive() for t in threads):
            violations.append("load workers did not stop")
        load_seconds = time.monotonic() - started
        violations.extend(load.violations)

        movements = list(load.movements)
        acked = [m for m in movements if m.outcome == "acked"]
        refused = [m for m in movements if m.outcome == "refused"]
        unknown = [m for m in movements if m.outcome == "unknown"]
        log(
            "load done in %.1f s: %d requests, %d acked, %d refused, %d unknown, %d undelivered attempts retried, "
            "%d bind retries" % (load_seconds, len(movements), len(acked), len(refused), len(unknown), load.unsent_attempts, sum(s.bind_retries for s in servers))
        )
        reasons = {}
        for m in unknown:
            d = m.detail or ""
            reason = (
                "timeout" if "Timeout" in d
                else "undelivered at stop" if d.startswith("not delivered")
                else "5xx" if d.startswith("HTTP 5")
                else next(
                    (t for t in ("RemoteDisconnected", "ConnectionResetError", "BrokenPipeError", "IncompleteRead") if t in d),
                    "connection broken",
                )
            )
            reasons[reason] = reasons.get(reason, 0) + 1
        if reasons:
            log("unknown by cause: " + ", ".join("%s %d" % kv for kv in sorted(reasons.items())))

        # (a) every unknown, once more with the same key and body; (b) every acked one too.
        def retry(m):
            try:
                status, text = load.submit(m)
            except (Unsent, Broken) as e:
                return m, None, None, "no answer: %s" % e
            outcome, tid, problem = classify(m, status, text)
            return m, outcome, tid, problem

        # How many unknown requests had committed before their connection broke: the records
        # beyond the acked ones (a diagnostic; the checks below do not depend on it).
        records_before_retry = int(adjust_records(api, partner, limit=1)["total_count"])
        committed_unacked = records_before_retry - initial_records - len(acked)

        resolved = 0
        resolved_applied = 0
        retried_again = 0  # acked requests a retry applied once more (a new transfer id)
        server_errors = load.server_errors
        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            for m, outcome, tid, problem in pool.map(retry, unknown):
                if outcome == "acked":
                    m.transfer_id = tid
                    m.outcome = "applied-later"
                    resolved += 1
                    resolved_applied += 1
                elif outcome == "refused":
                    m.outcome = "refused-later"
                    resolved += 1
                else:
                    if problem and problem.startswith("HTTP 5"):
                        server_errors += 1
                    violations.append("unknown request not resolved by its retry: %s -> %s" % (m.describe(), problem))
            for m, outcome, tid, problem in pool.map(retry, acked):
                if outcome == "acked" and tid == m.transfer_id:
                    continue
                if outcome == "acked":
                    retried_again += 1
                    violations.append(
                        "acked request applied again: %s first %s, retry %s" % (m.describe(), m.transfer_id, tid)
                    )
                else:
                    if problem and problem.startswith("HTTP 5"):
                        server_errors += 1
                    violations.append(
                        "acked request (transfer %s) not answered with it on retry: %s -> %s"
                        % (m.transfer_id, m.describe(), problem or outcome)
                    )

        applied = [m for m in movements if m.outcome in ("acked", "applied-later")]
        ids = {}
        for m in applied:
            if m.transfer_id in ids:
                violations.append("one transfer id %s for two keys: %s | %s" % (m.transfer_id, ids[m.transfer_id].describe(), m.describe()))
            ids[m.transfer_id] = m

        # (c) each applied transfer is in the adjust records exactly once, as requested.
        def lookup(m):
            try:
                return m, adjust_records(api, partner, trans_id=m.transfer_id), None
            except Exception as e:  # noqa: BLE001 - reported as a violation
                return m, None, str(e)

        lost = 0
        duplicated_records = 0
        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            for m, doc, err in pool.map(lookup, applied):
                if err is not None:
                    violations.append("adjust records for %s: %s" % (m.transfer_id, err))
                    continue
                total = doc.get("total_count")
                if total != 1:
                    if total == 0:
                        lost += 1
                    else:
                        duplicated_records += total - 1
                    violations.append("adjust records for transfer %s: total_count=%s (%s)" % (m.transfer_id, total, m.describe()))
                    continue
                rec = (doc.get("records") or [{}])[0]
                want = (customers[m.customer]["domain_id"], OPERATION_TYPE[m.op], m.amount, m.transfer_id)
                try:
                    got = (rec.get("customer_id"), rec.get("operation_type"), Decimal(str(rec.get("amount"))), rec.get("trans_id"))
                except Exception:  # noqa: BLE001
                    got = rec
                if got != want:
                    violations.append("adjust record of %s is %s, expected %s" % (m.transfer_id, got, want))

        records_now = int(adjust_records(api, partner, limit=1)["total_count"])
        extra = records_now - initial_records - len(applied)
        # Each second application shows up both as a new transfer id for an old key and as a
        # record beyond the applied requests; count it once.
        double_applied = max(retried_again, max(extra, 0), duplicated_records)
        if extra != 0:
            violations.append(
                "the partner has %d new adjust records but %d requests are known to be applied (difference %+d)"
                % (records_now - initial_records, len(applied), extra)
            )

        # (d) conservation, and agreement with the requests known to be applied.
        final_partner = partner_balance(api, partner)
        final_customers = [customer_balance(api, c) for c in customers]
        total = final_partner + sum(final_customers)
        conserved = total == total0 and total == INITIAL_PARTNER_BALANCE
        if not conserved:
            violations.append(
                "money not conserved: partner %s + customers %s = %s, expected %s"
                % (final_partner, [str(b) for b in final_customers], total, INITIAL_PARTNER_BALANCE)
            )
        allocated = [sum((m.amount for m in applied if m.op == "allocate" and m.customer == i), Decimal("0.00")) for i in range(2)]
        reclaimed = [sum((m.amount for m in applied if m.op == "reclaim" and m.customer == i), Decimal("0.00")) for i in range(2)]
        expected_partner = initial_partner - sum(allocated) + sum(reclaimed)
        if final_partner != expected_partner:
            conserved = False
            violations.append(
                "partner balance %s, expected %s = %s - allocations %s + reclaims %s"
                % (final_partner, expected_partner, initial_partner, sum(allocated), sum(reclaimed))
            )
        for i in range(2):
            expected = initial_customers[i] + allocated[i] - reclaimed[i]
            if final_customers[i] != expected:
                conserved = False
                violations.append("customer %d balance %s, expected %s" % (i, final_customers[i], expected))

        # (e) the ledger audit, on cleanly stopped servers.
        for s in servers:
            s.stop()
        audit_ok, audit_detail = run_audit(args.bin, args.db)
        if not audit_ok:
            violations.append("admin audit failed: " + audit_detail)
        if server_errors:
            violations.append("%d answers with a 5xx status" % server_errors)

        log(
            "checked in %.1f s total: %d applied (%d of the unknown, %d of them committed before the kill), "
            "partner %s, customers %s"
            % (
                time.monotonic() - started,
                len(applied),
                resolved_applied,
                committed_unacked,
                final_partner,
                [str(b) for b in final_customers],
            )
        )
        if lost:
            log("%d acknowledged transfers are missing from the adjust records" % lost)
        for v in violations[:200]:
            log("VIOLATION: " + v)
        if len(violations) > 200:
            log("... and %d more violations" % (len(violations) - 200))
        print(
            "fault-harness: kills=%d acked=%d refused=%d unknown=%d resolved_after_restart=%d double_applied=%d "
            "conserved=%s audit=%s"
            % (
                kills,
                len(acked),
                len(refused),
                len(unknown),
                resolved,
                double_applied,
                "true" if conserved else "false",
                "ok" if audit_ok else "failed",
            ),
            flush=True,
        )
        return 1 if violations else 0
    except Exception as e:  # noqa: BLE001
        log("harness error: %r" % (e,))
        import traceback

        traceback.print_exc()
        return 1
    finally:
        for s in servers:
            s.kill()


if __name__ == "__main__":
    sys.exit(main())
