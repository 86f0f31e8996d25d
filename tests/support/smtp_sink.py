#!/usr/bin/python3
"""An SMTP server for tests and benchmarks (aiosmtpd), stricter and more observable than
`python3 -m aiosmtpd -c aiosmtpd.handlers.Mailbox`:

- every message accepted is written byte for byte to DIR/new/NNNNNNN.eml, with the envelope
  in X-Sink-MailFrom / X-Sink-RcptTo lines in front (--count-only: not written);
- DIR.log gets one line per recipient accepted: "<rcpt>\t<Message-ID>";
- DIR.sessions gets one line per EHLO/HELO (that is, per connection);
- recipients whose local part starts with "bounce" are refused for good (550 5.1.1);
  "later..." ones are refused for now (451 4.3.0) the first time each is tried;
- --delay-ms N waits that long before answering DATA (a slow server).

Usage: smtp_sink.py --port P --dir DIR [--delay-ms N] [--count-only]
"""

import argparse
import asyncio
import os
import re
import signal
import sys

from aiosmtpd.controller import Controller

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.MULTILINE | re.IGNORECASE)


class Sink:
    def __init__(self, directory, delay_s, keep):
        self.directory = directory
        self.delay_s = delay_s
        self.keep = keep
        self.count = 0
        self.deferred = set()
        os.makedirs(os.path.join(directory, "new"), exist_ok=True)
        os.makedirs(os.path.join(directory, "tmp"), exist_ok=True)
        base = directory.rstrip("/")
        self.log = open(base + ".log", "a", buffering=1)
        self.sessions = open(base + ".sessions", "a", buffering=1)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.sessions.write(f"{session.peer[1]}\n")
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        session.host_name = hostname
        self.sessions.write(f"{session.peer[1]}\n")
        return "250 {}".format(server.hostname)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0].lower()
        if local.startswith("bounce"):
            return "550 5.1.1 No such user here"
        if local.startswith("later") and address not in self.deferred:
            self.deferred.add(address)
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8")
        found = MESSAGE_ID.search(content)
        message_id = found.group(1).decode("ascii", "replace") if found else "-"
        self.count += 1
        if self.keep:
            head = "X-Sink-MailFrom: {}\r\nX-Sink-RcptTo: {}\r\n".format(
                envelope.mail_from, ", ".join(envelope.rcpt_tos)).encode("utf-8")
            name = "{:07d}.eml".format(self.count)
            tmp = os.path.join(self.directory, "tmp", name)
            with open(tmp, "wb") as f:
                f.write(head + content)
            os.rename(tmp, os.path.join(self.directory, "new", name))
        for rcpt in envelope.rcpt_tos:
            self.log.write(f"{rcpt}\t{message_id}\n")
        return "250 2.0.0 Message accepted for delivery"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--delay-ms", type=int, default=0)
    p.add_argument("--count-only", action="store_true")
    a = p.parse_args()
    handler = Sink(a.dir, a.delay_ms / 1000.0, not a.count_only)
    # decode_data=False keeps the bytes as sent (UTF-8 headers stay untouched).
    controller = Controller(handler, hostname="127.0.0.1", port=a.port,
                            server_kwargs={"decode_data": False})
    controller.start()
    print("listening on 127.0.0.1:{}".format(a.port), flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()
    return 0


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    sys.exit(main())
