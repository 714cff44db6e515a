"""term: the pty harness of the end-to-end tests. A program runs in a real
pty (pexpect) and what it draws is read back through a terminal emulator
(pyte), as a user at an 80x24 xterm would see it.

Not a test itself (run.sh runs only test_*.py). Usage:

    import term
    t = term.Term(program, ["--lang", "sv"], env)    # 80x24
    t.wait_for("Lösenfras:")      # True once the text is on the screen
    t.send("secret\\r")            # keys, then wait until the program idles
    term.check_screen("name", t, WANT)   # the whole screen, line by line
    term.report("name", ok, why)  # "PASS name" / "FAIL name: why"
    sys.exit(1 if term.failures else 0)

AVSLUT_E2E_RECORD=FILE makes check_screen keep every screen it saw;
write_recorded() writes them there (to refresh expected screens).
"""
import fcntl
import os
import platform
import struct
import sys
import termios
import time

import pexpect
import pyte

RECORD = os.environ.get("AVSLUT_E2E_RECORD")  # write screens seen here

# xterm in keypad mode (smkx), as ncurses asks for.
KEY = {"tab": "\t", "btab": "\x1b[Z", "enter": "\r", "esc": "\x1b",
       "bs": "\x7f", "f1": "\x1bOP", "f2": "\x1bOQ", "f5": "\x1b[15~",
       "f8": "\x1b[19~", "f10": "\x1b[21~", "down": "\x1bOB",
       "up": "\x1bOA", "right": "\x1bOC", "left": "\x1bOD",
       "pgup": "\x1b[5~", "pgdn": "\x1b[6~", "home": "\x1bOH",
       "end": "\x1bOF"}

# The system calls in which a program waits for a key: read (of fd 0 only)
# and the waits ncurses uses for a key with a timeout, by machine.
WAIT_SYSCALLS = {
    "x86_64": {0: "read", 7: "poll", 23: "select", 270: "pselect6",
               271: "ppoll"},
    "aarch64": {63: "read", 72: "pselect6", 73: "ppoll"},
}.get(platform.machine())

failures = 0
recorded = []


def report(name, ok, why=""):
    """Print PASS or FAIL for one check; failures counts the FAILs."""
    global failures
    if ok:
        print("PASS %s" % name)
    else:
        failures += 1
        print("FAIL %s: %s" % (name, why))
    sys.stdout.flush()


class Screen(pyte.Screen):
    """pyte with the few xterm sequences ncurses uses that pyte lacks:
    SU and SD (scroll the region: indn, rin) and REP (repeat the last
    character: rep)."""

    def __init__(self, cols, rows):
        super().__init__(cols, rows)
        self.last = " "

    def draw(self, data):
        if data:
            self.last = data[-1]
        super().draw(data)

    def _scroll(self, count, up):
        top = self.margins.top if self.margins else 0
        y, x = self.cursor.y, self.cursor.x
        self.cursor.y = top
        if up:
            self.delete_lines(count or 1)
        else:
            self.insert_lines(count or 1)
        self.cursor.y, self.cursor.x = y, x

    def scroll_up(self, count=None, *args, **kwargs):
        self._scroll(count, True)

    def scroll_down(self, count=None, *args, **kwargs):
        self._scroll(count, False)

    def repeat_last(self, count=None, *args, **kwargs):
        self.draw(self.last * (count or 1))


class Stream(pyte.ByteStream):
    csi = dict(pyte.ByteStream.csi, S="scroll_up", T="scroll_down",
               b="repeat_last")


class Term:
    """PROGRAM ARGS in a pty of COLS x ROWS with environment ENV, its
    output fed into a pyte screen (screen) and kept raw (raw, bytes)."""

    IDLE = 0.12     # seconds a program must wait for a key to be idle

    def __init__(self, program, args, env, cols=80, rows=24):
        self.screen = Screen(cols, rows)
        self.stream = Stream(self.screen)
        self.raw = b""
        self.eof = False                # the program closed the pty
        self.child = pexpect.spawn(program, args, env=env,
                                   dimensions=(rows, cols))

    def pump(self, wait=0.05):
        """Feed everything the program wrote, waiting WAIT seconds for
        the first bytes."""
        try:
            while True:
                data = self.child.read_nonblocking(65536, timeout=wait)
                self.raw += data
                self.stream.feed(data)
                wait = 0.05
        except pexpect.TIMEOUT:
            pass
        except pexpect.EOF:
            self.eof = True

    def lines(self):
        """The screen now, one rstripped string per row."""
        self.pump()
        return [l.rstrip() for l in self.screen.display]

    def text(self):
        return "\n".join(self.lines())

    def wait(self, pred, timeout=15.0):
        """Feed the screen until pred(text) holds or TIMEOUT seconds
        pass; returns the last text."""
        end = time.monotonic() + timeout
        t = self.text()
        while not pred(t) and time.monotonic() < end:
            self.pump(0.1)
            t = self.text()
        return t

    def wait_for(self, s, timeout=15.0):
        """True once S is on the screen (within TIMEOUT seconds)."""
        return s in self.wait(lambda t: s in t, timeout)

    def display(self):
        """The screen as fed so far, without reading more."""
        return "\n".join(l.rstrip() for l in self.screen.display)

    def waiting_for_key(self):
        """True if the program is blocked waiting for a key and no key
        sent to it is still unread; False if not; None if this system
        cannot tell (no /proc/PID/syscall, another machine)."""
        if WAIT_SYSCALLS is None:
            return None
        try:
            with open("/proc/%d/syscall" % self.child.pid) as f:
                w = f.read().split()
        except OSError:
            return None
        if not w or not w[0].isdigit():
            return False                # "running"
        name = WAIT_SYSCALLS.get(int(w[0]))
        if name is None or (name == "read" and int(w[1], 16) != 0):
            return False
        try:
            pts = os.readlink("/proc/%d/fd/0" % self.child.pid)
            fd = os.open(pts, os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
        except OSError:
            return None
        try:
            unread = struct.unpack("i", fcntl.ioctl(
                fd, termios.FIONREAD, b"\0\0\0\0"))[0]
        finally:
            os.close(fd)
        return unread == 0

    def state(self):
        """The child's scheduler state: 'S' while it waits for a key."""
        try:
            with open("/proc/%d/stat" % self.child.pid) as f:
                return f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            return "?"

    def settle(self):
        """Wait until the program is idle: blocked waiting for a key with
        every key sent read and nothing more drawn, at every look for
        IDLE seconds (longer than curses waits after an Esc for the rest
        of a sequence: avslut sets 50 ms). No fixed delays: a loaded
        machine only makes this slower. Where that cannot be seen,
        settle_slow."""
        last = None
        since = None
        for _ in range(2000):
            self.pump(0.02)
            t = self.display()
            if self.eof:
                return t
            w = self.waiting_for_key()
            if w is None:
                return self.settle_slow()
            now = time.monotonic()
            if not w or t != last:
                since = None
            elif since is None:
                since = now
            elif now - since >= self.IDLE:
                return t
            last = t
        return last

    def settle_slow(self):
        """Idle by the screen alone: unchanged and the process asleep,
        twice in a row 150 ms apart."""
        last = None
        quiet = 0
        for _ in range(200):
            self.pump(0.15)
            t = self.text()
            idle = t == last and self.state() in ("S", "?")
            quiet = quiet + 1 if idle else 0
            if quiet >= 2:
                return t
            last = t
        return last

    def send(self, s):
        """Type S, then settle."""
        self.child.send(s)
        self.settle()

    def resize(self, cols, rows):
        self.screen.resize(rows, cols)
        self.child.setwinsize(rows, cols)
        self.settle()

    def alive(self):
        return self.child.isalive()

    def ended(self, timeout=10):
        """Wait for the program to exit; the screen gets its last
        output. Returns the exit status (None if killed by a signal)."""
        self.child.expect(pexpect.EOF, timeout=timeout)
        self.raw += self.child.before
        self.stream.feed(self.child.before)
        self.child.close()
        return self.child.exitstatus


def check_screen(name, term, want):
    """Compare the whole screen with WANT (a list of rstripped lines)."""
    got = term.lines()
    if RECORD:
        recorded.append((name, got))
    want = [l.rstrip() for l in want]
    want += [""] * (len(got) - len(want))
    if got == want:
        report(name, True)
        return True
    diff = []
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            diff.append("line %d: got %r want %r" % (i, g, w))
    report(name, False, "; ".join(diff[:4]))
    return False


def write_recorded(style="python"):
    """With AVSLUT_E2E_RECORD set, write the screens check_screen saw:
    as Python lists NAME = [...] ("python") or as "== name" blocks of
    lines ("plain")."""
    if not RECORD:
        return
    with open(RECORD, "w") as f:
        for name, lines in recorded:
            if style == "plain":
                f.write("== %s\n%s\n" % (name, "\n".join(lines)))
                continue
            f.write("%s = [\n" % name.upper())
            for line in lines:
                f.write("    %r,\n" % line)
            f.write("]\n\n")
