"""Operations: Prometheus counters, request size and JSON bounds, and the nothing-lost load test."""

from __future__ import annotations

import json
import re
import threading
import time

import pytest

COUNTERS = [
    "onecall_telemetry_readings_accepted_total",
    "onecall_telemetry_readings_dead_lettered_total",
    "onecall_events_accepted_total",
    "onecall_shadow_requests_accepted_total",
]


def metrics(api) -> dict:
    text = api.text("/metrics")
    values = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)", line)
        if match:
            name = match.group(1)
            values[name] = values.get(name, 0.0) + float(match.group(3))
    return values


def test_metrics_text_format(api):
    text = api.text("/metrics")
    for name in COUNTERS:
        assert re.search(rf"^# TYPE {name} counter$", text, re.MULTILINE), name
        assert re.search(rf"^{name}(\{{[^}}]*\}})? \d", text, re.MULTILINE), name


def test_counters_increase(api, mqtt, unique, readings, eventually):
    before = metrics(api)
    for name in COUNTERS:
        assert name in before, name
    device = unique("met")
    client = mqtt()
    client.publish("aircon/telemetry", {"device_id": device, "v": 1})
    client.publish("aircon/telemetry", {"device_id": device, "v": 2})
    client.publish("aircon/telemetry", b"not json at all")
    readings(device, 2)
    status, body = api.post("/api/v1/events", {"device_id": device, "error_code": unique("M")})
    assert status == 202, body
    status, body = api.post(f"/things/{device}/shadow", {"state": {"reported": {"v": 1}}})
    assert status == 200, body
    status, body = api.get(f"/things/{device}/shadow")
    assert status == 200, body

    def grown():
        now = metrics(api)
        growth = {name: now[name] - before[name] for name in COUNTERS}
        ok = (growth["onecall_telemetry_readings_accepted_total"] >= 2
              and growth["onecall_telemetry_readings_dead_lettered_total"] >= 1
              and growth["onecall_events_accepted_total"] >= 1
              and growth["onecall_shadow_requests_accepted_total"] >= 2)
        return growth if ok else None

    eventually(grown, 5)


# --------------------------------------------------------------------------------------
# Bounds
# --------------------------------------------------------------------------------------

def _too_large(api, path, content_type="application/json"):
    """POSTs a body of 1 MiB + 1 KiB; returns the status, or 413 when the server answered
    413 and closed the connection before the whole body was sent."""
    body = b'{"pad": "' + b"x" * (1024 * 1024 + 1024) + b'"}'
    try:
        status, reply = api("POST", path, raw=body, headers={"Content-Type": content_type}, timeout=20)
    except Exception as error:  # noqa: BLE001
        pytest.fail(f"no HTTP answer to an oversized body on {path}: {error!r}")
    return status, reply


@pytest.mark.parametrize("path", ["/api/v1/events", "/api/v1/devices", "/api/v1/devices/import",
                                  "/api/v1/rules/test", "/things/big-thing/shadow"])
def test_body_over_one_mib_413(api, path):
    status, reply = _too_large(api, path)
    assert status == 413, (status, str(reply)[:300])


def test_body_just_under_one_mib_is_not_413(api):
    body = {"sql": "SELECT VALUE 1 FROM 'a/b'", "topic": "a/b", "payload": {"pad": "y" * (1024 * 1024 - 4096)}}
    status, reply = api.post("/api/v1/rules/test", body)
    assert status != 413, (status, str(reply)[:300])


INVALID_JSON = pytest.mark.parametrize(
    "raw", ['{"device_id": ', "{'single': 'quotes'}", '{"a": 1,}', '[{"device_id": "x"} {}]'],
    ids=["truncated", "single-quotes", "trailing-comma", "missing-comma"])


@pytest.mark.parametrize("path", ["/api/v1/events", "/api/v1/devices", "/api/v1/rules/test",
                                  "/api/v1/events/alertmanager"])
@INVALID_JSON
def test_invalid_json_body_400(api, path, raw):
    status, body = api("POST", path, raw=raw)
    assert status == 400, (status, body)
    assert body["error"]["code"] == "invalid_json", body
    assert body["error"]["message"]


@INVALID_JSON
def test_invalid_json_import_body_400_invalid_json(api, raw):
    status, body = api("POST", "/api/v1/devices/import", raw=raw)
    assert status == 400, (status, body)
    assert body["error"]["code"] == "invalid_json", body


def test_word_as_json_body_400(api):
    for path in ("/api/v1/events", "/api/v1/devices", "/api/v1/rules/test"):
        status, body = api("POST", path, raw="nope")
        assert status == 400, (path, status, body)
        assert body["error"]["code"] == "invalid_json", (path, body)


def test_error_bodies_are_json_objects(api, unique):
    status, body = api.get(f"/api/v1/devices/{unique('x')}")
    assert status == 404
    assert api.last_headers.get("Content-Type", "").startswith("application/json")
    assert set(body) == {"error"} and set(body["error"]) >= {"code", "message"}


# --------------------------------------------------------------------------------------
# Nothing lost
# --------------------------------------------------------------------------------------

CLIENTS = 4
N = 500


def test_nothing_lost(api, mqtt, unique, eventually):
    devices = [unique(f"load{i}") for i in range(CLIENTS)]
    clients = [mqtt(client_id=device) for device in devices]
    errors = []

    def publish_all(client, device):
        try:
            infos = []
            for seq in range(N):
                payload = json.dumps({"device_id": device, "seq": seq, "temperature": 20 + seq % 7})
                infos.append(client.client.publish("aircon/telemetry", payload, qos=1))
            for info in infos:
                info.wait_for_publish(20)
                if not info.is_published():
                    errors.append(f"{device}: message {info.mid} not acknowledged")
                    return
        except Exception as error:  # noqa: BLE001
            errors.append(f"{device}: {error!r}")

    threads = [threading.Thread(target=publish_all, args=(c, d)) for c, d in zip(clients, devices)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    published = time.monotonic() - started

    counts = {}

    def all_stored():
        for device in devices:
            status, body = api.get("/api/v1/telemetry", query={"device": device, "limit": 100000})
            assert status == 200, body
            counts[device] = body["readings"]
            assert len(body["readings"]) <= N, f"{device}: {len(body['readings'])} readings, more than {N}"
        return all(len(counts[d]) == N for d in devices)

    eventually(all_stored, 30, interval=0.25,
               message=f"(published in {published:.1f} s; counts {[len(v) for v in counts.values()]})")
    for device in devices:
        stored = counts[device]
        assert {r["device_id"] for r in stored} == {device}
        sequences = sorted(r["payload"]["seq"] for r in stored)
        assert sequences == list(range(N)), f"{device}: missing {sorted(set(range(N)) - set(sequences))[:20]}"
