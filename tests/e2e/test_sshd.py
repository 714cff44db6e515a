"""test_sshd: the sshd harness itself: a real OpenSSH server on loopback
that the sync tests rely on; a login, stdin/stdout through the pipe, the
exit codes the ssh transport maps (255 refused, 127 no such command)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sshd import Sshd, free_port  # noqa: E402

failed = 0


def check(name, cond, why=""):
    global failed
    if cond:
        print("PASS " + name)
    else:
        failed += 1
        print("FAIL %s: %s" % (name, why))


with Sshd() as s:
    r = s.run("echo hello")
    check("sshd_login", r.returncode == 0 and r.stdout == b"hello\n",
          "rc=%d out=%r err=%r" % (r.returncode, r.stdout, r.stderr))
    blob = os.urandom(1 << 20)
    r = s.run("cat", input=blob)
    check("sshd_pipe_1mib", r.returncode == 0 and r.stdout == blob,
          "rc=%d len=%d" % (r.returncode, len(r.stdout)))
    r = s.run("/nonexistent/avslut-hr ingest -")
    check("sshd_missing_command_127", r.returncode == 127,
          "rc=%d" % r.returncode)
    # A key the server does not know: refused login, exit 255.
    other = os.path.join(s.dir, "other")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                    other], check=True)
    r = subprocess.run(["ssh", "-F", "/dev/null", "-i", other, "-p",
                        str(s.port), "-o", "IdentitiesOnly=yes",
                        "-o", "IdentityAgent=none",
                        "-o", "UserKnownHostsFile=" + s.known_hosts,
                        "-o", "StrictHostKeyChecking=yes",
                        "-o", "BatchMode=yes", "127.0.0.1", "true"],
                       capture_output=True, timeout=30)
    check("sshd_refused_login_255", r.returncode == 255 and
          b"Permission denied" in r.stderr,
          "rc=%d err=%r" % (r.returncode, r.stderr))
    pid = s.proc.pid
    d = s.dir
r = subprocess.run([s.ssh_program if os.path.exists(s.ssh_program) else
                    "ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5",
                    "-p", str(free_port()), "127.0.0.1", "true"],
                   capture_output=True, timeout=30)
check("sshd_unreachable_255", r.returncode == 255, "rc=%d" % r.returncode)
try:
    os.kill(pid, 0)
    alive = True
except ProcessLookupError:
    alive = False
check("sshd_stopped", not alive and not os.path.exists(d),
      "alive=%s dir=%s" % (alive, os.path.exists(d)))
sys.exit(1 if failed else 0)
