#!/usr/bin/env python3
"""Python's standard SMTP client (smtplib) against a server on 127.0.0.1:PORT, for the SMTPSink tests.

Sends one UTF-8 message (with lines that need dot-stuffing) to two good recipients and one the sink
refuses, tries VRFY, NOOP, RSET, HELP and an unknown command, and prints the reply codes as JSON.
"""

import json
import smtplib
import sys
from email.message import EmailMessage


def main():
    port = int(sys.argv[1])
    message = EmailMessage()
    message["From"] = "Python Client <py@example.com>"
    message["To"] = "ops@example.com, Ölfeld Team <oil@example.com>"
    message["Subject"] = "Grüße aus smtplib"
    message.set_content("Erste Zeile\n.\n..zwei Punkte\nEnde\n", cte="8bit")
    result = {}
    with smtplib.SMTP("127.0.0.1", port, local_hostname="python.client.test", timeout=10) as client:
        result["ehlo"] = client.ehlo()[0]
        result["features"] = sorted(client.esmtp_features)
        result["vrfy"] = client.verify("ops@example.com")[0]
        result["noop"] = client.noop()[0]
        refused = client.send_message(
            message, to_addrs=["ops@example.com", "oil@example.com", "refused@example.com"])
        result["refused"] = {address: reply[0] for address, reply in refused.items()}
        result["rset"] = client.rset()[0]
        result["help"] = client.docmd("HELP")[0]
        result["unknown"] = client.docmd("FROB")[0]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
