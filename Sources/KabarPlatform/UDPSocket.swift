#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A non-blocking UDP socket bound to one address family, set up the way a Kabar node needs it.
///
/// A node opens two: `UDPSocket(binding: .ipv4Any(port:))` and `UDPSocket(binding: .ipv6Any(port:))`.
/// The IPv6 one is IPv6-only (`IPV6_V6ONLY`), so both can hold the same port. Every socket gets:
///
/// - `SO_REUSEADDR` on, so a restarted daemon binds at once; `SO_REUSEPORT` off, so the kernel
///   never spreads one port's datagrams over two processes;
/// - IPv4: `SO_BROADCAST` on (beacons go to each interface's directed broadcast address) and
///   `IP_MULTICAST_LOOP` off;
/// - IPv6: `IPV6_MULTICAST_LOOP` off (a node does not hear its own beacons on the multicast group;
///   IPv4 broadcast is looped back by Linux regardless, so the daemon must ignore its own key)
///   and `IPV6_MULTICAST_HOPS` 1;
/// - a 1 MiB receive buffer (`SO_RCVBUFFORCE`, else `SO_RCVBUF`), for bulk transfers.
///
/// The descriptor is closed by `close()` or when the socket is released.
public final class UDPSocket {
    /// The receive buffer asked of the kernel (`SO_RCVBUF`), in bytes.
    public static let receiveBufferBytes: Int32 = 1 << 22
    /// The socket's file descriptor, for a `Poller`.
    public let descriptor: Int32
    /// The address the socket was asked to bind (the port may be 0; see `localAddress()`).
    public let requestedAddress: SocketAddress
    private var isClosed = false

    /// Kabar's IPv6 link-local multicast group, ff02::4b:6162 ("Kab" in ASCII: 4b 61 62). It is
    /// not registered with IANA; see Documentation/Platform.md.
    public static let kabarMulticastGroup = SocketAddress.ipv6(
        high: 0xff02_0000_0000_0000, low: 0x0000_0000_004b_6162, scope: 0, port: 0)

    /// Opens a non-blocking UDP socket (`socket`), sets the options above (`setsockopt`) and binds
    /// it to `address` (`bind`). Port 0 asks the kernel for a free port.
    public init(binding address: SocketAddress) throws {
        descriptor = try SocketCalls.open(domain: address.family, type: Int32(SOCK_DGRAM.rawValue))
        requestedAddress = address
        do {
            try configure(for: address)
            try SocketCalls.bindSocket(descriptor, to: address)
        } catch {
            SocketCalls.closeSocket(descriptor)
            isClosed = true
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

    /// The address the socket is bound to, with the kernel's port if 0 was asked (`getsockname`).
    public func localAddress() throws -> SocketAddress {
        try SocketCalls.localAddress(descriptor)
    }

    private func configure(for address: SocketAddress) throws {
        try SocketCalls.setOption(descriptor, level: SOL_SOCKET, option: SO_REUSEADDR, value: 1, name: "SO_REUSEADDR")
        try SocketCalls.setOption(descriptor, level: SOL_SOCKET, option: SO_REUSEPORT, value: 0, name: "SO_REUSEPORT")
        // A bulk transfer arrives faster than signatures verify for a moment: room for about
        // 900 full datagrams, so a burst waits instead of being dropped. SO_RCVBUFFORCE passes
        // net.core.rmem_max where the process may (root, CAP_NET_ADMIN); otherwise the kernel
        // caps SO_RCVBUF there (208 KiB by default: Documentation/Deploy.md raises it). Neither
        // refusal is an error.
        if (try? SocketCalls.setOption(
            descriptor, level: SOL_SOCKET, option: SO_RCVBUFFORCE, value: Self.receiveBufferBytes, name: "SO_RCVBUFFORCE")) == nil {
            _ = try? SocketCalls.setOption(
                descriptor, level: SOL_SOCKET, option: SO_RCVBUF, value: Self.receiveBufferBytes, name: "SO_RCVBUF")
        }
        if address.isIPv4 {
            try SocketCalls.setOption(descriptor, level: SOL_SOCKET, option: SO_BROADCAST, value: 1, name: "SO_BROADCAST")
            try SocketCalls.setOption(
                descriptor, level: Int32(IPPROTO_IP), option: IP_MULTICAST_LOOP, value: 0, name: "IP_MULTICAST_LOOP")
        } else {
            let level = Int32(IPPROTO_IPV6)
            try SocketCalls.setOption(descriptor, level: level, option: IPV6_V6ONLY, value: 1, name: "IPV6_V6ONLY")
            try SocketCalls.setOption(
                descriptor, level: level, option: IPV6_MULTICAST_LOOP, value: 0, name: "IPV6_MULTICAST_LOOP")
            try SocketCalls.setOption(
                descriptor, level: level, option: IPV6_MULTICAST_HOPS, value: 1, name: "IPV6_MULTICAST_HOPS")
        }
    }
}

// MARK: - Sending and receiving

/// What became of a datagram handed to `UDPSocket.send`. Running out of buffer space is normal
/// under load: the datagram is dropped, as the network would drop it.
public enum SendResult: Equatable, Sendable {
    /// The kernel took all `byteCount` bytes.
    case sent(byteCount: Int)
    /// The socket's send buffer is full (`EWOULDBLOCK`); nothing was sent.
    case wouldBlock
    /// The interface's queue is full (`ENOBUFS`); nothing was sent.
    case noBufferSpace
}

/// A datagram that could not be sent because of where it was going, not because of a bug: the
/// daemon logs it and carries on (an interface went away, the hotspot has no route, a stale peer).
public struct UDPSendError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Why the kernel refused the destination.
    public enum Reason: Equatable, Sendable {
        /// `ENETUNREACH`: no route, such as 255.255.255.255 on a hotspot with no default route.
        case networkUnreachable
        /// `EHOSTUNREACH`: the host did not answer ARP/neighbour discovery, or a firewall says no.
        case hostUnreachable
        /// `EADDRNOTAVAIL`: the address (or its interface scope) is not usable from here.
        case addressNotAvailable
        /// `ENETDOWN`: the interface is down.
        case networkDown
    }

    /// Why.
    public let reason: Reason
    /// Where the datagram was going.
    public let destination: SocketAddress
    /// The `errno`.
    public let code: Int32

    /// An error for `destination`.
    public init(reason: Reason, destination: SocketAddress, code: Int32) {
        self.reason = reason
        self.destination = destination
        self.code = code
    }

    /// "sendto 255.255.255.255:4747: Network is unreachable (errno 101)".
    public var description: String {
        "sendto \(destination): \(String(cString: strerror(code))) (errno \(code))"
    }

    static func reason(for code: Int32) -> Reason? {
        switch code {
        case ENETUNREACH: return .networkUnreachable
        case EHOSTUNREACH: return .hostUnreachable
        case EADDRNOTAVAIL: return .addressNotAvailable
        case ENETDOWN: return .networkDown
        default: return nil
        }
    }
}

/// One datagram read by `UDPSocket.receive`.
public struct ReceivedDatagram: Equatable, Sendable {
    /// The bytes written into the buffer: never more than the buffer holds.
    public let byteCount: Int
    /// The datagram's full size on the wire. Larger than `byteCount` when the buffer was too small:
    /// the datagram was cut (`MSG_TRUNC`), and its tail is lost.
    public let datagramByteCount: Int
    /// Where it came from (the packet's source address; link-local IPv6 sources carry their scope).
    public let source: SocketAddress

    /// True when the datagram did not fit the buffer and was cut.
    public var isTruncated: Bool { datagramByteCount > byteCount }
}

extension UDPSocket {
    /// Sends one datagram to `destination`, with `sendto`. Full buffers are values
    /// (`.wouldBlock`, `.noBufferSpace`); unreachable destinations throw `UDPSendError`; anything
    /// else (a bug, such as a datagram over 64 KiB) throws `SystemError`.
    public func send(_ bytes: UnsafeRawBufferPointer, to destination: SocketAddress) throws -> SendResult {
        while true {
            let sent = destination.withSocketAddress { address, length in
                sendto(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), address, length)
            }
            if sent >= 0 { return .sent(byteCount: sent) }
            let code = errno
            switch code {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            case ENOBUFS: return .noBufferSpace
            default:
                if let reason = UDPSendError.reason(for: code) {
                    throw UDPSendError(reason: reason, destination: destination, code: code)
                }
                throw SystemError("sendto(\(destination))", code: code)
            }
        }
    }

    /// Sends `bytes` as one datagram to `destination`; see `send(_:to:)` for the raw-buffer form.
    public func send(_ bytes: [UInt8], to destination: SocketAddress) throws -> SendResult {
        try bytes.withUnsafeBytes { try send($0, to: destination) }
    }

    /// Reads one datagram into `buffer`, with `recvfrom(MSG_TRUNC)`. Returns nil when none is
    /// waiting (`EWOULDBLOCK`). A datagram larger than the buffer is reported (`isTruncated`),
    /// never silently cut.
    public func receive(into buffer: UnsafeMutableRawBufferPointer) throws -> ReceivedDatagram? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let received = try withUnsafeMutablePointer(to: &storage) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                try Syscall.retryingNonBlocking("recvfrom") {
                    recvfrom(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_TRUNC), address, &length)
                }
            }
        }
        guard let received else { return nil }
        let source = try SocketAddress(storage: storage)
        return ReceivedDatagram(byteCount: min(received, buffer.count), datagramByteCount: received, source: source)
    }

    /// Reads one datagram into `buffer` (its whole count is the limit); see `receive(into:)`.
    public func receive(into buffer: inout [UInt8]) throws -> ReceivedDatagram? {
        try buffer.withUnsafeMutableBytes { try receive(into: $0) }
    }
}
