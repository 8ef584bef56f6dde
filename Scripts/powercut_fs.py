#!/usr/bin/env python3
"""A file system in user space that loses what was not synced when the power is cut (issue 16).

Scripts/power-cut-test.py runs it as a child process; it can also be driven by hand:

    python3 Scripts/powercut_fs.py MOUNTPOINT          (root, /dev/fuse, libfuse2 and fusepy)

Theory of operation. The whole file system lives in this process's memory. Every file keeps two
contents: the current one (what `read` returns: the page cache) and the durable one (what was
there at its last `fsync`/`fdatasync`: the card). Every directory keeps two tables of names the
same way. Every change not yet durable is also kept in one journal, in the order it was made, so
that a power cut can keep some of them. A power cut throws the current state away and builds the
tree again from the durable one; until the next mount every operation fails with EIO (the
processes that were using it are being killed); the remount makes the kernel forget its caches,
so the next process sees only what a disk would still hold.

Durability model (stricter than ext4's, as POSIX allows):

    file data and size     durable at fsync or fdatasync of that file (both flush both)
    a directory's names    durable at fsync of that directory (open O_DIRECTORY + fsync):
                           create, mknod (a socket), mkdir, rename, unlink, rmdir; a rename is
                           one change (atomic), and fsync of a file does not make its name durable
    mode, owner, times     durable at once (not modelled)
    at the first mount,    everything is durable
    or at `sync`

A power cut (`cut SEED`) keeps, chosen by SEED:

    drop     nothing that was not synced;
    prefix   the first k journal changes (writes, truncations, directory changes, in order), and
             the next one, when it is a write, torn at a 512-byte sector boundary;
    sectors  every unsynced 512-byte piece of written data, or not, each with even odds (a
             disk's write cache persists in any order), truncations likewise; names only as
             synced; a file grows to cover the pieces kept (the gaps read as zeros) and, with
             odds 1 in 4, keeps its unsynced size with zeros past the last piece (ext4 after a
             cut: the size grew, the blocks were never written).

Locks: no lock operation is offered, so the kernel keeps flock(2) and fcntl(2) locks itself
(within this mount, which is all the store needs). Sockets: `mknod` makes the node a unix socket
binds to; the kernel finds the listening socket by the node's inode, which a mount keeps.

Commands, one a line on standard input; each is answered with one line on standard output:

    arm N      freeze at the Nth change from now (write, truncate, fsync, fsyncdir, create, mknod,
               mkdir, rename, unlink, rmdir): that operation is neither done nor answered, and
               `frozen OP PATH` is printed at once (the caller then kills every process using
               the mount and cuts the power)
    disarm     no freeze after all (one that happened already stays: only a cut ends it);
               answers `disarmed`
    cut SEED [MODE]
               the power cut (MODE drawn from SEED unless given); answers `cut MODE kept=K lost=L torn=T journal=J`
    remount    unmounts (waiting for the last user to go) and mounts again; answers `mounted`
    sync       makes everything durable (`sync` on a real disk); answers `synced`
    stats      answers `stats` and counters (name=value)
    quit       unmounts and exits (so does the end of standard input)

On start it mounts and prints `mounted`. Errors go to standard error.
"""

import ctypes
import ctypes.util
import errno
import os
import random
import stat
import sys
import threading
import time

try:
    from fuse import FUSE, FuseOSError
except (ImportError, OSError, EnvironmentError) as problem:  # fusepy raises EnvironmentError without libfuse
    FUSE = None
    FUSE_PROBLEM = str(problem)
else:
    FUSE_PROBLEM = None

SECTOR_BYTES = 512
CAPACITY_BYTES = 4 << 30
UNMOUNT_WAIT_S = 10.0
MOUNT_WAIT_S = 10.0
MNT_DETACH = 2
CUT_MODES = ("drop", "prefix", "sectors")
CUT_WEIGHTS = (4, 3, 3)
CHANGES = frozenset(("write", "truncate", "fsync", "fsyncdir", "create", "mknod", "mkdir", "rename",
                     "unlink", "rmdir"))
# Answered even while the file system is dead: a killed process closing its files.
HARMLESS = frozenset(("release", "releasedir", "flush"))


class Node:
    """A file, a directory or a socket: current and durable content."""

    __slots__ = ("mode", "uid", "gid", "times", "data", "durable", "entries", "durable_entries")

    def __init__(self, mode, uid=0, gid=0):
        self.mode = mode
        self.uid = uid
        self.gid = gid
        now = time.time()
        self.times = [now, now, now]  # atime, mtime, ctime
        self.data = bytearray()
        self.durable = b""
        self.entries = {} if stat.S_ISDIR(mode) else None
        self.durable_entries = {} if stat.S_ISDIR(mode) else None

    @property
    def is_directory(self):
        return stat.S_ISDIR(self.mode)

    @property
    def is_file(self):
        return stat.S_ISREG(self.mode)


def split_path(path):
    parts = [part for part in path.split("/") if part]
    return parts[:-1], (parts[-1] if parts else "")


class PowerCutFS:
    """fusepy's operations (by name, through `__call__`), the journal and the power cut."""

    def __init__(self, mountpoint):
        self.mountpoint = os.path.abspath(mountpoint)
        self.root = Node(stat.S_IFDIR | 0o755)
        self.journal = []
        self.handles = {}
        self.next_handle = 1
        self.lock = threading.Lock()
        self.dead = False
        self.armed = None
        self.changes_since_arm = 0
        self.frozen = None
        self.mounted = threading.Event()
        self.quitting = False
        self.counters = {"cuts": 0, "mounts": 0, "writes": 0, "write_bytes": 0, "fsyncs": 0, "fsyncdirs": 0,
                         "renames": 0, "eio_after_cut": 0}

    # MARK: - Dispatch (fusepy calls the instance with the operation's name)

    def __call__(self, op, *args):
        if op in ("init", "destroy"):
            if op == "init":
                self.counters["mounts"] += 1
                self.mounted.set()
            return 0
        method = getattr(self, "op_" + op, None)
        if method is None:
            raise FuseOSError(errno.ENOSYS)
        self.lock.acquire()
        try:
            if self.dead:
                if op in HARMLESS:
                    return 0
                self.counters["eio_after_cut"] += 1
                raise FuseOSError(errno.EIO)
            if op in CHANGES and self.armed is not None:
                self.changes_since_arm += 1
                if self.changes_since_arm >= self.armed:
                    self.armed = None
                    self.frozen = threading.Event()
                    path = args[0] if args and isinstance(args[0], str) else "?"
                    if op == "rename":
                        path = f"{args[0]}->{args[1]}"
                    say(f"frozen {op} {path}")
                    frozen = self.frozen
                else:
                    return method(*args)
            else:
                return method(*args)
        finally:
            self.lock.release()
        # Frozen: nothing is done and nothing answered until the power is cut.
        frozen.wait()
        with self.lock:
            self.counters["eio_after_cut"] += 1
        raise FuseOSError(errno.EIO)

    # MARK: - Lookup

    def resolve(self, path):
        node = self.root
        for part in (part for part in path.split("/") if part):
            if not node.is_directory or part not in node.entries:
                raise FuseOSError(errno.ENOENT)
            node = node.entries[part]
        return node

    def parent_of(self, path):
        folders, name = split_path(path)
        parent = self.resolve("/" + "/".join(folders))
        if not parent.is_directory:
            raise FuseOSError(errno.ENOTDIR)
        return parent, name

    def node_for(self, path, handle):
        if handle is not None and handle in self.handles:
            return self.handles[handle]
        return self.resolve(path)

    def new_handle(self, node):
        handle = self.next_handle
        self.next_handle += 1
        self.handles[handle] = node
        return handle

    # MARK: - Attributes

    op_access = staticmethod(lambda path, amode: 0)

    def op_getattr(self, path, handle=None):
        node = self.node_for(path, handle)
        size = len(node.data) if node.is_file else (4096 if node.is_directory else 0)
        links = 2 + sum(1 for child in node.entries.values() if child.is_directory) if node.is_directory else 1
        return {"st_mode": node.mode, "st_nlink": links, "st_size": size, "st_uid": node.uid, "st_gid": node.gid,
                "st_atime": node.times[0], "st_mtime": node.times[1], "st_ctime": node.times[2],
                "st_blocks": (size + 511) // 512, "st_blksize": 4096}

    def op_chmod(self, path, mode):
        node = self.resolve(path)
        node.mode = stat.S_IFMT(node.mode) | stat.S_IMODE(mode)

    def op_chown(self, path, uid, gid):
        node = self.resolve(path)
        node.uid = node.uid if uid == 0xFFFFFFFF else uid
        node.gid = node.gid if gid == 0xFFFFFFFF else gid

    def op_utimens(self, path, times=None):
        node = self.resolve(path)
        now = time.time()
        node.times[0], node.times[1] = times if times else (now, now)

    def op_statfs(self, path):
        used = sum(len(node.data) for node in self.walk(self.root))
        free = max(0, CAPACITY_BYTES - used) // 4096
        return {"f_bsize": 4096, "f_frsize": 4096, "f_blocks": CAPACITY_BYTES // 4096, "f_bfree": free,
                "f_bavail": free, "f_files": 1 << 20, "f_ffree": 1 << 20, "f_favail": 1 << 20, "f_namemax": 255}

    def walk(self, node):
        yield node
        if node.is_directory:
            for child in node.entries.values():
                yield from self.walk(child)

    # MARK: - Directories

    def op_opendir(self, path):
        node = self.resolve(path)
        if not node.is_directory:
            raise FuseOSError(errno.ENOTDIR)
        return self.new_handle(node)

    def op_readdir(self, path, handle):
        node = self.node_for(path, handle)
        return [".", ".."] + sorted(node.entries)

    def op_releasedir(self, path, handle):
        self.handles.pop(handle, None)

    def op_fsyncdir(self, path, datasync, handle):
        node = self.node_for(path, handle)
        node.durable_entries = dict(node.entries)
        self.counters["fsyncdirs"] += 1
        kept = []
        for change in self.journal:
            kind = change[0]
            if kind in ("link", "unlink") and change[1] is node:
                continue
            if kind == "rename" and (change[1] is node or change[3] is node):
                _, source, source_name, target, target_name, moved = change
                if source is node and target is not node:
                    kept.append(("link", target, target_name, moved))
                elif target is node and source is not node:
                    kept.append(("unlink", source, source_name))
                continue
            kept.append(change)
        self.journal = kept

    def add_entry(self, path, mode):
        parent, name = self.parent_of(path)
        if name in parent.entries:
            raise FuseOSError(errno.EEXIST)
        node = Node(mode)
        parent.entries[name] = node
        parent.times[1] = parent.times[2] = time.time()
        self.journal.append(("link", parent, name, node))
        return node

    def op_mkdir(self, path, mode):
        self.add_entry(path, stat.S_IFDIR | stat.S_IMODE(mode))

    def op_mknod(self, path, mode, dev):
        if stat.S_IFMT(mode) not in (stat.S_IFREG, stat.S_IFSOCK, stat.S_IFIFO):
            raise FuseOSError(errno.EPERM)
        self.add_entry(path, mode)

    def remove_entry(self, path, want_directory):
        parent, name = self.parent_of(path)
        node = parent.entries.get(name)
        if node is None:
            raise FuseOSError(errno.ENOENT)
        if want_directory and not node.is_directory:
            raise FuseOSError(errno.ENOTDIR)
        if not want_directory and node.is_directory:
            raise FuseOSError(errno.EISDIR)
        if want_directory and node.entries:
            raise FuseOSError(errno.ENOTEMPTY)
        del parent.entries[name]
        parent.times[1] = parent.times[2] = time.time()
        self.journal.append(("unlink", parent, name))

    def op_unlink(self, path):
        self.remove_entry(path, want_directory=False)

    def op_rmdir(self, path):
        self.remove_entry(path, want_directory=True)

    def op_rename(self, old, new):
        source, source_name = self.parent_of(old)
        target, target_name = self.parent_of(new)
        node = source.entries.get(source_name)
        if node is None:
            raise FuseOSError(errno.ENOENT)
        replaced = target.entries.get(target_name)
        if replaced is not None and replaced is not node:
            if replaced.is_directory and not node.is_directory:
                raise FuseOSError(errno.EISDIR)
            if node.is_directory and not replaced.is_directory:
                raise FuseOSError(errno.ENOTDIR)
            if replaced.is_directory and replaced.entries:
                raise FuseOSError(errno.ENOTEMPTY)
        del source.entries[source_name]
        target.entries[target_name] = node
        self.counters["renames"] += 1
        self.journal.append(("rename", source, source_name, target, target_name, node))

    # MARK: - Files

    def op_create(self, path, mode, fi=None):
        parent, name = self.parent_of(path)
        node = parent.entries.get(name)
        if node is None:
            node = self.add_entry(path, stat.S_IFREG | stat.S_IMODE(mode))
        return self.new_handle(node)

    def op_open(self, path, flags):
        node = self.resolve(path)
        if node.is_directory:
            raise FuseOSError(errno.EISDIR)
        return self.new_handle(node)

    def op_release(self, path, handle):
        self.handles.pop(handle, None)

    op_flush = staticmethod(lambda path, handle: 0)

    def op_read(self, path, size, offset, handle):
        node = self.node_for(path, handle)
        return bytes(node.data[offset:offset + size])

    def op_write(self, path, data, offset, handle):
        node = self.node_for(path, handle)
        write_into(node.data, offset, data)
        node.times[1] = node.times[2] = time.time()
        self.journal.append(("write", node, offset, data))
        self.counters["writes"] += 1
        self.counters["write_bytes"] += len(data)
        return len(data)

    def op_truncate(self, path, length, handle=None):
        node = self.node_for(path, handle)
        if not node.is_file:
            raise FuseOSError(errno.EISDIR if node.is_directory else errno.EINVAL)
        resize(node.data, length)
        node.times[1] = node.times[2] = time.time()
        self.journal.append(("truncate", node, length))

    def op_fsync(self, path, datasync, handle):
        node = self.node_for(path, handle)
        self.counters["fsyncs"] += 1
        if node.is_directory:
            return self.op_fsyncdir(path, datasync, None)
        node.durable = bytes(node.data)
        self.journal = [change for change in self.journal
                        if not (change[0] in ("write", "truncate") and change[1] is node)]

    # MARK: - Power

    def make_durable(self):
        for node in self.walk(self.root):
            if node.is_directory:
                node.durable_entries = dict(node.entries)
            else:
                node.durable = bytes(node.data)
        self.journal = []

    def cut(self, seed, mode=None):
        """Replaces the tree by what a disk would hold after a power cut now (see the module's doc);
        `mode` is drawn from `seed` unless given."""
        rng = random.Random(seed)
        drawn = rng.choices(CUT_MODES, CUT_WEIGHTS)[0]
        mode = mode or drawn
        after = AfterCut()
        journal = self.journal
        kept = lost = torn = 0
        if mode == "prefix":
            kept = rng.randint(0, len(journal))
            lost = len(journal) - kept
            for change in journal[:kept]:
                after.apply(change)
            if kept < len(journal) and journal[kept][0] == "write":
                _, node, offset, data = journal[kept]
                first = (offset // SECTOR_BYTES + 1) * SECTOR_BYTES
                boundaries = list(range(first, offset + len(data), SECTOR_BYTES))
                if boundaries:
                    end = rng.choice(boundaries)
                    after.apply(("write", node, offset, data[:end - offset]))
                    torn = 1
        elif mode == "sectors":
            written = {}
            for change in journal:
                if change[0] == "write":
                    _, node, offset, data = change
                    written.setdefault(id(node), node)
                    for start, piece in sector_pieces(offset, data):
                        if rng.random() < 0.5:
                            after.apply(("write", node, start, piece))
                            kept += 1
                        else:
                            lost += 1
                elif change[0] == "truncate":
                    if rng.random() < 0.5:
                        after.apply(change)
                        kept += 1
                    else:
                        lost += 1
                else:
                    lost += 1
            for node in written.values():
                if rng.random() < 0.25:
                    content = after.content(node)
                    resize(content, max(len(content), len(node.data)))
        else:
            lost = len(journal)
        after.install(self.root)
        self.journal = []
        self.handles.clear()
        self.counters["cuts"] += 1
        return f"cut {mode} kept={kept} lost={lost} torn={torn} journal={len(journal)}"


# fusepy offers the kernel only the operations the object has an attribute for, by their names.
for _name in [name[3:] for name in dir(PowerCutFS) if name.startswith("op_")] + ["init", "destroy"]:
    setattr(PowerCutFS, _name, True)


class AfterCut:
    """The contents and names a disk holds after a cut: the durable ones, plus the changes kept."""

    def __init__(self):
        self.contents = {}
        self.tables = {}

    def content(self, node):
        if id(node) not in self.contents:
            self.contents[id(node)] = (node, bytearray(node.durable))
        return self.contents[id(node)][1]

    def table(self, directory):
        if id(directory) not in self.tables:
            self.tables[id(directory)] = (directory, dict(directory.durable_entries))
        return self.tables[id(directory)][1]

    def apply(self, change):
        kind = change[0]
        if kind == "write":
            write_into(self.content(change[1]), change[2], change[3])
        elif kind == "truncate":
            resize(self.content(change[1]), change[2])
        elif kind == "link":
            self.table(change[1])[change[2]] = change[3]
        elif kind == "unlink":
            self.table(change[1]).pop(change[2], None)
        elif kind == "rename":
            _, source, source_name, target, target_name, node = change
            if self.table(source).get(source_name) is node:
                del self.table(source)[source_name]
            self.table(target)[target_name] = node

    def install(self, root):
        """Makes the after-cut state current and durable, for every node still reachable."""
        stack, seen = [root], set()
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if node.is_directory:
                entries = self.table(node)
                node.entries = dict(entries)
                node.durable_entries = dict(entries)
                stack.extend(entries.values())
            elif node.is_file:
                node.data = bytearray(self.content(node))
                node.durable = bytes(node.data)


def write_into(buffer, offset, data):
    if offset > len(buffer):
        buffer.extend(bytes(offset - len(buffer)))
    buffer[offset:offset + len(data)] = data


def sector_pieces(offset, data):
    """`data` written at `offset`, cut where 512-byte sectors begin: (offset, bytes) pairs."""
    start = offset
    while start < offset + len(data):
        end = min(offset + len(data), (start // SECTOR_BYTES + 1) * SECTOR_BYTES)
        yield start, data[start - offset:end - offset]
        start = end


def resize(buffer, length):
    if length < len(buffer):
        del buffer[length:]
    else:
        buffer.extend(bytes(length - len(buffer)))


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def unmount(mountpoint):
    """umount2(2), waiting up to UNMOUNT_WAIT_S for the last user to go, then detaching it."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    deadline = time.monotonic() + UNMOUNT_WAIT_S
    while True:
        if libc.umount2(mountpoint.encode(), 0) == 0:
            return True
        code = ctypes.get_errno()
        if code in (errno.EINVAL, errno.ENOENT):
            return False  # not mounted
        if code != errno.EBUSY or time.monotonic() > deadline:
            print(f"powercut_fs: umount {mountpoint}: {os.strerror(code)}; detaching it", file=sys.stderr)
            libc.umount2(mountpoint.encode(), MNT_DETACH)
            return True
        time.sleep(0.01)


def control(fs):
    """Reads commands from standard input (see the module's doc); the end of input quits."""
    if not fs.mounted.wait(MOUNT_WAIT_S):
        say("error: the file system did not mount")
        os._exit(1)
    say("mounted")
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        command = words[0]
        if command == "arm":
            with fs.lock:
                fs.armed = max(1, int(words[1]))
                fs.changes_since_arm = 0
            say(f"armed {fs.armed}")
        elif command == "disarm":
            with fs.lock:
                fs.armed = None
            say("disarmed")
        elif command == "cut":
            with fs.lock:
                fs.armed = None
                if len(words) > 2 and words[2] not in CUT_MODES:
                    say(f"error: no cut mode {words[2]} (one of {', '.join(CUT_MODES)})")
                    continue
                summary = fs.cut(int(words[1]), words[2] if len(words) > 2 else None)
                fs.dead = True
                if fs.frozen is not None:
                    fs.frozen.set()
                    fs.frozen = None
            say(summary)
        elif command == "remount":
            fs.mounted.clear()
            unmount(fs.mountpoint)
            if not fs.mounted.wait(MOUNT_WAIT_S):
                say("error: the file system did not mount again (is the old mount still in use, for example "
                    "copied into another mount namespace?)")
                continue
            say("mounted")
        elif command == "sync":
            with fs.lock:
                fs.make_durable()
            say("synced")
        elif command == "stats":
            with fs.lock:
                say("stats " + " ".join(f"{key}={value}" for key, value in sorted(fs.counters.items()))
                    + f" journal={len(fs.journal)}")
        elif command == "quit":
            break
        else:
            say(f"error: unknown command {command}")
    fs.quitting = True
    with fs.lock:
        fs.dead = True
        if fs.frozen is not None:
            fs.frozen.set()
    unmount(fs.mountpoint)


def main():
    if len(sys.argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    if FUSE is None:
        say(f"error: fusepy or libfuse2 is missing ({FUSE_PROBLEM})")
        return 1
    fs = PowerCutFS(sys.argv[1])
    threading.Thread(target=control, args=(fs,), daemon=True).start()
    while not fs.quitting:
        # One mount; it returns when `remount` or `quit` unmounts it.
        try:
            FUSE(fs, fs.mountpoint, foreground=True, nothreads=True, fsname="powercut", hard_remove=True,
                 big_writes=True, attr_timeout=0, entry_timeout=0, negative_timeout=0)
        except RuntimeError as problem:
            say(f"error: mounting {fs.mountpoint} failed ({problem})")
            os._exit(1)
        with fs.lock:
            fs.dead = False
            fs.handles.clear()
    return 0


if __name__ == "__main__":
    sys.exit(main())
