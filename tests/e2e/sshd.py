"""sshd: a real OpenSSH server on loopback for the end-to-end tests.

Not a test itself (run.sh runs only test_*.py). Usage:

    from sshd import Sshd
    with Sshd() as s:
        s.ssh_program      # wrapper script: the client with the test's key,
                           # port and pinned host key; "$@" is passed on
        s.run("echo hi")   # CompletedProcess of one remote command

The server is /usr/sbin/sshd -D -f CONFIG with its own config, a fresh
Ed25519 host key, an authorized key made for the test, a free port on
127.0.0.1, StrictModes off (the keys sit in a temporary directory) and
logins only for the current user by public key. It is stopped when the
`with` block ends, on normal interpreter exit, and on SIGTERM/SIGINT.
"""

import atexit
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SSHD = os.environ.get("AVSLUT_SSHD", "/usr/sbin/sshd")
SSH = shutil.which("ssh") or "/usr/bin/ssh"
SSH_KEYGEN = shutil.which("ssh-keygen") or "/usr/bin/ssh-keygen"

_live = []


def _stop_all():
    for s in list(_live):
        s.stop()


def _on_signal(signum, frame):
    _stop_all()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


atexit.register(_stop_all)
for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    try:
        signal.signal(_sig, _on_signal)
    except (ValueError, OSError):
        pass


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as so:
        so.bind(("127.0.0.1", 0))
        return so.getsockname()[1]


def available():
    """(True, "") if a test sshd can run here, else (False, why)."""
    if not os.access(SSHD, os.X_OK):
        return False, SSHD + " not found (make deps installs openssh-server)"
    if not os.access(SSH, os.X_OK):
        return False, "ssh client not found"
    return True, ""


class Sshd:
    def __init__(self, tmpdir=None, wrapper_port=True):
        """wrapper_port: the wrapper passes -p PORT; without it the
        caller gives the port (ssh://host:PORT/...)."""
        self.wrapper_port = wrapper_port
        self.dir = tempfile.mkdtemp(prefix="avslut-sshd-", dir=tmpdir)
        os.chmod(self.dir, 0o700)
        self.user = pwd.getpwuid(os.getuid()).pw_name
        self.port = None
        self.proc = None
        self.host_key = os.path.join(self.dir, "host_ed25519")
        self.client_key = os.path.join(self.dir, "client_ed25519")
        self.authorized = os.path.join(self.dir, "authorized_keys")
        self.known_hosts = os.path.join(self.dir, "known_hosts")
        self.config = os.path.join(self.dir, "sshd_config")
        self.pidfile = os.path.join(self.dir, "sshd.pid")
        self.log = os.path.join(self.dir, "sshd.log")
        self.ssh_program = os.path.join(self.dir, "ssh")

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def _keygen(self, path, comment):
        subprocess.run([SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "",
                        "-C", comment, "-f", path], check=True,
                       stdin=subprocess.DEVNULL)

    def _write(self, path, text, mode=0o600):
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)

    def start(self):
        ok, why = available()
        if not ok:
            raise RuntimeError(why)
        # Privilege separation wants its empty directory.
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        self._keygen(self.host_key, "avslut-test-host")
        self._keygen(self.client_key, "avslut-test-client")
        shutil.copyfile(self.client_key + ".pub", self.authorized)
        os.chmod(self.authorized, 0o600)
        with open(self.host_key + ".pub") as f:
            host_pub = " ".join(f.read().split()[:2])
        for attempt in range(5):
            self.port = free_port()
            self._write(self.known_hosts,
                        "[127.0.0.1]:%d %s\n" % (self.port, host_pub))
            self._write(self.config, self._config_text())
            self._write(self.ssh_program, self._wrapper_text(), 0o700)
            if self._launch():
                _live.append(self)
                return
        raise RuntimeError("sshd did not start: " + self._log_tail())

    def _config_text(self):
        root = "prohibit-password" if os.getuid() == 0 else "no"
        return "\n".join([
            "Port %d" % self.port,
            "ListenAddress 127.0.0.1",
            "HostKey " + self.host_key,
            "PidFile " + self.pidfile,
            "AuthorizedKeysFile " + self.authorized,
            "StrictModes no",
            "PermitRootLogin " + root,
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "AllowUsers " + self.user,
            "AllowTcpForwarding no",
            "X11Forwarding no",
            "PermitTTY no",
            "PrintMotd no",
            "MaxStartups 50:30:100",
            "MaxSessions 50",
            "LogLevel VERBOSE",
            "",
        ])

    def _wrapper_text(self):
        # What a user's ~/.ssh/config would say, given explicitly so the
        # tests never read or touch the real one.
        port = "-p %d " % self.port if self.wrapper_port else ""
        return ("#!/bin/sh\n"
                "exec %s -F /dev/null -i %s %s"
                "-o IdentitiesOnly=yes -o IdentityAgent=none "
                "-o UserKnownHostsFile=%s -o GlobalKnownHostsFile=/dev/null "
                "-o StrictHostKeyChecking=yes -o LogLevel=ERROR "
                "\"$@\"\n" % (SSH, self.client_key, port,
                                self.known_hosts))

    def _launch(self):
        self.proc = subprocess.Popen(
            [SSHD, "-D", "-f", self.config, "-E", self.log],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.proc = None
                return False       # port taken meanwhile, or bad config
            try:
                with socket.create_connection(("127.0.0.1", self.port),
                                              timeout=0.5) as so:
                    so.settimeout(2)
                    if so.recv(4).startswith(b"SSH-"):
                        return True
            except OSError:
                pass
            time.sleep(0.05)
        self.stop()
        return False

    def _log_tail(self):
        try:
            with open(self.log) as f:
                return f.read()[-2000:]
        except OSError:
            return "(no log)"

    def run(self, command, input=None, timeout=30, extra=()):
        """Run one command on the server through the wrapper."""
        port = [] if self.wrapper_port else ["-p", str(self.port)]
        return subprocess.run([self.ssh_program, "-o", "BatchMode=yes"]
                              + port + list(extra) + ["127.0.0.1", command],
                              input=input, capture_output=True,
                              timeout=timeout)

    def stop(self):
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            self.proc = None
        if self in _live:
            _live.remove(self)
        if os.path.isdir(self.dir) and not os.environ.get("AVSLUT_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)


if __name__ == "__main__":
    # Manual use: start a server and print how to reach it.
    with Sshd() as s:
        print("sshd on 127.0.0.1:%d, client: %s 127.0.0.1 CMD"
              % (s.port, s.ssh_program))
        sys.stdout.flush()
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass
