#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A listening TCP socket: the hall web board's, on every interface of the node.
///
///     let web = try TCPListener(port: 80)               // [::]:80, IPv4 clients too
///     poller.watch(web.descriptor, for: .readable)
///     while let client = try web.accept() { ... client.peerAddress ... }
///
/// `init(port:)` listens on `[::]` with `IPV6_V6ONLY` off, so IPv4 clients arrive on the same
/// socket (as `::ffff:a.b.c.d`, reported as plain IPv4); where the kernel has no IPv6 it listens
/// on `0.0.0.0` instead. `init(binding:)` listens on one address (127.0.0.1 in tests). Every
/// listener has `SO_REUSEADDR` on, so a restarted node binds at once while its old connections
/// sit in TIME_WAIT; Linux still refuses a second listener on the port, which is reported as
/// `TCPSocketError.addressInUse`. The descriptor is non-blocking and close-on-exec, and so is
/// every accepted connection.
public final class TCPListener {
    /// Connections the kernel queues before `accept` takes them (`listen`'s backlog).
    public static let backlogDefault: Int32 = 64

    /// The listening descriptor, for a `Poller` (readable: a client is waiting).
    public let descriptor: Int32
    /// The address it listens on, with the kernel's port when 0 was asked (`getsockname`).
    public let localAddress: SocketAddress
    private var isClosed = false

    /// The port it listens on: the one asked for, or the free one the kernel chose for 0.
    public var localPort: UInt16 { localAddress.port }

    /// Listens on `port` of every interface: `[::]` taking IPv4 too, else `0.0.0.0` when the
    /// kernel has no IPv6 (`socket`, `setsockopt`, `bind`, `listen`). Throws
    /// `TCPSocketError.addressInUse` or `.permissionDenied`, or `SystemError`.
    public init(port: UInt16, backlog: Int32 = backlogDefault) throws {
        do {
            (descriptor, localAddress) = try Self.openListening(on: .ipv6Any(port: port), backlog: backlog)
        } catch let error as SystemError where Self.meansNoIPv6(error.code) {
            (descriptor, localAddress) = try Self.openListening(on: .ipv4Any(port: port), backlog: backlog)
        }
    }

    /// Listens on `address` only (such as `.ipv4Loopback(port: 0)`). Throws as `init(port:)`.
    public init(binding address: SocketAddress, backlog: Int32 = backlogDefault) throws {
        (descriptor, localAddress) = try Self.openListening(on: address, backlog: backlog)
    }

    deinit { close() }

    /// Stops listening (`close`). Calling it again does nothing.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        SocketCalls.closeSocket(descriptor)
    }

    /// Takes one waiting client (`accept`), made non-blocking and close-on-exec; nil when none
    /// waits. A client that failed before it was taken is skipped, as accept(2) advises for TCP.
    public func accept() throws -> TCPConnection? {
        while true {
            do {
                guard let (client, storage) = try acceptClient() else { return nil }
                do {
                    try StopSignals.makeNonBlockingAndCloseOnExec(client)
                } catch {
                    SocketCalls.closeSocket(client)
                    throw error
                }
                return try TCPConnection(accepted: client, peer: storage)
            } catch let error as SystemError where Self.isTransientAcceptError(error.code) {
                continue
            }
        }
    }

    /// `accept(2)` with the peer's address. (Glibc's module does not offer `accept4`, which
    /// would set the flags in the same call; Kabar never forks, so the gap before `fcntl` leaks
    /// nothing.)
    private func acceptClient() throws -> (Int32, sockaddr_storage)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let client = try withUnsafeMutablePointer(to: &storage) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                try Syscall.retryingNonBlocking("accept(\(localAddress))") { acceptConnection(descriptor, raw, &length) }
            }
        }
        return client.map { ($0, storage) }
    }

    /// A bound, listening socket and the address it got. Closes it again on any failure.
    private static func openListening(on address: SocketAddress, backlog: Int32) throws -> (Int32, SocketAddress) {
        let descriptor = try SocketCalls.open(domain: address.family, type: Int32(SOCK_STREAM.rawValue))
        do {
            try SocketCalls.setOption(descriptor, level: SOL_SOCKET, option: SO_REUSEADDR, value: 1, name: "SO_REUSEADDR")
            if !address.isIPv4 {
                // Off: one socket serves IPv4 and IPv6 clients (on Debian the default is off
                // already, but net.ipv6.bindv6only may say otherwise).
                try SocketCalls.setOption(descriptor, level: Int32(IPPROTO_IPV6), option: IPV6_V6ONLY, value: 0, name: "IPV6_V6ONLY")
            }
            try bindAndListen(descriptor, to: address, backlog: backlog)
            return (descriptor, try SocketCalls.localAddress(descriptor))
        } catch {
            SocketCalls.closeSocket(descriptor)
            throw error
        }
    }

    private static func bindAndListen(_ descriptor: Int32, to address: SocketAddress, backlog: Int32) throws {
        do {
            try SocketCalls.bindSocket(descriptor, to: address)
            try Syscall.retrying("listen(\(address))") { listen(descriptor, backlog) }
        } catch let error as SystemError {
            throw typed(error, address: address)
        }
    }

    /// `EADDRINUSE` and `EACCES` as the typed cases a caller falls back on; others unchanged.
    static func typed(_ error: SystemError, address: SocketAddress) -> Error {
        switch error.code {
        case EADDRINUSE: return TCPSocketError.addressInUse(address)
        case EACCES: return TCPSocketError.permissionDenied(address)
        default: return error
        }
    }

    /// The kernel has no usable IPv6: built without it, or booted with `ipv6.disable=1`.
    private static func meansNoIPv6(_ code: Int32) -> Bool {
        code == EAFNOSUPPORT || code == EPROTONOSUPPORT || code == EADDRNOTAVAIL
    }

    /// Errors accept(2) reports for a connection that failed between the handshake and the
    /// `accept`: Linux passes them on, and asks that they be treated like EAGAIN (try again).
    private static func isTransientAcceptError(_ code: Int32) -> Bool {
        [ECONNABORTED, ENETDOWN, EPROTO, ENOPROTOOPT, EHOSTDOWN, ENONET, EHOSTUNREACH, EOPNOTSUPP, ENETUNREACH].contains(code)
    }
}

/// `accept(2)`. At file scope so the name is not shadowed by `TCPListener.accept()`.
private func acceptConnection(_ descriptor: Int32, _ address: UnsafeMutablePointer<sockaddr>, _ length: UnsafeMutablePointer<socklen_t>) -> Int32 {
    accept(descriptor, address, length)
}
