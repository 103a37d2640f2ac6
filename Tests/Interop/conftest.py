"""Shared machinery for the MQTT broker interoperability suite.

Everything the test modules need is handed to them through fixtures (``broker``
and ``mq``), so the modules never import this file directly.

Contents:
  * command line options / environment fallbacks describing the broker under test;
  * the ``beyond_mosquitto`` marker (turned into a non-strict xfail only when
    ``--broker mosquitto`` is given);
  * a small, self-contained MQTT 3.1.1 / 5.0 packet codec and a synchronous raw
    socket client (``RawClient``) for protocol-level tests, written from the
    OASIS specifications;
  * a synchronous wrapper around paho-mqtt 2.x (``PahoClient``).
"""

from __future__ import annotations

import os
import queue
import socket
import ssl
import struct
import threading
import time
import uuid

import pytest

import paho.mqtt.client as paho
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode
from paho.mqtt.subscribeoptions import SubscribeOptions

# --------------------------------------------------------------------------------------
# Options
# --------------------------------------------------------------------------------------

_OPTIONS = [
    # (option, env var, default, help)
    ("--host", "MQTT_HOST", "127.0.0.1", "broker host"),
    ("--port", "MQTT_PORT", "1883", "plain listener (anonymous, ACL applies)"),
    ("--auth-port", "MQTT_AUTH_PORT", None, "listener requiring username/password"),
    ("--tls-port", "MQTT_TLS_PORT", None, "TLS listener requiring a client certificate"),
    ("--cafile", "MQTT_CAFILE", None, "CA certificate (PEM) that signed server and client certs"),
    ("--client-cert", "MQTT_CLIENT_CERT", None, "client certificate (PEM), CN=device1"),
    ("--client-key", "MQTT_CLIENT_KEY", None, "client private key (PEM)"),
    ("--broker", "MQTT_BROKER", "onecall", "broker name: 'mosquitto' or 'onecall' (labels beyond-Mosquitto tests)"),
]

# Assumed broker limits (see README.md).
MAX_PACKET_SIZE = 65536
SERVER_RECEIVE_MAXIMUM = 20
TOPIC_ALIAS_MAXIMUM = 10
MAX_KEEPALIVE = 120
MAX_OFFLINE_QUEUE = 100
CONNECT_TIMEOUT = 10  # a TCP connection that never sends CONNECT is closed within this many seconds

AUTH_USERS = {"device1": "secret1", "admin": "adminpw"}

# How long a test waits to be sure that something does NOT arrive (after everything that
# should arrive has arrived).  Raise it (MQTT_SETTLE=1.5) for a slow broker or machine.
SETTLE = float(os.environ.get("MQTT_SETTLE", "0.5"))


def pytest_addoption(parser):
    group = parser.getgroup("mqtt-interop", "MQTT broker interoperability suite")
    for opt, env, default, help_text in _OPTIONS:
        group.addoption(opt, action="store", default=None,
                        help=f"{help_text} (env {env}, default {default!r})")


def _opt(config, opt):
    for o, env, default, _ in _OPTIONS:
        if o == opt:
            v = config.getoption(opt)
            if v is None:
                v = os.environ.get(env) or None
            return v if v is not None else default
    raise KeyError(opt)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "probe(name): the test checks a background probe started before the first test")
    config.addinivalue_line(
        "markers",
        "beyond_mosquitto: behaviour allowed by the spec that Mosquitto does not implement; "
        "xfail(strict=False) when --broker mosquitto, must pass for any other broker")


def pytest_collection_modifyitems(config, items):
    if str(_opt(config, "--broker")).lower() != "mosquitto":
        return
    for item in items:
        m = item.get_closest_marker("beyond_mosquitto")
        if m is not None:
            reason = m.args[0] if m.args else "beyond what Mosquitto implements"
            item.add_marker(pytest.mark.xfail(strict=False, reason=f"beyond Mosquitto: {reason}"))


# --------------------------------------------------------------------------------------
# Broker description
# --------------------------------------------------------------------------------------

class BrokerConfig:
    def __init__(self, config):
        self.host = _opt(config, "--host")
        self.port = int(_opt(config, "--port"))
        ap = _opt(config, "--auth-port")
        self._auth_port = int(ap) if ap else None
        tp = _opt(config, "--tls-port")
        self._tls_port = int(tp) if tp else None
        self.cafile = _opt(config, "--cafile")
        self.client_cert = _opt(config, "--client-cert")
        self.client_key = _opt(config, "--client-key")
        self.name = str(_opt(config, "--broker")).lower()

    @property
    def auth_port(self) -> int:
        if self._auth_port is None:
            pytest.fail("this test needs the username/password listener: pass --auth-port "
                        "(or MQTT_AUTH_PORT)", pytrace=False)
        return self._auth_port

    @property
    def tls_port(self) -> int:
        if self._tls_port is None or not (self.cafile and self.client_cert and self.client_key):
            pytest.fail("this test needs the TLS listener: pass --tls-port, --cafile, --client-cert "
                        "and --client-key (or MQTT_TLS_PORT, MQTT_CAFILE, MQTT_CLIENT_CERT, "
                        "MQTT_CLIENT_KEY)", pytrace=False)
        for f in (self.cafile, self.client_cert, self.client_key):
            if not os.path.exists(f):
                pytest.fail(f"TLS file not found: {f}", pytrace=False)
        return self._tls_port

    def port_for(self, listener: str) -> int:
        return {"plain": self.port, "auth": self.auth_port, "tls": self.tls_port}[listener]

    def ssl_context(self, with_client_cert=True) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(cafile=self.cafile)
        # The chain is verified against the CA; host name checking is left out so the
        # suite works whatever name/IP the harness put in the server certificate.
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_REQUIRED
        if with_client_cert:
            ctx.load_cert_chain(self.client_cert, self.client_key)
        return ctx


# --------------------------------------------------------------------------------------
# MQTT codec (MQTT 3.1.1 = protocol level 4, MQTT 5.0 = protocol level 5)
# --------------------------------------------------------------------------------------

CONNECT, CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP = 1, 2, 3, 4, 5, 6, 7
SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK, PINGREQ, PINGRESP, DISCONNECT, AUTH = 8, 9, 10, 11, 12, 13, 14, 15

PACKET_NAMES = {
    CONNECT: "CONNECT", CONNACK: "CONNACK", PUBLISH: "PUBLISH", PUBACK: "PUBACK",
    PUBREC: "PUBREC", PUBREL: "PUBREL", PUBCOMP: "PUBCOMP", SUBSCRIBE: "SUBSCRIBE",
    SUBACK: "SUBACK", UNSUBSCRIBE: "UNSUBSCRIBE", UNSUBACK: "UNSUBACK", PINGREQ: "PINGREQ",
    PINGRESP: "PINGRESP", DISCONNECT: "DISCONNECT", AUTH: "AUTH",
}
_NAME_TO_TYPE = {v: k for k, v in PACKET_NAMES.items()}

# MQTT 5.0 properties: name -> (identifier, data type)
PROPERTIES = {
    "payload_format_indicator": (0x01, "byte"),
    "message_expiry_interval": (0x02, "u32"),
    "content_type": (0x03, "str"),
    "response_topic": (0x08, "str"),
    "correlation_data": (0x09, "bin"),
    "subscription_identifier": (0x0B, "varint"),
    "session_expiry_interval": (0x11, "u32"),
    "assigned_client_identifier": (0x12, "str"),
    "server_keep_alive": (0x13, "u16"),
    "authentication_method": (0x15, "str"),
    "authentication_data": (0x16, "bin"),
    "request_problem_information": (0x17, "byte"),
    "will_delay_interval": (0x18, "u32"),
    "request_response_information": (0x19, "byte"),
    "response_information": (0x1A, "str"),
    "server_reference": (0x1C, "str"),
    "reason_string": (0x1F, "str"),
    "receive_maximum": (0x21, "u16"),
    "topic_alias_maximum": (0x22, "u16"),
    "topic_alias": (0x23, "u16"),
    "maximum_qos": (0x24, "byte"),
    "retain_available": (0x25, "byte"),
    "user_property": (0x26, "pair"),
    "maximum_packet_size": (0x27, "u32"),
    "wildcard_subscription_available": (0x28, "byte"),
    "subscription_identifier_available": (0x29, "byte"),
    "shared_subscription_available": (0x2A, "byte"),
}
_PROP_BY_ID = {pid: (name, kind) for name, (pid, kind) in PROPERTIES.items()}


class ProtocolDecodeError(Exception):
    pass


def encode_varint(n: int) -> bytes:
    if n < 0 or n > 268_435_455:
        raise ValueError("variable byte integer out of range")
    out = bytearray()
    while True:
        b = n % 128
        n //= 128
        if n:
            b |= 0x80
        out.append(b)
        if not n:
            return bytes(out)


def decode_varint(buf, pos: int):
    """Return (value, new_pos) or (None, pos) if the buffer ends before the integer does."""
    mult, value = 1, 0
    for i in range(4):
        if pos + i >= len(buf):
            return None, pos
        b = buf[pos + i]
        value += (b & 0x7F) * mult
        if not b & 0x80:
            return value, pos + i + 1
        mult *= 128
    raise ProtocolDecodeError("variable byte integer longer than 4 bytes")


def enc_str(s) -> bytes:
    b = s.encode("utf-8") if isinstance(s, str) else bytes(s)
    return struct.pack("!H", len(b)) + b


def enc_bin(b) -> bytes:
    b = b.encode("utf-8") if isinstance(b, str) else bytes(b)
    return struct.pack("!H", len(b)) + b


class Props:
    """Ordered MQTT 5.0 property list (properties such as user_property may repeat)."""

    def __init__(self, items=None):
        self.items = []
        if items is None:
            return
        if isinstance(items, Props):
            self.items = list(items.items)
            return
        if isinstance(items, dict):
            items = list(items.items())
        for name, value in items:
            if name not in PROPERTIES:
                raise KeyError(f"unknown property {name}")
            if name == "user_property" and value and isinstance(value[0], (tuple, list)):
                for pair in value:
                    self.items.append((name, tuple(pair)))
            elif name == "subscription_identifier" and isinstance(value, (list, tuple)):
                for v in value:
                    self.items.append((name, v))
            else:
                self.items.append((name, value))

    def get(self, name, default=None):
        for n, v in self.items:
            if n == name:
                return v
        return default

    def all(self, name):
        return [v for n, v in self.items if n == name]

    def __contains__(self, name):
        return any(n == name for n, _ in self.items)

    def __repr__(self):
        return f"Props({self.items!r})"

    def encode(self) -> bytes:
        body = bytearray()
        for name, value in self.items:
            pid, kind = PROPERTIES[name]
            body += encode_varint(pid)
            if kind == "byte":
                body.append(value)
            elif kind == "u16":
                body += struct.pack("!H", value)
            elif kind == "u32":
                body += struct.pack("!I", value)
            elif kind == "varint":
                body += encode_varint(value)
            elif kind == "str":
                body += enc_str(value)
            elif kind == "bin":
                body += enc_bin(value)
            elif kind == "pair":
                body += enc_str(value[0]) + enc_str(value[1])
        return encode_varint(len(body)) + bytes(body)

    @classmethod
    def decode(cls, buf: bytes, pos: int):
        length, pos = decode_varint(buf, pos)
        if length is None:
            raise ProtocolDecodeError("truncated property length")
        end = pos + length
        if end > len(buf):
            raise ProtocolDecodeError("property length exceeds packet")
        p = cls()
        while pos < end:
            ident, pos = decode_varint(buf, pos)
            if ident not in _PROP_BY_ID:
                raise ProtocolDecodeError(f"unknown property identifier {ident:#x}")
            name, kind = _PROP_BY_ID[ident]
            if kind == "byte":
                value = buf[pos]
                pos += 1
            elif kind == "u16":
                (value,) = struct.unpack_from("!H", buf, pos)
                pos += 2
            elif kind == "u32":
                (value,) = struct.unpack_from("!I", buf, pos)
                pos += 4
            elif kind == "varint":
                value, pos = decode_varint(buf, pos)
            elif kind in ("str", "bin"):
                (n,) = struct.unpack_from("!H", buf, pos)
                raw = bytes(buf[pos + 2:pos + 2 + n])
                pos += 2 + n
                value = raw.decode("utf-8") if kind == "str" else raw
            else:  # pair
                (n,) = struct.unpack_from("!H", buf, pos)
                k = bytes(buf[pos + 2:pos + 2 + n]).decode("utf-8")
                pos += 2 + n
                (n,) = struct.unpack_from("!H", buf, pos)
                v = bytes(buf[pos + 2:pos + 2 + n]).decode("utf-8")
                pos += 2 + n
                value = (k, v)
            p.items.append((name, value))
        if pos != end:
            raise ProtocolDecodeError("property overran its length")
        return p, end


def _props_bytes(props, version) -> bytes:
    if version != 5:
        if props:
            raise ValueError("properties only exist in MQTT 5.0")
        return b""
    return Props(props).encode()


def fixed_header(ptype: int, flags: int, remaining: int) -> bytes:
    return bytes([(ptype << 4) | (flags & 0x0F)]) + encode_varint(remaining)


def build_packet(ptype: int, flags: int, body: bytes) -> bytes:
    return fixed_header(ptype, flags, len(body)) + body


def build_connect(version=5, client_id="", clean=True, keepalive=60, username=None,
                  password=None, will=None, props=None) -> bytes:
    flags = 0x02 if clean else 0
    payload = enc_str(client_id)
    if will is not None:
        flags |= 0x04 | ((will.get("qos", 0) & 3) << 3) | (0x20 if will.get("retain") else 0)
        if version == 5:
            payload += Props(will.get("props")).encode()
        payload += enc_str(will["topic"]) + enc_bin(will.get("payload", b""))
    if username is not None:
        flags |= 0x80
        payload += enc_str(username)
    if password is not None:
        flags |= 0x40
        payload += enc_bin(password)
    var = enc_str("MQTT") + bytes([version, flags]) + struct.pack("!H", keepalive)
    var += _props_bytes(props, version)
    return build_packet(CONNECT, 0, var + payload)


def build_publish(version, topic, payload=b"", qos=0, retain=False, dup=False, pid=None, props=None) -> bytes:
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    flags = (0x08 if dup else 0) | ((qos & 3) << 1) | (0x01 if retain else 0)
    body = enc_str(topic)
    if qos > 0:
        body += struct.pack("!H", pid)
    body += _props_bytes(props, version)
    return build_packet(PUBLISH, flags, body + payload)


def build_ack(version, ptype, pid, reason=None, props=None) -> bytes:
    body = struct.pack("!H", pid)
    if version == 5 and (reason not in (None, 0) or props):
        body += bytes([reason or 0])
        if props:
            body += Props(props).encode()
    return build_packet(ptype, 0x02 if ptype == PUBREL else 0, body)


def subscription_options(qos=0, no_local=False, retain_as_published=False, retain_handling=0) -> int:
    return (qos & 3) | (0x04 if no_local else 0) | (0x08 if retain_as_published else 0) | ((retain_handling & 3) << 4)


class Packet:
    """A decoded MQTT control packet.  ``kind`` is the packet name, e.g. "PUBLISH"."""

    def __init__(self, ptype, flags, body, version):
        self.ptype = ptype
        self.kind = PACKET_NAMES.get(ptype, f"TYPE{ptype}")
        self.flags = flags
        self.raw = bytes(body)
        self.props = Props()
        self.reason = 0
        self.pid = None
        self._decode(version)

    def _decode(self, version):
        b = self.raw
        t = self.ptype
        if t == CONNACK:
            self.session_present = bool(b[0] & 1)
            self.reason = b[1]
            if version == 5 and len(b) > 2:
                self.props, _ = Props.decode(b, 2)
        elif t == PUBLISH:
            self.dup = bool(self.flags & 0x08)
            self.qos = (self.flags >> 1) & 3
            self.retain = bool(self.flags & 1)
            (n,) = struct.unpack_from("!H", b, 0)
            self.topic = bytes(b[2:2 + n]).decode("utf-8")
            pos = 2 + n
            if self.qos:
                (self.pid,) = struct.unpack_from("!H", b, pos)
                pos += 2
            if version == 5:
                self.props, pos = Props.decode(b, pos)
            self.payload = bytes(b[pos:])
        elif t in (PUBACK, PUBREC, PUBREL, PUBCOMP):
            (self.pid,) = struct.unpack_from("!H", b, 0)
            if version == 5 and len(b) > 2:
                self.reason = b[2]
                if len(b) > 3:
                    self.props, _ = Props.decode(b, 3)
        elif t in (SUBACK, UNSUBACK):
            (self.pid,) = struct.unpack_from("!H", b, 0)
            pos = 2
            if version == 5:
                self.props, pos = Props.decode(b, pos)
            self.reasons = list(b[pos:])
        elif t in (DISCONNECT, AUTH):
            if len(b) >= 1:
                self.reason = b[0]
            if version == 5 and len(b) > 1:
                self.props, _ = Props.decode(b, 1)

    def __repr__(self):
        extra = ""
        if self.ptype == PUBLISH:
            extra = f" topic={self.topic!r} qos={self.qos} retain={self.retain} dup={self.dup} pid={self.pid} len={len(self.payload)}"
        elif self.pid is not None:
            extra = f" pid={self.pid}"
        if self.ptype in (SUBACK, UNSUBACK):
            extra += f" reasons={[hex(r) for r in self.reasons]}"
        elif self.ptype != PUBLISH:
            extra += f" reason={self.reason:#04x}"
        if self.props.items:
            extra += f" props={self.props.items!r}"
        return f"<{self.kind}{extra}>"


class ConnectionClosed(Exception):
    pass


# --------------------------------------------------------------------------------------
# Raw socket client
# --------------------------------------------------------------------------------------

class RawClient:
    """A synchronous, single-threaded MQTT client speaking raw bytes over a socket.

    Nothing is acknowledged automatically: tests drive every packet explicitly.
    """

    def __init__(self, host, port, version=5, ssl_context=None, timeout=5.0):
        self.version = version
        self.default_timeout = timeout
        sock = socket.create_connection((host, port), timeout=timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if ssl_context is not None:
            sock = ssl_context.wrap_socket(sock)
        self.sock = sock
        self.buf = bytearray()
        self.backlog = []
        self.eof = False
        self._next_pid = 0

    # -- plumbing ------------------------------------------------------------------
    def next_pid(self) -> int:
        self._next_pid = self._next_pid % 65535 + 1
        return self._next_pid

    def send_raw(self, data: bytes):
        try:
            self.sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError) as e:
            raise ConnectionClosed(f"send failed: {e}") from e

    def _try_parse(self):
        if len(self.buf) < 2:
            return None
        remaining, pos = decode_varint(self.buf, 1)
        if remaining is None or len(self.buf) < pos + remaining:
            return None
        first = self.buf[0]
        body = bytes(self.buf[pos:pos + remaining])
        del self.buf[:pos + remaining]
        return Packet(first >> 4, first & 0x0F, body, self.version)

    def recv(self, timeout=None):
        """Next packet, or None on timeout.  Raises ConnectionClosed on EOF."""
        if self.backlog:
            return self.backlog.pop(0)
        return self._recv_socket(self.default_timeout if timeout is None else timeout)

    def _recv_socket(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            pkt = self._try_parse()
            if pkt is not None:
                return pkt
            if self.eof:
                raise ConnectionClosed("connection closed by broker")
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except (socket.timeout, TimeoutError):
                return None
            except ssl.SSLWantReadError:
                continue
            except (ConnectionResetError, ConnectionAbortedError, ssl.SSLError, OSError):
                data = b""
            if not data:
                self.eof = True
            else:
                self.buf += data

    def expect(self, kind: str, timeout=None, pid=None) -> Packet:
        """Wait for a packet of the given kind (and packet identifier, if given); other packets
        are kept for later recv()."""
        timeout = self.default_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        skipped = []
        try:
            pending = list(self.backlog)
            self.backlog = []
            for i, p in enumerate(pending):
                if p.kind == kind and (pid is None or p.pid == pid):
                    skipped.extend(pending[:i])
                    skipped.extend(pending[i + 1:])
                    return p
            skipped.extend(pending)
            while True:
                left = deadline - time.monotonic()
                pkt = self.recv(max(left, 0.0)) if left > 0 else None
                if pkt is None:
                    raise AssertionError(f"timed out after {timeout}s waiting for {kind}; got {skipped!r}")
                if pkt.kind == kind and (pid is None or pkt.pid == pid):
                    return pkt
                skipped.append(pkt)
        finally:
            self.backlog = skipped + self.backlog

    def collect(self, duration: float, kind=None, count=None):
        """Read packets (of ``kind`` if given) for up to ``duration`` seconds, or until ``count``
        of them arrived; other packets are kept for later.  Stops early on EOF."""
        out = []
        if kind is not None:
            keep = []
            for p in self.backlog:
                (out if p.kind == kind else keep).append(p)
            self.backlog = keep
        else:
            out, self.backlog = self.backlog, []
        deadline = time.monotonic() + duration
        while count is None or len(out) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                pkt = self._recv_socket(left)
            except ConnectionClosed:
                break
            if pkt is None:
                break
            if kind is None or pkt.kind == kind:
                out.append(pkt)
            else:
                self.backlog.append(pkt)
        return out

    def publishes(self, count=0, timeout=3.0, settle=None):
        """PUBLISH packets: wait (up to ``timeout``) until ``count`` arrived, then keep listening
        ``settle`` seconds for unexpected extra ones.  Acknowledges nothing."""
        out = self.collect(timeout, "PUBLISH", count) if count else []
        out += self.collect(SETTLE if settle is None else settle, "PUBLISH")
        return out

    def wait_closed(self, timeout: float):
        """Read until the broker closes the connection.

        Returns (closed, packets_received_before_close, seconds_waited).
        """
        start = time.monotonic()
        got = list(self.backlog)
        self.backlog = []
        deadline = start + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False, got, time.monotonic() - start
            try:
                pkt = self.recv(left)
            except ConnectionClosed:
                return True, got, time.monotonic() - start
            except ProtocolDecodeError:
                self.eof = True
                continue
            if pkt is not None:
                got.append(pkt)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def abort(self):
        """Close abruptly (RST where possible) without sending DISCONNECT."""
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.close()

    # -- MQTT operations -----------------------------------------------------------
    def connect(self, client_id="", clean=True, keepalive=60, username=None, password=None,
                will=None, props=None, timeout=None) -> Packet:
        self.send_raw(build_connect(self.version, client_id, clean, keepalive, username,
                                    password, will, props))
        return self.expect("CONNACK", timeout)

    def publish(self, topic, payload=b"", qos=0, retain=False, dup=False, pid=None, props=None) -> int:
        if qos and pid is None:
            pid = self.next_pid()
        self.send_raw(build_publish(self.version, topic, payload, qos, retain, dup, pid, props))
        return pid

    def publish_acked(self, topic, payload=b"", qos=1, retain=False, props=None, timeout=None):
        """Publish with the complete QoS handshake; returns the PUBACK / PUBREC packet."""
        pid = self.publish(topic, payload, qos, retain, props=props)
        if qos == 1:
            return self.expect("PUBACK", timeout, pid)
        if qos == 2:
            rec = self.expect("PUBREC", timeout, pid)
            if rec.reason < 0x80:
                self.send_raw(build_ack(self.version, PUBREL, pid))
                self.expect("PUBCOMP", timeout, pid)
            return rec
        return None

    def ack(self, kind: str, pid: int, reason=None, props=None):
        self.send_raw(build_ack(self.version, _NAME_TO_TYPE[kind], pid, reason, props))

    def ack_publish(self, pkt: Packet):
        """Acknowledge an incoming PUBLISH completely (QoS 2: PUBREC, wait PUBREL, PUBCOMP)."""
        if pkt.qos == 1:
            self.ack("PUBACK", pkt.pid)
        elif pkt.qos == 2:
            self.ack("PUBREC", pkt.pid)
            rel = self.expect("PUBREL")
            self.ack("PUBCOMP", rel.pid)

    def subscribe(self, filters, props=None, timeout=None) -> Packet:
        """filters: list of (topic_filter, options_byte) or a single filter string (QoS 0)."""
        if isinstance(filters, str):
            filters = [(filters, 0)]
        pid = self.next_pid()
        body = struct.pack("!H", pid) + _props_bytes(props, self.version)
        for f, opts in filters:
            body += enc_str(f) + bytes([opts])
        self.send_raw(build_packet(SUBSCRIBE, 0x02, body))
        ack = self.expect("SUBACK", timeout)
        assert ack.pid == pid, f"SUBACK for wrong packet id: {ack!r}"
        return ack

    def unsubscribe(self, filters, props=None, timeout=None) -> Packet:
        if isinstance(filters, str):
            filters = [filters]
        pid = self.next_pid()
        body = struct.pack("!H", pid) + _props_bytes(props, self.version)
        for f in filters:
            body += enc_str(f)
        self.send_raw(build_packet(UNSUBSCRIBE, 0x02, body))
        ack = self.expect("UNSUBACK", timeout)
        assert ack.pid == pid
        return ack

    def ping(self, timeout=None) -> Packet:
        self.send_raw(build_packet(PINGREQ, 0, b""))
        return self.expect("PINGRESP", timeout)

    def disconnect(self, reason=None, props=None):
        body = b""
        if self.version == 5 and (reason not in (None, 0) or props):
            body = bytes([reason or 0]) + (Props(props).encode() if props else b"")
        try:
            self.send_raw(build_packet(DISCONNECT, 0, body))
        except ConnectionClosed:
            pass
        self.close()


# --------------------------------------------------------------------------------------
# paho-mqtt wrapper
# --------------------------------------------------------------------------------------

class Msg:
    """A message received through paho, with its MQTT 5.0 properties as a plain dict."""

    def __init__(self, m):
        self.topic = m.topic
        self.payload = bytes(m.payload)
        self.qos = m.qos
        self.retain = bool(m.retain)
        self.dup = bool(m.dup)
        self.mid = m.mid
        self.props = {}
        p = getattr(m, "properties", None)
        if p is not None:
            for name in p.names:
                attr = name.replace(" ", "")
                if hasattr(p, attr):
                    self.props[attr] = getattr(p, attr)
        self.received_at = time.monotonic()

    def __repr__(self):
        return f"<Msg {self.topic!r} q{self.qos} r{int(self.retain)} {self.payload[:40]!r} {self.props}>"


class ConnectResult:
    def __init__(self, reason_code, session_present, properties):
        self.reason_code = reason_code
        self.session_present = session_present
        self.properties = properties

    def prop(self, attr, default=None):
        if self.properties is None:
            return default
        return getattr(self.properties, attr, default)


def paho_props(packet_type, **values) -> Properties:
    """Build paho Properties, e.g. paho_props(PacketTypes.PUBLISH, UserProperty=[("a","b")])."""
    p = Properties(packet_type)
    for k, v in values.items():
        setattr(p, k, v)
    return p


class PahoClient:
    """paho-mqtt client driven synchronously (network loop in paho's own thread)."""

    def __init__(self, broker: BrokerConfig, version=5, client_id="", listener="plain",
                 clean_session=True, username=None, password=None, manual_ack=False,
                 with_client_cert=True):
        self.broker = broker
        self.version = version
        self.listener = listener
        self.client_id = client_id
        proto = paho.MQTTv5 if version == 5 else paho.MQTTv311
        kwargs = {}
        if version != 5:
            kwargs["clean_session"] = clean_session
        self.c = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=proto,
                             reconnect_on_failure=False, manual_ack=manual_ack, **kwargs)
        if username is not None:
            self.c.username_pw_set(username, password)
        broker.port_for(listener)  # fails clearly if the listener is not configured
        if listener == "tls":
            self.c.tls_set_context(broker.ssl_context(with_client_cert))
            self.c.tls_insecure_set(True)  # chain is still verified; see BrokerConfig.ssl_context
        self.messages = queue.Queue()
        self._lock = threading.Condition()
        self._connack = None
        self._disconnected = None
        self._acks = {}
        self.c.on_connect = self._on_connect
        self.c.on_disconnect = self._on_disconnect
        self.c.on_message = self._on_message
        self.c.on_subscribe = self._on_subscribe
        self.c.on_unsubscribe = self._on_unsubscribe
        self.c.on_publish = self._on_publish
        self._loop_started = False

    # callbacks ----------------------------------------------------------------------
    def _on_connect(self, client, userdata, flags, reason_code, properties):
        with self._lock:
            self._connack = ConnectResult(reason_code.value, bool(flags.session_present), properties)
            self._lock.notify_all()

    def _on_disconnect(self, client, userdata, flags, reason_code, properties):
        with self._lock:
            self._disconnected = (reason_code.value if reason_code is not None else None, properties)
            self._lock.notify_all()

    def _on_message(self, client, userdata, message):
        self.messages.put(Msg(message))

    def _on_subscribe(self, client, userdata, mid, reason_code_list, properties):
        with self._lock:
            self._acks[("sub", mid)] = [rc.value for rc in reason_code_list]
            self._lock.notify_all()

    def _on_unsubscribe(self, client, userdata, mid, reason_code_list, properties):
        with self._lock:
            self._acks[("unsub", mid)] = [rc.value for rc in reason_code_list]
            self._lock.notify_all()

    def _on_publish(self, client, userdata, mid, reason_code, properties):
        with self._lock:
            self._acks[("pub", mid)] = reason_code.value
            self._lock.notify_all()

    def _wait(self, pred, timeout, what):
        with self._lock:
            ok = self._lock.wait_for(pred, timeout)
        if not ok:
            raise AssertionError(f"paho client {self.client_id!r}: timed out waiting for {what}")

    # operations ---------------------------------------------------------------------
    def connect(self, clean_start=True, keepalive=30, properties=None, will=None, timeout=5.0,
                expect_success=True) -> ConnectResult:
        if will is not None:
            self.c.will_set(will["topic"], will.get("payload", b""), will.get("qos", 0),
                            will.get("retain", False), will.get("properties"))
        kwargs = {}
        if self.version == 5:
            kwargs["clean_start"] = clean_start
            if properties is not None:
                kwargs["properties"] = properties
        self.c.connect(self.broker.host, self.broker.port_for(self.listener), keepalive, **kwargs)
        self.c.loop_start()
        self._loop_started = True
        self._wait(lambda: self._connack is not None or self._disconnected is not None, timeout, "CONNACK")
        if self._connack is None:
            raise AssertionError(f"connection closed before CONNACK: {self._disconnected}")
        if expect_success:
            assert self._connack.reason_code == 0, f"CONNACK refused: {self._connack.reason_code:#x}"
        return self._connack

    def subscribe(self, topic, qos=0, options=None, properties=None, timeout=5.0):
        """Subscribe one filter or a list of (filter, qos|SubscribeOptions); returns reason codes."""
        if options is not None:
            rc, mid = self.c.subscribe(topic, options=options, properties=properties)
        elif isinstance(topic, list):
            rc, mid = self.c.subscribe(topic, properties=properties)
        else:
            rc, mid = self.c.subscribe(topic, qos, properties=properties)
        assert rc == paho.MQTT_ERR_SUCCESS, f"subscribe failed locally: {rc}"
        self._wait(lambda: ("sub", mid) in self._acks, timeout, "SUBACK")
        return self._acks[("sub", mid)]

    def unsubscribe(self, topic, timeout=5.0):
        rc, mid = self.c.unsubscribe(topic)
        assert rc == paho.MQTT_ERR_SUCCESS
        self._wait(lambda: ("unsub", mid) in self._acks, timeout, "UNSUBACK")
        return self._acks[("unsub", mid)]

    def publish(self, topic, payload=b"", qos=0, retain=False, properties=None, wait=True, timeout=5.0):
        """Publish; for QoS>0 (and wait=True) returns the PUBACK/PUBREC reason code."""
        info = self.c.publish(topic, payload, qos, retain, properties)
        assert info.rc == paho.MQTT_ERR_SUCCESS, f"publish failed locally: {info.rc}"
        if not wait:
            return info
        if qos == 0:
            info.wait_for_publish(timeout)
            return 0
        self._wait(lambda: ("pub", info.mid) in self._acks, timeout, f"PUBACK/PUBCOMP for {topic}")
        return self._acks[("pub", info.mid)]

    def get(self, timeout=3.0) -> Msg:
        try:
            return self.messages.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"paho client {self.client_id!r}: no message within {timeout}s") from None

    def collect(self, count=None, timeout=3.0, quiet=None):
        """Collect messages until ``count`` arrived or ``timeout``; ``quiet``: stop after this long without traffic."""
        out = []
        deadline = time.monotonic() + timeout
        while count is None or len(out) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            if quiet is not None:
                left = min(left, quiet)
            try:
                out.append(self.messages.get(timeout=left))
            except queue.Empty:
                if quiet is not None:
                    break
        return out

    def collect_n(self, count, timeout=3.0, settle=None):
        """Wait until ``count`` messages arrived (or ``timeout``), then ``settle`` seconds for extras."""
        out = self.collect(count, timeout=timeout) if count else []
        out += self.collect(timeout=SETTLE if settle is None else settle)
        return out

    def expect_nothing(self, duration=None):
        duration = SETTLE if duration is None else duration
        got = self.collect(timeout=duration)
        assert not got, f"expected no message, got {got!r}"

    def disconnect(self, reasoncode=None, properties=None, timeout=3.0):
        if reasoncode is not None and self.version == 5:
            rc = ReasonCode(PacketTypes.DISCONNECT, identifier=reasoncode)
            self.c.disconnect(rc, properties)
        else:
            self.c.disconnect()
        try:
            self._wait(lambda: self._disconnected is not None, timeout, "disconnect")
        finally:
            self.stop()

    def stop(self):
        if self._loop_started:
            self._loop_started = False
            self.c.loop_stop()


# --------------------------------------------------------------------------------------
# Background probes: slow, passive measurements (timeouts of several seconds) that run
# concurrently with the rest of the suite.  A test marked @pytest.mark.probe("name")
# only checks the recorded result, so the suite does not sit idle for those seconds.
# --------------------------------------------------------------------------------------

def _probe_no_connect(broker):
    """Two TCP connections that never complete CONNECT: one silent, one with half a CONNECT."""
    limit = CONNECT_TIMEOUT + 2
    silent = RawClient(broker.host, broker.port, 4)
    partial = RawClient(broker.host, broker.port, 4)
    partial.send_raw(b"\x10\x0e\x00\x04MQ")
    start = time.monotonic()
    out = {}
    for name, c in (("silent", silent), ("partial", partial)):
        closed, packets, _ = c.wait_closed(max(0.1, limit - (time.monotonic() - start)))
        out[name] = {"closed": closed, "elapsed": time.monotonic() - start,
                     "packets": [p.kind for p in packets]}
        c.close()
    out["limit"] = limit
    return out


def _probe_keepalive(broker):
    """A client with keep alive 2 s and a will that goes silent after CONNACK."""
    will_topic = f"it/probe/{uuid.uuid4().hex}/will"
    watcher = RawClient(broker.host, broker.port, 4)
    assert watcher.connect("kaw" + uuid.uuid4().hex[:16], keepalive=60).reason == 0
    assert watcher.subscribe([(will_topic, 1)]).reasons == [1]
    c = RawClient(broker.host, broker.port, 4)
    ack = c.connect("kap" + uuid.uuid4().hex[:16], keepalive=2,
                    will={"topic": will_topic, "payload": b"timed-out", "qos": 1})
    assert ack.reason == 0
    closed, _, elapsed = c.wait_closed(12)
    c.close()
    will = None
    try:
        p = watcher.expect("PUBLISH", 3)
        will = p.payload
        watcher.ack_publish(p)
    except (AssertionError, ConnectionClosed):
        pass
    watcher.disconnect()
    return {"closed": closed, "elapsed": elapsed, "will": will}


def _probe_pinging(broker):
    """A client with keep alive 2 s that sends PINGREQ every second for 4 s."""
    c = RawClient(broker.host, broker.port, 4)
    assert c.connect("kpp" + uuid.uuid4().hex[:16], keepalive=2).reason == 0
    responses = 0
    try:
        for _ in range(4):
            time.sleep(1.0)
            if c.ping(3).kind == "PINGRESP":
                responses += 1
    except (ConnectionClosed, AssertionError):
        pass
    c.disconnect()
    return {"responses": responses}


PROBES = {"no_connect": _probe_no_connect, "keepalive": _probe_keepalive, "pinging": _probe_pinging}


class Probe(threading.Thread):
    def __init__(self, name, broker):
        super().__init__(name=f"probe-{name}", daemon=True)
        self.fn = PROBES[name]
        self.broker = broker
        self.result = None
        self.error = None

    def run(self):
        try:
            self.result = self.fn(self.broker)
        except BaseException as e:  # reported by the test that reads the result
            self.error = e

    def get(self, timeout=30):
        self.join(timeout)
        if self.is_alive():
            raise AssertionError(f"{self.name} did not finish within {timeout}s")
        if self.error is not None:
            raise self.error
        return self.result


def _probes(config):
    if not hasattr(config, "_mqtt_probes"):
        config._mqtt_probes = {}
    return config._mqtt_probes


def _start_probe(config, name):
    probes = _probes(config)
    if name not in probes:
        probes[name] = Probe(name, BrokerConfig(config))
        probes[name].start()
    return probes[name]


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session):
    # Start the probes the selected tests need before the first test runs.
    if session.config.option.collectonly:
        return None
    for item in session.items:
        m = item.get_closest_marker("probe")
        if m is not None:
            _start_probe(session.config, m.args[0])
    return None


@pytest.fixture
def probe(request):
    """Result of the background probe named by the test's @pytest.mark.probe marker."""
    m = request.node.get_closest_marker("probe")
    assert m is not None, "test using the probe fixture needs @pytest.mark.probe(name)"
    return _start_probe(request.config, m.args[0]).get()


# --------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------

class Interop:
    """Per-test factory: creates uniquely named clients/topics and cleans them up."""

    PacketTypes = PacketTypes
    SubscribeOptions = SubscribeOptions
    Props = Props
    ConnectionClosed = ConnectionClosed
    MAX_PACKET_SIZE = MAX_PACKET_SIZE
    SERVER_RECEIVE_MAXIMUM = SERVER_RECEIVE_MAXIMUM
    TOPIC_ALIAS_MAXIMUM = TOPIC_ALIAS_MAXIMUM
    MAX_KEEPALIVE = MAX_KEEPALIVE
    MAX_OFFLINE_QUEUE = MAX_OFFLINE_QUEUE
    CONNECT_TIMEOUT = CONNECT_TIMEOUT
    AUTH_USERS = AUTH_USERS
    SETTLE = SETTLE

    def __init__(self, broker: BrokerConfig, request):
        self.broker = broker
        self.run = uuid.uuid4().hex[:10]
        name = request.node.name
        self.label = "".join(ch for ch in name.replace("test_", "", 1) if ch.isalnum())[:8] or "t"
        self._clients = []
        self._retained = []

    # names ---------------------------------------------------------------------------
    def cid(self, tag="") -> str:
        """A unique client id (alphanumeric, <= 23 characters as MQTT 3.1.1 servers must accept)."""
        return (self.label[:4] + tag[:3] + uuid.uuid4().hex)[:23]

    def topic(self, *parts) -> str:
        return "/".join(("it", self.run) + tuple(str(p) for p in parts))

    def props(self, packet: str, **values) -> Properties:
        """paho Properties for a packet type, e.g. mq.props("PUBLISH", UserProperty=[("a", "b")])."""
        return paho_props(getattr(PacketTypes, packet), **values)

    # clients -------------------------------------------------------------------------
    def raw(self, version=5, listener="plain", timeout=5.0, with_client_cert=True) -> RawClient:
        port = self.broker.port_for(listener)  # fails clearly if the listener is not configured
        ctx = self.broker.ssl_context(with_client_cert) if listener == "tls" else None
        c = RawClient(self.broker.host, port, version, ctx, timeout)
        self._clients.append(c)
        return c

    def raw_connected(self, version=5, client_id=None, listener="plain", **kw) -> RawClient:
        c = self.raw(version, listener)
        ack = c.connect(self.cid() if client_id is None else client_id, **kw)
        assert ack.reason == 0, f"CONNACK refused: {ack!r}"
        c.connack = ack
        return c

    def paho(self, version=5, client_id=None, listener="plain", **kw) -> PahoClient:
        c = PahoClient(self.broker, version, self.cid() if client_id is None else client_id, listener, **kw)
        self._clients.append(c)
        return c

    def paho_connected(self, version=5, client_id=None, listener="plain", clean_start=True,
                       keepalive=30, properties=None, will=None, **kw) -> PahoClient:
        c = self.paho(version, client_id, listener, **kw)
        c.connack = c.connect(clean_start=clean_start, keepalive=keepalive, properties=properties, will=will)
        return c

    def subscriber(self, topic, qos=1, version=5, **kw) -> PahoClient:
        c = self.paho_connected(version, **kw)
        rcs = c.subscribe(topic, qos)
        assert all(rc < 0x80 for rc in rcs), f"subscription refused: {rcs}"
        return c

    def remember_retained(self, topic, listener="plain"):
        self._retained.append((topic, listener))

    def cleanup(self):
        for c in reversed(self._clients):
            try:
                if isinstance(c, PahoClient):
                    if c._loop_started:
                        try:
                            c.c.disconnect()
                        except Exception:
                            pass
                        c.stop()
                else:
                    c.close()
            except Exception:
                pass
        if self._retained:
            # Clear retained messages left behind so later tests see a clean broker.
            by_listener = {}
            for topic, listener in self._retained:
                by_listener.setdefault(listener, []).append(topic)
            for listener, topics in by_listener.items():
                try:
                    kw = {}
                    if listener == "auth":
                        kw = {"username": "admin", "password": AUTH_USERS["admin"]}
                    c = RawClient(self.broker.host, self.broker.port_for(listener), 4)
                    c.connect(self.cid("cl"), **kw)
                    for t in topics:
                        c.publish(t, b"", qos=1, retain=True)
                        c.expect("PUBACK", 2)
                    c.disconnect()
                except Exception:
                    pass


@pytest.fixture(scope="session")
def broker(pytestconfig) -> BrokerConfig:
    return BrokerConfig(pytestconfig)


@pytest.fixture
def mq(broker, request):
    env = Interop(broker, request)
    yield env
    env.cleanup()
