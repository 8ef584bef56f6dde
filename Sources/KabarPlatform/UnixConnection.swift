#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One non-blocking AF_UNIX stream connection: a control-socket client as the daemon sees it, or
/// the daemon as the CLI sees it. The descriptor is closed by `close()` or when it is released.
public final class UnixConnection {
    /// The descriptor, for a `Poller`.
    public let descriptor: Int32
    /// The socket path it came through (for messages).
    public let path: String
    private var isClosed = false

    init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    /// Connects to the listener at `path` (`socket`, `connect`). Throws `SystemError` with
    /// `ENOENT` or `ECONNREFUSED` when no daemon is listening there.
    public static func connect(to path: String) throws -> UnixConnection {
        UnixConnection(descriptor: try UnixSocketCalls.connectStream(to: path), path: path)
    }

    deinit { close() }

    /// Closes the descriptor (`close`). Calling it again does nothing.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        SocketCalls.closeSocket(descriptor)
    }

    /// Reads what is there, up to `buffer.count` bytes, with `recv`.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> StreamRead {
        try SocketCalls.receive(descriptor, into: buffer, name: "recv(\(path))")
    }

    /// Reads into `buffer` (its whole count is the limit); see `read(into:)`.
    public func read(into buffer: inout [UInt8]) throws -> StreamRead {
        try buffer.withUnsafeMutableBytes { try read(into: $0) }
    }

    /// Writes what the socket takes now, with `send(MSG_NOSIGNAL)` (a peer that hung up is an
    /// `EPIPE` error, not a SIGPIPE). Returns the bytes taken, possibly fewer than given; nil when
    /// the socket buffer is full.
    public func write(_ bytes: UnsafeRawBufferPointer) throws -> Int? {
        try SocketCalls.send(descriptor, bytes, name: "send(\(path))")
    }

    /// Writes all of `bytes`, carrying on after partial writes and waiting (`poll`) while the
    /// socket buffer is full, until the monotonic `deadline` (microseconds; nil: no limit), after
    /// which it throws `.timedOut`. Meant for the CLI and for short replies; a daemon that must
    /// never stall keeps its own outgoing buffer and uses `write(_:)`.
    public func writeAll(_ bytes: [UInt8], until deadline: Int64? = nil) throws {
        guard try SocketCalls.sendAll(descriptor, bytes, until: deadline, name: "send(\(path))") else {
            throw UnixSocketError.timedOut(path: path)
        }
    }

    /// Waits (`poll`) until a read would not block, then reads; `.endOfStream` when the peer
    /// closed; throws `.timedOut` at the monotonic `deadline` (microseconds; nil: no limit).
    public func read(into buffer: inout [UInt8], until deadline: Int64?) throws -> StreamRead {
        guard let result = try SocketCalls.receiveWaiting(descriptor, into: &buffer, until: deadline, name: "recv(\(path))") else {
            throw UnixSocketError.timedOut(path: path)
        }
        return result
    }

    /// The peer's process, user and group ids, with `getsockopt(SO_PEERCRED)`.
    public func peerCredentials() throws -> PeerCredentials {
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }: three 32-bit fields on Linux.
        var raw: (Int32, UInt32, UInt32) = (0, 0, 0)
        var length = socklen_t(MemoryLayout<(Int32, UInt32, UInt32)>.size)
        try Syscall.retrying("getsockopt(SO_PEERCRED)") {
            getsockopt(descriptor, SOL_SOCKET, SO_PEERCRED, &raw, &length)
        }
        return PeerCredentials(processID: raw.0, userID: raw.1, groupID: raw.2)
    }
}
