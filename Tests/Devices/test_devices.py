"""The device registry: `/api/v1/devices` CRUD, import (JSON and CSV), `connected`."""

from __future__ import annotations

import time

import pytest

FIELDS = ["device_id", "type", "address", "city", "state", "zip", "country", "site_owner",
          "site_owner_contact", "attributes"]
EXTRA = ["has_password", "created_at", "updated_at", "last_seen", "auto_registered", "connected"]


def full_device(device_id: str) -> dict:
    return {
        "device_id": device_id, "type": "aircon", "address": "Street 1", "city": "San Diego",
        "state": "CA", "zip": "92130", "country": "US", "site_owner": "Customer 1",
        "site_owner_contact": "+11234567890", "attributes": {"floor": 3, "model": "X-1", "tags": ["a"]},
    }


def assert_error(status, body, expected_status):
    assert status == expected_status, (status, body)
    assert isinstance(body, dict) and isinstance(body.get("error"), dict), body
    assert body["error"].get("code") and body["error"].get("message"), body


def create(api, body):
    status, created = api.post("/api/v1/devices", body)
    assert status == 201, (status, created)
    return created


def get(api, device_id):
    status, body = api.get(f"/api/v1/devices/{device_id}")
    assert status == 200, (status, body)
    return body


# --------------------------------------------------------------------------------------
# Create / read
# --------------------------------------------------------------------------------------

def test_create_returns_201_with_every_field(api, unique, epoch):
    device = unique("dev")
    body = full_device(device)
    before = time.time()
    created = create(api, {**body, "password": "s3cret"})
    for key, value in body.items():
        assert created[key] == value, key
    for key in EXTRA:
        assert key in created, key
    assert created["has_password"] is True
    assert "password" not in created
    assert "s3cret" not in str(created)
    assert created["auto_registered"] is False
    assert created["connected"] is False
    assert created["last_seen"] is None
    assert before - 2 <= epoch(created["created_at"]) <= time.time() + 2
    assert epoch(created["updated_at"]) >= epoch(created["created_at"]) - 0.001
    assert get(api, device) == created


def test_create_minimal_device(api, unique):
    device = unique("min")
    created = create(api, {"device_id": device})
    assert created["device_id"] == device
    assert created["has_password"] is False
    for key in ["address", "city", "state", "zip", "country", "site_owner", "site_owner_contact"]:
        assert created.get(key) is None, key


def test_create_existing_409(api, unique):
    device = unique("dup")
    create(api, {"device_id": device, "city": "A"})
    status, body = api.post("/api/v1/devices", {"device_id": device, "city": "B"})
    assert_error(status, body, 409)
    assert get(api, device)["city"] == "A"


def test_list_contains_created_devices(api, unique):
    a, b = unique("la"), unique("lb")
    create(api, {"device_id": a})
    create(api, {"device_id": b})
    status, body = api.get("/api/v1/devices")
    assert status == 200
    ids = [d["device_id"] for d in body["devices"]]
    assert a in ids and b in ids
    assert body["count"] == len(body["devices"])


@pytest.mark.parametrize("suffix", ["_a", "-b", ".c", ":d", "X9"])
def test_allowed_id_characters(api, unique, suffix):
    device = unique("ok") + suffix
    assert create(api, {"device_id": device})["device_id"] == device
    assert get(api, device)["device_id"] == device


def test_id_of_128_characters_allowed(api, unique):
    device = (unique("long") + "x" * 128)[:128]
    assert create(api, {"device_id": device})["device_id"] == device


@pytest.mark.parametrize("bad_id", ["", "x" * 129, "has space", "slash/id", "caf\u00e9", "semi;colon",
                                    "quote\"", "hash#", "plus+"])
def test_invalid_id_400(api, bad_id):
    status, body = api.post("/api/v1/devices", {"device_id": bad_id})
    assert_error(status, body, 400)


@pytest.mark.parametrize("extra", [
    {"colour": "red"},                      # unknown field
    {"has_password": True},                 # output-only fields are not input fields
    {"city": ["San Diego"]},                # wrong types
    {"type": {"name": "aircon"}},
    {"country": True},
    {"attributes": "floor=3"},
    {"attributes": [1, 2]},
    {"password": 1234},
])
def test_invalid_body_400(api, unique, extra):
    device = unique("inv")
    status, body = api.post("/api/v1/devices", {"device_id": device, **extra})
    assert_error(status, body, 400)
    assert api.get(f"/api/v1/devices/{device}")[0] == 404


@pytest.mark.parametrize("field, value", [("type", 5), ("city", 3), ("zip", 92130), ("site_owner_contact", 11234567890)])
def test_number_for_text_field_400(api, unique, field, value):
    device = unique("num")
    status, body = api.post("/api/v1/devices", {"device_id": device, field: value})
    assert_error(status, body, 400)
    assert api.get(f"/api/v1/devices/{device}")[0] == 404


def test_number_as_device_id_400(api):
    number = time.time_ns()
    status, body = api.post("/api/v1/devices", {"device_id": number})
    assert_error(status, body, 400)
    assert api.get(f"/api/v1/devices/{number}")[0] == 404


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_update_with_number_for_text_field_400(api, unique, method):
    device = unique("unum")
    create(api, {"device_id": device, "city": "Rome"})
    assert_error(*api(method, f"/api/v1/devices/{device}", {"city": 3}), 400)
    assert get(api, device)["city"] == "Rome"


def test_import_with_number_for_text_field_changes_nothing(api, unique):
    good, bad = unique("ngood"), unique("nbad")
    records = [{"device_id": good, "city": "X"}, {"device_id": bad, "zip": 92130}]
    status, body = api.post("/api/v1/devices/import", {"devices": records})
    assert_error(status, body, 400)
    assert api.get(f"/api/v1/devices/{good}")[0] == 404


@pytest.mark.parametrize("body", [{}, {"city": "X"}, {"device_id": None}, {"device_id": True}, [], "dev"])
def test_missing_or_bad_device_id_400(api, body):
    status, reply = api.post("/api/v1/devices", body)
    assert_error(status, reply, 400)


def test_unknown_device_404(api, unique):
    device = unique("none")
    assert_error(*api.get(f"/api/v1/devices/{device}"), 404)
    assert_error(*api("PUT", f"/api/v1/devices/{device}", {"city": "X"}), 404)
    assert_error(*api("PATCH", f"/api/v1/devices/{device}", {"city": "X"}), 404)
    assert_error(*api("DELETE", f"/api/v1/devices/{device}"), 404)
    assert api.get(f"/api/v1/devices/{device}")[0] == 404


# --------------------------------------------------------------------------------------
# Update / delete
# --------------------------------------------------------------------------------------

def test_put_replaces_all_fields(api, unique, epoch):
    device = unique("put")
    created = create(api, {**full_device(device), "password": "pw"})
    time.sleep(0.01)
    status, body = api("PUT", f"/api/v1/devices/{device}", {"city": "Oslo", "attributes": {"k": "v"}})
    assert status == 200, body
    assert body["city"] == "Oslo"
    assert body["attributes"] == {"k": "v"}
    for key in ["address", "state", "zip", "country", "site_owner", "site_owner_contact"]:
        assert body.get(key) is None, key
    assert body["device_id"] == device
    assert epoch(body["created_at"]) == pytest.approx(epoch(created["created_at"]), abs=0.001)
    assert epoch(body["updated_at"]) >= epoch(created["updated_at"])
    assert get(api, device) == body


def test_patch_merges_and_null_clears(api, unique):
    device = unique("patch")
    create(api, {**full_device(device), "password": "pw"})
    status, body = api("PATCH", f"/api/v1/devices/{device}", {"city": "Austin", "zip": None})
    assert status == 200, body
    assert body["city"] == "Austin"
    assert body.get("zip") is None
    assert body["address"] == "Street 1"
    assert body["site_owner"] == "Customer 1"
    assert body["has_password"] is True
    assert body["attributes"] == full_device(device)["attributes"]
    assert get(api, device) == body
    status, body = api("PATCH", f"/api/v1/devices/{device}", {"password": None})
    assert status == 200, body
    assert body["has_password"] is False


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_update_rejects_invalid_bodies(api, unique, method):
    device = unique("upd")
    create(api, {"device_id": device, "city": "Rome"})
    for bad in ({"colour": "red"}, {"city": [3]}, {"attributes": "x"}):
        assert_error(*api(method, f"/api/v1/devices/{device}", bad), 400)
    assert get(api, device)["city"] == "Rome"


def test_delete_204_then_gone(api, unique):
    device = unique("del")
    create(api, {"device_id": device})
    status, body = api("DELETE", f"/api/v1/devices/{device}")
    assert status == 204, body
    assert not body
    assert api.get(f"/api/v1/devices/{device}")[0] == 404
    assert device not in [d["device_id"] for d in api.get("/api/v1/devices")[1]["devices"]]
    assert api("DELETE", f"/api/v1/devices/{device}")[0] == 404
    # It can be created again.
    create(api, {"device_id": device})


# --------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------

def test_import_json_reference_format(api, unique):
    a, b = unique("imp"), unique("imp")
    records = [full_device(a), {**full_device(b), "city": "Carlsbad"}]
    for record in records:
        record.pop("attributes")
    status, body = api.post("/api/v1/devices/import", {"devices": records})
    assert status in (200, 201), body
    assert body["created"] == 2 and body["updated"] == 0
    for record in records:
        stored = get(api, record["device_id"])
        for key, value in record.items():
            assert stored[key] == value, key
    # Importing again updates.
    records[1]["city"] = "Del Mar"
    status, body = api.post("/api/v1/devices/import", {"devices": records})
    assert status in (200, 201), body
    assert body == {**body, "created": 0, "updated": 2}
    assert get(api, b)["city"] == "Del Mar"


def test_import_csv_unknown_columns_become_attributes(api, unique):
    a, b = unique("csv"), unique("csv")
    text = ("device_id,type,address,city,state,zip,country,site_owner,site_owner_contact,floor,model\r\n"
            f"{a},aircon,Street 1,San Diego,CA,92130,US,Customer 1,+11234567890,3,X-1\r\n"
            f'{b},aircon,"Street 2, Unit 5",Poway,CA,92064,US,Customer 2,+11234567891,7,X-2\r\n')
    status, body = api("POST", "/api/v1/devices/import", raw=text, headers={"Content-Type": "text/csv"})
    assert status in (200, 201), body
    assert body["created"] == 2 and body["updated"] == 0
    first, second = get(api, a), get(api, b)
    assert first["city"] == "San Diego" and first["zip"] == "92130" and first["type"] == "aircon"
    assert first["site_owner_contact"] == "+11234567890"
    assert second["address"] == "Street 2, Unit 5"
    for device, floor, model in ((first, "3", "X-1"), (second, "7", "X-2")):
        attrs = device["attributes"]
        assert str(attrs["floor"]) == floor and attrs["model"] == model, attrs
        assert "city" not in attrs and "device_id" not in attrs


def test_import_updates_existing_device(api, unique):
    device = unique("impu")
    create(api, {"device_id": device, "city": "Old"})
    status, body = api.post("/api/v1/devices/import", {"devices": [{"device_id": device, "city": "New"}]})
    assert status in (200, 201), body
    assert body["created"] == 0 and body["updated"] == 1
    assert get(api, device)["city"] == "New"


@pytest.mark.parametrize("bad", [
    {"device_id": "has space"},
    {"device_id": "ok-id", "colour": "red"},
    {"city": "no id"},
    {"device_id": "ok-id2", "zip": ["92130"]},
])
def test_import_with_one_invalid_record_changes_nothing(api, unique, bad):
    good, existing = unique("good"), unique("exist")
    create(api, {"device_id": existing, "city": "Before"})
    bad = dict(bad)
    if bad.get("device_id", "").startswith("ok-"):
        bad["device_id"] = unique("bad")
    records = [{"device_id": good, "city": "X"}, {"device_id": existing, "city": "After"}, bad]
    status, body = api.post("/api/v1/devices/import", {"devices": records})
    assert_error(status, body, 400)
    assert api.get(f"/api/v1/devices/{good}")[0] == 404
    assert get(api, existing)["city"] == "Before"
    if "device_id" in bad and bad["device_id"] != "has space":
        assert api.get(f"/api/v1/devices/{bad['device_id']}")[0] == 404


def test_import_csv_with_invalid_row_changes_nothing(api, unique):
    good = unique("cgood")
    text = f"device_id,city\n{good},Here\nbad id,There\n"
    status, body = api("POST", "/api/v1/devices/import", raw=text, headers={"Content-Type": "text/csv"})
    assert_error(status, body, 400)
    assert api.get(f"/api/v1/devices/{good}")[0] == 404


# --------------------------------------------------------------------------------------
# connected
# --------------------------------------------------------------------------------------

def test_connected_follows_mqtt_connection(api, mqtt, unique, eventually):
    device = unique("conn")
    create(api, {"device_id": device})
    assert get(api, device)["connected"] is False
    client = mqtt(client_id=device)
    eventually(lambda: get(api, device)["connected"] is True, 5)
    listed = [d for d in api.get("/api/v1/devices")[1]["devices"] if d["device_id"] == device]
    assert listed and listed[0]["connected"] is True
    client.disconnect()
    eventually(lambda: get(api, device)["connected"] is False, 5)


def test_other_client_id_does_not_mark_device_connected(api, mqtt, unique):
    device = unique("conn2")
    create(api, {"device_id": device})
    mqtt(client_id=device + "-other")
    time.sleep(0.3)
    assert get(api, device)["connected"] is False


def test_device_password_authenticates_its_mqtt_connection(api, server, unique):
    """A device registered with a password connects with its id as user name and that password;
    a wrong password is refused (CONNACK 'bad user name or password' / 'not authorized')."""
    import paho.mqtt.client as paho
    import threading
    device = unique("cred")
    status, body = api("POST", "/api/v1/devices", {"device_id": device, "type": "meter", "password": "pa55"})
    assert status == 201, body
    assert body["has_password"] is True

    def connect(password):
        done = threading.Event()
        result = {}
        client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=device, protocol=paho.MQTTv5)
        client.username_pw_set(device, password)

        def on_connect(c, userdata, flags, reason_code, properties):
            result["rc"] = reason_code
            done.set()
        client.on_connect = on_connect
        client.connect(server.host, server.mqtt_port)
        client.loop_start()
        done.wait(10)
        client.disconnect()
        client.loop_stop()
        return result.get("rc")

    good = connect("pa55")
    assert good is not None and not good.is_failure, good
    bad = connect("wrong")
    assert bad is not None and bad.is_failure, bad
