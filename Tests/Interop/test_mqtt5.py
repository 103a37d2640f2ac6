"""MQTT 5.0 broker interoperability tests.

Written from the OASIS MQTT Version 5.0 specification; section numbers in the
docstrings refer to it.  Clients are paho-mqtt 2.x (``mq.paho``) or the raw
socket client from conftest.py (``mq.raw``), which exposes every property.
"""

import time

import pytest

V = 5


def payloads(msgs):
    return [m.payload for m in msgs]


# ------------------------------------------------------------------ CONNECT / CONNACK

def test_connack_advertises_broker_limits(mq):
    """3.2.2.3: CONNACK carries Maximum Packet Size 65536, Receive Maximum 20, Topic Alias Maximum 10;
    retain, wildcard, subscription identifier and shared subscriptions are available."""
    c = mq.raw(V)
    ack = c.connect(mq.cid())
    assert ack.reason == 0 and ack.session_present is False
    p = ack.props
    assert p.get("maximum_packet_size") == mq.MAX_PACKET_SIZE
    assert p.get("receive_maximum") == mq.SERVER_RECEIVE_MAXIMUM
    assert p.get("topic_alias_maximum") == mq.TOPIC_ALIAS_MAXIMUM
    assert p.get("maximum_qos", 2) == 2
    for feature in ("retain_available", "wildcard_subscription_available",
                    "subscription_identifier_available", "shared_subscription_available"):
        assert p.get(feature, 1) == 1, f"{feature} = {p.get(feature)}"


def test_session_present_flag(mq):
    """3.2.2.1.1: Session Present with Clean Start 0 and an existing session; 0 after Clean Start 1."""
    cid = mq.cid()
    a = mq.raw(V)
    assert a.connect(cid, clean=False, props={"session_expiry_interval": 60}).session_present is False
    a.subscribe([(mq.topic("sp"), 1)])
    a.disconnect()
    b = mq.raw(V)
    assert b.connect(cid, clean=False, props={"session_expiry_interval": 60}).session_present is True
    b.disconnect()
    c = mq.raw(V)
    assert c.connect(cid, clean=True).session_present is False
    c.disconnect()


def test_empty_client_id_gets_assigned_client_identifier(mq):
    """3.2.2.3.7: a zero-length Client Identifier is accepted and an Assigned Client Identifier returned."""
    c = mq.raw(V)
    ack = c.connect("", clean=True)
    assert ack.reason == 0
    assigned = ack.props.get("assigned_client_identifier")
    assert isinstance(assigned, str) and assigned, f"no Assigned Client Identifier in {ack!r}"
    t = mq.topic("assigned")
    c.subscribe([(t, 1)])
    c.publish_acked(t, b"hi", qos=1)
    assert c.expect("PUBLISH").payload == b"hi"
    # the assigned identifier is a real client id: a second connection with it takes over
    d = mq.raw(V)
    assert d.connect(assigned).reason == 0
    closed, packets, _ = c.wait_closed(3)
    assert closed


def _takeover(mq):
    cid = mq.cid()
    old = mq.raw_connected(V, cid)
    new = mq.raw_connected(V, cid)
    closed, packets, _ = old.wait_closed(3)
    return new, closed, packets


def test_client_id_takeover_closes_old_connection(mq):
    """3.1.4-3: a second connection with the same Client Identifier closes the existing one;
    anything sent to the old client before closing is a DISCONNECT 0x8E."""
    new, closed, packets = _takeover(mq)
    assert closed, "old connection must be closed"
    assert all(p.kind == "DISCONNECT" and p.reason == 0x8E for p in packets), packets
    assert new.ping().kind == "PINGRESP"


@pytest.mark.beyond_mosquitto("Mosquitto 2.0.11 closes the old connection without sending DISCONNECT")
def test_client_id_takeover_sends_disconnect_0x8e(mq):
    """3.1.4-3: the existing connection is sent DISCONNECT 0x8E (Session taken over) before closing."""
    new, closed, packets = _takeover(mq)
    assert closed
    assert [p.reason for p in packets if p.kind == "DISCONNECT"] == [0x8E]


@pytest.mark.parametrize("asked,expected", [(300, 120), (60, None)])
def test_server_keep_alive(mq, asked, expected):
    """3.2.2.3.14: a keep alive above the broker maximum (120 s) is answered with Server Keep Alive 120."""
    c = mq.raw(V)
    ack = c.connect(mq.cid(), keepalive=asked)
    assert ack.reason == 0
    if expected is None:
        assert ack.props.get("server_keep_alive", asked) == asked
    else:
        assert ack.props.get("server_keep_alive") == expected


def test_paho_connack_properties(mq):
    """paho-mqtt sees the same CONNACK limits."""
    c = mq.paho_connected(V, keepalive=300)
    assert c.connack.prop("MaximumPacketSize") == mq.MAX_PACKET_SIZE
    assert c.connack.prop("ReceiveMaximum") == mq.SERVER_RECEIVE_MAXIMUM
    assert c.connack.prop("TopicAliasMaximum") == mq.TOPIC_ALIAS_MAXIMUM
    assert c.connack.prop("ServerKeepAlive") == mq.MAX_KEEPALIVE


# ------------------------------------------------------------------ QoS

@pytest.mark.parametrize("sub_qos", [0, 1, 2])
@pytest.mark.parametrize("pub_qos", [0, 1, 2])
def test_qos_publish_and_delivery_downgraded_to_subscription(mq, pub_qos, sub_qos):
    """4.3 / 3.8.3.1: delivery at min(publish QoS, Maximum QoS of the subscription), exactly once."""
    t = mq.topic("qos", pub_qos, sub_qos)
    sub = mq.paho_connected(V)
    assert sub.subscribe(t, sub_qos) == [sub_qos]
    pub = mq.paho_connected(V)
    assert pub.publish(t, b"payload", pub_qos) == 0
    msg = sub.get()
    assert (msg.topic, msg.payload, msg.qos) == (t, b"payload", min(pub_qos, sub_qos))
    sub.expect_nothing(0.3)


def test_ordering_of_100_qos1_messages(mq):
    """4.6: ordered delivery of 100 QoS 1 messages from one publisher on one topic."""
    t = mq.topic("order")
    sub = mq.subscriber(t, 1)
    pub = mq.paho_connected(V)
    for i in range(100):
        pub.publish(t, str(i).encode(), 1, wait=False)
    got = sub.collect(100, timeout=10)
    assert [int(m.payload) for m in got] == list(range(100))


def test_unacknowledged_qos1_redelivered_with_dup_after_reconnect(mq):
    """4.4: on reconnect with Clean Start 0 unacknowledged PUBLISH packets are re-sent with DUP=1."""
    cid = mq.cid()
    t = mq.topic("redeliver")
    s = mq.raw(V)
    s.connect(cid, clean=True, props={"session_expiry_interval": 60})
    s.subscribe([(t, 1)])
    mq.raw_connected(V).publish_acked(t, b"unacked", qos=1)
    first = s.expect("PUBLISH")
    assert not first.dup
    s.abort()
    s2 = mq.raw(V)
    ack = s2.connect(cid, clean=False, props={"session_expiry_interval": 60})
    assert ack.reason == 0 and ack.session_present
    again = s2.expect("PUBLISH", 5)
    assert (again.payload, again.dup, again.pid) == (b"unacked", True, first.pid)
    s2.ack("PUBACK", again.pid)
    assert s2.publishes() == []
    s2.disconnect(props={"session_expiry_interval": 0})


# ------------------------------------------------------------------ sessions

def _offline_subscriber(mq, cid, t, expiry, qos=1):
    s = mq.raw(V)
    ack = s.connect(cid, clean=True, props={"session_expiry_interval": expiry} if expiry else None)
    assert ack.reason == 0
    assert s.subscribe([(t, qos)]).reasons == [qos]
    s.disconnect()


def test_session_expiry_zero_ends_session_on_disconnect(mq):
    """3.1.2.11.2: Session Expiry Interval 0 (absent) => the session ends with the connection."""
    cid, t = mq.cid(), mq.topic("se0")
    _offline_subscriber(mq, cid, t, 0)
    mq.raw_connected(V).publish_acked(t, b"lost", qos=1)
    s = mq.raw(V)
    ack = s.connect(cid, clean=False)
    assert ack.reason == 0 and ack.session_present is False
    assert s.publishes() == []


def test_session_resumed_when_reconnecting_within_expiry(mq):
    """3.1.2.11.2: reconnecting before the Session Expiry Interval (2 s) resumes the session."""
    cid, t = mq.cid(), mq.topic("se2in")
    _offline_subscriber(mq, cid, t, 2)
    mq.raw_connected(V).publish_acked(t, b"kept", qos=1)
    time.sleep(0.5)
    s = mq.raw(V)
    ack = s.connect(cid, clean=False)
    assert ack.reason == 0 and ack.session_present is True
    msg = s.expect("PUBLISH")
    assert msg.payload == b"kept"
    s.ack("PUBACK", msg.pid)


def test_session_discarded_when_reconnecting_after_expiry(mq):
    """3.1.2.11.2: after the Session Expiry Interval (2 s) the session and its messages are gone."""
    cid, t = mq.cid(), mq.topic("se2out")
    _offline_subscriber(mq, cid, t, 2)
    mq.raw_connected(V).publish_acked(t, b"expired-with-session", qos=1)
    time.sleep(3.5)
    s = mq.raw(V)
    ack = s.connect(cid, clean=False)
    assert ack.reason == 0 and ack.session_present is False
    assert s.publishes() == []


def test_clean_start_discards_existing_session(mq):
    """3.1.2.4: Clean Start 1 discards an existing session (Session Present 0, no queued messages)."""
    cid, t = mq.cid(), mq.topic("cs")
    _offline_subscriber(mq, cid, t, 60)
    mq.raw_connected(V).publish_acked(t, b"discarded", qos=1)
    s = mq.raw(V)
    ack = s.connect(cid, clean=True)
    assert ack.reason == 0 and ack.session_present is False
    assert s.publishes() == []


def test_offline_queue_is_bounded(mq):
    """Limit: 150 QoS 1 messages to an offline session => at most 100 delivered; broker keeps working."""
    cid, t = mq.cid(), mq.topic("bounded")
    _offline_subscriber(mq, cid, t, 60)
    pub = mq.raw_connected(V)
    for i in range(150):
        ack = pub.publish_acked(t, str(i).encode(), qos=1)
        assert ack.reason in (0x00, 0x10), ack
    s = mq.raw(V)
    ack = s.connect(cid, clean=False, props={"session_expiry_interval": 60})
    assert ack.reason == 0 and ack.session_present
    got = []
    while True:
        p = s.recv(1.0)
        if p is None:
            break
        if p.kind == "PUBLISH":
            got.append(int(p.payload))
            s.ack("PUBACK", p.pid)
    assert 1 <= len(got) <= mq.MAX_OFFLINE_QUEUE, f"{len(got)} queued messages delivered"
    assert got == sorted(got)
    pub.publish_acked(t, b"after", qos=1)
    assert s.expect("PUBLISH").payload == b"after"
    s.disconnect(props={"session_expiry_interval": 0})


# ------------------------------------------------------------------ wills

def _will(mq, topic, payload, **extra):
    w = {"topic": topic, "payload": payload, "qos": 1}
    w.update(extra)
    return w


def test_will_with_properties_sent_on_abrupt_close(mq):
    """3.1.3.2: the will is published on abnormal close, with its properties."""
    wt = mq.topic("will")
    watcher = mq.subscriber(wt, 1)
    c = mq.raw(V)
    c.connect(mq.cid(), will=_will(mq, wt, b"gone", props=[
        ("content_type", "text/plain"), ("user_property", ("origin", "will")),
        ("response_topic", wt + "/reply"), ("correlation_data", b"\x01\x02")]))
    c.abort()
    msg = watcher.get(3)
    assert msg.payload == b"gone"
    assert msg.props.get("ContentType") == "text/plain"
    assert msg.props.get("UserProperty") == [("origin", "will")]
    assert msg.props.get("ResponseTopic") == wt + "/reply"
    assert msg.props.get("CorrelationData") == b"\x01\x02"


def test_will_not_sent_on_normal_disconnect(mq):
    """3.14.4: DISCONNECT with reason 0x00 discards the will."""
    wt = mq.topic("will-normal")
    watcher = mq.subscriber(wt, 1)
    c = mq.raw(V)
    c.connect(mq.cid(), will=_will(mq, wt, b"never"))
    c.disconnect(reason=0x00)
    watcher.expect_nothing(1.0)


def test_disconnect_with_will_message_reason_sends_will(mq):
    """3.14.2.1: DISCONNECT reason 0x04 (Disconnect with Will Message) publishes the will."""
    wt = mq.topic("will-04")
    watcher = mq.subscriber(wt, 1)
    c = mq.raw(V)
    c.connect(mq.cid(), will=_will(mq, wt, b"asked-for"))
    c.disconnect(reason=0x04)
    assert watcher.get(3).payload == b"asked-for"


def test_will_delay_interval_delays_will(mq):
    """3.1.3.2.2: the will is published only after the Will Delay Interval (2 s)."""
    wt = mq.topic("will-delay")
    watcher = mq.subscriber(wt, 1)
    c = mq.raw(V)
    c.connect(mq.cid(), props={"session_expiry_interval": 30},
              will=_will(mq, wt, b"delayed", props={"will_delay_interval": 2}))
    c.abort()
    t0 = time.monotonic()
    assert watcher.collect(timeout=1.3) == [], "will published before its delay"
    msg = watcher.get(4)
    elapsed = msg.received_at - t0
    assert msg.payload == b"delayed"
    assert 1.5 <= elapsed <= 5.0, f"will published {elapsed:.2f}s after close"


def test_will_delay_cancelled_by_reconnect(mq):
    """3.1.3.2.2: reconnecting to the session before the Will Delay Interval suppresses the will."""
    wt = mq.topic("will-cancel")
    watcher = mq.subscriber(wt, 1)
    cid = mq.cid()
    c = mq.raw(V)
    c.connect(cid, props={"session_expiry_interval": 30},
              will=_will(mq, wt, b"must-not-appear", props={"will_delay_interval": 2}))
    c.abort()
    time.sleep(0.5)
    back = mq.raw(V)
    ack = back.connect(cid, clean=False, props={"session_expiry_interval": 30})
    assert ack.reason == 0 and ack.session_present
    watcher.expect_nothing(2.7)
    back.disconnect(props={"session_expiry_interval": 0})
    watcher.expect_nothing(0.3)


def test_will_sent_at_session_expiry_when_shorter_than_will_delay(mq):
    """3.1.3.2.2: will delay 30 s but session expiry 2 s => the will is published when the session ends."""
    wt = mq.topic("will-expiry")
    watcher = mq.subscriber(wt, 1)
    c = mq.raw(V)
    c.connect(mq.cid(), props={"session_expiry_interval": 2},
              will=_will(mq, wt, b"session-ended", props={"will_delay_interval": 30}))
    c.abort()
    t0 = time.monotonic()
    msg = watcher.get(5)
    assert msg.payload == b"session-ended"
    assert msg.received_at - t0 >= 1.0


# ------------------------------------------------------------------ message expiry

def test_expired_message_not_delivered_to_offline_session(mq):
    """3.3.2.3.3: a message whose Message Expiry Interval passed is not delivered."""
    cid, t = mq.cid(), mq.topic("mexp")
    _offline_subscriber(mq, cid, t, 60)
    pub = mq.raw_connected(V)
    pub.publish_acked(t, b"short-lived", qos=1, props={"message_expiry_interval": 1})
    pub.publish_acked(t, b"no-expiry", qos=1)
    time.sleep(2.2)
    s = mq.raw(V)
    assert s.connect(cid, clean=False, props={"session_expiry_interval": 60}).session_present
    got = s.publishes(1)
    for p in got:
        s.ack("PUBACK", p.pid)
    assert payloads(got) == [b"no-expiry"]
    s.disconnect(props={"session_expiry_interval": 0})


def test_message_expiry_interval_is_decremented(mq):
    """3.3.2.3.3 [MQTT-3.3.2-6]: the forwarded Message Expiry Interval is reduced by the time waited."""
    cid, t = mq.cid(), mq.topic("mexp-dec")
    _offline_subscriber(mq, cid, t, 60)
    mq.raw_connected(V).publish_acked(t, b"ten", qos=1, props={"message_expiry_interval": 10})
    time.sleep(2.1)
    s = mq.raw(V)
    assert s.connect(cid, clean=False, props={"session_expiry_interval": 60}).session_present
    msg = s.expect("PUBLISH")
    s.ack("PUBACK", msg.pid)
    remaining = msg.props.get("message_expiry_interval")
    assert remaining is not None, "Message Expiry Interval dropped"
    assert 5 <= remaining <= 8, f"remaining expiry {remaining} after waiting 2.1 s of 10 s"
    s.disconnect(props={"session_expiry_interval": 0})


def test_retained_message_expires(mq):
    """3.3.2.3.3: an expired retained message is no longer sent to new subscribers."""
    t = mq.topic("ret-exp")
    mq.remember_retained(t)
    mq.raw_connected(V).publish_acked(t, b"fleeting", qos=1, retain=True,
                                      props={"message_expiry_interval": 1})
    time.sleep(2.2)
    s = mq.raw_connected(V)
    s.subscribe([(t, 1)])
    assert s.publishes() == []


# ------------------------------------------------------------------ topic aliases

def test_incoming_topic_alias(mq):
    """3.3.2.3.4: a client may set a Topic Alias and then publish with an empty topic; aliases can be remapped."""
    t1, t2 = mq.topic("alias1"), mq.topic("alias2")
    sub = mq.raw_connected(V)
    sub.subscribe([(t1, 1), (t2, 1)])
    pub = mq.raw_connected(V)
    assert pub.connack.props.get("topic_alias_maximum", 0) >= 1
    pub.publish_acked(t1, b"1", qos=1, props={"topic_alias": 1})
    pub.publish_acked("", b"2", qos=1, props={"topic_alias": 1})
    pub.publish_acked(t2, b"3", qos=1, props={"topic_alias": 1})
    pub.publish("", b"4", qos=0, props={"topic_alias": 1})
    got = []
    for p in sub.publishes(4):
        sub.ack_publish(p)
        got.append((p.topic, p.payload))
    assert got == [(t1, b"1"), (t1, b"2"), (t2, b"3"), (t2, b"4")]


def test_paho_publish_with_topic_alias(mq):
    """paho-mqtt publishing with a Topic Alias interoperates."""
    t = mq.topic("alias-paho")
    sub = mq.subscriber(t, 1)
    pub = mq.paho_connected(V)
    pub.publish(t, b"a", 1, properties=mq.props("PUBLISH", TopicAlias=3))
    pub.publish("", b"b", 1, properties=mq.props("PUBLISH", TopicAlias=3))
    got = sub.collect(2, timeout=3)
    assert [(m.topic, m.payload) for m in got] == [(t, b"a"), (t, b"b")]


@pytest.mark.parametrize("alias,allowed", [(11, {0x94}), (0, {0x81, 0x82, 0x94})],
                         ids=["above_maximum", "zero"])
def test_invalid_topic_alias_disconnects(mq, alias, allowed):
    """3.3.2.3.4 / 3.14.2.1: a Topic Alias above the broker's Topic Alias Maximum => DISCONNECT 0x94;
    Topic Alias 0 is a protocol error (0x94, 0x82 or 0x81)."""
    c = mq.raw_connected(V)
    c.publish(mq.topic("bad-alias"), b"x", qos=1, props={"topic_alias": alias})
    closed, packets, _ = c.wait_closed(3)
    assert closed
    reasons = [p.reason for p in packets if p.kind == "DISCONNECT"]
    assert len(reasons) == 1 and reasons[0] in allowed, [hex(r) for r in reasons]
    assert not any(p.kind == "PUBACK" for p in packets)


def test_unknown_topic_alias_with_empty_topic_is_protocol_error(mq):
    """3.3.4: an empty Topic Name with an alias that was never set is a Protocol Error."""
    c = mq.raw_connected(V)
    c.publish("", b"x", qos=1, props={"topic_alias": 5})
    closed, packets, _ = c.wait_closed(3)
    assert closed
    assert all(p.reason in (0x82, 0x94) for p in packets if p.kind == "DISCONNECT")
    assert not any(p.kind == "PUBACK" for p in packets)


def _resolve_aliases(packets, maximum):
    aliases, topics = {}, []
    for p in packets:
        alias = p.props.get("topic_alias")
        if alias is not None:
            assert 1 <= alias <= maximum, f"alias {alias} outside 1..{maximum}"
        if p.topic:
            if alias is not None:
                aliases[alias] = p.topic
            topics.append(p.topic)
        else:
            assert alias in aliases, f"empty topic with unknown alias {alias}"
            topics.append(aliases[alias])
    return topics


def test_no_outgoing_topic_alias_without_client_maximum(mq):
    """3.1.2.11.5: without a client Topic Alias Maximum the broker sends no Topic Alias."""
    t = mq.topic("no-out-alias")
    sub = mq.raw_connected(V)
    sub.subscribe([(t, 0)])
    pub = mq.raw_connected(V)
    for i in range(3):
        pub.publish_acked(t, str(i).encode(), qos=1)
    got = sub.publishes(3)
    assert [p.topic for p in got] == [t] * 3
    assert all("topic_alias" not in p.props for p in got)


@pytest.mark.beyond_mosquitto("Mosquitto never sends Topic Aliases to clients")
def test_outgoing_topic_aliases_used_when_client_allows(mq):
    """3.1.2.11.5 / 3.3.2.3.4: with client Topic Alias Maximum 5 the broker may alias outgoing topics
    (the suite expects it to, for repeated topics)."""
    t = mq.topic("out-alias")
    sub = mq.raw(V)
    assert sub.connect(mq.cid(), props={"topic_alias_maximum": 5}).reason == 0
    sub.subscribe([(t, 0)])
    pub = mq.raw_connected(V)
    for i in range(4):
        pub.publish_acked(t, str(i).encode(), qos=1)
    got = sub.publishes(4)
    assert payloads(got) == [b"0", b"1", b"2", b"3"]
    assert _resolve_aliases(got, 5) == [t] * 4
    assert any("topic_alias" in p.props for p in got), "no Topic Alias used"
    assert any(p.topic == "" for p in got), "aliased topic never replaced by an empty Topic Name"


# ------------------------------------------------------------------ properties passed through

def test_user_properties_passed_through_in_order(mq):
    """3.3.2.3.7 [MQTT-3.3.2-18]: user properties are forwarded unaltered and in order (duplicates kept)."""
    t = mq.topic("userprops")
    sub = mq.subscriber(t, 1)
    pub = mq.paho_connected(V)
    props = [("k", "1"), ("z", "last?"), ("k", "2"), ("a", ""), ("ünï", "çødé")]
    pub.publish(t, b"x", 1, properties=mq.props("PUBLISH", UserProperty=props))
    assert sub.get().props.get("UserProperty") == props


def test_response_topic_and_correlation_data_passed_through(mq):
    """4.10: request/response with Response Topic and Correlation Data."""
    req_t, resp_t = mq.topic("req"), mq.topic("resp")
    responder = mq.subscriber(req_t, 1)
    requester = mq.subscriber(resp_t, 1)
    requester.publish(req_t, b"ping?", 1, properties=mq.props(
        "PUBLISH", ResponseTopic=resp_t, CorrelationData=b"\x00corr-42\xff"))
    req = responder.get()
    assert req.props.get("ResponseTopic") == resp_t
    assert req.props.get("CorrelationData") == b"\x00corr-42\xff"
    responder.publish(req.props["ResponseTopic"], b"pong!", 1,
                      properties=mq.props("PUBLISH", CorrelationData=req.props["CorrelationData"]))
    resp = requester.get()
    assert resp.payload == b"pong!"
    assert resp.props.get("CorrelationData") == b"\x00corr-42\xff"


def test_payload_format_indicator_and_content_type_passed_through(mq):
    """3.3.2.3.2 / 3.3.2.3.9: Payload Format Indicator and Content Type are forwarded unaltered."""
    t = mq.topic("pfi")
    sub = mq.subscriber(t, 1)
    pub = mq.paho_connected(V)
    pub.publish(t, '{"temp": 21.5, "unit": "°C"}'.encode(), 1,
                properties=mq.props("PUBLISH", PayloadFormatIndicator=1, ContentType="application/json"))
    pub.publish(t, b"\xff\xfe", 1, properties=mq.props("PUBLISH", PayloadFormatIndicator=0,
                                                       ContentType="application/octet-stream"))
    first, second = sub.get(), sub.get()
    assert first.props.get("PayloadFormatIndicator") == 1
    assert first.props.get("ContentType") == "application/json"
    assert second.props.get("PayloadFormatIndicator", 0) == 0
    assert second.props.get("ContentType") == "application/octet-stream"
    assert second.payload == b"\xff\xfe"


def test_subscription_identifier_delivered(mq):
    """3.8.2.1.2 / 3.3.2.3.8: the Subscription Identifier is sent with matching messages."""
    t = mq.topic("subid")
    sub = mq.paho_connected(V)
    sub.subscribe(t, 1, properties=mq.props("SUBSCRIBE", SubscriptionIdentifier=4242))
    mq.paho_connected(V).publish(t, b"x", 1)
    assert sub.get().props.get("SubscriptionIdentifier") == [4242]


# ------------------------------------------------------------------ subscription options

def test_no_local(mq):
    """3.8.3.1: No Local => the client's own publications are not sent back to it."""
    t = mq.topic("nolocal")
    c = mq.paho_connected(V)
    c.subscribe(t, options=mq.SubscribeOptions(qos=1, noLocal=True))
    c.publish(t, b"own", 1)
    mq.paho_connected(V).publish(t, b"other", 1)
    got = c.collect_n(1)
    assert payloads(got) == [b"other"]


def test_retain_as_published(mq):
    """3.8.3.1: Retain As Published keeps RETAIN=1 on live delivery; without it RETAIN=0."""
    t = mq.topic("rap")
    mq.remember_retained(t)
    keep = mq.paho_connected(V)
    keep.subscribe(t, options=mq.SubscribeOptions(qos=1, retainAsPublished=True))
    clear = mq.paho_connected(V)
    clear.subscribe(t, options=mq.SubscribeOptions(qos=1, retainAsPublished=False))
    mq.paho_connected(V).publish(t, b"r", 1, retain=True)
    assert keep.get().retain is True
    assert clear.get().retain is False


@pytest.mark.parametrize("handling,first,again", [(0, 1, 1), (1, 1, 0), (2, 0, 0)])
def test_retain_handling(mq, handling, first, again):
    """3.8.3.1: Retain Handling 0 = send retained at every subscribe, 1 = only for a new subscription,
    2 = never."""
    t = mq.topic("rh", handling)
    mq.remember_retained(t)
    mq.paho_connected(V).publish(t, b"kept", 1, retain=True)
    c = mq.paho_connected(V)
    opts = mq.SubscribeOptions(qos=1, retainHandling=handling)
    c.subscribe(t, options=opts)
    got = c.collect_n(first)
    assert len(got) == first and all(m.retain for m in got)
    c.subscribe(t, options=opts)  # same filter again: replaces the existing subscription
    got = c.collect_n(again)
    assert len(got) == again and all(m.retain for m in got)


# ------------------------------------------------------------------ overlapping subscriptions

def _overlap(mq):
    base = mq.topic("ov")
    sub = mq.raw_connected(V)
    sub.subscribe([(f"{base}/#", 1)], props={"subscription_identifier": 1})
    sub.subscribe([(f"{base}/+/x", 0)], props={"subscription_identifier": 2})
    sub.subscribe([(f"{base}/other", 1)], props={"subscription_identifier": 3})
    mq.raw_connected(V).publish_acked(f"{base}/a/x", b"hit", qos=1)
    got = sub.publishes(1)
    for p in got:
        sub.ack_publish(p)
    return got


def test_overlapping_subscriptions_identifiers_per_copy(mq):
    """3.3.4: one or several copies; every copy carries only identifiers of subscriptions it matched,
    and together they carry both; the QoS of a single copy is the maximum."""
    got = _overlap(mq)
    assert 1 <= len(got) <= 2, got
    assert all(p.payload == b"hit" for p in got)
    seen = set()
    for p in got:
        ids = p.props.all("subscription_identifier")
        assert ids and set(ids) <= {1, 2}, f"copy carries identifiers {ids}"
        seen |= set(ids)
    assert seen == {1, 2}
    if len(got) == 1:
        assert got[0].qos == 1


@pytest.mark.beyond_mosquitto("Mosquitto sends one copy per matching subscription")
def test_overlapping_subscriptions_single_copy_carries_all_identifiers(mq):
    """3.3.4: the broker may send a single copy carrying all matching Subscription Identifiers."""
    got = _overlap(mq)
    assert len(got) == 1, f"{len(got)} copies"
    assert sorted(got[0].props.all("subscription_identifier")) == [1, 2]
    assert got[0].qos == 1


def test_unsubscribe_v5(mq):
    """3.11.3: UNSUBACK reason 0x00 for an existing subscription, 0x11 (or 0x00) for none."""
    t = mq.topic("unsub")
    c = mq.raw_connected(V)
    c.subscribe([(t, 1)])
    ack = c.unsubscribe([t, mq.topic("none")])
    assert ack.reasons[0] == 0x00
    assert ack.reasons[1] in (0x00, 0x11)
    mq.raw_connected(V).publish_acked(t, b"after", qos=1)
    assert c.publishes() == []


# ------------------------------------------------------------------ shared subscriptions

def test_shared_subscription_distributes_each_message_once(mq):
    """4.8.2: each message to a shared subscription goes to exactly one member; both members get some."""
    t = mq.topic("shared")
    group = f"$share/g{mq.run}/{t}"
    m1 = mq.paho_connected(V)
    m2 = mq.paho_connected(V)
    assert m1.subscribe(group, 1) == [1]
    assert m2.subscribe(group, 1) == [1]
    normal = mq.subscriber(t, 1)
    pub = mq.paho_connected(V)
    for i in range(20):
        pub.publish(t, str(i).encode(), 1)
    all_normal = normal.collect(20, timeout=5)
    assert sorted(int(m.payload) for m in all_normal) == list(range(20))
    got1 = m1.collect_n(0)
    got2 = m2.collect_n(0)
    ids = sorted(int(m.payload) for m in got1 + got2)
    assert ids == list(range(20)), "each message exactly once across the group"
    assert got1 and got2, f"distribution {len(got1)}/{len(got2)}"
    assert all(m.topic == t for m in got1 + got2)


# ------------------------------------------------------------------ limits

def test_message_larger_than_client_maximum_packet_size_not_sent(mq):
    """3.1.2.11.4 [MQTT-3.1.2-25]: the broker does not send a packet larger than the client's Maximum Packet Size."""
    t = mq.topic("client-max")
    sub = mq.raw(V)
    assert sub.connect(mq.cid(), props={"maximum_packet_size": 512}).reason == 0
    sub.subscribe([(t, 1)])
    pub = mq.raw_connected(V)
    pub.publish_acked(t, b"L" * 1000, qos=1)
    pub.publish_acked(t, b"small", qos=1)
    got = sub.publishes(1)
    assert payloads(got) == [b"small"]
    assert sub.ping().kind == "PINGRESP"


def test_oversize_publish_disconnects_0x95(mq):
    """3.2.2.3.6 / 4.13: a packet above the broker's Maximum Packet Size => DISCONNECT 0x95, then close."""
    t = mq.topic("oversize")
    sub = mq.raw_connected(V)
    sub.subscribe([(t, 0)])
    pub = mq.raw_connected(V)
    pub.publish(t, b"x" * 70000, qos=1)
    closed, packets, _ = pub.wait_closed(5)
    assert closed
    assert [p.reason for p in packets if p.kind == "DISCONNECT"] == [0x95]
    assert sub.publishes() == []


def _flow_controlled_subscriber(mq, receive_maximum, count):
    t = mq.topic("rmax")
    sub = mq.raw(V)
    assert sub.connect(mq.cid(), props={"receive_maximum": receive_maximum}).reason == 0
    sub.subscribe([(t, 1)])
    pub = mq.raw_connected(V)
    for i in range(count):
        pub.publish_acked(t, str(i).encode(), qos=1)
    return sub


def test_receive_maximum_initial_window(mq):
    """4.9 [MQTT-3.3.4-9]: with client Receive Maximum 3 and nothing acknowledged, at most 3 QoS 1
    PUBLISH packets are sent; the rest follow once acknowledged."""
    sub = _flow_controlled_subscriber(mq, 3, 6)
    first = sub.publishes(3, timeout=3, settle=0.7)
    assert 1 <= len(first) <= 3, f"{len(first)} unacknowledged PUBLISH packets outstanding"
    received = [int(p.payload) for p in first]
    for p in first:
        sub.ack("PUBACK", p.pid)
    deadline = time.monotonic() + 5
    while len(received) < 6 and time.monotonic() < deadline:
        p = sub.recv(0.5)
        if p is not None and p.kind == "PUBLISH":
            received.append(int(p.payload))
            sub.ack("PUBACK", p.pid)
    assert received == list(range(6))


@pytest.mark.beyond_mosquitto("Mosquitto 2.0.11 sends a whole new window after the first PUBACK "
                              "(5 outstanding with Receive Maximum 3)")
def test_receive_maximum_flow_control_sustained(mq):
    """4.9 [MQTT-3.3.4-9]: acknowledging one PUBLISH at a time, the broker never has more than
    the client's Receive Maximum (3) unacknowledged QoS 1 PUBLISH packets outstanding."""
    sub = _flow_controlled_subscriber(mq, 3, 9)
    outstanding, received = [], []
    deadline = time.monotonic() + 10
    while len(received) < 9 and time.monotonic() < deadline:
        p = sub.recv(0.3)
        if p is not None and p.kind == "PUBLISH":
            received.append(int(p.payload))
            outstanding.append(p.pid)
            assert len(outstanding) <= 3, f"{len(outstanding)} unacknowledged PUBLISH packets outstanding"
        elif p is None and outstanding:
            sub.ack("PUBACK", outstanding.pop(0))
    assert received == list(range(9))


@pytest.mark.beyond_mosquitto("Mosquitto 2.0.11 answers PUBREC 0x97 (Quota exceeded) instead of DISCONNECT 0x93")
def test_exceeding_broker_receive_maximum_disconnects_0x93(mq):
    """3.3.4 [MQTT-3.3.4-8/9]: more than Receive Maximum (20) unacknowledged QoS 2 PUBLISH packets
    => DISCONNECT 0x93 (Receive Maximum exceeded)."""
    c = mq.raw_connected(V)
    limit = c.connack.props.get("receive_maximum", 65535)
    assert limit == mq.SERVER_RECEIVE_MAXIMUM
    t = mq.topic("flood")
    for _ in range(limit + 1):
        c.publish(t, b"q2", qos=2)  # never send PUBREL
    closed, packets, _ = c.wait_closed(3)
    assert closed, "connection not closed"
    assert [p.reason for p in packets if p.kind == "DISCONNECT"] == [0x93]


@pytest.mark.beyond_mosquitto("Mosquitto 2.0.11 answers PUBREC 0x97 (Quota exceeded) instead of DISCONNECT 0x93")
def test_disconnect_0x93_is_read_by_a_client_still_acknowledging(mq):
    """A client that answers each PUBREC with PUBREL while the broker disconnects it (as Paho's
    interoperability test_flow_control2 does) still reads DISCONNECT 0x93: the broker stops writing
    and drains what the client sends, instead of resetting the connection under it."""
    c = mq.raw_connected(V)
    limit = c.connack.props.get("receive_maximum", 65535)
    t = mq.topic("flood-acked")
    pids = [c.publish(t, b"q2", qos=2) for _ in range(limit + 1)]
    time.sleep(0.2)  # the broker has answered and disconnected by now
    for pid in pids:  # PUBREL, reason omitted: these must not fail with a reset connection
        c.send_raw(bytes([0x62, 0x02, pid >> 8, pid & 0xFF]))
    closed, packets, _ = c.wait_closed(3)
    assert closed, "connection not closed"
    assert [p.reason for p in packets if p.kind == "DISCONNECT"] == [0x93]


# ------------------------------------------------------------------ reason strings

def test_no_reason_string_when_problem_information_not_requested(mq):
    """3.1.2.11.7: Request Problem Information 0 => no Reason String / User Property on PUBACK."""
    c = mq.raw(V)
    assert c.connect(mq.cid(), props={"request_problem_information": 0}).reason == 0
    ack = c.publish_acked("test/nopublish", b"x", qos=1)
    assert ack.reason == 0x87
    assert "reason_string" not in ack.props and "user_property" not in ack.props


def test_reason_strings_are_strings(mq):
    """3.x: where the broker sends a Reason String it is a UTF-8 string (decoding would fail otherwise)."""
    seen = []
    c = mq.raw_connected(V)
    ack = c.publish_acked("test/nopublish", b"x", qos=1)
    assert ack.reason == 0x87
    seen.append(ack)
    refused = mq.raw(V, "auth")
    connack = refused.connect(mq.cid())
    assert connack.reason in (0x86, 0x87)
    seen.append(connack)
    for p in seen:
        rs = p.props.get("reason_string")
        assert rs is None or (isinstance(rs, str) and len(rs.encode()) < 65536)


# ------------------------------------------------------------------ ACL

@pytest.mark.beyond_mosquitto("Mosquitto's acl_file is not checked at SUBSCRIBE time")
def test_acl_subscribe_denied_0x87(mq):
    """3.9.3: a subscription the ACL forbids => SUBACK reason 0x87 (Not authorized)."""
    c = mq.raw_connected(V)
    ack = c.subscribe([("test/nosubscribe", 1), (mq.topic("ok"), 1)])
    assert ack.reasons == [0x87, 1]


def test_acl_read_denied_topic_not_delivered(mq):
    c = mq.raw_connected(V)
    c.subscribe([("test/nosubscribe", 1), ("test/#", 1)])
    marker = mq.run.encode()
    pub = mq.raw_connected(V)
    pub.publish("test/nosubscribe", marker, qos=1)
    pub.publish_acked("test/ok-" + mq.run, marker, qos=1)  # allowed topic, as a sentinel
    got = c.publishes(1)
    assert [(p.topic, p.payload) for p in got] == [("test/ok-" + mq.run, marker)]


@pytest.mark.parametrize("qos", [1, 2])
def test_acl_publish_denied_0x87(mq, qos):
    """3.4.2.1 / 3.5.2.1: an unauthorised QoS 1/2 PUBLISH => PUBACK/PUBREC 0x87, not delivered."""
    sub = mq.raw_connected(V)
    sub.subscribe([("test/nopublish", 1)])
    pub = mq.raw_connected(V)
    marker = mq.run.encode()
    ack = pub.publish_acked("test/nopublish", marker, qos=qos)
    assert ack.reason == 0x87
    assert [p for p in sub.publishes() if p.payload == marker] == []
    assert pub.ping().kind == "PINGRESP", "publisher must stay connected"


def test_auth_anonymous_refused(mq):
    """3.2.2.2: anonymous on the password listener => CONNACK 0x87 (or 0x86), then close."""
    c = mq.raw(V, "auth")
    ack = c.connect(mq.cid())
    assert ack.reason in (0x86, 0x87)
    assert ack.session_present is False
    assert c.wait_closed(3)[0]


def test_auth_bad_password_refused(mq):
    c = mq.raw(V, "auth")
    ack = c.connect(mq.cid(), username="device1", password="nope")
    assert ack.reason in (0x86, 0x87)
    assert c.wait_closed(3)[0]


def test_auth_device_telemetry_acl(mq):
    """ACL 'pattern write devices/%c/telemetry': own topic PUBACK 0x00 (or 0x10), other device PUBACK 0x87."""
    admin = mq.paho_connected(V, listener="auth", username="admin", password="adminpw")
    admin.subscribe("devices/+/telemetry", 1)
    dev = mq.raw(V, "auth")
    assert dev.connect("device1", username="device1", password="secret1").reason == 0
    own, other = f"own-{mq.run}".encode(), f"other-{mq.run}".encode()
    assert dev.publish_acked("devices/device1/telemetry", own, qos=1).reason in (0x00, 0x10)
    assert dev.publish_acked("devices/device2/telemetry", other, qos=1).reason == 0x87
    got = [m for m in admin.collect_n(1) if m.payload in (own, other)]
    assert [(m.topic, m.payload) for m in got] == [("devices/device1/telemetry", own)]


@pytest.mark.beyond_mosquitto("Mosquitto's acl_file is not checked at SUBSCRIBE time")
def test_auth_device_subscription_to_other_device_refused_0x87(mq):
    """ACL 'pattern read devices/%c/commands': devices/device2/commands => SUBACK 0x87."""
    dev = mq.raw(V, "auth")
    assert dev.connect("device1", username="device1", password="secret1").reason == 0
    ack = dev.subscribe([("devices/device1/commands", 1), ("devices/device2/commands", 1)])
    assert ack.reasons == [1, 0x87]


def test_auth_device_receives_only_own_commands(mq):
    dev = mq.paho_connected(V, client_id="device1", listener="auth", username="device1", password="secret1")
    rcs = dev.subscribe([("devices/device1/commands", 1), ("devices/device2/commands", 1)])
    assert rcs[0] == 1
    admin = mq.paho_connected(V, listener="auth", username="admin", password="adminpw")
    mine, theirs = f"mine-{mq.run}".encode(), f"theirs-{mq.run}".encode()
    admin.publish("devices/device1/commands", mine, 1)
    admin.publish("devices/device2/commands", theirs, 1)
    got = [m for m in dev.collect_n(1) if m.payload in (mine, theirs)]
    assert [(m.topic, m.payload) for m in got] == [("devices/device1/commands", mine)]


def test_tls_with_client_certificate(mq):
    """TLS listener, MQTT 5.0: client certificate accepted; identity (CN=device1) drives the ACL."""
    c = mq.raw(V, "tls")
    ack = c.connect(mq.cid())
    assert ack.reason == 0
    mine, other = f"users/device1/{mq.run}", f"users/admin/{mq.run}"
    c.subscribe([(mine, 1), (other, 1)])
    assert c.publish_acked(mine, b"mine", qos=1).reason in (0x00, 0x10)
    assert c.publish_acked(other, b"other", qos=1).reason == 0x87
    got = [(p.topic, p.payload) for p in c.publishes(1)]
    assert got == [(mine, b"mine")]


# ------------------------------------------------------------------ malformed input

def _connect_packet():
    return bytes([0x10, 0x0d]) + b"\x00\x04MQTT\x05\x02\x00\x3c\x00\x00\x00"


MALFORMED_V5 = {
    "second_connect": (_connect_packet(), {0x82}),
    "publish_qos_3": (b"\x36\x08\x00\x03a/b\x00\x01\x00", {0x81, 0x82}),
    # PUBLISH carrying a Session Expiry Interval property (not allowed in PUBLISH)
    "publish_with_connect_only_property": (b"\x32\x0d\x00\x03a/b\x00\x01\x05\x11\x00\x00\x00\x0a", {0x81, 0x82}),
    "remaining_length_5_bytes": (b"\x30\xff\xff\xff\xff\xff\x01", {0x81, 0x82, 0x95}),
    "reserved_packet_type_0": (b"\x00\x00", {0x81, 0x82}),
    "subscribe_without_filters": (b"\x82\x03\x00\x01\x00", {0x81, 0x82}),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_V5))
def test_malformed_input_closes_only_that_connection(mq, case):
    """4.13: malformed packets / protocol errors => optional DISCONNECT (0x81/0x82/...), then close;
    other clients keep working."""
    t = mq.topic("ctl")
    control = mq.raw_connected(V)
    control.subscribe([(t, 1)])
    data, allowed = MALFORMED_V5[case]
    bad = mq.raw_connected(V)
    bad.send_raw(data)
    closed, packets, _ = bad.wait_closed(5)
    assert closed, f"{case}: connection not closed"
    reasons = [p.reason for p in packets if p.kind == "DISCONNECT"]
    assert all(r in allowed for r in reasons), f"{case}: DISCONNECT reasons {[hex(r) for r in reasons]}"
    assert not any(p.kind in ("CONNACK", "SUBACK", "PUBACK") for p in packets), packets
    assert control.ping().kind == "PINGRESP"
    mq.raw_connected(V).publish_acked(t, b"still-alive", qos=1)
    assert control.expect("PUBLISH").payload == b"still-alive"
