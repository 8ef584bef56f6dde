#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A listening AF_UNIX stream socket: the daemon's control socket, readable and writable only by
/// the user the daemon runs as (mode 0600).
///
///     let control = try UnixListener(listeningAt: dataFolder + "/control.sock")
///     poller.watch(control.descriptor, for: .readable)
///     while let client = try control.accept() { ... }
public final class UnixListener {
    /// The listening descriptor, for a `Poller` (readable: a client is waiting).
    public let descriptor: Int32
    /// Where it listens.
    public let path: String
    private let inode: UInt
    private var isClosed = false

    /// Listens at `path` (`socket`, `bind`, `chmod`, `listen`).
    ///
    /// A socket left at `path` by a daemon that died is removed (`unlink`) only after a
    /// `connect` to it is refused: if something answers, this throws `.alreadyInUse` and leaves it
    /// alone. Anything that is not a socket is never removed (`.notASocket`). The socket file is
    /// set to 0600 between `bind` and `listen`: until `listen` every `connect` is refused, so no
    /// one reaches it while its mode is wider. (No `umask`: it is process-wide, and another
    /// thread creating a folder meanwhile would get the narrow mask too.)
    public init(listeningAt path: String, backlog: Int32 = 16) throws {
        try Self.removeStaleSocket(at: path)
        descriptor = try SocketCalls.open(domain: AF_UNIX, type: Int32(SOCK_STREAM.rawValue))
        self.path = path
        do {
            try Self.bindPrivately(descriptor, to: path)
            try Syscall.retrying("chmod(\(path))") { chmod(path, 0o600) }
            inode = try Self.inode(at: path) ?? 0
            try Syscall.retrying("listen(\(path))") { listen(descriptor, backlog) }
        } catch {
            SocketCalls.closeSocket(descriptor)
            isClosed = true
            throw error
        }
    }

    deinit { close() }

    /// Stops listening (`close`) and removes the socket file (`unlink`) if it is still the one
    /// this listener created. Calling it again does nothing.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        SocketCalls.closeSocket(descriptor)
        if let current = try? Self.inode(at: path), current == inode { _ = unlink(path) }
    }

    /// Takes one waiting client (`accept`), non-blocking and close-on-exec; nil when none waits.
    public func accept() throws -> UnixConnection? {
        guard let client = try Syscall.retryingNonBlocking("accept(\(path))", { acceptClient(descriptor) })
        else { return nil }
        do {
            try StopSignals.makeNonBlockingAndCloseOnExec(client)
        } catch {
            SocketCalls.closeSocket(client)
            throw error
        }
        return UnixConnection(descriptor: client, path: path)
    }

    private static func bindPrivately(_ descriptor: Int32, to path: String) throws {
        _ = try UnixSocketCalls.withAddress(path) { address, length in
            try Syscall.retrying("bind(\(path))") { bind(descriptor, address, length) }
        }
    }

    /// Removes a socket at `path` that no process listens on; see `init(listeningAt:)`.
    private static func removeStaleSocket(at path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw SystemError("lstat(\(path))")
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else { throw UnixSocketError.notASocket(path: path) }
        do {
            SocketCalls.closeSocket(try UnixSocketCalls.connectStream(to: path))
            throw UnixSocketError.alreadyInUse(path: path)
        } catch let error as SystemError where error.code == ECONNREFUSED {
            try Syscall.retrying("unlink(\(path))") { unlink(path) }
        } catch let error as SystemError where error.code == EAGAIN {
            throw UnixSocketError.alreadyInUse(path: path)  // a listener with a full backlog
        }
    }

    private static func inode(at path: String) throws -> UInt? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return UInt(info.st_ino)
    }
}

/// `accept(2)` without the peer's address (a Unix client has none worth reading). At file scope
/// so the name is not shadowed by `UnixListener.accept()`.
private func acceptClient(_ descriptor: Int32) -> Int32 {
    accept(descriptor, nil, nil)
}
