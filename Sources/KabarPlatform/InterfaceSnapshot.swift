/// Every network interface at one moment, sorted by index then name. Cheap to take
/// (`NetworkInterfaces.snapshot()`) and to compare, so the daemon can take one every few seconds
/// and notice when the hotspot (or a mule's Wi-Fi) comes and goes:
///
///     let now = try NetworkInterfaces.snapshot()
///     if now != last {
///         let changes = now.changes(from: last)  // join the multicast group on changes.added ...
///         last = now
///     }
public struct InterfaceSnapshot: Equatable, Sendable, CustomStringConvertible {
    /// The interfaces, sorted by index then name.
    public let interfaces: [NetworkInterface]

    /// A snapshot of `interfaces` (sorted here).
    public init(interfaces: [NetworkInterface]) {
        self.interfaces = interfaces.sorted { ($0.index, $0.name) < ($1.index, $1.name) }
    }

    /// The interface called `name`, if any.
    public func interface(named name: String) -> NetworkInterface? {
        interfaces.first { $0.name == name }
    }

    /// Every usable interface's directed IPv4 broadcast addresses with `port`, sorted: where an
    /// IPv4 beacon goes (never 255.255.255.255, which fails with ENETUNREACH on a hotspot
    /// with no default route).
    public func directedBroadcastAddresses(port: UInt16) -> [SocketAddress] {
        Array(Set(interfaces.flatMap { $0.directedBroadcastAddresses(port: port) })).sorted()
    }

    /// The interfaces on which to join the IPv6 multicast group and send beacons to it.
    public var multicastInterfaces: [NetworkInterface] {
        interfaces.filter(\.acceptsLinkLocalMulticast)
    }

    /// What differs from `old`: interfaces that appeared, vanished, or changed (flags, index or
    /// addresses), each list sorted by name. Empty when nothing changed.
    public func changes(from old: InterfaceSnapshot) -> InterfaceChanges {
        let oldByName = Dictionary(old.interfaces.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let newByName = Dictionary(interfaces.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let added = interfaces.filter { oldByName[$0.name] == nil }
        let removed = old.interfaces.filter { newByName[$0.name] == nil }
        let changed = interfaces.compactMap { new -> InterfaceChange? in
            guard let before = oldByName[new.name], before != new else { return nil }
            return InterfaceChange(before: before, after: new)
        }
        return InterfaceChanges(
            added: added.sorted { $0.name < $1.name },
            removed: removed.sorted { $0.name < $1.name },
            changed: changed.sorted { $0.after.name < $1.after.name })
    }

    /// One line per interface, as `NetworkInterface.description`.
    public var description: String {
        interfaces.map(\.description).joined(separator: "\n")
    }
}

/// One interface as it was and as it is.
public struct InterfaceChange: Equatable, Sendable {
    /// Before.
    public let before: NetworkInterface
    /// Now.
    public let after: NetworkInterface

    /// A change from `before` to `after`.
    public init(before: NetworkInterface, after: NetworkInterface) {
        self.before = before
        self.after = after
    }
}

/// The difference between two snapshots, each list sorted by interface name.
public struct InterfaceChanges: Equatable, Sendable, CustomStringConvertible {
    /// Interfaces that appeared.
    public let added: [NetworkInterface]
    /// Interfaces that vanished.
    public let removed: [NetworkInterface]
    /// Interfaces whose flags, index or addresses changed (the hotspot came up, got an address).
    public let changed: [InterfaceChange]

    /// A difference (the lists are kept as given).
    public init(added: [NetworkInterface], removed: [NetworkInterface], changed: [InterfaceChange]) {
        self.added = added
        self.removed = removed
        self.changed = changed
    }

    /// True when nothing changed.
    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }

    /// A log line: "added wlan0; removed usb0; changed eth0".
    public var description: String {
        var parts: [String] = []
        if !added.isEmpty { parts.append("added " + added.map(\.name).joined(separator: ", ")) }
        if !removed.isEmpty { parts.append("removed " + removed.map(\.name).joined(separator: ", ")) }
        if !changed.isEmpty { parts.append("changed " + changed.map(\.after.name).joined(separator: ", ")) }
        return parts.isEmpty ? "no change" : parts.joined(separator: "; ")
    }
}
