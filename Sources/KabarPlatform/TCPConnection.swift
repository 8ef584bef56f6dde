#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One non-blocking TCP connection: a web client as the node sees it (from
/// `TCPListener.accept()`), or the node as a client (`connect(to:)`, for tests and probes).
/// Shaped like `UnixConnection`, with which it shares its calls (`SocketCalls`). The descriptor
/// is closed by `close()` or when the connection is released.
public final class TCPConnection {
    /// The descriptor, for a `Poller`.
    public let descriptor: Int32
    /// The other end's address; an IPv4 client of a dual-stack listener is reported as IPv4.
    public let peerAddress: SocketAddress
    private var isClosed = false

    /// Wraps a descriptor `accept` gave, with the peer address it wrote.
    init(accepted descriptor: Int32, peer storage: sockaddr_storage) throws {
        self.descriptor = descriptor
        do {
            peerAddress = try SocketAddress(storage: storage).ipv4Unmapped
        } catch {
            SocketCalls.closeSocket(descriptor)
            throw error
        }
    }

    private init(connected descriptor: Int32, to address: SocketAddress) {
        self.descriptor = descriptor
        peerAddress = address
    }

    /// Connects to `address` (`socket`, `connect`, then `poll` until the handshake ends), giving
    /// up with `TCPSocketError.timedOut` at the monotonic `deadline` (microseconds; nil: no
    /// limit). A refused connection is `SystemError` with `ECONNREFUSED`.
    public static func connect(to address: SocketAddress, until deadline: Int64? = nil) throws -> TCPConnection {
        let descriptor = try SocketCalls.open(domain: address.family, type: Int32(SOCK_STREAM.rawValue))
        do {
            try finishConnecting(descriptor, to: address, until: deadline)
            return TCPConnection(connected: descriptor, to: address)
        } catch {
            SocketCalls.closeSocket(descriptor)
            throw error
        }
    }

    deinit { close() }

    /// Closes the descriptor (`close`). Calling it again does nothing.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        SocketCalls.closeSocket(descriptor)
    }

    /// The local end's address (`getsockname`).
    public func localAddress() throws -> SocketAddress {
        try SocketCalls.localAddress(descriptor)
    }

    /// Reads what is there, up to `buffer.count` bytes, with `recv`.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> StreamRead {
        try SocketCalls.receive(descriptor, into: buffer, name: "recv(\(peerAddress))")
    }

    /// Reads into `buffer` (its whole count is the limit); see `read(into:)`.
    public func read(into buffer: inout [UInt8]) throws -> StreamRead {
        try buffer.withUnsafeMutableBytes { try read(into: $0) }
    }

    /// Writes what the socket takes now, with `send(MSG_NOSIGNAL)` (a peer that hung up is an
    /// `EPIPE` or `ECONNRESET` error, not a SIGPIPE). Returns the bytes taken, possibly fewer than
    /// given; nil when the socket buffer is full.
    public func write(_ bytes: UnsafeRawBufferPointer) throws -> Int? {
        try SocketCalls.send(descriptor, bytes, name: "send(\(peerAddress))")
    }

    /// Writes all of `bytes`, waiting (`poll`) while the socket buffer is full, until the
    /// monotonic `deadline` (microseconds; nil: no limit), then throws `.timedOut`. For clients
    /// and tests; a server that must never stall keeps its own buffer and uses `write(_:)`.
    public func writeAll(_ bytes: [UInt8], until deadline: Int64? = nil) throws {
        guard try SocketCalls.sendAll(descriptor, bytes, until: deadline, name: "send(\(peerAddress))") else {
            throw TCPSocketError.timedOut(peerAddress)
        }
    }

    /// Waits (`poll`) until a read would not block, then reads; `.endOfStream` when the peer
    /// closed; throws `.timedOut` at the monotonic `deadline` (microseconds; nil: no limit).
    public func read(into buffer: inout [UInt8], until deadline: Int64?) throws -> StreamRead {
        guard let result = try SocketCalls.receiveWaiting(descriptor, into: &buffer, until: deadline, name: "recv(\(peerAddress))") else {
            throw TCPSocketError.timedOut(peerAddress)
        }
        return result
    }

    /// Says no more will be sent (`shutdown(SHUT_WR)`): the peer reads the bytes already sent,
    /// then end-of-stream, while this side may still read what the peer sends.
    public func shutdownWriting() throws {
        try SocketCalls.shutdownWriting(descriptor, name: "shutdown(\(peerAddress))")
    }

    private static func finishConnecting(_ descriptor: Int32, to address: SocketAddress, until deadline: Int64?) throws {
        let result = address.withSocketAddress { connectSocket(descriptor, $0, $1) }
        guard result != 0 else { return }
        // Non-blocking: the handshake goes on after EINPROGRESS (or a signal: EINTR); its
        // outcome is read from SO_ERROR once the socket turns writable.
        let code = errno
        guard code == EINPROGRESS || code == EINTR else { throw SystemError("connect(\(address))", code: code) }
        var poller = Poller()
        poller.watch(descriptor, for: .writable)
        while try poller.wait(until: deadline).isEmpty {
            if let deadline, MonotonicClock.now() >= deadline { throw TCPSocketError.timedOut(address) }
        }
        let pending = try SocketCalls.option(descriptor, level: SOL_SOCKET, option: SO_ERROR, name: "SO_ERROR")
        if pending != 0 { throw SystemError("connect(\(address))", code: pending) }
    }
}

/// `connect(2)`. At file scope so the name is not shadowed by `TCPConnection.connect(to:until:)`.
private func connectSocket(_ descriptor: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    connect(descriptor, address, length)
}
