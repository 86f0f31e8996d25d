#!/usr/bin/python3
"""A LINE Messaging API stand-in for tests: checks every request against LINE's own
OpenAPI document (../shared/fixtures/line/messaging-api.yml) and answers like LINE does.

Run with Debian's /usr/bin/python3 (needs python3-yaml):

    /usr/bin/python3 tests/support/line_standin.py --port 0 [--token T] [--spec FILE]
        [--record FILE] [--friends N] [--no-validate]

It listens on 127.0.0.1 only. The first line on stdout is "PORT <n>" (flushed), so a
test can start it on port 0 and read the port.

What it checks on every API request (a failed check is a "violation": recorded, and
answered with 400 {"message": ..., "details": [...]} like LINE's validation errors):
  - the operation exists (method + path template), else 404;
  - Authorization is "Bearer <non-empty>" and, with --token, that token (else 401, as
    LINE answers a bad token);
  - a request body only where the operation takes one, with its Content-Type
    (application/json), parsed and validated against the operation's requestBody schema:
    $ref, type, nullable, enum, required, properties, additionalProperties, items,
    minItems/maxItems, minLength/maxLength, pattern, minimum/maximum, allOf/oneOf/anyOf,
    and `discriminator` (Message.type "text" -> TextMessage, ...);
  - LINE's documented limit that the schema leaves out: a text message's "text" is at
    most 5,000 UTF-16 code units;
  - X-Line-Retry-Key only on operations that declare it, and in UUID format;
  - required header and query parameters.

LINE behaviour it imitates: every response has X-Line-Request-Id; a request whose
X-Line-Retry-Key was already accepted gets 409 {"message": "The retry key is already
accepted"} with x-line-accepted-request-id naming the first request.

Also imitated: the monthly message quota (GET /v2/bot/message/quota and
/quota/consumption answer from it; with a limit set, a multicast, push or broadcast that
does not fit gets 429 "You have reached your monthly limit."; a multicast counts one message
per user id, a broadcast one per friend: --friends N), and per-endpoint rate limits (a
request over the limit gets 429 "The API rate limit has been exceeded. Try again later.").

Control endpoints (not recorded, not checked):
  POST /__standin/faults     {"status": 429|500|..., "count": N, "body": {...},
                              "delay_ms": M, "accept": false, "headers": {...}}
                             the next N API requests (of "operation": "multicast" etc.
                             only, when given) get this answer (after M ms). With
                             "accept": true the request is accepted first (its retry key
                             is used up), as when LINE took it but the answer was lost.
  DELETE /__standin/faults   drop the faults not used yet
  GET  /__standin/requests   every API request: method, path, query, headers, body,
                             status, violations, request_id
  GET  /__standin/violations only the requests with violations
  POST /__standin/reset      forget requests, faults, accepted retry keys, quota use and
                             rate limits
  POST /__standin/quota      {"type": "none"|"limited", "value": N, "totalUsage": M}
  POST /__standin/rate_limits {"multicast": [200, 1.0], "broadcast": [60, 3600]}: at most
                             N requests of that operation in any window of S seconds
  GET  /__standin/stats      {"requests": n, "by_operation": {...}, "rate_limited": n,
                             "max_in_window": {op: the most requests seen in one window}}
"""

import argparse
import json
import os
import re
import socket
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import yaml

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
TEXT_LIMIT_UTF16 = 5000
FLEX_ALT_TEXT_LIMIT = 1500       # LINE reference, Flex Message altText (recalled: verify)
QUICK_REPLY_LABEL_LIMIT = 20     # LINE reference, quick reply action label
MONTHLY_LIMIT = "You have reached your monthly limit."
RATE_LIMITED = "The API rate limit has been exceeded. Try again later."
RETRY_KEY = "x-line-retry-key"


def default_spec_path():
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.path.join(repo, "..", "shared", "fixtures", "line", "messaging-api.yml")


def utf16_length(text):
    return len(text.encode("utf-16-le")) // 2


class Operation:
    def __init__(self, method, template, op, path_params):
        self.method = method
        self.template = template
        self.op_id = op.get("operationId", f"{method} {template}")
        regex = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        self.regex = re.compile("^" + regex + "$")
        params = list(path_params) + list(op.get("parameters", []))
        self.headers = {p["name"].lower(): p for p in params if p.get("in") == "header"}
        self.query = {p["name"]: p for p in params if p.get("in") == "query"}
        self.request_body = op.get("requestBody")
        self.secured = op.get("security", None) != []
        success = sorted(int(k) for k in op.get("responses", {}) if str(k).startswith("2"))
        self.success_status = success[0] if success else 200


class Spec:
    def __init__(self, path):
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        with open(path, encoding="utf-8") as f:
            self.doc = yaml.load(f, Loader=loader)
        self.operations = []
        for template, item in self.doc.get("paths", {}).items():
            path_params = item.get("parameters", [])
            for method, op in item.items():
                if method == "parameters" or not isinstance(op, dict):
                    continue
                self.operations.append(Operation(method.upper(), template, op, path_params))
        # Literal paths before templated ones: /v2/bot/message/quota is not {messageId}.
        self.operations.sort(key=lambda o: o.template.count("{"))

    def find(self, method, path):
        for op in self.operations:
            if op.method == method and op.regex.match(path):
                return op
        return None

    def resolve(self, ref):
        if not ref.startswith("#/"):
            raise ValueError(f"unsupported $ref {ref}")
        node = self.doc
        for part in ref[2:].split("/"):
            node = node[part]
        return node


class Validator:
    """A JSON Schema (OpenAPI 3.0 dialect) checker, enough for LINE's request bodies."""

    def __init__(self, spec):
        self.spec = spec

    def validate(self, schema, value, path="", skip=frozenset()):
        errors = []
        self._check(schema, value, path, errors, skip)
        seen, unique = set(), []
        for e in errors:
            key = (e["property"], e["message"])
            if key not in seen:
                seen.add(key)
                unique.append(e)
        return unique

    @staticmethod
    def _err(errors, path, message):
        errors.append({"property": path or "(body)", "message": message})

    def _check(self, schema, value, path, errors, skip):
        if "$ref" in schema:
            self._check(self.spec.resolve(schema["$ref"]), value, path, errors, skip)
            return
        if value is None and schema.get("nullable"):
            return

        disc = schema.get("discriminator")
        if disc and id(schema) not in skip and isinstance(value, dict):
            name = disc["propertyName"]
            mapping = disc.get("mapping", {})
            tag = value.get(name)
            if tag is not None:
                if tag not in mapping:
                    self._err(errors, self._join(path, name),
                              f"unknown {name} '{tag}' (one of: {', '.join(sorted(mapping))})")
                else:
                    target = mapping[tag]
                    self._check({"$ref": target}, value, path, errors, skip | {id(schema)})
                    self._documented_limits(target, value, path, errors)

        for sub in schema.get("allOf", []):
            self._check(sub, value, path, errors, skip)
        for key in ("oneOf", "anyOf"):
            if key in schema:
                matches = [s for s in schema[key] if not self.validate(s, value, path, skip)]
                if not matches or (key == "oneOf" and len(matches) > 1):
                    self._err(errors, path, f"must match {'exactly one' if key == 'oneOf' else 'at least one'} of {key}")

        expected = schema.get("type")
        if expected and not self._type_ok(expected, value):
            self._err(errors, path, f"must be of type {expected}")
            return
        if "enum" in schema and value not in schema["enum"]:
            self._err(errors, path, f"must be one of {schema['enum']}")

        if isinstance(value, str):
            if "minLength" in schema and len(value) < schema["minLength"]:
                self._err(errors, path, f"size must be at least {schema['minLength']}")
            if "maxLength" in schema and len(value) > schema["maxLength"]:
                self._err(errors, path, f"size must be at most {schema['maxLength']}")
            if "pattern" in schema and not re.search(schema["pattern"], value):
                self._err(errors, path, f"must match {schema['pattern']}")
            if schema.get("format") == "uuid" and not UUID_RE.match(value):
                self._err(errors, path, "must be a UUID")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                self._err(errors, path, f"must be at least {schema['minimum']}")
            if "maximum" in schema and value > schema["maximum"]:
                self._err(errors, path, f"must be at most {schema['maximum']}")
        if isinstance(value, list):
            if "minItems" in schema and len(value) < schema["minItems"]:
                self._err(errors, path, f"size must be at least {schema['minItems']}")
            if "maxItems" in schema and len(value) > schema["maxItems"]:
                self._err(errors, path, f"size must be at most {schema['maxItems']}")
            if "items" in schema:
                for i, item in enumerate(value):
                    self._check(schema["items"], item, f"{path}[{i}]", errors, frozenset())
        if isinstance(value, dict):
            for name in schema.get("required", []):
                if name not in value or value[name] is None:
                    self._err(errors, self._join(path, name), "must be specified")
            props = schema.get("properties", {})
            for name, sub in props.items():
                if name in value:
                    self._check(sub, value[name], self._join(path, name), errors, frozenset())
            extra = schema.get("additionalProperties", True)
            for name in value:
                if name in props:
                    continue
                if extra is False:
                    self._err(errors, self._join(path, name), "unknown property")
                elif isinstance(extra, dict):
                    self._check(extra, value[name], self._join(path, name), errors, frozenset())

    def _documented_limits(self, target, value, path, errors):
        # LINE's reference documents limits its OpenAPI schema leaves out.
        if target.endswith("/TextMessage") and isinstance(value.get("text"), str):
            units = utf16_length(value["text"])
            if units > TEXT_LIMIT_UTF16:
                self._err(errors, self._join(path, "text"),
                          f"length must be at most {TEXT_LIMIT_UTF16} (UTF-16 units), was {units}")
        if target.endswith("/FlexMessage") and isinstance(value.get("altText"), str):
            if not value["altText"] or len(value["altText"]) > FLEX_ALT_TEXT_LIMIT:
                self._err(errors, self._join(path, "altText"),
                          f"length must be 1..{FLEX_ALT_TEXT_LIMIT}")
        if target.endswith("/FlexText") and not isinstance(value.get("text"), str) \
                and not value.get("contents"):
            self._err(errors, self._join(path, "text"), "must be specified")
        if isinstance(value.get("quickReply"), dict):
            for i, item in enumerate(value["quickReply"].get("items") or []):
                label = (item.get("action") or {}).get("label") if isinstance(item, dict) else None
                where = self._join(path, f"quickReply.items[{i}].action.label")
                if not isinstance(label, str) or not label:
                    self._err(errors, where, "must be specified")
                elif len(label) > QUICK_REPLY_LABEL_LIMIT:
                    self._err(errors, where, f"length must be at most {QUICK_REPLY_LABEL_LIMIT}")

    @staticmethod
    def _join(path, name):
        return f"{path}.{name}" if path else name

    @staticmethod
    def _type_ok(expected, value):
        if expected == "object":
            return isinstance(value, dict)
        if expected == "array":
            return isinstance(value, list)
        if expected == "string":
            return isinstance(value, str)
        if expected == "boolean":
            return isinstance(value, bool)
        if expected == "integer":
            return isinstance(value, int) and not isinstance(value, bool)
        if expected == "number":
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        return True


class State:
    def __init__(self, spec, token, record_path):
        self.spec = spec
        self.validator = Validator(spec)
        self.token = token
        self.record_path = record_path
        self.lock = threading.Lock()
        self.requests = []
        self.faults = []           # [{"status", "count", "body", "delay_ms", "accept", "headers"}]
        self.accepted_keys = {}    # retry key -> request id of the request that was accepted
        self.friends = 0
        self.validate = True
        self.reset_quota()
        self.rate_limits = {}      # operation -> (requests, seconds)
        self.sent = {}             # operation -> [times], for the rate limits and stats
        self.max_in_window = {}

    def reset_quota(self):
        self.quota = {"type": "none", "value": 0}
        self.usage = 0

    def reset(self):
        with self.lock:
            self.requests.clear()
            self.faults.clear()
            self.accepted_keys.clear()
            self.reset_quota()
            self.rate_limits.clear()
            self.sent.clear()
            self.max_in_window.clear()

    def over_rate_limit(self, op_id, now):
        """Notes a request of op_id at `now`; True when it is over the operation's limit."""
        with self.lock:
            times = self.sent.setdefault(op_id, [])
            limit = self.rate_limits.get(op_id)
            if limit is None:
                times.append(now)
                return False
            count, seconds = limit
            while times and times[0] <= now - seconds:
                times.pop(0)
            if len(times) >= count:
                return True
            times.append(now)
            self.max_in_window[op_id] = max(self.max_in_window.get(op_id, 0), len(times))
            return False

    def spend(self, op_id, body):
        """Counts an accepted send against the quota; False when it does not fit."""
        if op_id == "multicast":
            needed = len(body.get("to", [])) if isinstance(body, dict) else 0
        elif op_id == "broadcast":
            needed = self.friends
        elif op_id == "pushMessage":
            needed = 1
        else:
            return True
        with self.lock:
            if self.quota["type"] == "limited" and self.usage + needed > self.quota["value"]:
                return False
            self.usage += needed
            return True

    def take_fault(self, op_id):
        with self.lock:
            self.faults = [f for f in self.faults if f["count"] > 0]
            for fault in self.faults:
                if fault["operation"] not in (None, op_id):
                    continue
                fault["count"] -= 1
                return dict(fault)
            return None

    def record(self, entry):
        with self.lock:
            self.requests.append(entry)
            if self.record_path:
                with open(self.record_path, "a", encoding="utf-8") as f:
                    f.write(json.dumps(entry, ensure_ascii=False) + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as LINE's servers; curl reuses connections
    server_version = "line-standin/1"

    def log_message(self, fmt, *args):  # quiet: tests read /__standin/requests instead
        pass

    def setup(self):
        super().setup()
        # Headers and body go out in separate writes: with Nagle and the client's delayed ACK
        # every keep-alive answer would wait ~40 ms (docs: reference-toolchain, cpp-httplib).
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    @property
    def state(self):
        return self.server.state

    def _send(self, status, body, headers=None):
        data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def do_PUT(self):
        self._dispatch()

    def do_DELETE(self):
        self._dispatch()

    def _dispatch(self):
        url = urlsplit(self.path)
        raw = self._read_body()
        if url.path.startswith("/__standin/"):
            self._control(url.path, raw)
        else:
            self._api(url, raw)

    def _control(self, path, raw):
        st = self.state
        if path == "/__standin/faults" and self.command == "POST":
            try:
                spec = json.loads(raw or b"{}")
                fault = {
                    "status": int(spec["status"]),
                    "count": int(spec.get("count", 1)),
                    "body": spec.get("body", {"message": "Injected fault"}),
                    "delay_ms": int(spec.get("delay_ms", 0)),
                    "accept": bool(spec.get("accept", False)),
                    "headers": dict(spec.get("headers", {})),
                    "operation": spec.get("operation"),
                }
            except (ValueError, KeyError, TypeError) as e:
                self._send(400, {"message": f"bad fault: {e}"})
                return
            with st.lock:
                st.faults.append(fault)
            self._send(200, {"queued": fault})
        elif path == "/__standin/faults" and self.command == "DELETE":
            with st.lock:
                st.faults.clear()
            self._send(200, {})
        elif path == "/__standin/requests" and self.command == "GET":
            with st.lock:
                self._send(200, list(st.requests))
        elif path == "/__standin/violations" and self.command == "GET":
            with st.lock:
                self._send(200, [r for r in st.requests if r["violations"]])
        elif path == "/__standin/reset" and self.command == "POST":
            st.reset()
            self._send(200, {})
        elif path == "/__standin/quota" and self.command == "POST":
            try:
                spec = json.loads(raw or b"{}")
                kind = spec.get("type", "none")
                if kind not in ("none", "limited"):
                    raise ValueError("type must be none or limited")
                with st.lock:
                    st.quota = {"type": kind, "value": int(spec.get("value", 0))}
                    st.usage = int(spec.get("totalUsage", st.usage))
            except (ValueError, TypeError) as e:
                self._send(400, {"message": f"bad quota: {e}"})
                return
            self._send(200, {"quota": st.quota, "totalUsage": st.usage})
        elif path == "/__standin/rate_limits" and self.command == "POST":
            try:
                spec = json.loads(raw or b"{}")
                limits = {op: (int(v[0]), float(v[1])) for op, v in spec.items()}
            except (ValueError, TypeError, IndexError) as e:
                self._send(400, {"message": f"bad rate limits: {e}"})
                return
            with st.lock:
                st.rate_limits = limits
            self._send(200, {})
        elif path == "/__standin/stats" and self.command == "GET":
            with st.lock:
                by_op = {}
                for r in st.requests:
                    by_op[r["operation"]] = by_op.get(r["operation"], 0) + 1
                self._send(200, {"requests": len(st.requests), "by_operation": by_op,
                                 "rate_limited": sum(1 for r in st.requests
                                                     if r.get("rate_limited")),
                                 "max_in_window": dict(st.max_in_window),
                                 "totalUsage": st.usage})
        else:
            self._send(404, {"message": f"no control endpoint {self.command} {path}"})

    def _api(self, url, raw):
        st = self.state
        request_id = str(uuid.uuid4())
        headers = {k.lower(): v for k, v in self.headers.items()}
        violations = []
        body = raw.decode("utf-8", errors="replace") if raw else None
        status, response, extra_headers = None, None, {"X-Line-Request-Id": request_id}

        op = st.spec.find(self.command, url.path)
        if op is None:
            violations.append({"property": "(path)",
                               "message": f"no operation {self.command} {url.path} in the spec"})
            status, response = 404, {"message": "Not found"}
        else:
            auth_problem = self._check_auth(op, headers)
            if auth_problem:
                violations.append({"property": "Authorization", "message": auth_problem})
                status, response = 401, {"message": "Authentication failed. " + auth_problem}
            violations += self._check_headers(op, headers)
            violations += self._check_query(op, url.query)
            body_violations, body = self._check_body(op, headers, raw, body)
            violations += body_violations
            if status is None and violations:
                status = 400
                response = {"message": f"The request has {len(violations)} error(s)",
                            "details": violations}

        key = headers.get(RETRY_KEY)
        rate_limited = False
        if status is None and st.over_rate_limit(op.op_id, time.monotonic()):
            status, response, rate_limited = 429, {"message": RATE_LIMITED}, True
        if status is None:
            fault = st.take_fault(op.op_id)
            if fault:
                if fault["delay_ms"]:
                    time.sleep(fault["delay_ms"] / 1000.0)
                if fault["accept"] and key:
                    with st.lock:
                        st.accepted_keys.setdefault(key, request_id)
                status, response = fault["status"], fault["body"]
                extra_headers.update(fault["headers"])
        if status is None:
            with st.lock:
                first = st.accepted_keys.get(key) if key else None
                if key and first is None:
                    st.accepted_keys[key] = request_id
            if first is not None:
                status = 409
                response = {"message": "The retry key is already accepted"}
                extra_headers["x-line-accepted-request-id"] = first
            elif not st.spend(op.op_id, body):
                with st.lock:
                    if key and st.accepted_keys.get(key) == request_id:
                        del st.accepted_keys[key]  # not accepted after all
                status, response = 429, {"message": MONTHLY_LIMIT}
            else:
                status, response = op.success_status, self._success_body(op)

        st.record({
            "method": self.command,
            "path": url.path,
            "query": url.query,
            "headers": headers,
            "body": body,
            "status": status,
            "violations": violations,
            "request_id": request_id,
            "operation": op.op_id if op else None,
            "time": time.time(),
            "rate_limited": rate_limited,
        })
        self._send(status, response, extra_headers)

    def _check_auth(self, op, headers):
        if not op.secured:
            return None
        auth = headers.get("authorization", "")
        if not auth.startswith("Bearer ") or not auth[len("Bearer "):].strip():
            return "Authorization must be 'Bearer <channel access token>'"
        if self.state.token is not None and auth[len("Bearer "):] != self.state.token:
            return "the channel access token is not the expected one"
        return None

    def _check_headers(self, op, headers):
        out = []
        if RETRY_KEY in headers:
            declared = op.headers.get(RETRY_KEY)
            if declared is None:
                out.append({"property": "X-Line-Retry-Key",
                            "message": f"not supported by {op.op_id}"})
            elif not UUID_RE.match(headers[RETRY_KEY]):
                out.append({"property": "X-Line-Retry-Key",
                            "message": "must be a UUID in hexadecimal format"})
        for name, param in op.headers.items():
            if param.get("required") and name not in headers:
                out.append({"property": param["name"], "message": "header must be specified"})
        return out

    def _check_query(self, op, query):
        out = []
        values = parse_qs(query, keep_blank_values=True)
        for name, param in op.query.items():
            if param.get("required") and name not in values:
                out.append({"property": name, "message": "query parameter must be specified"})
        for name in values:
            if name not in op.query:
                out.append({"property": name, "message": f"unknown query parameter for {op.op_id}"})
        return out

    def _check_body(self, op, headers, raw, text):
        rb = op.request_body
        if rb is None:
            if raw:
                return [{"property": "(body)", "message": f"{op.op_id} takes no request body"}], text
            return [], text
        if not raw:
            if rb.get("required"):
                return [{"property": "(body)", "message": "request body must be specified"}], text
            return [], text
        content = rb.get("content", {})
        ctype = headers.get("content-type", "").split(";")[0].strip().lower()
        if "*/*" in content:
            return [], text
        if ctype not in content:
            return [{"property": "Content-Type",
                     "message": f"must be one of {sorted(content)}, was '{ctype}'"}], text
        if ctype != "application/json":
            return [], text
        try:
            value = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            return [{"property": "(body)", "message": f"not valid JSON: {e}"}], text
        schema = content[ctype].get("schema")
        if not schema or not self.state.validate:
            return [], value
        return self.state.validator.validate(schema, value), value

    def _success_body(self, op):
        if op.op_id in ("pushMessage", "replyMessage"):
            return {"sentMessages": [{"id": str(int(time.time() * 1000)), "quoteToken": "q"}]}
        st = self.state
        with st.lock:
            if op.op_id == "getMessageQuota":
                return dict(st.quota) if st.quota["type"] == "limited" else {"type": "none"}
            if op.op_id == "getMessageQuotaConsumption":
                return {"totalUsage": st.usage}
        return {}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--spec", default=default_spec_path())
    parser.add_argument("--token", default=None, help="the only channel access token accepted")
    parser.add_argument("--record", default=None, help="append each request as a JSON line")
    parser.add_argument("--no-validate", action="store_true",
                        help="skip request-body schema checks (benchmarks of big multicasts)")
    parser.add_argument("--friends", type=int, default=0,
                        help="friends of the account: what a broadcast spends of the quota")
    args = parser.parse_args()

    spec = Spec(args.spec)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.state = State(spec, args.token, args.record)
    server.state.friends = args.friends
    server.state.validate = not args.no_validate
    print(f"PORT {server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
