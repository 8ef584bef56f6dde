/// The interface flags Kabar looks at (`IFF_*` from `SIOCGIFFLAGS`, as `getifaddrs` reports them).
public struct InterfaceFlags: OptionSet, Hashable, Sendable, CustomStringConvertible {
    /// The raw `IFF_*` bits (only those below are kept).
    public let rawValue: UInt32
    /// Wraps raw bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `IFF_UP`: an administrator brought it up.
    public static let up = InterfaceFlags(rawValue: 0x1)
    /// `IFF_BROADCAST`: it has a broadcast address.
    public static let broadcast = InterfaceFlags(rawValue: 0x2)
    /// `IFF_LOOPBACK`: this host talking to itself.
    public static let loopback = InterfaceFlags(rawValue: 0x8)
    /// `IFF_POINTOPOINT`: a link with one peer (a tunnel): no broadcast.
    public static let pointToPoint = InterfaceFlags(rawValue: 0x10)
    /// `IFF_RUNNING`: the link is up (carrier; a hotspot with its radio on).
    public static let running = InterfaceFlags(rawValue: 0x40)
    /// `IFF_MULTICAST`: it can send and receive multicast.
    public static let multicast = InterfaceFlags(rawValue: 0x1000)

    /// The bits Kabar keeps; others (promiscuous, ...) change for reasons that don't matter to it.
    static let kept: InterfaceFlags = [.up, .broadcast, .loopback, .pointToPoint, .running, .multicast]

    /// The flag names, comma-separated: "up,running,broadcast,multicast".
    public var description: String {
        let names: [(InterfaceFlags, String)] = [
            (.up, "up"), (.running, "running"), (.broadcast, "broadcast"), (.loopback, "loopback"),
            (.pointToPoint, "pointToPoint"), (.multicast, "multicast"),
        ]
        return names.filter { contains($0.0) }.map(\.1).joined(separator: ",")
    }
}

/// An IPv4 address configured on an interface.
public struct IPv4InterfaceAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The address, host byte order.
    public let address: UInt32
    /// The netmask, host byte order (255.255.255.0 is `0xffff_ff00`).
    public let netmask: UInt32
    /// The directed broadcast address (192.168.4.255 for 192.168.4.1/24), host byte order; nil
    /// when the interface has no broadcast (loopback, point-to-point, /31 and /32).
    public let broadcast: UInt32?

    /// An address with its netmask and broadcast.
    public init(address: UInt32, netmask: UInt32, broadcast: UInt32?) {
        self.address = address
        self.netmask = netmask
        self.broadcast = broadcast
    }

    /// The prefix length: 24 for 255.255.255.0.
    public var prefixLength: Int { netmask.nonzeroBitCount }

    /// Numeric order: by address, then netmask.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.address, lhs.netmask, lhs.broadcast ?? 0) < (rhs.address, rhs.netmask, rhs.broadcast ?? 0)
    }

    /// "192.168.4.1/24 brd 192.168.4.255".
    public var description: String {
        let text = "\(SocketAddress.formatIPv4(address))/\(prefixLength)"
        guard let broadcast else { return text }
        return text + " brd \(SocketAddress.formatIPv4(broadcast))"
    }
}

/// An IPv6 address configured on an interface.
public struct IPv6InterfaceAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Bytes 0...7, big-endian.
    public let high: UInt64
    /// Bytes 8...15, big-endian.
    public let low: UInt64
    /// The interface index scoping a link-local address (0 for global ones).
    public let scope: UInt32
    /// The prefix length (64 for most).
    public let prefixLength: Int

    /// An address with its scope and prefix length.
    public init(high: UInt64, low: UInt64, scope: UInt32, prefixLength: Int) {
        self.high = high
        self.low = low
        self.scope = scope
        self.prefixLength = prefixLength
    }

    /// True for fe80::/10.
    public var isLinkLocal: Bool { socketAddress(port: 0).isLinkLocal }

    /// The address with `port`, as a socket address (with its scope).
    public func socketAddress(port: UInt16) -> SocketAddress {
        .ipv6(high: high, low: low, scope: scope, port: port)
    }

    /// Numeric order: by address, then scope and prefix length.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.high, lhs.low, lhs.scope, lhs.prefixLength) < (rhs.high, rhs.low, rhs.scope, rhs.prefixLength)
    }

    /// "fe80::1/64 link-local".
    public var description: String {
        "\(SocketAddress.formatIPv6(high: high, low: low))/\(prefixLength)" + (isLinkLocal ? " link-local" : "")
    }
}

/// A network interface: its name, index, flags and addresses, sorted.
public struct NetworkInterface: Hashable, Sendable, CustomStringConvertible {
    /// The name, such as "wlan0" (aliases such as "wlan0:1" are folded into their interface).
    public let name: String
    /// The kernel's index (the scope of link-local addresses; used to join multicast groups).
    public let index: UInt32
    /// What the interface can do and whether it is up.
    public let flags: InterfaceFlags
    /// IPv4 addresses, sorted.
    public let ipv4: [IPv4InterfaceAddress]
    /// IPv6 addresses, sorted.
    public let ipv6: [IPv6InterfaceAddress]

    /// An interface; the address lists are sorted and deduplicated here.
    public init(name: String, index: UInt32, flags: InterfaceFlags,
                ipv4: [IPv4InterfaceAddress], ipv6: [IPv6InterfaceAddress]) {
        self.name = name
        self.index = index
        self.flags = flags.intersection(InterfaceFlags.kept)
        self.ipv4 = Array(Set(ipv4)).sorted()
        self.ipv6 = Array(Set(ipv6)).sorted()
    }

    /// Up and running (an interface that is up but has no carrier delivers nothing).
    public var isUsable: Bool { flags.isSuperset(of: [.up, .running]) }

    /// Where a beacon to everyone on this interface's IPv4 subnets goes: each address's directed
    /// broadcast address with `port`. Empty for loopback and interfaces that are not usable.
    public func directedBroadcastAddresses(port: UInt16) -> [SocketAddress] {
        guard isUsable, !flags.contains(.loopback), flags.contains(.broadcast) else { return [] }
        return Array(Set(ipv4.compactMap(\.broadcast))).sorted().map { .ipv4(address: $0, port: port) }
    }

    /// True if the daemon should join Kabar's multicast group here: usable, multicast-capable,
    /// not loopback.
    public var acceptsLinkLocalMulticast: Bool {
        isUsable && flags.contains(.multicast) && !flags.contains(.loopback)
    }

    /// "wlan0 (#3, up,running,broadcast,multicast): 192.168.4.1/24 brd 192.168.4.255, fe80::1/64 link-local".
    public var description: String {
        let addresses = ipv4.map(\.description) + ipv6.map(\.description)
        return "\(name) (#\(index), \(flags))" + (addresses.isEmpty ? "" : ": " + addresses.joined(separator: ", "))
    }
}
