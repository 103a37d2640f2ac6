#!/usr/bin/env python3
"""MQTT over WebSocket against OneCall with paho-mqtt (a real client), plus raw handshake checks.

Usage: websocket_clients.py WS_PORT TCP_PORT. Prints one JSON object with what happened; exit 0.
"""

import base64
import json
import os
import socket
import sys
import threading
import time

import paho.mqtt.client as mqtt

WS_PORT, TCP_PORT = int(sys.argv[1]), int(sys.argv[2])
report = {}


def client(name, transport, version):
    c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=name, transport=transport, protocol=version)
    if transport == "websockets":
        c.ws_set_options(path="/mqtt")
    return c


def roundtrip(version, label):
    received = []
    subscribed = threading.Event()
    done = threading.Event()
    big = "x" * 200_000  # several WebSocket frames' worth in one MQTT packet

    def on_message(c, u, m):
        received.append([m.topic, len(m.payload), m.qos])
        if len(received) == 3:
            done.set()

    sub = client(f"ws-sub-{label}", "websockets", version)
    sub.on_message = on_message
    sub.on_subscribe = lambda *a: subscribed.set()
    sub.connect("127.0.0.1", WS_PORT)
    sub.loop_start()
    sub.subscribe(f"ws/{label}/#", qos=1)
    subscribed.wait(5)
    tcp = client(f"tcp-pub-{label}", "tcp", version)
    tcp.connect("127.0.0.1", TCP_PORT)
    tcp.loop_start()
    tcp.publish(f"ws/{label}/small", "hello", qos=1).wait_for_publish(5)
    tcp.publish(f"ws/{label}/big", big, qos=1).wait_for_publish(5)
    # A WebSocket publisher too.
    wpub = client(f"ws-pub-{label}", "websockets", version)
    wpub.connect("127.0.0.1", WS_PORT)
    wpub.loop_start()
    wpub.publish(f"ws/{label}/from-ws", "hi", qos=1).wait_for_publish(5)
    done.wait(5)
    for c in (sub, tcp, wpub):
        c.disconnect()
        c.loop_stop()
    report[label] = sorted(received)


def handshake(protocol_header):
    s = socket.create_connection(("127.0.0.1", WS_PORT), timeout=5)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        "GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{protocol_header}\r\n"
    )
    s.sendall(request.encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(4096)
        if not chunk:
            break
        head += chunk
    return s, head.decode(errors="replace")


roundtrip(mqtt.MQTTv311, "v311")
roundtrip(mqtt.MQTTv5, "v5")

# Plain HTTP on the WebSocket port.
s = socket.create_connection(("127.0.0.1", WS_PORT), timeout=5)
s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
report["plain_http"] = s.recv(4096).decode(errors="replace").split("\r\n")[0]
s.close()
# An upgrade that offers no MQTT subprotocol.
s, head = handshake("Sec-WebSocket-Protocol: chat\r\n")
report["no_subprotocol"] = head.split("\r\n")[0]
s.close()
# A proper upgrade, then a text frame: the spec forbids it, the server closes with 1003.
s, head = handshake("Sec-WebSocket-Protocol: mqtt\r\n")
report["upgrade"] = head.split("\r\n")[0]
report["upgrade_subprotocol"] = [l for l in head.split("\r\n") if l.lower().startswith("sec-websocket-protocol")]
mask = os.urandom(4)
payload = b"hello"
s.sendall(bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
frame = s.recv(16)
report["text_frame_close"] = list(frame[:4])
s.close()
print(json.dumps(report))
