"""An SMTP server on 127.0.0.1 whose behaviour a test sets: it accepts mail, refuses it with a
temporary error, or accepts the connection and never answers (a hung server)."""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from enum import Enum


class Mode(Enum):
    ACCEPT = "accept"
    REFUSE = "refuse"  # 451 to MAIL FROM: a temporary failure, try again later
    HANG = "hang"  # the connection is accepted; no greeting ever comes


@dataclass
class SMTPServer:
    mode: Mode = Mode.ACCEPT
    received: list[Message] = field(default_factory=list)
    connections: int = 0
    port: int = 0

    def __post_init__(self) -> None:
        self._hung: list[socket.socket] = []
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                server.connections += 1
                if server.mode is Mode.HANG:
                    server._hung.append(self.connection)
                    with contextlib.suppress(OSError):
                        self.connection.recv(1)  # until the client gives up and closes
                    return
                self._say("220 test ESMTP")
                data: list[bytes] | None = None
                while line := self.rfile.readline():
                    if data is not None:
                        if line in (b".\r\n", b".\n"):
                            server.received.append(message_from_bytes(b"".join(data)))
                            data = None
                            self._say("250 queued")
                        else:
                            data.append(line[1:] if line.startswith(b"..") else line)
                        continue
                    verb = line[:4].upper()
                    if verb in (b"EHLO", b"HELO"):
                        self._say("250 test")
                    elif verb == b"MAIL":
                        if server.mode is Mode.REFUSE:
                            self._say("451 4.3.0 try again later")
                        else:
                            self._say("250 ok")
                    elif verb == b"RCPT":
                        self._say("250 ok")
                    elif verb == b"DATA":
                        data = []
                        self._say("354 go ahead")
                    elif verb == b"RSET" or verb == b"NOOP":
                        self._say("250 ok")
                    elif verb == b"QUIT":
                        self._say("221 bye")
                        return
                    else:
                        self._say("502 not implemented")

            def _say(self, text: str) -> None:
                self.wfile.write(text.encode() + b"\r\n")

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        for connection in self._hung:
            with contextlib.suppress(OSError):
                connection.close()
        self._server.shutdown()
        self._server.server_close()
