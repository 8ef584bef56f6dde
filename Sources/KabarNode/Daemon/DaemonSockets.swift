import Kabar
import KabarPlatform

/// The UDP sockets a daemon gossips on: IPv4 `0.0.0.0:port` with `SO_BROADCAST`, and IPv6
/// `[::]:port` (IPv6-only) for the link-local multicast group. Opened before the node, so a
/// test can bind port 0 and learn the port the kernel chose.
public final class DaemonSockets {
    /// The IPv4 socket.
    public let ipv4: UDPSocket
    /// The IPv6 socket; nil when the host has no IPv6 (the daemon runs on IPv4 alone).
    public let ipv6: UDPSocket?
    /// The UDP port both are bound to.
    public let port: UInt16
    /// Why IPv6 could not be opened, if it could not (logged at start).
    public let ipv6Problem: String?

    /// Binds IPv4 on `ipv4Address` (default every interface) and, when `withIPv6`, IPv6 on
    /// `[::]` with the same port. Port 0 asks the kernel for one (then IPv6 gets that one too).
    public init(port: UInt16, ipv4Address: UInt32 = 0, withIPv6: Bool = true) throws {
        let ipv4 = try UDPSocket(binding: .ipv4(address: ipv4Address, port: port))
        let bound = try ipv4.localAddress().port
        self.ipv4 = ipv4
        self.port = bound
        var ipv6: UDPSocket?
        var problem: String?
        if withIPv6 {
            do {
                ipv6 = try UDPSocket(binding: .ipv6Any(port: bound))
            } catch {
                problem = "\(error)"
            }
        }
        self.ipv6 = ipv6
        self.ipv6Problem = problem
    }

    /// The socket for `destination`'s family, if open.
    public func socket(for destination: SocketAddress) -> UDPSocket? {
        destination.isIPv4 ? ipv4 : ipv6
    }

    /// Closes both.
    public func close() {
        ipv4.close()
        ipv6?.close()
    }
}
