#!/usr/bin/env python3
"""Power cuts for real (issue 16): `kabar run` on a file system that loses what was not synced.

Run by `.ci/run` as root, after the network tests:

    python3 Scripts/power-cut-test.py [PATH_TO_KABAR] [--cuts 200] [--seed 1] [--steps 0123] [--keep]

The file system is Scripts/powercut_fs.py (FUSE, through fusepy and libfuse2): it keeps every
file's synced and unsynced bytes apart, makes a directory's names durable only when the directory
is synced, and on a cut keeps only what a disk would (its doc says exactly what). Node A's data
folder lives on it; A runs in a network namespace of its own (`kpw`, loopback only: its beacons
never leave the machine) with a peer B there whose data folder is on a real disk and is never cut.

Steps, in order (each check printed as `ok` or `FAIL`):

 0. the positive control: the file system itself loses an unsynced append, the data of a file
    never synced, a name in a folder never synced and an unsynced rename, and keeps what was synced;
 1. a new data folder: `kabar init` (then everything is synced, so only the store is under test),
    one post, a cut that keeps nothing unsynced: the post is there after the cut, offline and
    through a daemon with a file attached (the store's and the block log's folders must be
    durable, not only their files);
 2. CUTS power cuts while A posts (some with a small file), imports bundles and receives B's
    posts. A's folders are made by one clean start and synced first. Each round: start A
    (timing the open), check that every bulletin ever reported saved on A is listed and `status`
    is sane, arm the file system to freeze at a seeded change (a write, fsync, rename ...) and
    post or import until it freezes (or cut when idle), then kill A and every client with SIGKILL,
    cut (drop / keep a prefix with a torn sector / keep random sectors, by the cut's seed) and
    remount. One round in ten arms before A starts, so the cut lands in the store's recovery.
    "Reported saved": `kabar post` exited 0 and printed the id (and its file must be held whole:
    `have` in `list --json`); `kabar import` exited 0 (its bulletins' ids come from importing the
    same bundle into a scratch folder). At the end A holds everything B posted (gossip still
    works after the cuts). Figures: cuts by where they landed and by mode, bulletins reported
    saved, lost (must be 0), the damage `status` named, the open time after a cut beside a clean
    open's (issue 16's target: within 2x; printed, not checked: a timing never decides).
 3. fsync failure is final (Store.md, "A failed sync is final"), failures injected with
    `strace -e inject=...:error=EIO`: offline, when every fdatasync fails, when only the record's
    does, and when a new segment's fsync fails, `kabar post` exits non-zero and prints no id, the
    post is not listed afterwards and a retry saves it exactly once. Through a daemon: the same
    when the record's fdatasync fails once (and still exactly once after a restart); when every
    fdatasync fails (so the take-back cannot be synced), the store also refuses the next post
    until the node restarts, and after the restart the post is nowhere and a retry saves it once.

Every failure prints the command that reproduces the run. Where FUSE cannot work at all (no
/dev/fuse, or mounting is not permitted here) it says so and exits 0: skipped, not failed. Exit 1
on any failed check. The last line is `N passed, N failed`.
"""

import argparse
import json
import os
import queue
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FS_SCRIPT = os.path.join(HERE, "powercut_fs.py")
NAMESPACE = "kpw"
PORT_A = 4801
PORT_B = 4802
CONF_LINES = ["web.enabled = off"]
COMMAND_TIMEOUT_S = 30.0
START_BOUND_S = 15.0
CONVERGENCE_BOUND_S = 30.0
POLL_S = 0.003
CLEAN_OPEN_EVERY = 10          # rounds between clean restarts (the open time to compare with)
ARM_BEFORE_START_ODDS = 0.1    # rounds whose cut is armed before A starts (lands in recovery)
IMPORT_ODDS = 0.2              # rounds that import a bundle
IDLE_CUT_ODDS = 0.1            # rounds that are not armed: the cut comes after the posts, when idle
POSTS_PER_ROUND_MAX = 5
ATTACH_ODDS = 0.15             # posts that carry a small file (the block log is cut too)
ATTACHMENT_BYTES_MAX = 30_000
BUNDLE_COUNT = 10              # bulletins in each imported bundle
CHANNEL_POSTS_MAX = 400        # a channel takes 500 posts a day per author (Trust.md): rotate before
LIST_LIMIT = 10000             # `kabar list --limit` at most
FAILED_ROUNDS_MAX = 5          # then the soak stops: the first failures say enough
HEX = set("0123456789abcdef")

figures = []


class TestFailure(Exception):
    """A command failed or a node did not start: ends the step as one failure."""


class StepAborted(Exception):
    """A check the rest of the step depends on failed."""


def sh(*args, check=True, timeout=COMMAND_TIMEOUT_S, stdin=subprocess.DEVNULL):
    """Runs a command; raises with its output when it fails and `check` is set."""
    try:
        result = subprocess.run(args, capture_output=True, text=True, timeout=timeout, stdin=stdin)
    except subprocess.TimeoutExpired:
        raise TestFailure(f"command timed out after {timeout:.0f} s: {' '.join(args)}")
    if check and result.returncode != 0:
        raise TestFailure(f"command failed ({result.returncode}): {' '.join(args)}\n"
                          f"{(result.stderr or result.stdout).strip()}")
    return result


def skip(reason):
    print(f"power-cut test skipped: {reason}")
    sys.exit(0)


def is_bulletin_id(text):
    return len(text) == 64 and set(text) <= HEX


class Checks:
    """Counts and prints every check."""

    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.failures = []

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"  ok    {name}" + (f" ({detail})" if detail else ""), flush=True)
        else:
            self.failed += 1
            self.failures.append(name)
            print(f"  FAIL  {name}" + (f": {detail}" if detail else ""), flush=True)
        return ok

    def require(self, name, ok, detail=""):
        """A check the rest of the step depends on: a failure ends the step."""
        if not self.check(name, ok, detail):
            raise StepAborted(f"'{name}' failed")


def figure(name, text):
    figures.append(f"{name}: {text}")
    print(f"  figure {name}: {text}", flush=True)


def info(text):
    print(f"  info  {text}", flush=True)


# ---------------------------------------------------------------- the file system

class PowerCutMount:
    """Scripts/powercut_fs.py as a child process: its mount, its commands and its `frozen` notices."""

    def __init__(self, mountpoint, log_path):
        self.mountpoint = mountpoint
        self.log_path = log_path
        self.process = None
        self.replies = queue.Queue()
        self.frozen = threading.Event()
        self.frozen_at = ""

    def start(self):
        """Mounts; returns None, or the file system's words when it could not mount."""
        os.makedirs(self.mountpoint, exist_ok=True)
        log = open(self.log_path, "a")
        self.process = subprocess.Popen([sys.executable, FS_SCRIPT, self.mountpoint], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=log, text=True, bufsize=1)
        log.close()
        threading.Thread(target=self._read, daemon=True).start()
        reply = self._reply(COMMAND_TIMEOUT_S)
        if reply != "mounted":
            return f"{reply or 'it exited'}; {self.log_tail()}".strip()
        return None

    def _read(self):
        for line in self.process.stdout:
            line = line.strip()
            if line.startswith("frozen "):
                self.frozen_at = line[len("frozen "):]
                self.frozen.set()
            else:
                self.replies.put(line)
        self.replies.put(None)

    def _reply(self, timeout):
        try:
            return self.replies.get(timeout=timeout)
        except queue.Empty:
            return None

    def command(self, line, expect):
        """Sends one command; returns its answer, which must start with `expect`."""
        if self.process is None or self.process.poll() is not None:
            raise TestFailure(f"the FUSE file system is not running; {self.log_tail()}")
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        reply = self._reply(COMMAND_TIMEOUT_S)
        if reply is None or not reply.startswith(expect):
            raise TestFailure(f"the FUSE file system answered {reply!r} to {line!r}; {self.log_tail()}")
        return reply

    def arm(self, changes):
        # The event is cleared by the remount after a cut, never here: a freeze must not go unseen.
        if self.frozen.is_set():
            raise TestFailure(f"armed while frozen at {self.frozen_at} (a bug of this script)")
        self.command(f"arm {changes}", "armed")

    def disarm(self):
        """No freeze from now on; returns whether it froze already (then only a cut ends it)."""
        self.command("disarm", "disarmed")
        return self.frozen.is_set()

    def cut(self, seed, mode=""):
        """The power cut; returns (mode, kept, lost, torn) as the file system reports them."""
        words = self.command(f"cut {seed} {mode}".strip(), "cut ").split()
        fields = dict(word.split("=", 1) for word in words[2:])
        return words[1], int(fields["kept"]), int(fields["lost"]), int(fields["torn"])

    def remount(self):
        self.command("remount", "mounted")
        self.frozen.clear()

    def sync(self):
        self.command("sync", "synced")

    def stats(self):
        return dict(word.split("=", 1) for word in self.command("stats", "stats").split()[1:])

    def close(self):
        """Unmounts whatever happens: `quit`, then SIGKILL and `umount -l` if it will not go."""
        if self.process is not None and self.process.poll() is None:
            try:
                self.process.stdin.write("quit\n")
                self.process.stdin.flush()
                self.process.stdin.close()
                self.process.wait(timeout=15)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        if mounted(self.mountpoint):
            sh("umount", "-l", self.mountpoint, check=False)

    def log_tail(self, lines=8):
        try:
            with open(self.log_path, errors="replace") as log:
                tail = "".join(log.readlines()[-lines:]).strip()
        except OSError:
            tail = ""
        return f"its log: {tail}" if tail else ""


def mounted(path):
    """True when `path` is a mount point (read from /proc: stat(2) on a dead FUSE mount would hang or fail)."""
    real = os.path.realpath(path)
    try:
        with open("/proc/self/mounts") as mounts:
            return any(line.split()[1] == real for line in mounts if len(line.split()) > 1)
    except OSError:
        return False


def probe_fuse(work):
    """Skips where FUSE cannot work at all; fails (returns the reason) where a piece is missing."""
    if os.geteuid() != 0:
        skip("not running as root (mounting a FUSE file system and network namespaces need CAP_SYS_ADMIN)")
    if not os.path.exists("/dev/fuse"):
        skip("no /dev/fuse on this machine (the fuse kernel module is not loaded, or a container hides it)")
    result = sh(sys.executable, "-c", "import fuse", check=False)
    if result.returncode != 0:
        return ("fusepy or libfuse2 is missing (.ci/run installs them: apt-get install libfuse2; "
                f"pip install fusepy): {result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ''}")
    probe = PowerCutMount(os.path.join(work, "probe"), os.path.join(work, "probe-fs.log"))
    try:
        problem = probe.start()
    finally:
        probe.close()
    if problem and ("permitted" in problem or "Permission denied" in problem):
        skip(f"mounting a FUSE file system is not permitted here ({problem})")
    return problem


# ---------------------------------------------------------------- network namespace, daemons, clients

class Launcher:
    """Runs daemons in the network namespace `kpw` (loopback only), or each in a new one with `unshare -n`;
    never in a mount namespace of their own (see `open`)."""

    def __init__(self):
        self.prefix = None
        self.named = False

    def open(self):
        if shutil.which("ip"):
            self.clear_leftover()
            if sh("ip", "netns", "add", NAMESPACE, check=False).returncode == 0:
                sh("ip", "-n", NAMESPACE, "link", "set", "lo", "up")
                self.named = True
                # nsenter, not `ip netns exec`: that also makes a mount namespace, whose copy of the
                # FUSE mount would keep it alive after the unmount of a remount.
                self.prefix = ["nsenter", f"--net=/run/netns/{NAMESPACE}", "--"]
                return
        if shutil.which("unshare") and sh("unshare", "-n", "true", check=False).returncode == 0:
            self.prefix = ["unshare", "-n"]
            return
        raise TestFailure("cannot make a network namespace (neither 'ip netns add' nor 'unshare -n' works): "
                          "the daemon's beacons must not leave the machine")

    def clear_leftover(self):
        """A killed run may have left the namespace with daemons in it: only this script uses its name."""
        for pid in sh("ip", "netns", "pids", NAMESPACE, check=False).stdout.split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ValueError, OSError):
                pass
        sh("ip", "netns", "del", NAMESPACE, check=False)

    def close(self):
        if self.named:
            self.clear_leftover()
            self.named = False


class Daemon:
    """One `kabar run --no-repl` on a data folder, with its log outside the folder."""

    def __init__(self, kabar, launcher, data, port, log_path, peers=()):
        self.kabar, self.launcher, self.data, self.port = kabar, launcher, data, port
        self.log_path = log_path
        self.peers = list(peers)
        self.process = None

    def start(self, frozen=None):
        """Starts and waits until the control socket answers. Returns the seconds that took, or None
        when `frozen` was set first (the file system froze during the open: the caller cuts)."""
        arguments = self.launcher.prefix + [self.kabar, "run", "--data", self.data, "--no-repl",
                                            "--port", str(self.port)]
        for peer in self.peers:
            arguments += ["--peer", peer]
        log = open(self.log_path, "a")
        started = time.monotonic()
        self.process = subprocess.Popen(arguments, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        log.close()
        socket_path = os.path.join(self.data, "control.sock")
        while True:
            if frozen is not None and frozen.is_set():
                return None
            if self.process.poll() is not None:
                raise TestFailure(f"kabar run exited with {self.process.returncode} at start:\n{self.log_tail()}")
            if connectable(socket_path, frozen):
                return time.monotonic() - started
            if time.monotonic() - started > START_BOUND_S:
                raise TestFailure(f"kabar run did not open its control socket within {START_BOUND_S:.0f} s:\n"
                                  f"{self.log_tail()}")
            time.sleep(POLL_S)

    def running(self):
        return self.process is not None and self.process.poll() is None

    def kill(self):
        """SIGKILL (the power cut), without waiting: a process frozen in the file system ends only
        once the file system answers it (`wait_dead` after the cut)."""
        if self.running():
            self.process.kill()

    def wait_dead(self):
        if self.process is not None:
            try:
                self.process.wait(timeout=COMMAND_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                raise TestFailure("kabar run did not end after SIGKILL (stuck in the file system?)")

    def stop(self):
        """SIGTERM: a clean stop."""
        if self.running():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def cli(self, *args, check=True):
        return sh(self.kabar, *args, "--data", self.data, check=check)

    def log_tail(self, lines=12):
        try:
            with open(self.log_path, errors="replace") as log:
                return "".join(log.readlines()[-lines:])
        except OSError:
            return "(no log)"


def connectable(path, frozen):
    """Whether a unix socket at `path` accepts a connection. Tried on a thread: while the file
    system is frozen the lookup would block until the cut, and the caller must see the freeze."""
    outcome = []

    def attempt():
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            connection.connect(path)
            outcome.append(True)
        except OSError:
            outcome.append(False)
        finally:
            connection.close()

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(0.05)
        if frozen is not None and frozen.is_set():
            return False
    return bool(outcome and outcome[0])


def client(arguments, frozen, timeout=COMMAND_TIMEOUT_S):
    """Runs a CLI command while watching the file system. Returns (returncode, stdout, stderr), or
    None when the file system froze while it ran (then it was killed: its outcome is unknown)."""
    process = subprocess.Popen(arguments, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    started = time.monotonic()
    while True:
        try:
            out, err = process.communicate(timeout=POLL_S)
            return process.returncode, out, err
        except subprocess.TimeoutExpired:
            pass
        if frozen.is_set():
            process.kill()
            process.communicate()
            return None
        if time.monotonic() - started > timeout:
            process.kill()
            process.communicate()
            raise TestFailure(f"command timed out after {timeout:.0f} s: {' '.join(arguments)}")


def write_conf(data, port):
    with open(os.path.join(data, "kabar.conf"), "w") as conf:
        conf.write(f"# written by {os.path.basename(__file__)}\n")
        conf.write("".join(line + "\n" for line in CONF_LINES + [f"port = {port}"]))


def listed(kabar, data, limit=LIST_LIMIT):
    """{id: bulletin} of `kabar list --json` (through the daemon when one runs)."""
    result = sh(kabar, "list", "--data", data, "--json", "--limit", str(limit))
    return {bulletin["id"]: bulletin for bulletin in json.loads(result.stdout)}


def titled(bulletins, title):
    return [bulletin for bulletin in bulletins.values() if bulletin.get("title") == title]


# ---------------------------------------------------------------- the run

class Run:
    def __init__(self, kabar, work, checks, cuts, seed, steps):
        self.kabar, self.work, self.checks, self.cuts, self.seed, self.steps = kabar, work, checks, cuts, seed, steps
        self.launcher = Launcher()
        self.fs = PowerCutMount(os.path.join(work, "mnt"), os.path.join(work, "fs.log"))
        self.daemons = []

    def reproduce(self):
        return f"python3 Scripts/power-cut-test.py {self.kabar} --cuts {self.cuts} --seed {self.seed} --steps {self.steps}"

    def daemon(self, data, port, name, peers=()):
        daemon = Daemon(self.kabar, self.launcher, data, port, os.path.join(self.work, name + ".log"), peers)
        self.daemons.append(daemon)
        return daemon

    def cut_now(self, daemon, seed, mode=""):
        """Kills `daemon` (SIGKILL), cuts the power, waits for the daemon to end and remounts."""
        daemon.kill()
        outcome = self.fs.cut(seed, mode)
        daemon.wait_dead()
        self.fs.remount()
        return outcome


def run_step(run, title, function):
    print(title, flush=True)
    try:
        function(run)
    except StepAborted as aborted:
        run.checks.check(f"{title.split('.')[0]}: rest of the step not run", False,
                         f"{aborted}; reproduce: {run.reproduce()}")
    except Exception as error:  # any other error ends the step as one failure; the run goes on
        text = str(error).strip()
        run.checks.check(f"{title.split('.')[0]}: step aborted", False,
                         f"{type(error).__name__}: {text}\n        reproduce: {run.reproduce()}")


def step_model(run):
    """The positive control: what was not synced is gone after a cut, what was is there."""
    checks, fs = run.checks, run.fs
    folder = os.path.join(fs.mountpoint, "control")
    os.mkdir(folder)
    sync_folder(fs.mountpoint)
    synced, unsynced, unnamed = (os.path.join(folder, name) for name in ("synced", "unsynced", "unnamed"))
    for path, data_synced, name_synced in ((synced, True, True), (unsynced, False, True), (unnamed, True, False)):
        with open(path, "wb") as handle:
            handle.write(b"before the cut\n")
            if data_synced:
                handle.flush()
                os.fdatasync(handle.fileno())
        if name_synced:
            sync_folder(folder)
    with open(synced, "ab") as handle:
        handle.write(b"appended, never synced\n")
    renamed = os.path.join(folder, "renamed")
    os.rename(synced, renamed)  # the folder is not synced: the rename is lost
    fs.cut(run.seed, "drop")
    fs.remount()
    names = sorted(os.listdir(folder))
    checks.check("after a cut: a synced file's synced bytes are there, its unsynced append is not",
                 read_bytes(synced) == b"before the cut\n", repr(read_bytes(synced)))
    checks.check("after a cut: a file whose name was synced but not its data is there and empty",
                 read_bytes(unsynced) == b"", repr(read_bytes(unsynced)))
    checks.check("after a cut: a file synced but never named in a synced folder is gone, and so is a rename",
                 names == ["synced", "unsynced"], f"the folder holds {names}")


def sync_folder(path):
    descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def read_bytes(path):
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        return f"unreadable: {error}"


def step_fresh_folder(run):
    """A first post into a data folder whose store did not exist yet, then a cut."""
    checks, kabar, fs = run.checks, run.kabar, run.fs
    data = os.path.join(fs.mountpoint, "fresh")
    sh(kabar, "init", "--data", data, "--label", "Balai uji listrik baru")
    write_conf(data, PORT_A)
    fs.sync()
    title = "Pos pertama sebelum listrik padam"
    result = sh(kabar, "post", "--data", data, "-c", "warga", "-t", title, "--body", "tanpa daemon", check=False)
    checks.require("an offline post into a new store is reported saved", result.returncode == 0
                   and is_bulletin_id(result.stdout.strip()), (result.stderr or result.stdout).strip())
    bulletin = result.stdout.strip()
    mode, _, lost, _ = fs.cut(run.seed, "drop")
    fs.remount()
    info(f"cut ({mode}, {lost} unsynced changes lost)")
    left = sorted(os.listdir(data)) if os.path.isdir(data) else []
    after = sh(kabar, "list", "--data", data, "--json", check=False)
    held = after.returncode == 0 and bulletin in {b["id"] for b in json.loads(after.stdout or "[]")}
    checks.check("the first post of a new store survives a cut (the store's folder was made durable)", held,
                 "" if held else f"list exited {after.returncode}: {(after.stderr or after.stdout).strip()[:300]}; "
                 f"after the cut the data folder held {left} (a folder made with mkdir is durable only once the "
                 "folder holding it is synced)")
    # The same through a daemon, into a folder whose store the daemon makes.
    data = os.path.join(fs.mountpoint, "fresh-daemon")
    sh(kabar, "init", "--data", data, "--label", "Balai uji listrik baru (daemon)")
    write_conf(data, PORT_A)
    fs.sync()
    daemon = run.daemon(data, PORT_A, "fresh-daemon")
    daemon.start()
    photo = os.path.join(run.work, "foto-pertama.bin")
    with open(photo, "wb") as handle:
        handle.write(random.Random(run.seed).randbytes(5000))
    result = sh(kabar, "post", "--data", data, "-c", "warga", "-t", title, "--body", "lewat daemon",
                "--attach", photo, check=False)
    checks.require("a post with a file through a daemon on a new store is reported saved", result.returncode == 0
                   and is_bulletin_id(result.stdout.strip()), (result.stderr or result.stdout).strip())
    bulletin = result.stdout.strip()
    run.cut_now(daemon, run.seed + 1, "drop")
    left = sorted(os.listdir(data)) if os.path.isdir(data) else []
    daemon.start()
    after = listed(kabar, data)
    checks.check("the first post through a daemon on a new store survives a cut", bulletin in after,
                 "" if bulletin in after else f"after the cut the data folder held {left}")
    held = attachment_held(after[bulletin]) if bulletin in after else None
    checks.check("its file is held whole after the cut (the block log's folder was made durable too)",
                 held == 5000, f"holds {held} of 5000 bytes")
    daemon.stop()


class Soak:
    """What the power-cut rounds have learned: saved ids, channels, counts and timings."""

    def __init__(self, run, rng):
        self.run, self.rng = run, rng
        self.saved = {}            # id -> what reported it saved ("post", "import")
        self.attached = {}         # id of a saved post -> the size of its one attachment
        self.posts_tried = 0
        self.bundles = 0
        self.landed = {"open": 0, "post": 0, "import": 0, "background": 0, "idle": 0}
        self.modes = {}
        self.frozen_ops = {}
        self.torn = 0
        self.after_cut_opens = []
        self.clean_opens = []
        self.problems = {"open": [], "lost": [], "status": [], "client": []}
        self.failed_rounds = 0
        self.damage = {}           # what `status` said the open found: "tail" (cut back), "stretch" (skipped)
        self.stretches = set()
        self.b_posts = set()
        self.gossip_held = set()
        self.gossip_lost = 0


def make_bundle(run, soak):
    """A bundle of BUNDLE_COUNT bulletins by a new author, and the ids a node takes from it
    (learned by importing it into a scratch folder on a real disk)."""
    soak.bundles += 1
    seed = run.seed * 100_000 + soak.bundles
    path = os.path.join(run.work, "bundles", f"b{soak.bundles}.bundle")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    sh(run.kabar, "debug", "backlog", "--count", str(BUNDLE_COUNT), "--authors", "1", "--seed", str(seed),
       "--body-bytes", "300", path)
    scratch = os.path.join(run.work, "bundles", f"scratch{soak.bundles}")
    sh(run.kabar, "init", "--data", scratch)
    sh(run.kabar, "import", "--data", scratch, path)
    ids = set(listed(run.kabar, scratch))
    shutil.rmtree(scratch, ignore_errors=True)
    return path, ids


def verify(run, soak, node_a, round_number, cut_note):
    """Every id reported saved is listed; `status` is sane. Returns whether all was well.

    B's posts may arrive between the two questions, so the list comes first and `status` may
    count more than it showed, never fewer."""
    checks = run.checks
    held = listed(run.kabar, node_a.data)
    status = json.loads(node_a.cli("status", "--json").stdout)
    store = status.get("store", {})
    count = store.get("count", -1)
    damage = store.get("damage")
    if damage:
        text = damage.get("en", str(damage)) if isinstance(damage, dict) else str(damage)
        kind = "tail" if "end of the newest segment" in text else "stretch"
        soak.damage[kind] = soak.damage.get(kind, 0) + 1
        if kind == "stretch":
            soak.stretches.add(text)
    if count >= LIST_LIMIT:  # a long soak: ask for each one the list could not show
        held = {bulletin: True for bulletin in soak.saved
                if bulletin in held or node_a.cli("show", bulletin, "--json", check=False).returncode == 0}
    good = True
    if status.get("running") is not True or count < len(held):
        soak.problems["status"].append(round_number)
        checks.check(f"status after cut {round_number} ({cut_note})", False,
                     f"running={status.get('running')}, store.count={count} < {len(held)} listed just before")
        good = False
    # B's posts reach A by gossip and are stored lazily (not reported saved): a cut may take them,
    # and the next sync brings them back. Counted to show that cuts do drop unsynced records.
    soak.gossip_lost += len(soak.gossip_held - set(held))
    soak.gossip_held = soak.b_posts & set(held)
    missing = sorted(bulletin for bulletin in soak.saved if bulletin not in held)
    if missing:
        soak.problems["lost"].extend(missing)
        checks.check(f"every bulletin reported saved is there after cut {round_number} ({cut_note})", False,
                     f"{len(missing)} of {len(soak.saved)} lost: "
                     + ", ".join(f"{bulletin[:12]} ({soak.saved[bulletin]})" for bulletin in missing[:5]))
        for bulletin in missing:  # reported once
            del soak.saved[bulletin]
            soak.attached.pop(bulletin, None)
        good = False
    partial = sorted(bulletin for bulletin, size in soak.attached.items()
                     if isinstance(held.get(bulletin), dict) and attachment_held(held[bulletin]) != size)
    if partial:
        soak.problems["lost"].extend(partial)
        checks.check(f"every saved post's file is held whole after cut {round_number} ({cut_note})", False,
                     f"{len(partial)} of {len(soak.attached)} not whole: " + ", ".join(
                         f"{bulletin[:12]} holds {attachment_held(held[bulletin])} of {soak.attached[bulletin]} bytes"
                         for bulletin in partial[:5]))
        for bulletin in partial:  # reported once
            del soak.attached[bulletin]
        good = False
    return good


def attachment_held(bulletin):
    """Bytes of the bulletin's first attachment held here (`have` in `list --json`), or None."""
    attachments = bulletin.get("attachments") or []
    return attachments[0].get("have") if attachments else None


def start_after_cut(run, soak, node_a, round_number, cuts_done, cut_seed, armed):
    """Starts A (after a cut). When the file system was `armed` for this open, it is disarmed once
    A answers; when it froze first (or meanwhile), that is the round's cut and None is returned."""
    try:
        seconds = node_a.start(run.fs.frozen)
    except TestFailure as failure:
        soak.problems["open"].append(round_number)
        run.checks.check(f"A opens its store after cut {round_number}", False, str(failure))
        raise StepAborted("A does not start after a cut")
    if armed and run.fs.disarm():
        seconds = None
    if seconds is None:
        mode, _, _, torn = run.cut_now(node_a, cut_seed)
        soak.landed["open"] += 1
        soak.modes[mode] = soak.modes.get(mode, 0) + 1
        soak.torn += torn
        return None
    if cuts_done:
        soak.after_cut_opens.append(seconds)
    return seconds


def act(run, soak, node_a, rng):
    """One post or import on A while the file system may freeze. Returns where a freeze landed, or None."""
    if rng.random() < IMPORT_ODDS / 2:
        path, ids = make_bundle(run, soak)
        outcome = client([run.kabar, "import", "--data", node_a.data, "--json", path], run.fs.frozen)
        if outcome is None:
            return "import"
        code, out, err = outcome
        if code != 0:
            soak.problems["client"].append(f"import exited {code}: {(err or out).strip()[:200]}")
            return None
        for bulletin in ids:
            soak.saved.setdefault(bulletin, "import")
        return None
    soak.posts_tried += 1
    channel = f"listrik-{soak.posts_tried // CHANNEL_POSTS_MAX}"
    title = f"Padam {soak.posts_tried}"
    body = f"pos {soak.posts_tried} " + "x" * rng.randint(0, 1500)
    arguments = [run.kabar, "post", "--data", node_a.data, "-c", channel, "-t", title, "--body", body]
    size = None
    if rng.random() < ATTACH_ODDS:
        size = rng.randint(1, ATTACHMENT_BYTES_MAX)
        path = os.path.join(run.work, "attachments", f"foto-{soak.posts_tried}.bin")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(rng.randbytes(size))
        arguments += ["--attach", path]
    outcome = client(arguments, run.fs.frozen)
    if outcome is None:
        return "post"
    code, out, err = outcome
    if code != 0 or not is_bulletin_id(out.strip()):
        soak.problems["client"].append(f"post {soak.posts_tried} exited {code}: {(err or out).strip()[:200]}")
        return None
    soak.saved[out.strip()] = "post" if size is None else "post with a file"
    if size is not None:
        soak.attached[out.strip()] = size
    return None


def step_soak(run):
    """CUTS power cuts while A posts, imports and receives B's posts."""
    checks, kabar, fs = run.checks, run.kabar, run.fs
    rng = random.Random(run.seed)
    data_a = os.path.join(fs.mountpoint, "a")
    data_b = os.path.join(run.work, "b")
    for data, port, label in ((data_a, PORT_A, "A, on the FUSE mount"), (data_b, PORT_B, "B, its peer")):
        sh(kabar, "init", "--data", data, "--label", f"Balai uji {label}")
        write_conf(data, port)
    peers_given = run.launcher.named
    node_a = run.daemon(data_a, PORT_A, "a", peers=[f"127.0.0.1:{PORT_B}"] if peers_given else [])
    # One clean start and stop makes A's folders (store/, blocks/); then all is synced, so the
    # soak tests what a running node writes (step 1 tests a new folder).
    node_a.start()
    node_a.stop()
    fs.sync()
    node_b = run.daemon(data_b, PORT_B, "b", peers=[f"127.0.0.1:{PORT_A}"]) if peers_given else None
    if node_b:
        node_b.start()
    else:
        info("no 'ip netns': A runs alone in its own namespace (unshare -n), without a peer")
    soak = Soak(run, rng)
    started = time.monotonic()
    cuts_done = 0
    round_number = 0
    last_cut_note = "before the first cut"
    next_report = 25
    while cuts_done < run.cuts and soak.failed_rounds < FAILED_ROUNDS_MAX:
        round_number += 1
        cut_seed = rng.randrange(1 << 32)
        armed = bool(cuts_done) and rng.random() < ARM_BEFORE_START_ODDS
        if armed:
            fs.arm(rng.randint(1, 6))
        if start_after_cut(run, soak, node_a, round_number, cuts_done, cut_seed, armed) is None:
            cuts_done += 1
            last_cut_note = f"cut in the open, seed {cut_seed}"
            start_after_cut(run, soak, node_a, round_number, cuts_done, cut_seed, False)
        if not verify(run, soak, node_a, cuts_done, last_cut_note):
            soak.failed_rounds += 1
        if cuts_done >= run.cuts:
            break
        if round_number % CLEAN_OPEN_EVERY == 0:
            node_a.stop()
            soak.clean_opens.append(node_a.start())
        if node_b:
            for _ in range(rng.randint(0, 2)):
                posted = node_b.cli("post", "-c", f"tetangga-{len(soak.b_posts) // CHANNEL_POSTS_MAX}",
                                    "-t", f"Dari B {len(soak.b_posts)}", "--body", "kabar tetangga")
                soak.b_posts.add(posted.stdout.strip())
        planned = rng.randint(1, POSTS_PER_ROUND_MAX)
        armed = rng.random() >= IDLE_CUT_ODDS
        if armed:
            fs.arm(rng.randint(1, 3 * planned + 2))
        landed = None
        for _ in range(planned + 3 if armed else planned):
            landed = act(run, soak, node_a, rng)
            if landed or fs.frozen.is_set():
                landed = landed or "background"  # between commands: B's gossip or a timer wrote
                break
            if rng.random() < 0.3:
                time.sleep(rng.random() * 0.02)  # lets B's gossip write in between
        if soak.problems["client"]:
            checks.check(f"every post and import in round {round_number} exited 0 without a cut", False,
                         "; ".join(soak.problems["client"]))
            soak.problems["client"] = []
            soak.failed_rounds += 1
        where = landed or "idle"
        frozen_at = fs.frozen_at if fs.frozen.is_set() else "no change pending"
        operation = frozen_at.split()[0] if fs.frozen.is_set() else "none"
        soak.frozen_ops[operation] = soak.frozen_ops.get(operation, 0) + 1
        mode, kept, lost, torn = run.cut_now(node_a, cut_seed)
        cuts_done += 1
        soak.landed[where] += 1
        soak.modes[mode] = soak.modes.get(mode, 0) + 1
        soak.torn += torn
        last_cut_note = f"{where}, at {frozen_at}, {mode} kept={kept} lost={lost}, seed {cut_seed}"
        if cuts_done >= next_report:
            next_report += 25
            info(f"{cuts_done} cuts, {len(soak.saved)} bulletins reported saved, "
                 f"{time.monotonic() - started:.1f} s")
    if not node_a.running() and soak.failed_rounds < FAILED_ROUNDS_MAX:
        start_after_cut(run, soak, node_a, round_number + 1, cuts_done, 0, False)
        if not verify(run, soak, node_a, cuts_done, last_cut_note):
            soak.failed_rounds += 1
    seconds = time.monotonic() - started
    if soak.failed_rounds >= FAILED_ROUNDS_MAX:
        info(f"stopped after {FAILED_ROUNDS_MAX} failed rounds")
    posts = sum(1 for source in soak.saved.values() if source.startswith("post"))
    checks.check(f"A opened its store after every one of {cuts_done} cuts", not soak.problems["open"])
    checks.check(f"0 bulletins (or their files) reported saved were lost over {cuts_done} cuts",
                 not soak.problems["lost"] and cuts_done > 0,
                 f"{posts} posts and {len(soak.saved) - posts} imported bulletins reported saved"
                 if not soak.problems["lost"] else f"{len(soak.problems['lost'])} lost")
    checks.check("status was sane after every cut (running, store.count at least the bulletins listed)",
                 not soak.problems["status"])
    figure("power cuts", f"{cuts_done} in {seconds:.1f} s ({seconds / max(cuts_done, 1) * 1000:.0f} ms a cut); "
           "landed during " + ", ".join(f"{where} {count}" for where, count in sorted(soak.landed.items()))
           + "; modes " + ", ".join(f"{mode} {count}" for mode, count in sorted(soak.modes.items()))
           + f" ({soak.torn} torn writes); frozen at " + ", ".join(
               f"{operation} {count}" for operation, count in sorted(soak.frozen_ops.items())))
    figure("reported saved", f"{posts} posts ({len(soak.attached)} with a file of up to "
           f"{ATTACHMENT_BYTES_MAX // 1000} KB), {len(soak.saved) - posts} imported bulletins "
           f"({soak.bundles} bundles); lost {len(soak.problems['lost'])}")
    if node_b:
        figure("gossip", f"{len(soak.b_posts)} posts of B reached A (stored lazily, never reported saved); "
               f"{soak.gossip_lost} times A had listed one and a cut took it back (the next sync returned it)")
    if soak.after_cut_opens and soak.clean_opens:
        after, clean = statistics.median(soak.after_cut_opens), statistics.median(soak.clean_opens)
        worst = max(soak.after_cut_opens)
        figure("open time", f"median {after * 1000:.1f} ms after a cut (worst {worst * 1000:.1f} ms, "
               f"{len(soak.after_cut_opens)} opens) vs {clean * 1000:.1f} ms clean ({len(soak.clean_opens)} opens): "
               f"{after / clean:.2f}x (issue 16's target: within 2x); from exec to the control socket answering")
    if soak.damage:
        figure("damage named by status", f"after {soak.damage.get('tail', 0)} of {cuts_done} opens an unfinished "
               f"write cut from the end of the newest segment; after {soak.damage.get('stretch', 0)} a bad stretch "
               f"skipped inside a segment ({len(soak.stretches)} distinct, each named again at every open: "
               "unsynced sectors kept out of order leave a hole before a whole record)")
    stats = fs.stats()
    figure("file system", f"{stats.get('writes')} writes ({int(stats.get('write_bytes', 0)) / 1e6:.1f} MB), "
           f"{stats.get('fsyncs')} fsyncs, {stats.get('fsyncdirs')} directory fsyncs, {stats.get('renames')} "
           f"renames, {stats.get('mounts')} mounts, {stats.get('eio_after_cut')} calls answered EIO after a cut")
    if node_b:
        def converged():
            if not node_a.running():
                raise TestFailure(f"A died:\n{node_a.log_tail()}")
            return soak.b_posts <= set(listed(kabar, data_a))
        try:
            _, waited = wait_until(converged, CONVERGENCE_BOUND_S, "A to hold every post of B")
            checks.check(f"A holds all {len(soak.b_posts)} posts of its peer B after the cuts (gossip)", True,
                         f"{waited:.2f} s after the last restart")
        except TestFailure as failure:
            checks.check(f"A holds all {len(soak.b_posts)} posts of its peer B after the cuts (gossip)", False,
                         str(failure))
    node_a.stop()
    offline = listed(kabar, data_a) if len(soak.saved) <= LIST_LIMIT else soak.saved
    missing = [bulletin for bulletin in soak.saved if bulletin not in offline]
    checks.check("after a clean stop, an offline list still shows every bulletin reported saved", not missing,
                 f"{len(missing)} missing" if missing else f"{len(soak.saved)} bulletins")
    if node_b:
        node_b.stop()


def wait_until(condition, timeout, what, poll=0.05):
    """Polls `condition` until it returns a true value; returns (value, seconds); raises after `timeout`."""
    start = time.monotonic()
    while True:
        value = condition()
        if value:
            return value, time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise TestFailure(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(poll)


# ---------------------------------------------------------------- fsync failure

def strace_post(kabar, data, syscall, title, when=""):
    """`kabar post` offline with every `syscall` (or the `when`th) failing with EIO, by strace."""
    inject = f"inject={syscall}:error=EIO" + (f":when={when}" if when else "")
    return sh("strace", "-f", "-o", "/dev/null", "-e", f"trace={syscall}", "-e", inject, kabar, "post",
              "--data", data, "-c", "warga", "-t", title, "--body", "sinkron gagal", check=False)


def check_no_trace_then_retry(checks, kabar, data, label, title, result, list_data=None):
    """The failed post (`result`, None when checked already) printed no id, exited non-zero and
    left nothing; a retry saves it once."""
    if result is not None:
        printed = result.stdout.strip()
        checks.check(f"{label}: `kabar post` exits non-zero and prints no id", result.returncode != 0
                     and not is_bulletin_id(printed),
                     f"exit {result.returncode}, {(result.stderr.strip() or printed)[:160]!r}")
    shown = titled(listed(kabar, list_data or data), title)
    checks.check(f"{label}: afterwards the post is nowhere (`list`)", not shown,
                 f"listed {len(shown)} time(s): the record outlived the failed sync (a retry duplicates it)"
                 if shown else "")
    retry = sh(kabar, "post", "--data", data, "-c", "warga", "-t", title, "--body", "sinkron gagal", check=False)
    shown = titled(listed(kabar, list_data or data), title)
    checks.check(f"{label}: a retry is saved and the post is listed exactly once",
                 retry.returncode == 0 and len(shown) == 1,
                 f"retry exit {retry.returncode}, listed {len(shown)} time(s)")
    return retry.stdout.strip()


class Traced:
    """strace attached to a running daemon, failing its fdatasync calls with EIO (every one, or the
    `when`th after the attach) until closed."""

    def __init__(self, daemon, when=""):
        inject = "inject=fdatasync:error=EIO" + (f":when={when}" if when else "")
        self.process = subprocess.Popen(["strace", "-f", "-p", str(daemon.process.pid), "-o", "/dev/null",
                                         "-e", "trace=fdatasync", "-e", inject], stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.attached = self.process.stderr.readline().strip()

    def close(self):
        self.process.send_signal(signal.SIGINT)  # strace detaches and leaves the daemon running
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def post_through(daemon, title, traced_when=None, checks=None):
    """`kabar post` through `daemon`, with strace failing its fdatasync when `traced_when` is not None."""
    tracer = Traced(daemon, traced_when) if traced_when is not None else None
    try:
        if tracer and checks:
            checks.require("strace attached to the daemon", "attached" in tracer.attached, tracer.attached)
        return daemon.cli("post", "-c", "warga", "-t", title, "--body", "sinkron gagal", check=False)
    finally:
        if tracer:
            tracer.close()


def step_fsync_failure(run):
    checks, kabar = run.checks, run.kabar
    if shutil.which("strace") is None:
        checks.require("strace is installed (.ci/run installs it)", False)
    # Offline: the store and its first segment exist, so the post's one sync is its fdatasync.
    for label, when in (("every fdatasync fails (offline)", ""), ("the record's fdatasync fails (offline)", "1")):
        data = os.path.join(run.work, f"fsync-offline{when}")
        sh(kabar, "init", "--data", data)
        sh(kabar, "status", "--data", data)
        title = f"Gagal fdatasync {when or 'semua'}"
        result = strace_post(kabar, data, "fdatasync", title, when)
        info(f"{label}: exit {result.returncode}: {result.stderr.strip()[:240]}")
        check_no_trace_then_retry(checks, kabar, data, label, title, result)
    # Offline into a new store: fsync of its first segment (the header) fails.
    data = os.path.join(run.work, "fsync-new-store")
    sh(kabar, "init", "--data", data)
    title = "Gagal fsync segmen"
    result = strace_post(kabar, data, "fsync", title, when="1")
    info(f"the new segment's fsync fails (offline): exit {result.returncode}: {result.stderr.strip()[:240]}")
    check_no_trace_then_retry(checks, kabar, data, "fsync of a new segment fails (offline)", title, result)
    # Through a daemon (which made the store): the record's fdatasync fails once, and the take-back syncs.
    data = os.path.join(run.work, "fsync-daemon")
    sh(kabar, "init", "--data", data)
    write_conf(data, PORT_A)
    daemon = run.daemon(data, PORT_A, "fsync-daemon")
    daemon.start()
    label = "the record's fdatasync fails in the daemon"
    title = "Gagal fdatasync lewat daemon"
    result = post_through(daemon, title, "1", checks)
    info(f"{label}: exit {result.returncode}: {result.stderr.strip()[:240]}")
    checks.require(f"{label}: the daemon still runs", daemon.running(),
                   "" if daemon.running() else daemon.log_tail(3).strip())
    check_no_trace_then_retry(checks, kabar, data, label, title, result)
    daemon.stop()
    daemon.start()
    shown = titled(listed(kabar, data), title)
    checks.check(f"{label}: after a restart the post is listed exactly once", len(shown) == 1,
                 f"listed {len(shown)} time(s)")
    # Every fdatasync fails: the take-back cannot be synced either, so the store refuses writes
    # until it is opened again (Store.md, "A failed sync is final").
    label = "every fdatasync fails in the daemon"
    title = "Gagal fdatasync dua kali lewat daemon"
    result = post_through(daemon, title, "", checks)
    info(f"{label}: exit {result.returncode}: {result.stderr.strip()[:240]}")
    checks.check(f"{label}: `kabar post` exits non-zero and prints no id",
                 result.returncode != 0 and not is_bulletin_id(result.stdout.strip()),
                 f"exit {result.returncode}, {(result.stderr.strip() or result.stdout.strip())[:160]!r}")
    if daemon.running():
        shown = titled(listed(kabar, data), title)
        checks.check(f"{label}: afterwards the post is not listed", not shown, f"listed {len(shown)} time(s)")
        refused = daemon.cli("post", "-c", "warga", "-t", title, "--body", "sinkron gagal", check=False)
        checks.check(f"{label}: the store refuses the next post until the node restarts (Store.md)",
                     refused.returncode != 0, f"exit {refused.returncode}, "
                     f"{(refused.stderr.strip() or refused.stdout.strip())[:160]!r}")
        daemon.stop()
    else:
        info(f"{label}: the daemon exited ({daemon.process.returncode})")
    daemon.start()
    check_no_trace_then_retry(checks, kabar, data, f"{label}, after a restart", title, None)
    daemon.stop()


def main():
    parser = argparse.ArgumentParser(description="Power cuts for real: kabar on a FUSE file system (issue 16).")
    parser.add_argument("kabar", nargs="?", default=".build/release/kabar")
    parser.add_argument("--cuts", type=int, default=200, help="power cuts in step 2 (default 200)")
    parser.add_argument("--seed", type=int, default=1, help="seed of every choice (default 1)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs, data) even when all passed")
    parser.add_argument("--steps", default="0123", help="which steps to run (default 0123)")
    arguments = parser.parse_args()
    kabar = os.path.abspath(arguments.kabar)
    if not os.access(kabar, os.X_OK):
        print(f"power-cut test: no kabar binary at {kabar}; build it first (swift build -c release)")
        return 1
    # CI's time limit ends a run with SIGTERM: the `finally` below must still unmount.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(f"power-cut test: stopped by signal {number}"))
    work = tempfile.mkdtemp(prefix="kpw")
    checks = Checks()
    run = Run(kabar, work, checks, arguments.cuts, arguments.seed, arguments.steps)
    started = time.monotonic()
    print(f"power-cut test: {kabar}, {arguments.cuts} cuts, seed {arguments.seed}; data and logs in {work}",
          flush=True)
    try:
        problem = probe_fuse(work)
        if problem:
            checks.check("the FUSE file system mounts", False, problem)
        else:
            run.launcher.open()
            mount_problem = run.fs.start()
            checks.require("the FUSE file system mounts", mount_problem is None, mount_problem or "")
            steps = [("0", "the file system loses what was not synced (positive control)", step_model),
                     ("1", "the first post into a new store survives a cut", step_fresh_folder),
                     ("2", f"{arguments.cuts} power cuts while A posts, imports and syncs with B", step_soak),
                     ("3", "fsync failure is final: a post whose sync failed leaves no trace", step_fsync_failure)]
            for number, title, function in steps:
                if number in arguments.steps:
                    run_step(run, f"{number}. {title}", function)
    except (StepAborted, TestFailure) as failure:
        checks.check("setup", False, str(failure))
    finally:
        for daemon in run.daemons:
            daemon.kill()
        for daemon in run.daemons:
            if daemon.process is not None:
                try:
                    daemon.process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
        run.fs.close()
        run.launcher.close()
        if checks.failed or arguments.keep:
            for daemon in run.daemons:
                if checks.failed:
                    print(f"--- last log lines of {daemon.log_path}\n{daemon.log_tail()}")
            print(f"data folders and logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if figures:
        print("measured:")
        for line in figures:
            print(f"  {line}")
    if checks.failures:
        print("failed: " + "; ".join(checks.failures))
        print(f"reproduce: {run.reproduce()}")
    print(f"power-cut test took {time.monotonic() - started:.1f} s")
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
