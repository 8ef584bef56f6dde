#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The raw socket calls shared by `UDPSocket`, the Unix-domain sockets and the TCP sockets, each
/// a thin wrapper that throws `SystemError` naming the C function (and, for options, the
/// option). Stream reads, writes and waits live here once, for `UnixConnection` and
/// `TCPConnection` alike.
enum SocketCalls {
    /// A new non-blocking, close-on-exec socket, with `socket(2)`.
    static func open(domain: Int32, type: Int32) throws -> Int32 {
        let flags = Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        return try Syscall.retrying("socket") { socket(domain, type | flags, 0) }
    }

    /// Sets an integer option, with `setsockopt(2)`. `name` goes into the error message.
    static func setOption(_ descriptor: Int32, level: Int32, option: Int32, value: Int32, name: String) throws {
        var value = value
        try Syscall.retrying("setsockopt(\(name))") {
            setsockopt(descriptor, level, option, &value, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    /// Reads an integer option, with `getsockopt(2)`.
    static func option(_ descriptor: Int32, level: Int32, option: Int32, name: String) throws -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        try Syscall.retrying("getsockopt(\(name))") { getsockopt(descriptor, level, option, &value, &length) }
        return value
    }

    /// Binds to an IP address, with `bind(2)`.
    static func bindSocket(_ descriptor: Int32, to address: SocketAddress) throws {
        _ = try address.withSocketAddress { pointer, length in
            try Syscall.retrying("bind(\(address))") { bind(descriptor, pointer, length) }
        }
    }

    /// The address a socket is bound to, with `getsockname(2)`.
    static func localAddress(_ descriptor: Int32) throws -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try withUnsafeMutablePointer(to: &storage) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                try Syscall.retrying("getsockname") { getsockname(descriptor, raw, &length) }
            }
        }
        return try SocketAddress(storage: storage)
    }

    /// Closes a descriptor, with `close(2)`. Not retried on EINTR: on Linux the descriptor is
    /// already released then, and a retry could close a descriptor another thread just opened.
    static func closeSocket(_ descriptor: Int32) {
        _ = close(descriptor)
    }

    // MARK: - Streams

    /// Reads what is there, up to `buffer.count` bytes, with `recv(2)`. `name` goes into errors.
    static func receive(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, name: String) throws -> StreamRead {
        guard let count = try Syscall.retryingNonBlocking(name, { recv(descriptor, buffer.baseAddress, buffer.count, 0) })
        else { return .wouldBlock }
        return count == 0 ? .endOfStream : .bytes(count)
    }

    /// Writes what the socket takes now, with `send(MSG_NOSIGNAL)` (a peer that hung up is an
    /// `EPIPE` error, not a SIGPIPE). The bytes taken, possibly fewer than given; nil when full.
    static func send(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, name: String) throws -> Int? {
        try Syscall.retryingNonBlocking(name) { sendWithoutSignal(descriptor, bytes) }
    }

    /// Writes all of `bytes`, carrying on after partial writes and waiting (`poll`) while the
    /// socket buffer is full. False when the monotonic `deadline` (microseconds; nil: none)
    /// passed first.
    static func sendAll(_ descriptor: Int32, _ bytes: [UInt8], until deadline: Int64?, name: String) throws -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = try bytes.withUnsafeBytes { try send(descriptor, UnsafeRawBufferPointer(rebasing: $0[offset...]), name: name) }
            if let written {
                offset += written
            } else if try !wait(descriptor, for: .writable, until: deadline) {
                return false
            }
        }
        return true
    }

    /// Waits (`poll`) until a read would not block, then reads; nil when the monotonic
    /// `deadline` (microseconds; nil: none) passed first.
    static func receiveWaiting(_ descriptor: Int32, into buffer: inout [UInt8], until deadline: Int64?, name: String) throws -> StreamRead? {
        while true {
            let result = try buffer.withUnsafeMutableBytes { try receive(descriptor, into: $0, name: name) }
            if result != .wouldBlock { return result }
            if try !wait(descriptor, for: .readable, until: deadline) { return nil }
        }
    }

    /// Sleeps (`poll`) until `descriptor` is ready for `events` or `deadline` comes; false,
    /// without sleeping, when the deadline has already passed.
    static func wait(_ descriptor: Int32, for events: PollEvents, until deadline: Int64?) throws -> Bool {
        var poller = Poller()
        poller.watch(descriptor, for: events)
        let timeout = Poller.timeoutMilliseconds(until: deadline, now: MonotonicClock.now())
        if timeout == 0 { return false }
        _ = try poller.wait(timeoutMilliseconds: timeout)
        return true
    }

    /// Says no more will be sent (`shutdown(SHUT_WR)`): the peer reads end-of-stream after what
    /// was sent, while this side may still read.
    static func shutdownWriting(_ descriptor: Int32, name: String) throws {
        try Syscall.retrying(name) { shutdown(descriptor, Int32(SHUT_WR)) }
    }
}

/// `send(2)` with `MSG_NOSIGNAL`. At file scope so the name is not shadowed by `SocketCalls.send`.
private func sendWithoutSignal(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
    send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
}
