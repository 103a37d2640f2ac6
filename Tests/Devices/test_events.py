"""Error events: `POST /api/v1/events` (own format, the reference's format, Alertmanager
webhooks), `GET /api/v1/events`, and MQTT messages on `aircon/errors`."""

from __future__ import annotations

import time

import pytest

STAMP = 1741094472.5  # 2025-03-04T13:21:12.5Z


def assert_error(status, body, expected_status=400):
    assert status == expected_status, (status, body)
    assert isinstance(body, dict) and isinstance(body.get("error"), dict), body
    assert body["error"].get("code") and body["error"].get("message"), body


def events_of(api, device, limit=None):
    query = {"device": device}
    if limit is not None:
        query["limit"] = limit
    status, body = api.get("/api/v1/events", query=query)
    assert status == 200, (status, body)
    return body["events"]


def code(unique):
    return unique("E").upper()


def accepted(status, body, n, ignored=0):
    assert status == 202, (status, body)
    assert body["accepted"] == n, body
    assert body["ignored"] == ignored, body
    assert isinstance(body["ids"], list) and len(body["ids"]) == n, body
    assert len(set(map(str, body["ids"]))) == n
    return body["ids"]


# --------------------------------------------------------------------------------------
# POST /api/v1/events
# --------------------------------------------------------------------------------------

def test_single_event_accepted_and_listed(api, unique, epoch):
    device, error = unique("ev"), code(unique)
    details = {"compressor": "stalled", "attempt": 2}
    before = time.time()
    [event_id] = accepted(*api.post("/api/v1/events", {"device_id": device, "error_code": error,
                                                       "timestamp": STAMP, "details": details}), 1)
    [event] = events_of(api, device)
    assert str(event["id"]) == str(event_id)
    assert event["device_id"] == device
    assert event["error_code"] == error
    assert epoch(event["timestamp"]) == pytest.approx(STAMP, abs=0.002)
    assert before - 2 <= epoch(event["received_at"]) <= time.time() + 2
    assert event["details"] == details
    assert isinstance(event["source"], str) and event["source"]
    assert event["source"] != "mqtt"


def test_reference_format_with_device_name(api, unique, epoch):
    device, error = unique("ref"), code(unique)
    accepted(*api.post("/api/v1/events", {"device_name": device, "error_code": error, "timestamp": STAMP}), 1)
    [event] = events_of(api, device)
    assert event["device_id"] == device
    assert event["error_code"] == error
    assert epoch(event["timestamp"]) == pytest.approx(STAMP, abs=0.002)


def test_array_of_events_with_none_ignored(api, unique):
    device = unique("arr")
    codes = [code(unique), code(unique)]
    batch = [
        {"device_id": device, "error_code": codes[0], "timestamp": STAMP},
        {"device_id": device, "error_code": "None", "timestamp": STAMP + 1},
        {"device_id": device, "error_code": codes[1], "timestamp": STAMP + 2},
    ]
    accepted(*api.post("/api/v1/events", batch), 2, ignored=1)
    got = events_of(api, device)
    assert sorted(e["error_code"] for e in got) == sorted(codes)
    assert "None" not in [e["error_code"] for e in got]


def test_error_code_none_alone_is_ignored(api, unique):
    device = unique("none")
    status, body = api.post("/api/v1/events", {"device_name": device, "error_code": "None", "timestamp": STAMP})
    accepted(status, body, 0, ignored=1)
    assert events_of(api, device) == []


def test_integer_epoch_timestamp(api, unique, epoch):
    device = unique("tsf")
    accepted(*api.post("/api/v1/events", {"device_id": device, "error_code": "A1", "timestamp": 1741094472}), 1)
    [event] = events_of(api, device)
    assert epoch(event["timestamp"]) == pytest.approx(1741094472, abs=0.002)


@pytest.mark.parametrize("body", [
    {"error_code": "E77", "timestamp": STAMP},                  # no device
    {"device_id": "dev-x", "timestamp": STAMP},                 # no code
    {"device_name": "dev-x"},
    {"device_id": "", "error_code": "E77"},
    {"device_id": "dev-x", "error_code": ""},
])
def test_missing_device_or_code_400(api, body):
    status, reply = api.post("/api/v1/events", body)
    assert_error(status, reply)


def test_invalid_record_in_array_400_and_nothing_stored(api, unique):
    device = unique("bad")
    batch = [{"device_id": device, "error_code": code(unique)}, {"device_id": device}]
    assert_error(*api.post("/api/v1/events", batch))
    assert events_of(api, device) == []


def test_events_newest_first_and_limit(api, unique):
    device = unique("ord")
    codes = [code(unique) for _ in range(3)]
    for i, c in enumerate(codes):
        accepted(*api.post("/api/v1/events", {"device_id": device, "error_code": c, "timestamp": STAMP + i}), 1)
    assert [e["error_code"] for e in events_of(api, device)] == list(reversed(codes))
    assert [e["error_code"] for e in events_of(api, device, limit=2)] == [codes[2], codes[1]]


def test_events_filtered_by_device(api, unique):
    a, b = unique("fa"), unique("fb")
    accepted(*api.post("/api/v1/events", [{"device_id": a, "error_code": "X1"},
                                          {"device_id": b, "error_code": "X2"}]), 2)
    assert {e["device_id"] for e in events_of(api, a)} == {a}
    status, body = api.get("/api/v1/events", query={"limit": 1000})
    assert status == 200
    assert {a, b} <= {e["device_id"] for e in body["events"]}


def test_bad_limit_400(api):
    assert_error(*api.get("/api/v1/events", query={"limit": "many"}))


# --------------------------------------------------------------------------------------
# Alertmanager
# --------------------------------------------------------------------------------------

def alertmanager(alerts, status="firing"):
    return {
        "version": "4", "groupKey": "{}:{alertname=\"x\"}", "truncatedAlerts": 0, "status": status,
        "receiver": "onecall", "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {},
        "externalURL": "http://alertmanager:9093", "alerts": alerts,
    }


def alert(labels, status="firing", starts="2025-03-04T13:21:12Z"):
    return {"status": status, "labels": labels, "annotations": {"summary": "something broke"},
            "startsAt": starts, "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus/graph", "fingerprint": "abc123"}


@pytest.mark.parametrize("path", ["/api/v1/events", "/api/v1/events/alertmanager"])
def test_alertmanager_firing_alerts_become_events(api, unique, path):
    d1, d2, d3, d4 = (unique("am") for _ in range(4))
    c1, c2 = code(unique), code(unique)
    alerts = [
        alert({"device_id": d1, "error_code": c1, "alertname": "Ignored", "instance": "i", "job": "j"}),
        alert({"device": d2, "alertname": c2, "instance": "other", "job": "other"}),
        alert({"instance": d3, "alertname": "Overheat", "job": "other"}),
        alert({"job": d4, "alertname": "Overheat"}),
        alert({"device_id": d1, "error_code": code(unique)}, status="resolved"),
    ]
    status, body = api.post(path, alertmanager(alerts))
    assert status == 202, (status, body)
    assert body["accepted"] == 4, body
    assert len(body["ids"]) == 4
    assert [e["error_code"] for e in events_of(api, d1)] == [c1]
    assert [e["error_code"] for e in events_of(api, d2)] == [c2]
    assert [e["error_code"] for e in events_of(api, d3)] == ["Overheat"]
    assert [e["error_code"] for e in events_of(api, d4)] == ["Overheat"]


def test_alertmanager_resolved_only_creates_nothing(api, unique):
    device = unique("res")
    status, body = api.post("/api/v1/events/alertmanager",
                            alertmanager([alert({"device_id": device, "alertname": "Overheat"}, "resolved")],
                                         status="resolved"))
    assert status == 202, (status, body)
    assert body["accepted"] == 0
    assert events_of(api, device) == []


# --------------------------------------------------------------------------------------
# MQTT aircon/errors
# --------------------------------------------------------------------------------------

def test_mqtt_error_message_becomes_event(api, mqtt, unique, eventually, epoch):
    device, error = unique("mq"), code(unique)
    mqtt().publish("aircon/errors", {"device_name": device, "error_code": error, "timestamp": STAMP})
    [event] = eventually(lambda: events_of(api, device), 5)
    assert event["device_id"] == device
    assert event["error_code"] == error
    assert event["source"] == "mqtt"
    assert epoch(event["timestamp"]) == pytest.approx(STAMP, abs=0.002)


def test_mqtt_error_none_is_not_an_event(api, mqtt, unique, eventually):
    device = unique("mqn")
    client = mqtt()
    client.publish("aircon/errors", {"device_name": device, "error_code": "None", "timestamp": STAMP})
    marker = code(unique)
    client.publish("aircon/errors", {"device_name": device, "error_code": marker, "timestamp": STAMP + 1})
    got = eventually(lambda: events_of(api, device), 5)
    time.sleep(0.2)
    got = events_of(api, device)
    assert [e["error_code"] for e in got] == [marker]
