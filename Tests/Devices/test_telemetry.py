"""Telemetry over MQTT (`aircon/telemetry`), the telemetry query API, dead letters and
auto-registration of devices."""

from __future__ import annotations

import base64
import json
import time
from datetime import datetime, timezone

import pytest

TOPIC = "aircon/telemetry"
BASE = 1_700_000_000  # a fixed epoch second; tests add their own offsets


def rfc3339(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).isoformat().replace("+00:00", "Z")


def assert_error(status, body, expected_status=400):
    assert status == expected_status, (status, body)
    assert isinstance(body, dict) and isinstance(body.get("error"), dict), body
    assert isinstance(body["error"].get("code"), str) and body["error"]["code"], body
    assert isinstance(body["error"].get("message"), str) and body["error"]["message"], body


# --------------------------------------------------------------------------------------
# Ingestion
# --------------------------------------------------------------------------------------

def test_reading_is_stored_with_its_payload_and_topic(mqtt, unique, readings, epoch):
    device = unique("tel")
    client = mqtt()
    payload = {"device_id": device, "temperature": 21.5, "mode": "cool", "nested": {"rpm": 900}}
    before = time.time()
    client.publish(TOPIC, payload, qos=1)
    [reading] = readings(device, 1)
    after = time.time()
    assert reading["device_id"] == device
    assert reading["topic"] == TOPIC
    assert reading["payload"] == payload
    assert isinstance(reading["sequence"], int)
    # No timestamp member: the reading time is the arrival time.
    assert before - 1 <= epoch(reading["timestamp"]) <= after + 1
    assert before - 1 <= epoch(reading["received_at"]) <= after + 1


@pytest.mark.parametrize("protocol", [5, 4], ids=["mqtt5", "mqtt311"])
@pytest.mark.parametrize("qos", [0, 1])
def test_reading_accepted_at_qos(mqtt, unique, readings, qos, protocol):
    device = unique(f"qos{qos}")
    mqtt(protocol=protocol).publish(TOPIC, {"device_id": device, "v": qos}, qos=qos)
    [reading] = readings(device, 1)
    assert reading["payload"]["v"] == qos


@pytest.mark.parametrize("members, winner", [
    (("device_id", "device_name", "thing_name"), "device_id"),
    (("device_name", "thing_name"), "device_name"),
    (("thing_name",), "thing_name"),
    (("device_name", "device_id"), "device_id"),
    (("thing_name", "device_name"), "device_name"),
])
def test_device_id_taken_from_first_member_present(mqtt, unique, readings, members, winner):
    ids = {member: unique(member.split("_")[0]) for member in members}
    payload = {member: ids[member] for member in members}
    payload["x"] = 1
    mqtt().publish(TOPIC, payload)
    [reading] = readings(ids[winner], 1)
    assert reading["device_id"] == ids[winner]
    assert reading["payload"] == payload


def test_device_id_falls_back_to_client_id(mqtt, unique, readings):
    client_id = unique("cid")
    mqtt(client_id=client_id).publish(TOPIC, {"temperature": 19})
    [reading] = readings(client_id, 1)
    assert reading["device_id"] == client_id
    assert reading["payload"] == {"temperature": 19}


@pytest.mark.parametrize("stamp, expected", [
    (BASE + 12.5, BASE + 12.5),                      # epoch seconds
    ((BASE + 12) * 1000 + 250, BASE + 12.25),        # epoch milliseconds (> 1e11)
    ("2024-03-04T13:21:12Z", 1709558472.0),          # RFC 3339, UTC
    ("2024-03-04T15:21:12.5+02:00", 1709558472.5),   # RFC 3339 with offset and fraction
])
def test_timestamp_member_is_the_reading_time(mqtt, unique, readings, epoch, stamp, expected):
    device = unique("ts")
    mqtt().publish(TOPIC, {"device_id": device, "timestamp": stamp, "v": 1})
    [reading] = readings(device, 1)
    assert epoch(reading["timestamp"]) == pytest.approx(expected, abs=0.002)
    # received_at is the arrival time, not the reading time
    assert abs(epoch(reading["received_at"]) - time.time()) < 30


def test_sequences_increase_in_arrival_order(mqtt, unique, readings):
    device = unique("seq")
    client = mqtt()
    for i in range(5):
        client.publish(TOPIC, {"device_id": device, "i": i, "timestamp": BASE + i})
    got = readings(device, 5)
    assert [r["payload"]["i"] for r in got] == list(range(5))
    sequences = [r["sequence"] for r in got]
    assert sequences == sorted(sequences) and len(set(sequences)) == 5


# --------------------------------------------------------------------------------------
# Dead letters
# --------------------------------------------------------------------------------------

def _dead_letters(api, limit=1000):
    status, body = api.get("/api/v1/telemetry/dead-letters", query={"limit": limit})
    assert status == 200, (status, body)
    return body["dead_letters"]


@pytest.mark.parametrize("payload", [b"this is not json {", b"[1, 2, 3]", b"42", b'"text"', b"\xff\xfe\x00"],
                         ids=["garbage", "array", "number", "string", "binary"])
def test_bad_payload_is_dead_lettered_not_stored(api, mqtt, unique, eventually, readings, payload):
    client_id = unique("dl")
    client = mqtt(client_id=client_id)
    client.publish(TOPIC, payload)
    # A valid reading from the same client afterwards proves the bad one was processed first.
    client.publish(TOPIC, {"marker": True})
    got = readings(client_id, 1)
    assert [r["payload"] for r in got] == [{"marker": True}]

    def mine():
        return [d for d in _dead_letters(api) if d.get("client_id") == client_id]

    [letter] = eventually(mine, 5)
    assert letter["topic"] == TOPIC
    assert isinstance(letter["reason"], str) and letter["reason"].strip()
    assert isinstance(letter["sequence"], int)
    assert letter["received_at"] is not None
    assert "payload" in letter
    if payload.isascii():
        # Kept exactly as it arrived (not re-encoded), spaces included.
        assert letter["payload"] == payload.decode()


def test_dead_letters_newest_first_and_limited(api, mqtt, unique, eventually):
    client_id = unique("dlo")
    client = mqtt(client_id=client_id)
    for i in range(3):
        client.publish(TOPIC, f"broken-{i}".encode())

    def mine():
        letters = [d for d in _dead_letters(api) if d.get("client_id") == client_id]
        return letters if len(letters) == 3 else None

    letters = eventually(mine, 5)
    sequences = [d["sequence"] for d in letters]
    assert sequences == sorted(sequences, reverse=True)
    # The newest is the last one published (the payload is kept, as text or base64).
    newest = json.dumps(letters[0]["payload"])
    assert "broken-2" in newest or base64.b64encode(b"broken-2").decode() in newest, letters[0]
    limited = _dead_letters(api, limit=1)
    assert len(limited) == 1
    assert limited[0]["sequence"] >= letters[0]["sequence"]


@pytest.mark.parametrize("limit", ["abc", "-1", "1.5"])
def test_dead_letters_bad_limit_400(api, limit):
    status, body = api.get("/api/v1/telemetry/dead-letters", query={"limit": limit})
    assert_error(status, body)


# --------------------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------------------

@pytest.fixture
def series(mqtt, unique, readings):
    """A device with readings at BASE+0 .. BASE+4 (value i at BASE+i), published out of order."""
    device = unique("ser")
    client = mqtt()
    for i in (3, 0, 4, 1, 2):
        client.publish(TOPIC, {"device_id": device, "timestamp": BASE + i, "i": i})
    readings(device, 5)
    return device


def _query(api, path, **query):
    status, body = api.get(path, query=query)
    assert status == 200, (status, body)
    assert body["count"] == len(body["readings"])
    return [r["payload"]["i"] for r in body["readings"]]


def test_default_order_is_ascending_by_time(api, series):
    assert _query(api, "/api/v1/telemetry", device=series) == [0, 1, 2, 3, 4]


def test_order_desc(api, series):
    assert _query(api, "/api/v1/telemetry", device=series, order="desc") == [4, 3, 2, 1, 0]
    assert _query(api, "/api/v1/telemetry", device=series, order="asc") == [0, 1, 2, 3, 4]


def test_limit(api, series):
    assert _query(api, "/api/v1/telemetry", device=series, limit=2) == [0, 1]
    assert _query(api, "/api/v1/telemetry", device=series, limit=2, order="desc") == [4, 3]


def test_from_inclusive_to_exclusive_epoch_seconds(api, series):
    assert _query(api, "/api/v1/telemetry", device=series, **{"from": BASE + 1, "to": BASE + 3}) == [1, 2]
    assert _query(api, "/api/v1/telemetry", device=series, **{"from": BASE + 4}) == [4]
    assert _query(api, "/api/v1/telemetry", device=series, to=BASE + 1) == [0]
    assert _query(api, "/api/v1/telemetry", device=series, **{"from": BASE + 2, "to": BASE + 2}) == []


def test_from_to_rfc3339(api, series):
    got = _query(api, "/api/v1/telemetry", device=series,
                 **{"from": rfc3339(BASE + 1), "to": rfc3339(BASE + 4)})
    assert got == [1, 2, 3]


def test_device_telemetry_endpoint(api, series, mqtt, unique, readings):
    other = unique("other")
    mqtt().publish(TOPIC, {"device_id": other, "timestamp": BASE + 2, "i": 99})
    readings(other, 1)
    status, body = api.get(f"/api/v1/devices/{series}/telemetry")
    assert status == 200, body
    assert [r["payload"]["i"] for r in body["readings"]] == [0, 1, 2, 3, 4]
    assert {r["device_id"] for r in body["readings"]} == {series}
    assert body["count"] == 5
    got = _query(api, f"/api/v1/devices/{series}/telemetry", order="desc", limit=2,
                 **{"from": BASE + 1, "to": BASE + 4})
    assert got == [3, 2]


def test_unfiltered_query_includes_several_devices(api, mqtt, unique, readings):
    a, b = unique("qa"), unique("qb")
    client = mqtt()
    stamp = BASE + 777_777
    client.publish(TOPIC, {"device_id": a, "timestamp": stamp})
    client.publish(TOPIC, {"device_id": b, "timestamp": stamp})
    readings(a, 1)
    readings(b, 1)
    status, body = api.get("/api/v1/telemetry", query={"from": stamp, "to": stamp + 1, "limit": 100000})
    assert status == 200, body
    assert {a, b} <= {r["device_id"] for r in body["readings"]}


@pytest.mark.parametrize("query", [
    {"from": "yesterday"},
    {"to": "2024-13-45T99:00:00Z"},
    {"limit": "abc"},
    {"limit": "-1"},
    {"order": "sideways"},
])
def test_bad_query_parameters_400(api, unique, query):
    status, body = api.get("/api/v1/telemetry", query=query)
    assert_error(status, body)
    status, body = api.get(f"/api/v1/devices/{unique('bq')}/telemetry", query=query)
    assert_error(status, body)


@pytest.mark.parametrize("query", [
    {"bucket": "0", "field": "t"},
    {"bucket": "-60", "field": "t"},
    {"bucket": "soon", "field": "t"},
    {"bucket": "60"},
])
def test_bad_bucket_parameters_400(api, unique, query):
    status, body = api.get(f"/api/v1/devices/{unique('bb')}/telemetry", query=query)
    assert_error(status, body)


# --------------------------------------------------------------------------------------
# Aggregation
# --------------------------------------------------------------------------------------

def test_bucket_aggregation(api, mqtt, unique, readings, epoch):
    device = unique("agg")
    start = 1_700_000_040  # a multiple of 60
    assert start % 60 == 0
    client = mqtt()
    points = [
        (start + 0, 10), (start + 10, 20), (start + 59, 30),   # bucket 1: 3 values
        (start + 60, 5), (start + 61, "hot"), (start + 62, "7"),  # bucket 2: 1 numeric value
        (start + 63, None), (start + 64, {"v": 1}), (start + 65, [1, 2]),
        (start + 150, -2.5),                                    # bucket 3 (start+120)
    ]
    for stamp, value in points:
        client.publish(TOPIC, {"device_id": device, "timestamp": stamp, "temp": value,
                               "env": {"humidity": value if isinstance(value, (int, float)) and not isinstance(value, bool)
                                       else None}})
    readings(device, len(points))
    status, body = api.get(f"/api/v1/devices/{device}/telemetry", query={"bucket": 60, "field": "temp"})
    assert status == 200, body
    assert body["device_id"] == device
    assert body["field"] == "temp"
    assert body["bucket"] == 60
    buckets = body["buckets"]
    assert [epoch(b["start"]) for b in buckets] == [start, start + 60, start + 120]
    assert [b["count"] for b in buckets] == [3, 1, 1]
    assert buckets[0]["avg"] == pytest.approx(20)
    assert buckets[0]["min"] == pytest.approx(10)
    assert buckets[0]["max"] == pytest.approx(30)
    assert (buckets[1]["avg"], buckets[1]["min"], buckets[1]["max"]) == (5, 5, 5)
    assert buckets[2]["avg"] == pytest.approx(-2.5)

    # Nested field with a dot, restricted by from/to.
    status, body = api.get(f"/api/v1/devices/{device}/telemetry",
                           query={"bucket": 60, "field": "env.humidity", "from": start, "to": start + 120})
    assert status == 200, body
    assert body["field"] == "env.humidity"
    assert [b["count"] for b in body["buckets"]] == [3, 1]
    assert body["buckets"][0]["max"] == pytest.approx(30)


# --------------------------------------------------------------------------------------
# Auto-registration and last_seen
# --------------------------------------------------------------------------------------

def test_first_reading_auto_registers_device(api, mqtt, unique, readings, eventually, epoch):
    device = unique("auto")
    assert api.get(f"/api/v1/devices/{device}")[0] == 404
    client = mqtt()
    client.publish(TOPIC, {"device_id": device, "timestamp": BASE + 100})
    readings(device, 1)

    def registered():
        status, body = api.get(f"/api/v1/devices/{device}")
        return body if status == 200 else None

    body = eventually(registered, 5)
    assert body["device_id"] == device
    assert body["auto_registered"] is True
    assert body["type"] == "aircon"
    assert epoch(body["last_seen"]) == pytest.approx(BASE + 100, abs=0.01)

    # last_seen moves forward to the newest reading's time, and an older reading does not move it back.
    client.publish(TOPIC, {"device_id": device, "timestamp": BASE + 200})
    client.publish(TOPIC, {"device_id": device, "timestamp": BASE + 150})
    readings(device, 3)

    def moved():
        status, body = api.get(f"/api/v1/devices/{device}")
        return body if epoch(body["last_seen"]) >= BASE + 200 - 0.01 else None

    body = eventually(moved, 5)
    time.sleep(0.2)
    status, body = api.get(f"/api/v1/devices/{device}")
    assert epoch(body["last_seen"]) == pytest.approx(BASE + 200, abs=0.01)
    status, listing = api.get("/api/v1/devices")
    assert device in [d["device_id"] for d in listing["devices"]]


def test_registered_device_keeps_its_type_when_reading_arrives(api, mqtt, unique, readings, eventually, epoch):
    device = unique("reg")
    status, body = api.post("/api/v1/devices", {"device_id": device, "type": "heatpump"})
    assert status == 201, body
    mqtt().publish(TOPIC, {"device_id": device, "timestamp": BASE + 5})
    readings(device, 1)
    body = eventually(lambda: (lambda b: b if b[1].get("last_seen") is not None else None)(
        api.get(f"/api/v1/devices/{device}")), 5)[1]
    assert body["type"] == "heatpump"
    assert body["auto_registered"] is False
    assert epoch(body["last_seen"]) == pytest.approx(BASE + 5, abs=0.01)


def test_bucket_aggregation_skips_booleans(api, mqtt, unique, readings):
    device = unique("aggb")
    start = 1_700_000_040
    client = mqtt()
    for stamp, value in ((start, 5), (start + 1, True), (start + 2, False), (start + 3, 7)):
        client.publish(TOPIC, {"device_id": device, "timestamp": stamp, "temp": value})
    readings(device, 4)
    status, body = api.get(f"/api/v1/devices/{device}/telemetry", query={"bucket": 60, "field": "temp"})
    assert status == 200, body
    [bucket] = body["buckets"]
    assert (bucket["count"], bucket["min"], bucket["max"]) == (2, 5, 7), bucket
    assert bucket["avg"] == pytest.approx(6)
