"""A real FTPS server for the upload tests, in a process of its own.

Run by the `ftps_server` fixture: `python ftps_server.py ROOT CERTFILE LOG`. It prints its
port, then serves user `library` (password `s3cret`) over explicit TLS, TLS required on the
control and the data channel, and writes a line to LOG for each file it receives (before
the client hears the transfer is complete). A process of its own keeps it on the real
clock: the tests freeze theirs, and a refused login is answered after a delay.
"""

from __future__ import annotations

from pathlib import Path
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import TLS_FTPHandler
from pyftpdlib.servers import FTPServer


def main(root: str, certfile: str, log: str) -> None:
    """Serve until killed."""
    authorizer = DummyAuthorizer()
    authorizer.add_user("library", "s3cret", root, perm="elradfmw")

    class Handler(TLS_FTPHandler):
        tls_control_required = True
        tls_data_required = True
        auth_failed_timeout = 0.1

        def on_file_received(self, file: str) -> None:
            with Path(log).open("a", encoding="utf-8") as stored:
                name = Path(file).resolve().relative_to(Path(root).resolve())
                stored.write(f"{name}\n")

    Handler.certfile = certfile
    Handler.authorizer = authorizer
    server = FTPServer(("127.0.0.1", 0), Handler)
    print(server.socket.getsockname()[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
