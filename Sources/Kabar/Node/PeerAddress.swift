/// Where a datagram came from or goes to. The protocol treats it as an opaque, ordered key;
/// the daemon maps it to socket addresses, the simulator to virtual hosts.
///
/// A peer's address is always the packet's source address, never what the packet claims.
public enum PeerAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// An IPv4 address (host byte order) and UDP port.
    case ipv4(address: UInt32, port: UInt16)
    /// An IPv6 address (two big-endian halves), interface scope (for link-local) and UDP port.
    case ipv6(high: UInt64, low: UInt64, scope: UInt32, port: UInt16)
    /// A host in the simulator, by index.
    case simulated(Int)

    public var description: String {
        switch self {
        case .ipv4(let address, let port):
            let octets = [24, 16, 8, 0].map { String((address >> UInt32($0)) & 0xff) }
            return octets.joined(separator: ".") + ":\(port)"
        case .ipv6(let high, let low, let scope, let port):
            var groups: [String] = []
            for word in [high, low] {
                for shift in stride(from: 48, through: 0, by: -16) {
                    groups.append(String((word >> UInt64(shift)) & 0xffff, radix: 16))
                }
            }
            let scopeText = scope == 0 ? "" : "%\(scope)"
            return "[\(groups.joined(separator: ":"))\(scopeText)]:\(port)"
        case .simulated(let index):
            return "sim#\(index)"
        }
    }

    public static func < (lhs: PeerAddress, rhs: PeerAddress) -> Bool {
        lhs.sortKey.lexicographicallyPrecedes(rhs.sortKey)
    }

    private var sortKey: [UInt64] {
        switch self {
        case .ipv4(let address, let port): return [0, UInt64(address), UInt64(port)]
        case .ipv6(let high, let low, let scope, let port): return [1, high, low, UInt64(scope) << 16 | UInt64(port)]
        case .simulated(let index): return [2, UInt64(index)]
        }
    }
}

/// Where a node asks its driver to send a datagram.
public enum Destination: Hashable, Sendable, CustomStringConvertible {
    /// One peer, by its address.
    case peer(PeerAddress)
    /// Everyone on the local links: every interface's directed IPv4 broadcast address and the
    /// IPv6 link-local multicast group (daemon), or the host's broadcast domains (simulator).
    case broadcast

    public var description: String {
        switch self {
        case .peer(let address): return address.description
        case .broadcast: return "broadcast"
        }
    }
}

/// The time as a node's driver reads it: the monotonic clock for protocol timers and the wall
/// clock (possibly wrong) for bulletin dates.
public struct NodeTime: Hashable, Sendable, CustomStringConvertible {
    /// Monotonic time: never jumps.
    public var monotonic: Instant
    /// Wall-clock time as this host believes it; may be days or years off.
    public var wall: UnixTime

    /// A reading of both clocks.
    public init(monotonic: Instant, wall: UnixTime) {
        self.monotonic = monotonic
        self.wall = wall
    }

    public var description: String { "\(monotonic) wall=\(wall)" }
}
