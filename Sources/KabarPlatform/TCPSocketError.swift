/// Why a TCP socket could not be used, where the caller must tell the cases apart. Other
/// failures are `SystemError`.
public enum TCPSocketError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Another socket listens on the address already (`EADDRINUSE`): another web server, or
    /// another node, on this port.
    case addressInUse(SocketAddress)
    /// The process may not bind the port (`EACCES`): ports below
    /// `net.ipv4.ip_unprivileged_port_start` (1024 by default) need root or
    /// `CAP_NET_BIND_SERVICE`. A caller that asked for port 80 may fall back to 8080.
    case permissionDenied(SocketAddress)
    /// The peer did not connect, take or send data before the deadline.
    case timedOut(SocketAddress)

    /// What is wrong and what to do, for a person.
    public var description: String {
        switch self {
        case .addressInUse(let address):
            return "\(address) is in use by another program: stop it or choose another port"
        case .permissionDenied(let address):
            return "no permission to listen on \(address): ports below 1024 need root or CAP_NET_BIND_SERVICE (Documentation/HTTP.md)"
        case .timedOut(let address):
            return "\(address) did not answer in time"
        }
    }
}
