#!/usr/bin/env python3
"""A real SMTP server (aiosmtpd) for the OneCallMail end-to-end tests.

Listens on 127.0.0.1 on a free port, prints that port as one line on stdout, then serves until
SIGTERM or --lifetime seconds. Each accepted message is saved in --out as <n>.eml (raw data) and
<n>.json (envelope, decoded headers and body, TLS and AUTH state), both written before the 250 reply.

Options: --tls starttls|implicit (a test CA and a server certificate for localhost/127.0.0.1 are
made with openssl in --tls-dir; the CA is ca.pem there), --require-starttls, --user/--password
(AUTH PLAIN and LOGIN, only over TLS), --refuse ADDRESS (RCPT TO answers 550), --refuse-temp ADDRESS
(RCPT TO answers 450).
"""

import argparse
import email
import email.policy
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading

try:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword
except ImportError:
    print("aiosmtpd is missing: pip install aiosmtpd", file=sys.stderr, flush=True)
    sys.exit(3)


def make_certificates(directory):
    """A test CA and a server certificate it signs, for localhost and 127.0.0.1 (EC P-256)."""
    os.makedirs(directory, exist_ok=True)
    ca_key, ca_pem = os.path.join(directory, "ca.key"), os.path.join(directory, "ca.pem")
    key, csr, pem = (os.path.join(directory, n) for n in ("server.key", "server.csr", "server.pem"))
    ext = os.path.join(directory, "server.ext")
    if os.path.exists(pem) and os.path.exists(ca_pem):
        return pem, key
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    run = lambda args: subprocess.run(["openssl"] + args, check=True, capture_output=True)
    run(["req", "-x509", *ec, "-keyout", ca_key, "-out", ca_pem, "-days", "2", "-subj", "/CN=OneCall Test CA"])
    run(["req", *ec, "-keyout", key, "-out", csr, "-subj", "/CN=localhost"])
    with open(ext, "w") as f:
        f.write("basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n")
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    run(["x509", "-req", "-in", csr, "-CA", ca_pem, "-CAkey", ca_key, "-CAcreateserial", "-out", pem,
         "-days", "2", "-extfile", ext])
    return pem, key


class Saver:
    def __init__(self, out, refused, refused_temp, implicit_tls):
        self.out = out
        self.refused = {a.lower() for a in refused}
        self.refused_temp = {a.lower() for a in refused_temp}
        self.implicit_tls = implicit_tls
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refused:
            return "550 5.1.1 No such user here"
        if address.lower() in self.refused_temp:
            return "450 4.2.1 Mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        message = email.message_from_bytes(data, policy=email.policy.default)
        body = message.get_content() if not message.is_multipart() else ""
        with self.lock:
            self.count += 1
            n = self.count
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "subject": str(message["subject"] or ""),
            "from": str(message["from"] or ""),
            "to": str(message["to"] or ""),
            "cc": str(message["cc"] or ""),
            "message_id": str(message["message-id"] or ""),
            "date": str(message["date"] or ""),
            "content_type": str(message["content-type"] or ""),
            "transfer_encoding": str(message["content-transfer-encoding"] or ""),
            "body": body,
            "tls": self.implicit_tls or session.ssl is not None,
            "authenticated": bool(session.authenticated),
            "login": (session.login_data or b"").decode("utf-8", "replace") if session.login_data else None,
            "client_name": session.host_name,
        }
        base = os.path.join(self.out, str(n))
        with open(base + ".eml.tmp", "wb") as f:
            f.write(data)
        os.replace(base + ".eml.tmp", base + ".eml")
        with open(base + ".json.tmp", "w") as f:
            json.dump(record, f)
        os.replace(base + ".json.tmp", base + ".json")
        return "250 OK queued as AIO%d" % n


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--tls", choices=["none", "starttls", "implicit"], default="none")
    parser.add_argument("--tls-dir")
    parser.add_argument("--require-starttls", action="store_true")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--refuse", action="append", default=[])
    parser.add_argument("--refuse-temp", action="append", default=[])
    parser.add_argument("--lifetime", type=float, default=180)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    kwargs = {"hostname": "127.0.0.1", "port": free_port(), "server_hostname": "aiosmtpd.test"}
    if args.tls != "none":
        pem, key = make_certificates(args.tls_dir or os.path.join(args.out, "tls"))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(pem, key)
        if args.tls == "starttls":
            kwargs["tls_context"] = context
            kwargs["require_starttls"] = args.require_starttls
        else:
            kwargs["ssl_context"] = context
    if args.user is not None:
        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword)
                  and auth_data.login == args.user.encode()
                  and auth_data.password == (args.password or "").encode())
            return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)
        kwargs["authenticator"] = authenticator
        kwargs["auth_require_tls"] = True

    controller = Controller(Saver(args.out, args.refuse, args.refuse_temp, args.tls == "implicit"), **kwargs)
    controller.start()
    print(controller.port, flush=True)

    stop = threading.Event()
    # A parent may start us with these signals blocked (the mask is inherited); take them back.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait(args.lifetime)
    controller.stop()


if __name__ == "__main__":
    main()
