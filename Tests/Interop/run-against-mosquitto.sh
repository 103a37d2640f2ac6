#!/usr/bin/env bash
# Run the MQTT interoperability suite against a throwaway Mosquitto broker.
#
#   Tests/Interop/run-against-mosquitto.sh [pytest args...]
#   Tests/Interop/run-against-mosquitto.sh --serve   # start broker, print options, wait for Ctrl-C
#
# Needs: mosquitto, mosquitto-clients, openssl (Debian packages), python3 with
# pytest and paho-mqtt 2.x (pip).  Everything else (CA, certificates, password
# file, config) is generated into a temporary directory that is removed on exit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CONFDIR="$HERE/mosquitto"
PYTHON="${PYTHON:-python3}"

for tool in mosquitto mosquitto_passwd mosquitto_pub mosquitto_sub openssl "$PYTHON"; do
    if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
        echo "missing $tool: apt-get install -y mosquitto mosquitto-clients openssl python3" >&2
        exit 2
    fi
done
MOSQUITTO="$(command -v mosquitto || echo /usr/sbin/mosquitto)"
"$PYTHON" -c 'import paho.mqtt, pytest; assert paho.mqtt.__version__.startswith("2")' 2>/dev/null || {
    echo "need pytest and paho-mqtt 2.x: $PYTHON -m pip install 'paho-mqtt>=2,<3' pytest" >&2
    exit 2
}

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mqtt-interop.XXXXXX")"
MOSQ_PID=""
cleanup() {
    if [ -n "$MOSQ_PID" ] && kill -0 "$MOSQ_PID" 2>/dev/null; then
        kill "$MOSQ_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$MOSQ_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$MOSQ_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- certificates
# Throwaway CA, server certificate (localhost / 127.0.0.1) and client certificate CN=device1.
(
    cd "$WORK"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=OneCall Interop Test CA" \
        -keyout ca.key -out ca.crt \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > server.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
        -extfile server.ext -out server.crt
    openssl req -newkey rsa:2048 -nodes -subj "/CN=device1" -keyout client.key -out client.csr
    printf 'extendedKeyUsage=clientAuth\n' > client.ext
    openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
        -extfile client.ext -out client.crt
) >"$WORK/openssl.log" 2>&1 || { cat "$WORK/openssl.log" >&2; exit 1; }

# ---------------------------------------------------------------- password file
touch "$WORK/passwd"
mosquitto_passwd -b "$WORK/passwd" device1 secret1
mosquitto_passwd -b "$WORK/passwd" admin adminpw

chmod 700 "$WORK"

# ---------------------------------------------------------------- ports and config
read -r PLAIN_PORT AUTH_PORT TLS_PORT < <("$PYTHON" - <<'EOF'
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
EOF
)

sed -e "s#@WORKDIR@#$WORK#g" -e "s#@CONFDIR@#$CONFDIR#g" -e "s#@USER@#$(id -un)#g" \
    -e "s#@PLAIN_PORT@#$PLAIN_PORT#g" -e "s#@AUTH_PORT@#$AUTH_PORT#g" -e "s#@TLS_PORT@#$TLS_PORT#g" \
    "$CONFDIR/mosquitto.conf" > "$WORK/mosquitto.conf"

"$MOSQUITTO" -c "$WORK/mosquitto.conf" >"$WORK/mosquitto.stdout" 2>&1 &
MOSQ_PID=$!

wait_port() {
    "$PYTHON" - "$1" <<'EOF'
import socket, sys, time
port = int(sys.argv[1])
deadline = time.time() + 10
while time.time() < deadline:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
EOF
}
for p in "$PLAIN_PORT" "$AUTH_PORT" "$TLS_PORT"; do
    if ! wait_port "$p"; then
        echo "mosquitto did not open port $p" >&2
        cat "$WORK/mosquitto.stdout" "$WORK/mosquitto.log" 2>/dev/null >&2 || true
        exit 1
    fi
done

ARGS=(--host 127.0.0.1 --port "$PLAIN_PORT" --auth-port "$AUTH_PORT" --tls-port "$TLS_PORT"
      --cafile "$WORK/ca.crt" --client-cert "$WORK/client.crt" --client-key "$WORK/client.key"
      --broker mosquitto)

if [ "${1:-}" = "--serve" ]; then
    echo "mosquitto $("$MOSQUITTO" -h 2>/dev/null | head -1 | awk '{print $3}') running (pid $MOSQ_PID), log: $WORK/mosquitto.log"
    echo "pytest options: ${ARGS[*]}"
    echo "Ctrl-C to stop"
    wait "$MOSQ_PID"
    exit 0
fi

set +e
"$PYTHON" -m pytest -p no:cacheprovider "$HERE" "${ARGS[@]}" "$@"
RC=$?
set -e
if ! kill -0 "$MOSQ_PID" 2>/dev/null; then
    echo "mosquitto is no longer running (crashed?); last log lines:" >&2
    tail -n 50 "$WORK/mosquitto.log" >&2 || true
    [ "$RC" -eq 0 ] && RC=1
fi
exit "$RC"
