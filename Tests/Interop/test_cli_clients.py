"""Interoperability with the Mosquitto command line clients (Debian package mosquitto-clients).

Every test runs with ``-V mqttv311`` and ``-V mqttv5``.  mosquitto_sub runs in the
background with ``-d`` so the test can wait for its SUBACK before publishing, and
prints messages with ``-F 'MSG|...'`` so they can be told apart from debug lines.
"""

import shutil
import signal
import subprocess
import threading
import time

import pytest

VERSIONS = ["mqttv311", "mqttv5"]
FIELDS = "MSG|%t|%q|%r|%p"
TIMEOUT = 10
STDBUF = ["stdbuf", "-oL"] if shutil.which("stdbuf") else []


def paho_version(v):
    return 5 if v == "mqttv5" else 4


@pytest.fixture(scope="module", autouse=True)
def _clients_installed():
    missing = [t for t in ("mosquitto_pub", "mosquitto_sub") if shutil.which(t) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not found: apt-get install -y mosquitto-clients", pytrace=False)


def conn_args(broker, listener="plain"):
    if listener == "plain":
        return ["-h", broker.host, "-p", str(broker.port)]
    if listener == "auth":
        return ["-h", broker.host, "-p", str(broker.auth_port)]
    # --insecure only skips the host name check; the chain is still verified against --cafile.
    return ["-h", broker.host, "-p", str(broker.tls_port), "--cafile", broker.cafile,
            "--cert", broker.client_cert, "--key", broker.client_key, "--insecure"]


class CliSub:
    """mosquitto_sub running in the background."""

    def __init__(self, broker, version, topics, *extra, count=1, wait=TIMEOUT, listener="plain",
                 fmt=FIELDS):
        # stdbuf: make mosquitto_sub line-buffer its stdout so SUBACK is seen immediately
        cmd = STDBUF + ["mosquitto_sub", *conn_args(broker, listener), "-V", version, "-d", "-C", str(count),
               "-W", str(wait), "-F", fmt + r"\n"]
        for t in topics:
            cmd += ["-t", t]
        cmd += list(extra)
        self.cmd = cmd
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, encoding="utf-8", errors="replace")
        self.lines = []
        self.subscribed = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            line = line.rstrip("\n")
            self.lines.append(line)
            if line.startswith("Subscribed (mid"):
                self.subscribed.set()

    def wait_subscribed(self, timeout=5):
        assert self.subscribed.wait(timeout), f"mosquitto_sub did not subscribe: {self.lines}"
        time.sleep(0.05)

    def finish(self, timeout=TIMEOUT + 2):
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(2)
        return self.proc.returncode

    def messages(self):
        return [line.split("|")[1:] for line in self.lines if line.startswith("MSG|")]

    def kill(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()


def cli_pub(broker, version, topic, message, *extra, listener="plain", check=True):
    cmd = ["mosquitto_pub", *conn_args(broker, listener), "-V", version, "-t", topic]
    cmd += ["-n"] if message is None else ["-m", message]
    cmd += list(extra)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
    if check:
        assert r.returncode == 0, f"{cmd} failed ({r.returncode}): {r.stdout}{r.stderr}"
    return r


@pytest.fixture
def subs():
    started = []
    yield started
    for s in started:
        s.kill()


@pytest.mark.parametrize("qos", [0, 1, 2])
@pytest.mark.parametrize("version", VERSIONS)
def test_cli_publish_subscribe(broker, mq, subs, version, qos):
    t = mq.topic("cli", qos)
    s = CliSub(broker, version, [t], "-q", str(qos))
    subs.append(s)
    s.wait_subscribed()
    cli_pub(broker, version, t, f"hello-{qos}", "-q", str(qos))
    assert s.finish() == 0
    assert s.messages() == [[t, str(qos), "0", f"hello-{qos}"]]


@pytest.mark.parametrize("version", VERSIONS)
def test_cli_publish_to_paho(broker, mq, version):
    t = mq.topic("cli2paho")
    sub = mq.subscriber(t, 1, version=paho_version(version))
    cli_pub(broker, version, t, "from-cli", "-q", "1")
    msg = sub.get()
    assert (msg.topic, msg.payload, msg.qos) == (t, b"from-cli", 1)


@pytest.mark.parametrize("version", VERSIONS)
def test_paho_publish_to_cli(broker, mq, subs, version):
    t = mq.topic("paho2cli")
    s = CliSub(broker, version, [t], "-q", "2")
    subs.append(s)
    s.wait_subscribed()
    mq.paho_connected(paho_version(version)).publish(t, b"from-paho", 2)
    assert s.finish() == 0
    assert s.messages() == [[t, "2", "0", "from-paho"]]


@pytest.mark.parametrize("version", VERSIONS)
def test_cli_wildcards(broker, mq, subs, version):
    base = mq.topic("cliwild")
    s = CliSub(broker, version, [f"{base}/sport/#", f"{base}/+/score"], count=3)
    subs.append(s)
    s.wait_subscribed()
    for t in (f"{base}/sport", f"{base}/sport/tennis", f"{base}/sports", f"{base}/golf/score"):
        cli_pub(broker, version, t, t.rsplit("/", 1)[-1], "-q", "1")
    assert s.finish() == 0
    assert sorted(m[0] for m in s.messages()) == sorted(
        [f"{base}/sport", f"{base}/sport/tennis", f"{base}/golf/score"])


@pytest.mark.parametrize("version", VERSIONS)
def test_cli_retained(broker, mq, version):
    t = mq.topic("cliret")
    mq.remember_retained(t)
    cli_pub(broker, version, t, "sticky", "-r", "-q", "1")
    s = CliSub(broker, version, [t], "-q", "1")
    assert s.finish() == 0
    assert s.messages() == [[t, "1", "1", "sticky"]]
    cli_pub(broker, version, t, None, "-r", "-q", "1")  # -n: empty retained => clear
    late = mq.paho_connected(paho_version(version))
    late.subscribe(t, 1)
    late.expect_nothing(0.8)


@pytest.mark.parametrize("version", VERSIONS)
def test_cli_persistent_session(broker, mq, version):
    cid = mq.cid()
    t = mq.topic("clisess")
    session = ["-c", "-i", cid, "-q", "1"] + (["-x", "60"] if version == "mqttv5" else [])
    first = CliSub(broker, version, [t], *session, "-E")  # -E: exit once subscribed
    assert first.finish() == 0
    cli_pub(broker, version, t, "while-away", "-q", "1")
    again = CliSub(broker, version, [t], *session)
    assert again.finish() == 0
    assert again.messages() == [[t, "1", "0", "while-away"]]
    mq.raw(paho_version(version)).connect(cid, clean=True)  # drop the session


@pytest.mark.parametrize("version", VERSIONS)
def test_cli_will_on_kill(broker, mq, subs, version):
    wt = mq.topic("cliwill")
    watcher = mq.subscriber(wt, 1, version=paho_version(version))
    s = CliSub(broker, version, [mq.topic("idle")], "--will-topic", wt, "--will-payload", "cli-died",
               "--will-qos", "1", wait=30)
    subs.append(s)
    s.wait_subscribed()
    s.kill()
    assert watcher.get(3).payload == b"cli-died"


@pytest.mark.parametrize("version", VERSIONS)
def test_cli_auth_listener(broker, mq, version):
    admin = mq.paho_connected(paho_version(version), listener="auth", username="admin", password="adminpw")
    admin.subscribe("devices/device1/telemetry", 1)
    marker = f"cli-{version}-{mq.run}"
    cli_pub(broker, version, "devices/device1/telemetry", marker, "-q", "1",
            "-i", "device1", "-u", "device1", "-P", "secret1", listener="auth")
    got = [m for m in admin.collect(timeout=2, quiet=1.0) if m.payload == marker.encode()]
    assert len(got) == 1
    anon = cli_pub(broker, version, "devices/device1/telemetry", "anon", listener="auth", check=False)
    assert anon.returncode != 0, "anonymous mosquitto_pub was accepted on the auth listener"
    bad = cli_pub(broker, version, "devices/device1/telemetry", "bad", "-u", "device1", "-P", "wrong",
                  listener="auth", check=False)
    assert bad.returncode != 0, "wrong password accepted"


@pytest.mark.parametrize("version", VERSIONS)
def test_cli_tls_client_certificate(broker, mq, subs, version):
    t = f"users/device1/{mq.run}/{version}"
    s = CliSub(broker, version, [t], "-q", "1", listener="tls")
    subs.append(s)
    s.wait_subscribed()
    cli_pub(broker, version, t, "tls-ok", "-q", "1", listener="tls")
    assert s.finish() == 0
    assert s.messages() == [[t, "1", "0", "tls-ok"]]


def test_cli_v5_properties_to_cli_and_paho(broker, mq, subs):
    t = mq.topic("cliprops")
    paho_sub = mq.subscriber(t, 1)
    s = CliSub(broker, "mqttv5", [t], "-q", "1", fmt="MSG|%t|%P|%C|%R|%D|%F|%p")
    subs.append(s)
    s.wait_subscribed()
    cli_pub(broker, "mqttv5", t, '{"v":1}', "-q", "1",
            "-D", "publish", "user-property", "k", "v1",
            "-D", "publish", "user-property", "k", "v2",
            "-D", "publish", "user-property", "a", "z",
            "-D", "publish", "content-type", "application/json",
            "-D", "publish", "response-topic", t + "/reply",
            "-D", "publish", "correlation-data", "corr-7",
            "-D", "publish", "payload-format-indicator", "1",
            "-D", "publish", "message-expiry-interval", "60")
    assert s.finish() == 0
    assert s.messages() == [[t, "k:v1 k:v2 a:z", "application/json", t + "/reply", "corr-7", "1", '{"v":1}']]
    m = paho_sub.get()
    assert m.props["UserProperty"] == [("k", "v1"), ("k", "v2"), ("a", "z")]
    assert m.props["ContentType"] == "application/json"
    assert m.props["ResponseTopic"] == t + "/reply"
    assert m.props["CorrelationData"] == b"corr-7"
    assert m.props["PayloadFormatIndicator"] == 1
    assert 0 < m.props["MessageExpiryInterval"] <= 60


def test_cli_v5_publish_denied_reported(broker, mq):
    r = cli_pub(broker, "mqttv5", "test/nopublish", "x", "-q", "1", check=False)
    out = (r.stdout + r.stderr).lower()
    assert "not authorized" in out, f"mosquitto_pub did not report PUBACK 0x87: {out!r}"


@pytest.mark.parametrize("version", VERSIONS)
def test_cli_oversize_publish_rejected(broker, mq, version, tmp_path):
    """A 70000-byte payload exceeds the 65536-byte maximum packet size."""
    t = mq.topic("clibig")
    sub = mq.subscriber(t, 0, version=paho_version(version))
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * 70000)
    cmd = ["mosquitto_pub", *conn_args(broker), "-V", version, "-t", t, "-f", str(big), "-q", "1"]
    subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
    # (mosquitto_pub may refuse locally or be disconnected; either way nothing is delivered)
    cli_pub(broker, version, t, "small", "-q", "1")
    got = sub.collect(timeout=1.5, quiet=0.7)
    assert [m.payload for m in got] == [b"small"]
