"""Daemons in network namespaces on one bridge: the harness the real-network tests share.

Used by Scripts/reach-netns-test.py (not run on its own). The older tests (netns-test.py,
spam-netns-test.py, attachments-netns-test.py) still carry their own copy of these helpers;
new tests import this one.

A lab is a hub namespace PREFIXhub holding one bridge, and a namespace PREFIXname per host with
one veth on that bridge at NET.host/24, so every host hears every other's broadcast (Kabar's
discovery) as on one hall LAN:

    PREFIXa  NET.1 eth0 --+
    PREFIXb  NET.2 eth0 --+-- br0 (PREFIXhub)
    PREFIXc  NET.3 eth0 --+

Namespaces a killed run left behind are removed first; `close()` removes everything. Where
namespaces cannot be made (not root, no iproute2, a container without the rights),
`probe_namespaces` says so and exits 0: skipped, not failed.
"""

import json
import os
import shutil
import subprocess
import sys
import time

POLL_S = 0.2


class TestFailure(Exception):
    """A check failed: the test prints it with the daemons' last log lines and exits 1."""


def sh(*args, check=True, timeout=None, input=None):
    """Runs a command; raises with its output when it fails and `check` is set."""
    result = subprocess.run(args, capture_output=True, text=True, timeout=timeout, input=input)
    if check and result.returncode != 0:
        raise TestFailure(f"command failed ({result.returncode}): {' '.join(args)}\n{result.stderr.strip()}")
    return result


def probe_namespaces(prefix, what):
    """Exits 0 with a SKIPPED line naming `what` when network namespaces cannot be made here."""
    def skip(reason):
        print(f"{what} SKIPPED: {reason}")
        sys.exit(0)
    if os.geteuid() != 0:
        skip("not running as root (network namespaces need CAP_SYS_ADMIN)")
    if shutil.which("ip") is None:
        skip("iproute2's 'ip' is not installed")
    probe = prefix + "probe"
    result = sh("ip", "netns", "add", probe, check=False)
    if result.returncode != 0:
        skip(f"'ip netns add' failed here: {result.stderr.strip()}")
    sh("ip", "netns", "del", probe, check=False)


def wait_until(condition, timeout, what, poll=POLL_S):
    """Polls `condition` until it returns something true; returns (seconds taken, that value);
    raises after `timeout` seconds."""
    start = time.monotonic()
    while True:
        value = condition()
        if value:
            return time.monotonic() - start, value
        if time.monotonic() - start > timeout:
            raise TestFailure(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(poll)


class Lab:
    """The hub namespace with one bridge and a namespace per host on NET.host/24."""

    def __init__(self, prefix, net):
        self.prefix = prefix
        self.net = net
        self.names = []

    def ns(self, name):
        return self.prefix + name

    def _add_namespace(self, name):
        sh("ip", "netns", "add", self.ns(name))
        self.names.append(self.ns(name))
        sh("ip", "-n", self.ns(name), "link", "set", "lo", "up")

    def build(self, hosts):
        """`hosts`: {name: last octet}. Removes this prefix's leftovers first."""
        for line in sh("ip", "netns", "list").stdout.splitlines():
            name = line.split()[0] if line.split() else ""
            if name.startswith(self.prefix):
                sh("ip", "netns", "del", name, check=False)
        self._add_namespace("hub")
        sh("ip", "-n", self.ns("hub"), "link", "add", "br0", "type", "bridge")
        sh("ip", "-n", self.ns("hub"), "link", "set", "br0", "up")
        for name, host in hosts.items():
            self._add_namespace(name)
            outside = (self.prefix + name)[:15]
            sh("ip", "link", "add", outside, "type", "veth", "peer", "name", "eth0", "netns", self.ns(name))
            sh("ip", "link", "set", outside, "netns", self.ns("hub"))
            sh("ip", "-n", self.ns("hub"), "link", "set", outside, "master", "br0", "up")
            sh("ip", "-n", self.ns(name), "addr", "add", f"{self.net}.{host}/24", "brd", "+", "dev", "eth0")
            sh("ip", "-n", self.ns(name), "link", "set", "eth0", "up")

    def close(self):
        for name in reversed(self.names):
            sh("ip", "netns", "del", name, check=False)
        self.names = []


class Node:
    """One `kabar run --no-repl` in a lab namespace, with its data folder, kabar.conf and log.
    Commands (`cli`) reach it through its control socket, a file: from any namespace."""

    def __init__(self, kabar, lab, work, name, label=None, conf=()):
        self.kabar = kabar
        self.lab = lab
        self.name = name
        self.data = os.path.join(work, name)
        self.log_path = os.path.join(work, name + ".log")
        self.process = None
        sh(kabar, "init", "--data", self.data, "--label", label or name)
        self.key = sh(kabar, "id", "--data", self.data).stdout.strip()
        self.write_conf(conf)

    def write_conf(self, lines):
        with open(os.path.join(self.data, "kabar.conf"), "w") as conf:
            conf.write("".join(line + "\n" for line in lines))

    def start(self):
        """Starts the daemon (the web board off: these tests do not need it)."""
        arguments = ["ip", "netns", "exec", self.lab.ns(self.name), self.kabar, "run", "--data", self.data, "--no-repl"]
        log = open(self.log_path, "a")
        self.process = subprocess.Popen(arguments, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        log.close()

    def wait_started(self, timeout=60):
        wait_until(self.answers, timeout, f"{self.name} to start")

    def answers(self):
        if self.process is not None and self.process.poll() is not None:
            raise TestFailure(f"{self.name} exited ({self.process.returncode}):\n{self.log_tail()}")
        if not os.path.exists(os.path.join(self.data, "control.sock")):
            return False
        result = self.cli("status", "--json", check=False)
        try:
            return result.returncode == 0 and json.loads(result.stdout).get("running") is True
        except ValueError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def cli(self, *args, check=True, timeout=60, input=None):
        return sh(self.kabar, *args, "--data", self.data, check=check, timeout=timeout, input=input)

    def json(self, *args):
        """`kabar ARGS --json` parsed; None when the command fails."""
        result = self.cli(*args, "--json", check=False)
        if result.returncode != 0:
            return None
        try:
            return json.loads(result.stdout)
        except ValueError:
            return None

    def log_tail(self, lines=15):
        try:
            with open(self.log_path) as log:
                return "".join(log.readlines()[-lines:])
        except OSError:
            return "(no log)"
