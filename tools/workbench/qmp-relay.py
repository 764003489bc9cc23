#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Relay a guest's QMP requests to its QEMU: hot-plug driven from inside.

    qmp-relay.py SOCKET CONSOLE_LOG

A scenario asks for a QMP command by printing one line on the console,

    QMP-REQUEST {"execute": "device_del", "arguments": {"id": "nvme1"}}

and this relay, following the console log QEMU writes, sends the command
to QEMU's QMP socket.  The guest then watches its own sysfs for the result
(the relay cannot answer it).  Each request and QEMU's reply are printed
on standard output.  The relay ends when QEMU closes the socket.
"""

import json
import os
import socket
import sys
import time

MARK = "QMP-REQUEST "


def connect(path, tries=300):
    """The QMP socket, once QEMU has created it (up to 30 s)."""
    for _ in range(tries):
        try:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(path)
            return sock
        except OSError:
            sock.close()
            time.sleep(0.1)
    raise SystemExit(f"qmp-relay: no QMP socket at {path}")


class Qmp:
    """One QMP session: greeting read, capabilities negotiated."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.reply()
        self.command({"execute": "qmp_capabilities"})

    def reply(self):
        """The next message that is not an event (events are printed)."""
        while True:
            while b"\n" not in self.buf:
                data = self.sock.recv(65536)
                if not data:
                    raise EOFError
                self.buf += data
            line, self.buf = self.buf.split(b"\n", 1)
            msg = json.loads(line)
            if "event" in msg:
                print(f"qmp-relay: event {msg['event']} {msg.get('data', {})}", flush=True)
                continue
            return msg

    def command(self, cmd):
        self.sock.sendall(json.dumps(cmd).encode() + b"\n")
        return self.reply()


def requests(log, qemu_alive):
    """The QMP requests printed in the console log, as they come."""
    while not os.path.exists(log):
        time.sleep(0.1)
    with open(log, "rb") as f:
        partial = b""
        while True:
            chunk = f.readline()
            if not chunk:
                if not qemu_alive():
                    return
                time.sleep(0.1)
                continue
            partial += chunk
            if not partial.endswith(b"\n"):
                continue
            line = partial.decode(errors="replace")
            partial = b""
            at = line.find(MARK)
            if at >= 0:
                yield line[at + len(MARK):].strip()


def main():
    sock_path, log = sys.argv[1], sys.argv[2]
    qmp = Qmp(connect(sock_path))
    alive = [True]

    def qemu_alive():
        # A closed socket reads empty without blocking.
        qmp.sock.setblocking(False)
        try:
            data = qmp.sock.recv(65536)
            if data:
                qmp.buf += data
            else:
                alive[0] = False
        except BlockingIOError:
            pass
        except OSError:
            alive[0] = False
        finally:
            qmp.sock.setblocking(True)
        return alive[0]

    for req in requests(log, qemu_alive):
        try:
            cmd = json.loads(req)
        except json.JSONDecodeError as err:
            print(f"qmp-relay: bad request {req!r}: {err}", flush=True)
            continue
        try:
            print(f"qmp-relay: {req} -> {qmp.command(cmd)}", flush=True)
        except EOFError:
            break


if __name__ == "__main__":
    main()
