"""MQTT 3.1.1 (protocol level 4) broker interoperability tests.

Written from the OASIS MQTT Version 3.1.1 specification; section numbers in the
docstrings refer to it.  Clients are paho-mqtt 2.x (``mq.paho``) or the raw
socket client from conftest.py (``mq.raw``) where byte-level control is needed.
"""

import time

import pytest

V = 4  # MQTT 3.1.1 protocol level


def payloads(msgs):
    return [m.payload for m in msgs]


# ------------------------------------------------------------------ CONNECT / CONNACK

def test_connect_accepted_with_clean_session(mq):
    """3.2.2.2: clean session => CONNACK return code 0 with Session Present 0."""
    c = mq.raw(V)
    ack = c.connect(mq.cid(), clean=True)
    assert ack.reason == 0
    assert ack.session_present is False
    assert c.ping().kind == "PINGRESP"


def test_session_present_flag(mq):
    """3.2.2.2: Session Present reflects stored session state for CleanSession=0."""
    cid = mq.cid()
    t = mq.topic("sp")
    a = mq.paho(V, cid, clean_session=False)
    assert a.connect().session_present is False, "brand-new client id must not have a session"
    assert a.subscribe(t, 1) == [1]
    a.disconnect()

    b = mq.paho(V, cid, clean_session=False)
    assert b.connect().session_present is True
    b.disconnect()

    c = mq.paho(V, cid, clean_session=True)
    assert c.connect().session_present is False, "CleanSession=1 must give Session Present 0"
    c.disconnect()


def test_empty_client_id_accepted_with_clean_session(mq):
    """3.1.3.1: a zero-byte ClientId with CleanSession=1 is assigned an id by the server."""
    c = mq.raw(V)
    ack = c.connect("", clean=True)
    assert ack.reason == 0
    assert ack.session_present is False
    t = mq.topic("anon")
    assert c.subscribe([(t, 1)]).reasons == [1]
    c.publish_acked(t, b"hello", qos=1)
    msg = c.expect("PUBLISH")
    assert (msg.topic, msg.payload) == (t, b"hello")


def test_empty_client_id_without_clean_session_rejected(mq):
    """3.1.3.1 [MQTT-3.1.3-8]: zero-byte ClientId with CleanSession=0 => CONNACK 0x02 and close."""
    c = mq.raw(V)
    ack = c.connect("", clean=False)
    assert ack.reason == 0x02, f"expected Identifier rejected, got {ack!r}"
    assert ack.session_present is False
    closed, _, _ = c.wait_closed(3)
    assert closed, "connection must be closed after a refused CONNACK"


def test_client_id_takeover_closes_old_connection(mq):
    """3.1.4-2: a second connection with the same ClientId disconnects the first."""
    cid = mq.cid()
    old = mq.raw_connected(V, cid)
    new = mq.raw_connected(V, cid)
    closed, packets, _ = old.wait_closed(3)
    assert closed, "old connection must be closed on takeover"
    assert [p for p in packets if p.kind != "DISCONNECT"] == []
    assert new.ping().kind == "PINGRESP", "new connection must keep working"


# ------------------------------------------------------------------ keep alive

# These three tests read measurements taken in the background (see "probes" in
# conftest.py) so their waiting overlaps with the rest of the suite.

@pytest.mark.probe("keepalive")
def test_keepalive_expiry_closes_connection_and_publishes_will(probe):
    """3.1.2.10: a client with Keep Alive 2 s that goes silent is disconnected as if the
    network failed, so its will is published."""
    assert probe["closed"], "silent client with keepalive 2 was not disconnected within 12 s"
    assert probe["elapsed"] >= 2.0, f"disconnected after {probe['elapsed']:.2f}s, before the keep alive elapsed"
    assert probe["will"] == b"timed-out", "will not published after keep alive expiry"


@pytest.mark.probe("keepalive")
@pytest.mark.beyond_mosquitto("Mosquitto 2.0.11 checks keep alive on a coarse timer (3.4-9 s seen for keepalive 2)")
def test_keepalive_expiry_within_one_and_a_half_times(probe):
    """3.1.2.10: the disconnect happens once 1.5 x Keep Alive (3 s) has passed (1 s grace)."""
    assert probe["closed"]
    assert 2.0 <= probe["elapsed"] <= 4.0, f"keepalive 2: disconnected after {probe['elapsed']:.2f}s"


@pytest.mark.probe("pinging")
def test_keepalive_respected_by_pingreq(probe):
    """3.1.2.10: a client that sends PINGREQ every second (keep alive 2 s) stays connected for 4 s."""
    assert probe["responses"] == 4


# ------------------------------------------------------------------ QoS

@pytest.mark.parametrize("sub_qos", [0, 1, 2])
@pytest.mark.parametrize("pub_qos", [0, 1, 2])
def test_qos_publish_and_delivery_downgraded_to_subscription(mq, pub_qos, sub_qos):
    """3.3.5 / 4.3: publish at QoS n completes; delivery at min(publish QoS, granted QoS), exactly once."""
    t = mq.topic("qos", pub_qos, sub_qos)
    sub = mq.paho_connected(V)
    assert sub.subscribe(t, sub_qos) == [sub_qos]
    pub = mq.paho_connected(V)
    assert pub.publish(t, b"payload", pub_qos) == 0
    msg = sub.get()
    assert msg.topic == t and msg.payload == b"payload"
    assert msg.qos == min(pub_qos, sub_qos)
    assert msg.retain is False
    sub.expect_nothing(0.3)


def test_qos2_duplicate_publish_before_pubrel_delivered_once(mq):
    """4.3.3: a re-sent QoS 2 PUBLISH (DUP) before PUBREL gets another PUBREC and is not delivered twice."""
    t = mq.topic("qos2dup")
    sub = mq.subscriber(t, 2, version=V)
    p = mq.raw_connected(V)
    pid = p.publish(t, b"exactly-once", qos=2)
    assert p.expect("PUBREC").pid == pid
    p.publish(t, b"exactly-once", qos=2, dup=True, pid=pid)
    assert p.expect("PUBREC").pid == pid
    p.ack("PUBREL", pid)
    assert p.expect("PUBCOMP").pid == pid
    got = sub.collect_n(1)
    assert payloads(got) == [b"exactly-once"]


def test_ordering_of_100_qos1_messages(mq):
    """4.6: messages from one publisher on one topic at QoS 1 are delivered in order."""
    t = mq.topic("order")
    sub = mq.subscriber(t, 1, version=V)
    pub = mq.paho_connected(V)
    infos = [pub.publish(t, str(i).encode(), 1, wait=False) for i in range(100)]
    got = sub.collect(100, timeout=10)
    assert [int(m.payload) for m in got] == list(range(100))
    assert all(m.qos == 1 for m in got)
    for info in infos:
        info.wait_for_publish(2)
        assert info.is_published()


# ------------------------------------------------------------------ persistent sessions

def test_messages_queued_while_offline_are_delivered_on_reconnect(mq):
    """3.1.2.4: QoS 1 messages for a disconnected CleanSession=0 client are stored and delivered."""
    cid = mq.cid()
    t = mq.topic("offline")
    s = mq.paho(V, cid, clean_session=False)
    s.connect()
    assert s.subscribe(t, 1) == [1]
    s.disconnect()

    pub = mq.paho_connected(V)
    for i in range(5):
        assert pub.publish(t, f"m{i}".encode(), 1) == 0

    s2 = mq.paho(V, cid, clean_session=False)
    assert s2.connect().session_present is True
    got = s2.collect(5, timeout=5)
    assert payloads(got) == [f"m{i}".encode() for i in range(5)]
    assert all(m.qos == 1 for m in got)
    s2.disconnect()
    mq.paho(V, cid, clean_session=True).connect()  # drop the session


def test_offline_queue_is_bounded(mq):
    """Limit: at most 100 QoS 1 messages are kept for an offline session; the broker keeps working."""
    cid = mq.cid()
    t = mq.topic("bounded")
    s = mq.raw_connected(V, cid, clean=False)
    assert s.subscribe([(t, 1)]).reasons == [1]
    s.disconnect()
    pub = mq.raw_connected(V)
    for i in range(150):
        pub.publish_acked(t, str(i).encode(), qos=1)
    s2 = mq.raw(V)
    ack = s2.connect(cid, clean=False)
    assert ack.reason == 0 and ack.session_present
    got = []
    while True:
        p = s2.recv(1.0)
        if p is None:
            break
        if p.kind == "PUBLISH":
            got.append(int(p.payload))
            s2.ack("PUBACK", p.pid)
    assert 1 <= len(got) <= mq.MAX_OFFLINE_QUEUE, f"{len(got)} queued messages delivered"
    assert got == sorted(got), "queued messages delivered out of order"
    pub.publish_acked(t, b"after", qos=1)
    assert s2.expect("PUBLISH").payload == b"after"
    s2.disconnect()
    mq.raw(V).connect(cid, clean=True)


def test_unacknowledged_qos1_redelivered_with_dup_after_reconnect(mq):
    """4.4 [MQTT-4.4.0-1]: unacknowledged QoS 1 PUBLISH re-sent on reconnect with DUP=1, same packet id."""
    cid = mq.cid()
    t = mq.topic("redeliver")
    s = mq.raw_connected(V, cid, clean=False)
    assert s.subscribe([(t, 1)]).reasons == [1]
    pub = mq.paho_connected(V)
    assert pub.publish(t, b"unacked", 1) == 0
    first = s.expect("PUBLISH")
    assert first.qos == 1 and first.payload == b"unacked" and not first.dup
    s.abort()  # no PUBACK

    s2 = mq.raw(V)
    ack = s2.connect(cid, clean=False)
    assert ack.reason == 0 and ack.session_present
    again = s2.expect("PUBLISH", 5)
    assert again.payload == b"unacked"
    assert again.dup, "re-delivered PUBLISH must have DUP set"
    assert again.pid == first.pid, "re-delivery must reuse the original packet identifier"
    s2.ack("PUBACK", again.pid)
    assert s2.publishes() == [], "acknowledged message delivered again"
    s2.disconnect()
    mq.raw(V).connect(cid, clean=True)


def test_unacknowledged_qos2_pubrel_resent_after_reconnect(mq):
    """4.4: a PUBREL not answered with PUBCOMP is re-sent on reconnect; the PUBLISH is not."""
    cid = mq.cid()
    t = mq.topic("pubrel")
    s = mq.raw_connected(V, cid, clean=False)
    assert s.subscribe([(t, 2)]).reasons == [2]
    pub = mq.paho_connected(V)
    assert pub.publish(t, b"q2", 2) == 0
    msg = s.expect("PUBLISH")
    assert msg.qos == 2
    s.ack("PUBREC", msg.pid)
    assert s.expect("PUBREL").pid == msg.pid
    s.abort()  # no PUBCOMP

    s2 = mq.raw(V)
    ack = s2.connect(cid, clean=False)
    assert ack.reason == 0 and ack.session_present
    rel = s2.expect("PUBREL", 5)
    assert rel.pid == msg.pid
    s2.ack("PUBCOMP", rel.pid)
    assert s2.publishes() == [], "PUBLISH re-sent although PUBREC had been sent"
    s2.disconnect()
    mq.raw(V).connect(cid, clean=True)


# ------------------------------------------------------------------ retained messages

def test_retained_message_delivered_on_subscribe_with_retain_flag(mq):
    """3.3.1.3: a new subscription receives the retained message with RETAIN=1."""
    t = mq.topic("ret")
    mq.remember_retained(t)
    pub = mq.paho_connected(V)
    assert pub.publish(t, b"r1", 1, retain=True) == 0
    sub = mq.paho_connected(V)
    assert sub.subscribe(t, 1) == [1]
    msg = sub.get()
    assert (msg.payload, msg.retain, msg.qos) == (b"r1", True, 1)


def test_retained_message_replaced(mq):
    """3.3.1.3: a newer retained message replaces the previous one."""
    t = mq.topic("ret-replace")
    mq.remember_retained(t)
    pub = mq.paho_connected(V)
    pub.publish(t, b"old", 1, retain=True)
    pub.publish(t, b"new", 1, retain=True)
    sub = mq.paho_connected(V)
    sub.subscribe(t, 1)
    got = sub.collect_n(1)
    assert payloads(got) == [b"new"]
    assert got[0].retain


def test_retained_message_cleared_by_empty_payload(mq):
    """3.3.1.3 [MQTT-3.3.1-10]: a zero-byte retained PUBLISH removes the retained message."""
    t = mq.topic("ret-clear")
    mq.remember_retained(t)
    pub = mq.paho_connected(V)
    pub.publish(t, b"to-be-cleared", 1, retain=True)
    pub.publish(t, b"", 1, retain=True)
    sub = mq.paho_connected(V)
    sub.subscribe(t, 1)
    sub.expect_nothing()


def test_retain_flag_cleared_on_normal_delivery(mq):
    """3.3.1.3 [MQTT-3.3.1-9]: delivery to an established subscription has RETAIN=0."""
    t = mq.topic("ret-live")
    mq.remember_retained(t)
    sub = mq.subscriber(t, 1, version=V)
    pub = mq.paho_connected(V)
    pub.publish(t, b"live", 1, retain=True)
    msg = sub.get()
    assert msg.payload == b"live"
    assert msg.retain is False


def test_retained_messages_matched_by_wildcard_subscription(mq):
    """3.3.1.3: every retained message matching a wildcard filter is sent, at min QoS."""
    base = mq.topic("ret-wild")
    topics = [f"{base}/a", f"{base}/b/c", f"{base}/d"]
    for t in topics:
        mq.remember_retained(t)
    pub = mq.paho_connected(V)
    for t in topics:
        pub.publish(t, t.encode(), 1, retain=True)
    sub = mq.paho_connected(V)
    sub.subscribe(f"{base}/#", 0)
    got = sub.collect_n(3)
    assert sorted(m.topic for m in got) == sorted(topics)
    assert all(m.retain and m.qos == 0 and m.payload == m.topic.encode() for m in got)


# ------------------------------------------------------------------ wills

def test_will_published_on_abrupt_close(mq):
    """3.1.2.5: the will is published when the network connection closes without DISCONNECT."""
    wt = mq.topic("will")
    watcher = mq.subscriber(wt, 1, version=V)
    c = mq.raw(V)
    assert c.connect(mq.cid(), will={"topic": wt, "payload": b"gone", "qos": 1}).reason == 0
    c.abort()
    msg = watcher.get(3)
    assert (msg.payload, msg.qos) == (b"gone", 1)


def test_will_not_published_on_clean_disconnect(mq):
    """3.14.4 [MQTT-3.14.4-3]: the will is discarded on DISCONNECT."""
    wt = mq.topic("will-clean")
    watcher = mq.subscriber(wt, 1, version=V)
    c = mq.raw(V)
    assert c.connect(mq.cid(), will={"topic": wt, "payload": b"never"}).reason == 0
    c.disconnect()
    watcher.expect_nothing(1.0)


def test_will_published_when_broker_closes_for_protocol_error(mq):
    """3.1.2.5: the will is published when the server closes the connection for a protocol error."""
    wt = mq.topic("will-err")
    watcher = mq.subscriber(wt, 0, version=V)
    c = mq.raw(V)
    assert c.connect(mq.cid(), will={"topic": wt, "payload": b"bad-client"}).reason == 0
    c.send_raw(b"\x00\x00")  # reserved packet type 0
    closed, _, _ = c.wait_closed(3)
    assert closed
    assert watcher.get(3).payload == b"bad-client"


def test_retained_will(mq):
    """3.1.2.7: a will with Will Retain=1 is published as a retained message."""
    wt = mq.topic("will-ret")
    mq.remember_retained(wt)
    c = mq.raw(V)
    assert c.connect(mq.cid(), will={"topic": wt, "payload": b"last", "qos": 1, "retain": True}).reason == 0
    c.abort()
    time.sleep(0.5)
    late = mq.paho_connected(V)
    late.subscribe(wt, 1)
    msg = late.get(3)
    assert (msg.payload, msg.retain) == (b"last", True)


# ------------------------------------------------------------------ topic filters

def test_single_level_wildcard(mq):
    """4.7.1.3: '+' matches exactly one level, including an empty one."""
    base = mq.topic("plus")
    sub = mq.subscriber(f"{base}/+/c", 0, version=V)
    pub = mq.paho_connected(V)
    for t in (f"{base}/a/c", f"{base}/b/c", f"{base}//c", f"{base}/a/d", f"{base}/a/c/d", f"{base}/c"):
        pub.publish(t, t.encode(), 1)
    got = sub.collect_n(3)
    assert sorted(m.topic for m in got) == sorted([f"{base}/a/c", f"{base}/b/c", f"{base}//c"])


def test_multi_level_wildcard_matches_parent_level(mq):
    """4.7.1.2: 'sport/#' matches 'sport' itself and everything below it, but not 'sports'."""
    base = mq.topic("hash")
    sub = mq.subscriber(f"{base}/sport/#", 0, version=V)
    pub = mq.paho_connected(V)
    for t in (f"{base}/sport", f"{base}/sport/tennis", f"{base}/sport/tennis/player1", f"{base}/sports"):
        pub.publish(t, t.encode(), 1)
    got = sub.collect_n(3)
    assert sorted(m.topic for m in got) == sorted(
        [f"{base}/sport", f"{base}/sport/tennis", f"{base}/sport/tennis/player1"])


def test_dollar_topics_not_matched_by_leading_wildcards(mq):
    """4.7.2 [MQTT-4.7.2-1]: '#' and '+/...' filters do not match topics beginning with '$'."""
    sys_watch = mq.paho_connected(V)
    sys_watch.subscribe("$SYS/#", 0)  # only a witness that $ traffic flowed
    wild = mq.paho_connected(V)
    assert wild.subscribe([("#", 0), ("+/broker/#", 0), ("+/" + mq.run, 0)]) == [0, 0, 0]
    pub = mq.paho_connected(V)
    pub.publish("$it/" + mq.run, b"dollar", 1)  # the broker may refuse this; it must not reach '#'
    time.sleep(1.1)  # a broker publishing $SYS every second (as configured for Mosquitto) does so now
    live = mq.topic("live")
    pub.publish(live, b"live", 1)
    got = []
    deadline = time.monotonic() + 3
    while live not in [m.topic for m in got] and time.monotonic() < deadline:
        got += wild.collect(timeout=0.2)
    got += wild.collect(timeout=0.2)
    assert live in [m.topic for m in got], "'#' subscription did not receive a normal message"
    leaked = [m.topic for m in got if m.topic.startswith("$")]
    assert leaked == [], f"'$' topics delivered to wildcard subscriptions: {leaked[:5]}"


@pytest.mark.beyond_mosquitto("Mosquitto 2.0.11 sends a v3.1.1 client one copy at the QoS of one subscription, not the maximum")
def test_overlapping_subscriptions_respect_maximum_qos(mq):
    """3.3.5 [MQTT-3.3.5-1]: overlapping filters => delivery at the maximum granted QoS (extra copies allowed)."""
    base = mq.topic("overlap")
    sub = mq.paho_connected(V)
    assert sub.subscribe([(f"{base}/#", 1), (f"{base}/a", 0)]) == [1, 0]
    pub = mq.paho_connected(V)
    pub.publish(f"{base}/a", b"x", 1)
    got = sub.collect_n(1)
    assert 1 <= len(got) <= 2, f"one or two copies allowed, got {got!r}"
    assert all(m.payload == b"x" for m in got)
    assert max(m.qos for m in got) == 1


def test_unsubscribe_stops_delivery(mq):
    """3.10.4: after UNSUBACK no new messages are delivered for the filter."""
    t = mq.topic("unsub")
    sub = mq.subscriber(t, 1, version=V)
    pub = mq.paho_connected(V)
    pub.publish(t, b"before", 1)
    assert sub.get().payload == b"before"
    sub.unsubscribe(t)
    pub.publish(t, b"after", 1)
    sub.expect_nothing()


def test_unsubscribe_unknown_filter_is_acknowledged(mq):
    """3.10.4 [MQTT-3.10.4-5]: UNSUBACK is sent even if no subscription matched."""
    c = mq.raw_connected(V)
    ack = c.unsubscribe(mq.topic("never-subscribed"))
    assert ack.kind == "UNSUBACK"


# ------------------------------------------------------------------ ACL: plain listener

@pytest.mark.beyond_mosquitto("Mosquitto's acl_file is not checked at SUBSCRIBE time (grants, filters on delivery)")
def test_acl_subscribe_denied_returns_failure(mq):
    """3.9.3: a subscription the ACL forbids gets SUBACK return code 0x80."""
    c = mq.raw_connected(V)
    ack = c.subscribe([("test/nosubscribe", 1), (mq.topic("allowed"), 1)])
    assert ack.reasons == [0x80, 1]


def test_acl_read_denied_topic_not_delivered(mq):
    """ACL: messages on test/nosubscribe are never delivered, whatever the subscription."""
    c = mq.raw_connected(V)
    c.subscribe([("test/nosubscribe", 1), ("test/#", 1)])
    pub = mq.raw_connected(V)
    marker = mq.run.encode()
    pub.publish("test/nosubscribe", marker, qos=0)
    pub.publish("test/nosubscribe", marker, qos=1)
    pub.publish_acked("test/ok-" + mq.run, marker, qos=1)  # allowed topic, as a sentinel
    got = c.publishes(1)
    assert [(p.topic, p.payload) for p in got] == [("test/ok-" + mq.run, marker)]


def test_acl_publish_denied_is_dropped(mq):
    """3.3.5 [MQTT-3.3.5-2]: an unauthorised PUBLISH is acknowledged normally (or the connection closed) and not delivered."""
    sub = mq.raw_connected(V)
    sub.subscribe([("test/nopublish", 1)])
    pub = mq.raw_connected(V)
    marker = mq.run.encode()
    pub.publish("test/nopublish", marker, qos=0)
    pid = pub.publish("test/nopublish", marker, qos=1)
    try:
        ack = pub.expect("PUBACK", 3)
        assert ack.pid == pid
    except mq.ConnectionClosed:
        pass  # closing the connection is the other allowed reaction
    assert [p for p in sub.publishes() if p.payload == marker] == []


# ------------------------------------------------------------------ ACL: auth listener

def test_auth_anonymous_refused(mq, broker):
    """3.2.2.3: anonymous connection to the password listener => CONNACK 5 (not authorized), then close."""
    c = mq.raw(V, "auth")
    ack = c.connect(mq.cid())
    assert ack.reason == 0x05
    assert ack.session_present is False
    assert c.wait_closed(3)[0]


def test_auth_bad_password_refused(mq):
    """3.2.2.3: wrong password => CONNACK 4 (bad user name or password) or 5 (not authorized)."""
    c = mq.raw(V, "auth")
    ack = c.connect(mq.cid(), username="device1", password="wrong")
    assert ack.reason in (0x04, 0x05)
    assert c.wait_closed(3)[0]


def test_auth_valid_users_accepted(mq):
    for user, pw in mq.AUTH_USERS.items():
        c = mq.raw(V, "auth")
        assert c.connect(mq.cid(), username=user, password=pw).reason == 0
        c.disconnect()


def _admin(mq, version, filters):
    admin = mq.paho_connected(version, listener="auth", username="admin", password="adminpw")
    rcs = admin.subscribe([(f, 1) for f in filters])
    assert all(rc < 0x80 for rc in rcs), rcs
    return admin


def test_auth_device_may_publish_only_own_telemetry(mq):
    """ACL pattern 'write devices/%c/telemetry'."""
    admin = _admin(mq, V, ["devices/+/telemetry"])
    dev = mq.paho_connected(V, client_id="device1", listener="auth", username="device1", password="secret1")
    own, other = f"own-{mq.run}".encode(), f"other-{mq.run}".encode()
    assert dev.publish("devices/device1/telemetry", own, 1) == 0
    # denied: PUBACK as usual or connection closed (3.3.5), so do not wait for the PUBACK
    dev.publish("devices/device2/telemetry", other, 1, wait=False)
    got = [m for m in admin.collect_n(1) if m.payload in (own, other)]
    assert [(m.topic, m.payload) for m in got] == [("devices/device1/telemetry", own)]


@pytest.mark.beyond_mosquitto("Mosquitto's acl_file is not checked at SUBSCRIBE time")
def test_auth_device_subscription_to_other_device_refused(mq):
    """ACL pattern 'read devices/%c/commands': subscribing another device's commands => SUBACK 0x80."""
    dev = mq.raw(V, "auth")
    assert dev.connect("device1", username="device1", password="secret1").reason == 0
    ack = dev.subscribe([("devices/device1/commands", 1), ("devices/device2/commands", 1)])
    assert ack.reasons == [1, 0x80]


def test_auth_device_receives_only_own_commands(mq):
    dev = mq.raw(V, "auth")
    assert dev.connect("device1", username="device1", password="secret1").reason == 0
    ack = dev.subscribe([("devices/device1/commands", 1), ("devices/device2/commands", 1)])
    assert ack.reasons[0] == 1
    admin = mq.paho_connected(V, listener="auth", username="admin", password="adminpw")
    mine, theirs = f"mine-{mq.run}".encode(), f"theirs-{mq.run}".encode()
    admin.publish("devices/device1/commands", mine, 1)
    admin.publish("devices/device2/commands", theirs, 1)
    got = []
    for p in dev.publishes(1):
        dev.ack_publish(p)
        if p.payload in (mine, theirs):
            got.append((p.topic, p.payload))
    assert got == [("devices/device1/commands", mine)]


def test_auth_username_pattern(mq):
    """ACL pattern 'readwrite users/%u/#' uses the user name, not the client id."""
    c = mq.raw(V, "auth")
    assert c.connect(mq.cid(), username="device1", password="secret1").reason == 0
    mine, other = f"users/device1/{mq.run}", f"users/admin/{mq.run}"
    c.subscribe([(mine, 1), (other, 1)])
    c.publish(mine, b"mine", qos=1)
    c.publish(other, b"other", qos=1)
    got = c.publishes(1)
    assert [(p.topic, p.payload) for p in got] == [(mine, b"mine")]


# ------------------------------------------------------------------ TLS

def test_tls_with_client_certificate(mq):
    """TLS listener: a client certificate signed by the CA is accepted; paho round trip."""
    t = f"users/device1/{mq.run}/tls"
    c = mq.paho_connected(V, listener="tls")
    assert c.subscribe(t, 1) == [1]
    assert c.publish(t, b"over-tls", 1) == 0
    assert c.get().payload == b"over-tls"


def test_tls_identity_is_certificate_cn(mq):
    """TLS listener: the certificate CN (device1) is the user name for the ACL (users/%u/#)."""
    c = mq.raw(V, "tls")
    assert c.connect(mq.cid()).reason == 0
    mine, other = f"users/device1/{mq.run}", f"users/admin/{mq.run}"
    c.subscribe([(mine, 1), (other, 1)])
    c.publish(mine, b"mine", qos=1)
    c.publish(other, b"other", qos=1)
    got = c.publishes(1)
    assert [(p.topic, p.payload) for p in got] == [(mine, b"mine")]


def test_tls_without_client_certificate_refused(mq):
    """TLS listener requires a client certificate: no MQTT session without one."""
    accepted = False
    try:
        c = mq.raw(V, "tls", with_client_cert=False)
        ack = c.connect(mq.cid(), timeout=3)
        accepted = ack.reason == 0
    except (mq.ConnectionClosed, OSError, AssertionError):
        pass
    assert not accepted, "connection without client certificate was accepted"


# ------------------------------------------------------------------ limits and malformed input

def _payload_for_packet_size(topic, total):
    """Payload length making a QoS 0 MQTT 3.1.1 PUBLISH exactly ``total`` bytes long
    (1 byte type + 3 bytes remaining length for 16 KiB..2 MiB + topic + payload)."""
    return total - 4 - 2 - len(topic.encode())


def test_publish_of_exactly_maximum_packet_size_accepted(mq):
    """Limit: a PUBLISH of exactly 65536 bytes (the whole packet) is accepted and delivered."""
    t = mq.topic("max")
    sub = mq.raw_connected(V)
    sub.subscribe([(t, 0)])
    pub = mq.raw_connected(V)
    n = _payload_for_packet_size(t, mq.MAX_PACKET_SIZE)
    pub.publish(t, b"x" * n)
    msg = sub.expect("PUBLISH", 5)
    assert len(msg.payload) == n
    assert pub.ping().kind == "PINGRESP"


def test_oversize_publish_closes_connection(mq):
    """Limit: a PUBLISH well over 65536 bytes closes the connection and is not delivered."""
    t = mq.topic("oversize")
    sub = mq.raw_connected(V)
    sub.subscribe([(t, 0)])
    pub = mq.raw_connected(V)
    pub.publish(t, b"x" * 70000)
    closed, _, _ = pub.wait_closed(5)
    assert closed
    assert sub.publishes() == []
    assert sub.ping().kind == "PINGRESP"


@pytest.mark.beyond_mosquitto("Mosquitto 2.0.11 compares remaining length + 1 with max_packet_size, "
                              "so it accepts whole packets up to 65539 bytes")
def test_publish_one_byte_over_maximum_packet_size_closes_connection(mq):
    """Limit: the maximum packet size counts the whole packet, so 65537 bytes is too large."""
    t = mq.topic("max1")
    pub = mq.raw_connected(V)
    pub.publish(t, b"x" * _payload_for_packet_size(t, mq.MAX_PACKET_SIZE + 1))
    closed, _, _ = pub.wait_closed(2)
    assert closed


MALFORMED = {
    # after a successful CONNECT
    "remaining_length_5_bytes": (True, b"\x30\xff\xff\xff\xff\xff\x01"),
    "reserved_packet_type_0": (True, b"\x00\x00"),
    "reserved_packet_type_15": (True, b"\xf0\x00"),
    "second_connect": (True, None),
    "subscribe_with_wrong_fixed_header_flags": (True, b"\x80\x08\x00\x01\x00\x03a/b\x01"),
    "publish_qos_3": (True, b"\x36\x07\x00\x03a/b\x00\x01"),
    "oversize_remaining_length_never_sent": (True, b"\x30\xff\xff\xff\x7f\x00\x03a/b"),
    # before CONNECT
    "publish_before_connect": (False, b"\x30\x05\x00\x03a/b"),
    "subscribe_before_connect": (False, b"\x82\x08\x00\x01\x00\x03a/b\x00"),
    "wrong_protocol_name": (False, b"\x10\x0e\x00\x04MQTX\x04\x02\x00\x3c\x00\x02id"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_input_closes_only_that_connection(mq, case):
    """4.8 / 2.2: malformed packets and protocol violations close the offending connection only."""
    t = mq.topic("ctl")
    control = mq.raw_connected(V)
    control.subscribe([(t, 1)])

    needs_connect, data = MALFORMED[case]
    bad = mq.raw(V)
    if needs_connect:
        assert bad.connect(mq.cid()).reason == 0
    if data is None:  # second CONNECT
        data = bytes([0x10, 0x0e]) + b"\x00\x04MQTT\x04\x02\x00\x3c\x00\x02id"
    bad.send_raw(data)
    closed, packets, _ = bad.wait_closed(5)
    assert closed, f"{case}: connection not closed"
    if case == "wrong_protocol_name":
        assert all(p.kind == "CONNACK" and p.reason != 0 for p in packets), packets
    else:
        assert not any(p.kind in ("CONNACK", "SUBACK", "PUBACK") for p in packets), packets

    # the other client is unaffected
    assert control.ping().kind == "PINGRESP"
    other = mq.raw_connected(V)
    other.publish_acked(t, b"still-alive", qos=1)
    msg = control.expect("PUBLISH")
    assert msg.payload == b"still-alive"


@pytest.mark.probe("no_connect")
@pytest.mark.beyond_mosquitto("Mosquitto 2.0.11 keeps a connection without CONNECT open far longer (~95 s observed)")
def test_connection_without_connect_closed_within_timeout(probe):
    """3.1.4 / 4.8: a connection that never completes CONNECT is closed within 10 s (2 s grace).

    Two connections are watched (in the background): one sends nothing at all, one sends
    half a CONNECT."""
    for name in ("silent", "partial"):
        r = probe[name]
        assert r["closed"], f"{name}: connection without CONNECT still open after {probe['limit']}s"
        assert "CONNACK" not in r["packets"]
