"""Shared machinery for the OneCall device-platform end-to-end suite.

The test modules get everything through fixtures (they never import this file):

  * ``server``  -- where the server under test listens (``--host``, ``--mqtt-port``,
                   ``--http-port``; environment ``ONECALL_HOST``, ``ONECALL_MQTT_PORT``,
                   ``ONECALL_HTTP_PORT``);
  * ``api``     -- ``api(method, path, body=None, *, query=None, raw=None, headers=None)``
                   sends one HTTP request with urllib and returns ``(status, parsed body)``
                   (the body parsed as JSON when it is JSON, else text, ``None`` when empty);
  * ``mqtt``    -- ``mqtt(client_id=None, subscribe=(), protocol=5)`` connects a paho-mqtt 2.x
                   client, waits for its SUBACKs and collects every message it receives;
                   the returned ``Collector`` has ``publish``, ``wait_for(predicate, timeout)``,
                   ``assert_nothing(predicate, seconds)`` and ``disconnect``;
  * ``unique``  -- ``unique("prefix")`` gives a fresh name (``prefix-<12 hex>``) so that tests
                   never collide and never depend on one another or on their order;
  * ``eventually`` -- ``eventually(fn, timeout)`` calls ``fn`` until it returns a truthy value
                   (which it returns) or fails the test with the last value seen;
  * ``epoch``   -- converts a timestamp the API returns (seconds, or RFC 3339 text) to seconds.
"""

from __future__ import annotations

import faulthandler
import json
import os
import queue
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timezone

import pytest

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

_OPTIONS = [
    # (option, environment variable, default, help)
    ("--host", "ONECALL_HOST", "127.0.0.1", "host of the server under test"),
    ("--mqtt-port", "ONECALL_MQTT_PORT", "1883", "MQTT port (anonymous clients allowed)"),
    ("--http-port", "ONECALL_HTTP_PORT", "8080", "HTTP API port"),
]

MQTT_TIMEOUT = 5.0


def pytest_addoption(parser):
    group = parser.getgroup("onecall", "OneCall device-platform suite")
    for opt, env, default, text in _OPTIONS:
        group.addoption(opt, action="store", default=None, help=f"{text} (env {env}, default {default})")


def _option(config, opt):
    for o, env, default, _ in _OPTIONS:
        if o == opt:
            value = config.getoption(opt)
            if value is None:
                value = os.environ.get(env) or None
            return value if value is not None else default
    raise KeyError(opt)


class Server:
    def __init__(self, config):
        self.host = _option(config, "--host")
        self.mqtt_port = int(_option(config, "--mqtt-port"))
        self.http_port = int(_option(config, "--http-port"))
        self.base_url = f"http://{self.host}:{self.http_port}"


@pytest.fixture(scope="session")
def server(pytestconfig):
    srv = Server(pytestconfig)
    # Wait (briefly) until the server answers, so a just-started server does not fail test one.
    deadline = time.monotonic() + 20
    last = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(srv.base_url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return srv
        except Exception as error:  # noqa: BLE001 - any failure means "not yet"
            last = error
        time.sleep(0.2)
    pytest.exit(f"OneCall does not answer on {srv.base_url}/healthz: {last}", returncode=2)


# --------------------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------------------

def _parse(data: bytes, content_type: str):
    if not data:
        return None
    text = data.decode("utf-8", errors="replace")
    if "json" in (content_type or "") or text[:1] in "{[":
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # pragma: no cover - the API never redirects
        return None


class Api:
    """``api(method, path, body=None, query=None, raw=None, headers=None) -> (status, body)``.

    ``body`` is sent as JSON; ``raw`` (bytes or str) is sent as is (``Content-Type`` from
    ``headers``, default ``application/json``).  Errors (4xx/5xx) are returned, not raised.
    """

    def __init__(self, base_url: str):
        self.base_url = base_url
        self._opener = urllib.request.build_opener(_NoRedirect)
        self.last_headers = None

    def url(self, path: str, query=None) -> str:
        url = self.base_url + path
        if query:
            pairs = {k: v for k, v in query.items() if v is not None}
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(pairs)
        return url

    def __call__(self, method, path, body=None, *, query=None, raw=None, headers=None, timeout=10):
        data = None
        hdrs = {"Accept": "application/json"}
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        if raw is not None:
            data = raw.encode() if isinstance(raw, str) else raw
            hdrs["Content-Type"] = "application/json"
        if headers:
            hdrs.update(headers)
        request = urllib.request.Request(self.url(path, query), data=data, method=method, headers=hdrs)
        try:
            with self._opener.open(request, timeout=timeout) as response:
                self.last_headers = response.headers
                return response.status, _parse(response.read(), response.headers.get("Content-Type"))
        except urllib.error.HTTPError as error:
            self.last_headers = error.headers
            payload = error.read() if error.fp is not None else b""
            return error.code, _parse(payload, error.headers.get("Content-Type") if error.headers else "")

    def get(self, path, **kw):
        return self("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self("POST", path, body, **kw)

    def text(self, path) -> str:
        with self._opener.open(self.url(path), timeout=10) as response:
            return response.read().decode()


@pytest.fixture(scope="session")
def api(server):
    return Api(server.base_url)


# --------------------------------------------------------------------------------------
# MQTT
# --------------------------------------------------------------------------------------

class Message:
    __slots__ = ("topic", "payload", "qos", "retain", "json")

    def __init__(self, msg):
        self.topic = msg.topic
        self.payload = bytes(msg.payload)
        self.qos = msg.qos
        self.retain = bool(msg.retain)
        try:
            self.json = json.loads(self.payload.decode()) if self.payload else None
        except ValueError:
            self.json = None

    def __repr__(self):
        return f"<{self.topic} {self.payload[:200]!r}>"


class Collector:
    """A connected paho client and the messages it received (in arrival order)."""

    def __init__(self, server: Server, client_id: str, protocol: int):
        self.client_id = client_id
        version = paho.MQTTv5 if protocol == 5 else paho.MQTTv311
        self.client = paho.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=version)
        self.client.max_inflight_messages_set(100)
        self.client.max_queued_messages_set(0)
        self.queue: "queue.Queue[Message]" = queue.Queue()
        self.seen: list[Message] = []
        self._connected = threading.Event()
        self._connect_rc = None
        self._subacks: dict[int, threading.Event] = {}
        self._lock = threading.Lock()
        self.client.on_connect = self._on_connect
        self.client.on_message = lambda c, u, m: self.queue.put(Message(m))
        self.client.on_subscribe = self._on_subscribe
        self.client.connect(server.host, server.mqtt_port, keepalive=30)
        # Our own daemon thread (not loop_start) so that a stuck connection can never block
        # the end of a test or of the run.
        self._thread = threading.Thread(target=self._loop, name=f"mqtt-{client_id}", daemon=True)
        self._thread.start()
        if not self._connected.wait(MQTT_TIMEOUT):
            self.disconnect()
            raise AssertionError(f"MQTT client {client_id} got no CONNACK")
        if self._connect_rc is not None and getattr(self._connect_rc, "is_failure", False):
            raise AssertionError(f"MQTT client {client_id} refused: {self._connect_rc}")

    def _loop(self):
        try:
            self.client.loop_forever(retry_first_connection=False)
        except Exception:  # noqa: BLE001 - the test sees the missing replies
            pass

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        self._connect_rc = reason_code
        self._connected.set()

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
        with self._lock:
            event = self._subacks.setdefault(mid, threading.Event())
        event.set()

    def subscribe(self, *filters: str, qos: int = 1):
        for topic in filters:
            result, mid = self.client.subscribe(topic, qos)
            assert result == paho.MQTT_ERR_SUCCESS, f"subscribe {topic}: {result}"
            with self._lock:
                event = self._subacks.setdefault(mid, threading.Event())
            assert event.wait(MQTT_TIMEOUT), f"no SUBACK for {topic}"

    def publish(self, topic: str, payload, qos: int = 1, wait: bool = True, retain: bool = False):
        if isinstance(payload, (dict, list, int, float)) and not isinstance(payload, bool):
            payload = json.dumps(payload)
        info = self.client.publish(topic, payload, qos=qos, retain=retain)
        if wait:
            info.wait_for_publish(MQTT_TIMEOUT)
            assert info.is_published(), f"publish on {topic} not acknowledged"
        return info

    def _drain(self, timeout: float):
        try:
            self.seen.append(self.queue.get(timeout=timeout))
        except queue.Empty:
            return
        while True:
            try:
                self.seen.append(self.queue.get_nowait())
            except queue.Empty:
                return

    def wait_for(self, predicate, timeout: float = MQTT_TIMEOUT) -> Message:
        """The first received message (old or new) for which ``predicate(message)`` is true."""
        deadline = time.monotonic() + timeout
        checked = 0
        while True:
            for message in self.seen[checked:]:
                if predicate(message):
                    return message
            checked = len(self.seen)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{self.client_id}: no matching message within {timeout} s; "
                                     f"received {self.seen[-10:]}")
            self._drain(min(remaining, 0.1))

    def on(self, topic: str, timeout: float = MQTT_TIMEOUT, where=None) -> Message:
        """The first message on ``topic`` (optionally also satisfying ``where``)."""
        return self.wait_for(lambda m: m.topic == topic and (where is None or where(m)), timeout)

    def matching(self, predicate) -> list:
        self._drain(0)
        return [m for m in self.seen if predicate(m)]

    def assert_nothing(self, predicate, seconds: float = 0.5):
        deadline = time.monotonic() + seconds
        while True:
            hits = [m for m in self.seen if predicate(m)]
            assert not hits, f"{self.client_id}: unexpected {hits}"
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            self._drain(min(remaining, 0.1))

    def disconnect(self):
        try:
            self.client.disconnect()
        finally:
            self._thread.join(timeout=3)


@pytest.fixture
def mqtt(server):
    """Factory: ``mqtt(client_id=None, subscribe=(), protocol=5) -> Collector``."""
    made: list[Collector] = []

    def factory(client_id=None, subscribe=(), protocol=5, qos=1):
        if isinstance(subscribe, str):
            subscribe = (subscribe,)
        collector = Collector(server, client_id or f"dt-{uuid.uuid4().hex[:12]}", protocol)
        made.append(collector)
        if subscribe:
            collector.subscribe(*subscribe, qos=qos)
        return collector

    yield factory
    for collector in made:
        try:
            collector.disconnect()
        except Exception:  # noqa: BLE001 - best effort at teardown
            pass


@pytest.fixture(autouse=True)
def _dump_stacks_if_stuck():
    """A test that takes more than 60 s prints every thread's stack (and goes on)."""
    faulthandler.dump_traceback_later(60, repeat=False)
    yield
    faulthandler.cancel_dump_traceback_later()


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------

@pytest.fixture
def unique():
    """``unique("dev") -> "dev-<12 hex>"``: a name no other test (or run) uses."""

    def make(prefix: str = "t") -> str:
        return f"{prefix}-{uuid.uuid4().hex[:12]}"

    return make


def _eventually(fn, timeout: float = 5.0, interval: float = 0.05, message: str = ""):
    deadline = time.monotonic() + timeout
    value = None
    while True:
        value = fn()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"condition not met within {timeout} s {message}; last value: {value!r}")
        time.sleep(interval)


@pytest.fixture(scope="session")
def eventually():
    return _eventually


def to_epoch(value) -> float:
    if isinstance(value, bool) or value is None:
        raise AssertionError(f"not a timestamp: {value!r}")
    if isinstance(value, (int, float)):
        return float(value) / 1000.0 if value > 1e11 else float(value)
    text = str(value).strip()
    if text.endswith("Z") or text.endswith("z"):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


@pytest.fixture(scope="session")
def epoch():
    return to_epoch


@pytest.fixture(scope="session")
def readings(api, eventually):
    """``readings(device, n=None, timeout=5, **query)`` polls ``GET /api/v1/telemetry?device=``
    until at least ``n`` readings (any, when ``n`` is None) are there; returns the list."""

    def fetch(device, n=None, timeout=5.0, **query):
        query = {"device": device, "limit": 100000, **query}
        holder = {}

        def attempt():
            status, body = api.get("/api/v1/telemetry", query=query)
            assert status == 200, (status, body)
            holder["body"] = body
            got = body["readings"]
            return len(got) >= (n if n is not None else 1)

        _eventually(attempt, timeout, message=f"waiting for {n or 'a'} reading(s) of {device}")
        return holder["body"]["readings"]

    return fetch
