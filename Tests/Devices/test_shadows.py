"""Device shadows with AWS IoT semantics: the MQTT topics under `$aws/things/{thing}/shadow`
(classic and named), the REST API `/things/{thing}/shadow[?name=N]` and
`/api/things/shadow/ListNamedShadowsForThing/{thing}`.

Written from the AWS IoT Core developer guide ("Device Shadow MQTT topics", "Device Shadow
service documents", "Device Shadow REST API", "Interacting with shadows")."""

from __future__ import annotations

import json
import time
import uuid

import pytest

OPS = ["get/accepted", "get/rejected", "update/accepted", "update/rejected", "update/delta",
       "update/documents", "delete/accepted", "delete/rejected"]


def prefix(thing, name=None):
    return f"$aws/things/{thing}/shadow" + (f"/name/{name}" if name else "")


def token():
    return uuid.uuid4().hex


class Shadow:
    """One shadow seen through one MQTT client subscribed to all of its reply topics."""

    def __init__(self, mqtt, thing, name=None, protocol=5):
        self.thing, self.name = thing, name
        self.prefix = prefix(thing, name)
        self.client = mqtt(subscribe=[f"{self.prefix}/{op}" for op in OPS], protocol=protocol)

    def topic(self, op):
        return f"{self.prefix}/{op}"

    def reply(self, op, tok, timeout=5.0):
        """The message on `{prefix}/{op}` carrying clientToken `tok`."""
        return self.client.wait_for(
            lambda m: m.topic == self.topic(op) and isinstance(m.json, dict) and m.json.get("clientToken") == tok,
            timeout).json

    def request(self, op, body=None, raw=None):
        """Publishes `body` (a dict; a clientToken is added) on `{prefix}/{op}`; returns
        (outcome, reply) where outcome is 'accepted' or 'rejected'."""
        tok = token()
        if raw is not None:
            self.client.publish(self.topic(op), raw)
            return None
        body = dict(body or {})
        body.setdefault("clientToken", tok)
        tok = body["clientToken"]
        self.client.publish(self.topic(op), body)
        message = self.client.wait_for(
            lambda m: m.topic in (self.topic(f"{op}/accepted"), self.topic(f"{op}/rejected"))
            and isinstance(m.json, dict) and m.json.get("clientToken") == tok)
        return message.topic.rsplit("/", 1)[1], message.json

    def update(self, state=None, **extra):
        body = {"state": state, **extra} if state is not None else dict(extra)
        outcome, reply = self.request("update", body)
        assert outcome == "accepted", reply
        return reply

    def get(self):
        outcome, reply = self.request("get")
        assert outcome == "accepted", reply
        return reply


@pytest.fixture
def shadow(mqtt, unique):
    """``shadow(thing=None, name=None) -> Shadow`` on a fresh thing unless one is given."""

    def make(thing=None, name=None, protocol=5):
        return Shadow(mqtt, thing or unique("thing"), name, protocol)

    return make


def assert_rejected(reply, code, tok=None):
    assert reply["code"] == code, reply
    assert isinstance(reply.get("message"), str) and reply["message"], reply
    if tok is not None:
        assert reply["clientToken"] == tok


# --------------------------------------------------------------------------------------
# MQTT: update, delta, documents
# --------------------------------------------------------------------------------------

def test_update_accepted_delta_and_documents(shadow):
    s = shadow()
    tok = token()
    desired = {"color": "red", "power": True, "setpoint": 21.5}
    s.client.publish(s.topic("update"), {"state": {"desired": desired}, "clientToken": tok})

    accepted = s.reply("update/accepted", tok)
    assert accepted["state"]["desired"] == desired
    assert accepted["version"] == 1
    assert isinstance(accepted["timestamp"], (int, float))
    for key in desired:
        assert isinstance(accepted["metadata"]["desired"][key]["timestamp"], (int, float))

    delta = s.reply("update/delta", tok)
    assert delta["state"] == desired
    assert delta["version"] == 1
    assert isinstance(delta["timestamp"], (int, float))

    documents = s.reply("update/documents", tok)
    assert documents["current"]["state"]["desired"] == desired
    assert documents["current"]["version"] == 1
    assert isinstance(documents["timestamp"], (int, float))


def test_documents_previous_and_current(shadow):
    s = shadow()
    s.update({"desired": {"a": 1, "b": 2}})
    s.update({"reported": {"a": 0}})
    tok = token()
    s.client.publish(s.topic("update"), {"state": {"desired": {"a": 5, "b": None}}, "clientToken": tok})
    documents = s.reply("update/documents", tok)
    previous, current = documents["previous"], documents["current"]
    assert previous["version"] == 2 and current["version"] == 3
    assert previous["state"]["desired"] == {"a": 1, "b": 2}
    assert previous["state"]["reported"] == {"a": 0}
    assert current["state"]["desired"] == {"a": 5}
    assert current["state"]["reported"] == {"a": 0}
    assert "metadata" in previous and "metadata" in current
    assert "a" in current["metadata"]["desired"]


def test_version_increments_by_one_per_update(shadow):
    s = shadow()
    versions = [s.update({"reported": {"n": i}})["version"] for i in range(4)]
    assert versions == [1, 2, 3, 4]
    assert s.get()["version"] == 4


def test_optimistic_locking(shadow):
    s = shadow()
    s.update({"desired": {"v": 1}})
    s.update({"desired": {"v": 2}})
    # The current version is accepted and becomes version + 1.
    assert s.update({"desired": {"v": 3}}, version=2)["version"] == 3
    # A stale version is rejected with 409 and changes nothing.
    tok = token()
    outcome, reply = s.request("update", {"state": {"desired": {"v": 99}}, "version": 2, "clientToken": tok})
    assert outcome == "rejected"
    assert_rejected(reply, 409, tok)
    # A version from the future is rejected too.
    outcome, reply = s.request("update", {"state": {"desired": {"v": 99}}, "version": 7})
    assert outcome == "rejected"
    assert_rejected(reply, 409)
    document = s.get()
    assert document["version"] == 3
    assert document["state"]["desired"] == {"v": 3}


def test_client_token_echoed_on_every_reply(shadow):
    s = shadow()
    tok = "token-" + token()
    s.client.publish(s.topic("update"), {"state": {"desired": {"x": 1}}, "clientToken": tok})
    assert s.reply("update/accepted", tok)["clientToken"] == tok
    assert s.reply("update/delta", tok)["clientToken"] == tok
    assert s.reply("update/documents", tok)["clientToken"] == tok
    s.client.publish(s.topic("get"), {"clientToken": tok + "g"})
    assert s.reply("get/accepted", tok + "g")["clientToken"] == tok + "g"
    s.client.publish(s.topic("delete"), {"clientToken": tok + "d"})
    assert s.reply("delete/accepted", tok + "d")["clientToken"] == tok + "d"


def test_shadow_over_mqtt311(shadow):
    s = shadow(protocol=4)
    tok = token()
    s.client.publish(s.topic("update"), {"state": {"desired": {"on": True}}, "clientToken": tok})
    assert s.reply("update/accepted", tok)["version"] == 1
    assert s.reply("update/delta", tok)["state"] == {"on": True}
    assert s.get()["state"]["desired"] == {"on": True}


def test_reply_without_client_token_has_none(shadow):
    s = shadow()
    s.client.publish(s.topic("update"), {"state": {"reported": {"quiet": True}}})
    message = s.client.on(s.topic("update/accepted"))
    assert message.json["state"]["reported"] == {"quiet": True}
    assert "clientToken" not in message.json


# --------------------------------------------------------------------------------------
# Delta semantics
# --------------------------------------------------------------------------------------

def test_delta_is_desired_minus_reported(shadow):
    s = shadow()
    s.update({"reported": {"a": 1, "b": 2, "only_reported": "x"}})
    tok = token()
    s.client.publish(s.topic("update"), {"state": {"desired": {"a": 1, "b": 3, "c": 4}}, "clientToken": tok})
    delta = s.reply("update/delta", tok)
    assert delta["state"] == {"b": 3, "c": 4}
    document = s.get()
    assert document["state"]["delta"] == {"b": 3, "c": 4}
    assert document["state"]["desired"] == {"a": 1, "b": 3, "c": 4}
    assert document["state"]["reported"] == {"a": 1, "b": 2, "only_reported": "x"}


def test_reported_only_keys_never_in_delta(shadow):
    s = shadow()
    s.update({"desired": {"mode": "cool"}})
    s.update({"reported": {"mode": "heat", "temperature": 25, "firmware": "1.2"}})
    delta = s.get()["state"]["delta"]
    assert delta == {"mode": "cool"}


def test_no_delta_when_reported_matches_desired(shadow):
    s = shadow()
    s.update({"desired": {"mode": "cool", "fan": 2}})
    assert s.get()["state"]["delta"] == {"mode": "cool", "fan": 2}
    s.update({"reported": {"mode": "cool", "fan": 2, "extra": 1}})
    assert "delta" not in s.get()["state"]


def test_no_delta_message_when_desired_equals_reported(shadow):
    s = shadow()
    s.update({"reported": {"mode": "cool"}})
    tok = token()
    s.client.publish(s.topic("update"), {"state": {"desired": {"mode": "cool"}}, "clientToken": tok})
    s.reply("update/accepted", tok)
    s.reply("update/documents", tok)
    s.client.assert_nothing(lambda m: m.topic == s.topic("update/delta"), 0.5)
    assert "delta" not in s.get()["state"]


def test_reported_only_update_publishes_no_delta_for_reported_keys(shadow):
    s = shadow()
    tok = token()
    s.client.publish(s.topic("update"), {"state": {"reported": {"temp": 20}}, "clientToken": tok})
    s.reply("update/accepted", tok)
    s.reply("update/documents", tok)
    s.client.assert_nothing(lambda m: m.topic == s.topic("update/delta"), 0.5)


def test_nested_delta(shadow):
    s = shadow()
    s.update({"reported": {"cfg": {"a": 1, "b": 3, "r": 9}}})
    tok = token()
    s.client.publish(s.topic("update"), {"state": {"desired": {"cfg": {"a": 1, "b": 2}}}, "clientToken": tok})
    assert s.reply("update/delta", tok)["state"] == {"cfg": {"b": 2}}
    assert s.get()["state"]["delta"] == {"cfg": {"b": 2}}


def test_arrays_are_values(shadow):
    s = shadow()
    s.update({"reported": {"list": [1, 2, 3]}})
    s.update({"desired": {"list": [1, 2, 3]}})
    assert "delta" not in s.get()["state"]
    tok = token()
    s.client.publish(s.topic("update"), {"state": {"desired": {"list": [3, 2]}}, "clientToken": tok})
    assert s.reply("update/delta", tok)["state"] == {"list": [3, 2]}
    document = s.get()
    assert document["state"]["desired"] == {"list": [3, 2]}
    assert document["state"]["delta"] == {"list": [3, 2]}


def test_update_merges_fields(shadow):
    s = shadow()
    s.update({"desired": {"a": 1, "nested": {"x": 1}}})
    s.update({"desired": {"b": 2, "nested": {"y": 2}}})
    assert s.get()["state"]["desired"] == {"a": 1, "b": 2, "nested": {"x": 1, "y": 2}}


def test_null_deletes_attributes(shadow):
    s = shadow()
    s.update({"desired": {"a": 1, "b": 2, "nested": {"x": 1, "y": 2}}, "reported": {"a": 0}})
    s.update({"desired": {"a": None, "nested": {"x": None}}})
    document = s.get()
    assert document["state"]["desired"] == {"b": 2, "nested": {"y": 2}}
    assert document["state"]["delta"] == {"b": 2, "nested": {"y": 2}}
    assert "a" not in document["metadata"]["desired"]
    s.update({"reported": {"a": None}})
    assert not s.get()["state"].get("reported")


def test_null_section_deletes_desired(shadow):
    s = shadow()
    s.update({"desired": {"a": 1}, "reported": {"a": 2}})
    s.update({"desired": None})
    state = s.get()["state"]
    assert not state.get("desired")
    assert "delta" not in state
    assert state["reported"] == {"a": 2}


# --------------------------------------------------------------------------------------
# MQTT: get, delete, errors
# --------------------------------------------------------------------------------------

def test_get_returns_full_document(shadow):
    s = shadow()
    s.update({"desired": {"a": 1, "b": 2}})
    s.update({"reported": {"a": 1, "b": 0, "c": 3}})
    document = s.get()
    assert document["state"] == {"desired": {"a": 1, "b": 2}, "reported": {"a": 1, "b": 0, "c": 3},
                                 "delta": {"b": 2}}
    assert document["version"] == 2
    assert isinstance(document["timestamp"], (int, float))
    assert set(document["metadata"]["desired"]) == {"a", "b"}
    assert set(document["metadata"]["reported"]) == {"a", "b", "c"}
    assert isinstance(document["metadata"]["reported"]["c"]["timestamp"], (int, float))


def test_get_missing_shadow_rejected_404(shadow):
    s = shadow()
    tok = token()
    outcome, reply = s.request("get", {"clientToken": tok})
    assert outcome == "rejected"
    assert_rejected(reply, 404, tok)


def test_empty_get_payload_accepted(shadow):
    s = shadow()
    s.update({"reported": {"x": 1}})
    s.client.publish(s.topic("get"), b"")
    message = s.client.on(s.topic("get/accepted"))
    assert message.json["state"]["reported"] == {"x": 1}


def test_delete_then_get_404(shadow):
    s = shadow()
    s.update({"desired": {"a": 1}})
    s.update({"desired": {"a": 2}})
    outcome, reply = s.request("delete")
    assert outcome == "accepted", reply
    assert reply["version"] == 2
    assert isinstance(reply["timestamp"], (int, float))
    outcome, reply = s.request("get")
    assert outcome == "rejected"
    assert_rejected(reply, 404)
    outcome, reply = s.request("delete")
    assert outcome == "rejected"
    assert_rejected(reply, 404)


def test_recreated_shadow_version_follows_deleted_one(shadow):
    # "If you create a device shadow document that has the same name as one that was deleted
    # within the past 48 hours, the version number of the new device shadow document will follow
    # that of the deleted one." (AWS IoT, Interacting with shadows)
    s = shadow()
    for i in range(3):
        s.update({"reported": {"i": i}})
    outcome, _ = s.request("delete")
    assert outcome == "accepted"
    reply = s.update({"reported": {"i": "again"}})
    assert reply["version"] == 4
    document = s.get()
    assert document["state"] == {"reported": {"i": "again"}}


@pytest.mark.parametrize("body", [
    b"not json",
    b"[1, 2]",
    json.dumps({"clientToken": "x"}).encode(),                             # no state
    json.dumps({"state": "on"}).encode(),                                  # state not an object
    json.dumps({"state": {"desired": 5}}).encode(),                         # section not an object
    json.dumps({"state": {"desired": {"a": 1}}, "version": "one"}).encode(),  # version not a number
])
def test_invalid_update_rejected_400(shadow, body):
    s = shadow()
    s.client.publish(s.topic("update"), body)
    message = s.client.on(s.topic("update/rejected"))
    assert_rejected(message.json, 400)
    s.client.assert_nothing(lambda m: m.topic == s.topic("update/accepted"), 0.2)
    outcome, reply = s.request("get")
    assert outcome == "rejected" and reply["code"] == 404


def test_invalid_update_keeps_client_token(shadow):
    s = shadow()
    tok = token()
    s.client.publish(s.topic("update"), {"state": {"desired": 5}, "clientToken": tok})
    assert_rejected(s.reply("update/rejected", tok), 400, tok)


# --------------------------------------------------------------------------------------
# Named shadows
# --------------------------------------------------------------------------------------

def test_named_shadows_are_separate(shadow, unique, api):
    thing = unique("named")
    classic = shadow(thing)
    config = shadow(thing, "config")
    status = shadow(thing, "status")
    config.update({"desired": {"fan": 3}})
    status.update({"reported": {"online": True}})
    assert config.get()["state"] == {"desired": {"fan": 3}, "delta": {"fan": 3}}
    assert status.get()["state"] == {"reported": {"online": True}}
    outcome, reply = classic.request("get")
    assert outcome == "rejected" and reply["code"] == 404
    # Replies of a named shadow never appear on the classic shadow's topics.
    classic.client.assert_nothing(lambda m: m.topic.startswith(classic.topic("update")), 0.3)
    classic.update({"reported": {"classic": 1}})
    assert config.get()["version"] == 1

    code, body = api.get(f"/api/things/shadow/ListNamedShadowsForThing/{thing}")
    assert code == 200, body
    assert sorted(body["results"]) == ["config", "status"]
    assert isinstance(body["timestamp"], (int, float))

    outcome, _ = config.request("delete")
    assert outcome == "accepted"
    assert classic.get()["state"] == {"reported": {"classic": 1}}
    assert status.get()["version"] == 1


def test_named_shadow_delta_topic(shadow, unique):
    s = shadow(unique("nd"), "settings")
    tok = token()
    s.client.publish(s.topic("update"), {"state": {"desired": {"on": True}}, "clientToken": tok})
    message = s.client.wait_for(lambda m: m.topic == f"{s.prefix}/update/delta")
    assert message.json["state"] == {"on": True}
    assert message.topic == f"$aws/things/{s.thing}/shadow/name/settings/update/delta"


# --------------------------------------------------------------------------------------
# REST
# --------------------------------------------------------------------------------------

def rest(api, method, thing, body=None, name=None, raw=None):
    return api(method, f"/things/{thing}/shadow", body, query={"name": name} if name else None, raw=raw)


def test_rest_get_missing_404(api, unique):
    status, body = rest(api, "GET", unique("r404"))
    assert status == 404, body
    assert body["code"] == 404 and body["message"]


def test_rest_update_and_get(api, unique):
    thing = unique("rest")
    status, body = rest(api, "POST", thing, {"state": {"desired": {"a": 1}}, "clientToken": "ct-1"})
    assert status == 200, body
    assert body["state"]["desired"] == {"a": 1}
    assert body["version"] == 1
    assert body["clientToken"] == "ct-1"
    assert isinstance(body["metadata"]["desired"]["a"]["timestamp"], (int, float))
    status, body = rest(api, "POST", thing, {"state": {"reported": {"a": 0, "r": 1}}})
    assert status == 200 and body["version"] == 2, body
    status, body = rest(api, "GET", thing)
    assert status == 200, body
    assert body["state"] == {"desired": {"a": 1}, "reported": {"a": 0, "r": 1}, "delta": {"a": 1}}
    assert body["version"] == 2
    assert isinstance(body["timestamp"], (int, float))


def test_rest_version_conflict_409(api, unique):
    thing = unique("r409")
    assert rest(api, "POST", thing, {"state": {"desired": {"a": 1}}})[0] == 200
    status, body = rest(api, "POST", thing, {"state": {"desired": {"a": 2}}, "version": 1})
    assert status == 200 and body["version"] == 2, body
    status, body = rest(api, "POST", thing, {"state": {"desired": {"a": 3}}, "version": 1, "clientToken": "c409"})
    assert status == 409, body
    assert body["code"] == 409 and body["message"]
    assert body["clientToken"] == "c409"
    assert rest(api, "GET", thing)[1]["state"]["desired"] == {"a": 2}


@pytest.mark.parametrize("raw", ["not json", "{\"state\": 1}", "{}", "{\"state\": {\"reported\": []}}"])
def test_rest_invalid_update_400(api, unique, raw):
    thing = unique("r400")
    status, body = rest(api, "POST", thing, raw=raw)
    assert status == 400, body
    assert body["code"] == 400 and body["message"]
    assert rest(api, "GET", thing)[0] == 404


def test_rest_delete(api, unique):
    thing = unique("rdel")
    rest(api, "POST", thing, {"state": {"reported": {"a": 1}}})
    rest(api, "POST", thing, {"state": {"reported": {"a": 2}}})
    status, body = rest(api, "DELETE", thing)
    assert status == 200, body
    assert body["version"] == 2
    assert rest(api, "GET", thing)[0] == 404
    status, body = rest(api, "DELETE", thing)
    assert status == 404 and body["code"] == 404, body


def test_rest_named_shadow(api, unique):
    thing = unique("rnamed")
    status, body = rest(api, "POST", thing, {"state": {"desired": {"n": 1}}}, name="cfg")
    assert status == 200, body
    assert rest(api, "GET", thing)[0] == 404
    status, body = rest(api, "GET", thing, name="cfg")
    assert status == 200 and body["state"]["desired"] == {"n": 1}, body
    status, body = api.get(f"/api/things/shadow/ListNamedShadowsForThing/{thing}")
    assert status == 200 and body["results"] == ["cfg"], body
    assert rest(api, "DELETE", thing, name="cfg")[0] == 200
    assert rest(api, "GET", thing, name="cfg")[0] == 404


@pytest.mark.parametrize("via", ["rest", "mqtt"])
def test_list_named_shadows_omits_deleted(api, shadow, unique, via):
    thing = unique("rgone")
    for name in ("keep", "gone"):
        assert rest(api, "POST", thing, {"state": {"reported": {"x": 1}}}, name=name)[0] == 200
    if via == "rest":
        assert rest(api, "DELETE", thing, name="gone")[0] == 200
    else:
        outcome, _ = shadow(thing, "gone").request("delete")
        assert outcome == "accepted"
    assert rest(api, "GET", thing, name="gone")[0] == 404
    status, body = api.get(f"/api/things/shadow/ListNamedShadowsForThing/{thing}")
    assert status == 200, body
    assert body["results"] == ["keep"]


def test_list_named_shadows_excludes_classic(api, unique):
    thing = unique("rlist")
    rest(api, "POST", thing, {"state": {"reported": {"x": 1}}})
    for name in ("b-two", "a_one", "c:three"):
        assert rest(api, "POST", thing, {"state": {"reported": {"x": 1}}}, name=name)[0] == 200
    status, body = api.get(f"/api/things/shadow/ListNamedShadowsForThing/{thing}")
    assert status == 200, body
    assert sorted(body["results"]) == ["a_one", "b-two", "c:three"]


def test_rest_update_publishes_on_mqtt(api, shadow, unique):
    s = shadow(unique("rpub"))
    status, body = rest(api, "POST", s.thing, {"state": {"desired": {"fan": 2}}, "clientToken": "rest-tok"})
    assert status == 200, body
    accepted = s.reply("update/accepted", "rest-tok")
    assert accepted["state"]["desired"] == {"fan": 2} and accepted["version"] == 1
    delta = s.reply("update/delta", "rest-tok")
    assert delta["state"] == {"fan": 2}
    documents = s.reply("update/documents", "rest-tok")
    assert documents["current"]["state"]["desired"] == {"fan": 2}
    assert documents["current"]["version"] == 1


def test_rest_update_of_named_shadow_publishes_on_named_topics(api, shadow, unique):
    s = shadow(unique("rpubn"), "cfg")
    status, body = rest(api, "POST", s.thing, {"state": {"desired": {"x": 1}}, "clientToken": "nt"}, name="cfg")
    assert status == 200, body
    assert s.reply("update/delta", "nt")["state"] == {"x": 1}
    assert s.reply("update/accepted", "nt")["version"] == 1


def test_persistence_between_mqtt_and_rest(api, shadow, unique):
    s = shadow(unique("pers"))
    s.update({"reported": {"temp": 20}})
    status, body = rest(api, "GET", s.thing)
    assert status == 200 and body["state"]["reported"] == {"temp": 20} and body["version"] == 1
    rest(api, "POST", s.thing, {"state": {"desired": {"temp": 22}}})
    document = s.get()
    assert document["state"] == {"desired": {"temp": 22}, "reported": {"temp": 20}, "delta": {"temp": 22}}
    assert document["version"] == 2
    time.sleep(0.1)
    assert rest(api, "GET", s.thing)[1]["version"] == 2


# Names: thing names are 1-128 of [a-zA-Z0-9:_-], shadow names 1-64 of [$a-zA-Z0-9:_-]
# (AWS IoT Data Plane API reference, GetThingShadow / UpdateThingShadow); others are
# InvalidRequestException (400).

@pytest.mark.parametrize("thing", ["bad%20name", "x" * 129, "semi%3Bcolon"])
def test_rest_invalid_thing_name_400(api, thing):
    for method, body in (("GET", None), ("POST", {"state": {"reported": {"a": 1}}}), ("DELETE", None)):
        status, reply = api(method, f"/things/{thing}/shadow", body)
        assert status == 400, (method, status, reply)
        assert reply["code"] == 400


@pytest.mark.parametrize("name", ["n" * 65, "has space", "slash/name"])
def test_rest_invalid_shadow_name_400(api, unique, name):
    status, reply = rest(api, "POST", unique("badname"), {"state": {"reported": {"a": 1}}}, name=name)
    assert status == 400, (status, reply)
    assert reply["code"] == 400


def test_rest_valid_names_at_the_limits(api, unique):
    thing = (unique("lim") + "_:-" + "t" * 128)[:128]
    name = "$" + "n" * 63
    status, reply = rest(api, "POST", thing, {"state": {"reported": {"a": 1}}}, name=name)
    assert status == 200, (status, reply)
    status, reply = rest(api, "GET", thing, name=name)
    assert status == 200 and reply["state"]["reported"] == {"a": 1}, reply


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_rest_unsupported_method_405(api, unique, method):
    status, reply = rest(api, method, unique("m405"), {"state": {"reported": {"a": 1}}})
    assert status == 405, (status, reply)
