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
        guard let count = try Syscall.retryingNonBlocking("recv(\(path))", {
            recv(descriptor, buffer.baseAddress, buffer.count, 0)
        }) else { return .wouldBlock }
        return count == 0 ? .endOfStream : .bytes(count)
    }

    /// Reads into `buffer` (its whole count is the limit); see `read(into:)`.
    public func read(into buffer: inout [UInt8]) throws -> StreamRead {
        try buffer.withUnsafeMutableBytes { try read(into: $0) }
    }

    /// Writes what the socket takes now, with `send(MSG_NOSIGNAL)` (a peer that hung up is an
    /// `EPIPE` error, not a SIGPIPE). Returns the bytes taken, possibly fewer than given; nil when
    /// the socket buffer is full.
    public func write(_ bytes: UnsafeRawBufferPointer) throws -> Int? {
        try Syscall.retryingNonBlocking("send(\(path))") {
            send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
        }
    }

    /// Writes all of `bytes`, carrying on after partial writes and waiting (`poll`) while the
    /// socket buffer is full, until the monotonic `deadline` (microseconds; nil: no limit), after
    /// which it throws `.timedOut`. Meant for the CLI and for short replies; a daemon that must
    /// never stall keeps its own outgoing buffer and uses `write(_:)`.
    public func writeAll(_ bytes: [UInt8], until deadline: Int64? = nil) throws {
        var offset = 0
        while offset < bytes.count {
            let written = try bytes.withUnsafeBytes { try write(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            if let written {
                offset += written
            } else {
                try waitUntil(.writable, deadline: deadline)
            }
        }
    }

    /// Waits (`poll`) until a read would not block, then reads; `.endOfStream` when the peer
    /// closed; throws `.timedOut` at the monotonic `deadline` (microseconds; nil: no limit).
    public func read(into buffer: inout [UInt8], until deadline: Int64?) throws -> StreamRead {
        while true {
            let result = try read(into: &buffer)
            if result != .wouldBlock { return result }
            try waitUntil(.readable, deadline: deadline)
        }
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

    private func waitUntil(_ events: PollEvents, deadline: Int64?) throws {
        var poller = Poller()
        poller.watch(descriptor, for: events)
        let timeout = Poller.timeoutMilliseconds(until: deadline, now: MonotonicClock.now())
        if timeout == 0 { throw UnixSocketError.timedOut(path: path) }
        _ = try poller.wait(timeoutMilliseconds: timeout)
    }
}
