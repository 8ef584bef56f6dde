#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reads the machine's network interfaces.
public enum NetworkInterfaces {
    /// Every interface with its flags and addresses, with `getifaddrs` (and `if_nametoindex` for
    /// the index). Interfaces with no address are listed too (from their AF_PACKET entries).
    public static func snapshot() throws -> InterfaceSnapshot {
        var list: UnsafeMutablePointer<ifaddrs>?
        try Syscall.retrying("getifaddrs") { getifaddrs(&list) }
        defer { freeifaddrs(list) }
        var builders: [String: Builder] = [:]
        var entry = list
        while let current = entry {
            entry = current.pointee.ifa_next
            add(current.pointee, to: &builders)
        }
        return InterfaceSnapshot(interfaces: builders.values.compactMap { $0.build() })
    }

    /// Addresses and flags gathered for one interface across its `getifaddrs` entries.
    private struct Builder {
        let name: String
        var flags = InterfaceFlags()
        var ipv4: [IPv4InterfaceAddress] = []
        var ipv6: [IPv6InterfaceAddress] = []

        func build() -> NetworkInterface? {
            // An interface that vanished between getifaddrs and now has no index: skip it.
            guard let index = SocketAddress.interfaceIndex(name: name) else { return nil }
            return NetworkInterface(name: name, index: index, flags: flags, ipv4: ipv4, ipv6: ipv6)
        }
    }

    private static func add(_ entry: ifaddrs, to builders: inout [String: Builder]) {
        guard let rawName = entry.ifa_name else { return }
        // "wlan0:1" is an address label on wlan0, not an interface of its own.
        let name = String(cString: rawName).split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        guard !name.isEmpty else { return }
        var builder = builders[name] ?? Builder(name: name)
        builder.flags.formUnion(InterfaceFlags(rawValue: entry.ifa_flags))
        guard let addressPointer = entry.ifa_addr, let address = SocketAddress.from(addressPointer) else {
            builders[name] = builder
            return
        }
        let netmask = entry.ifa_netmask.flatMap { SocketAddress.from($0) }
        switch (address, netmask) {
        case (.ipv4(let host, _), let mask):
            let maskBits: UInt32 = if case .ipv4(let bits, _)? = mask { bits } else { UInt32.max }
            let isBroadcast = InterfaceFlags(rawValue: entry.ifa_flags).contains(.broadcast)
            builder.ipv4.append(IPv4InterfaceAddress(
                address: host, netmask: maskBits,
                broadcast: isBroadcast ? directedBroadcast(address: host, netmask: maskBits) : nil))
        case (.ipv6(let high, let low, let scope, _), let mask):
            var prefix = 128
            if case .ipv6(let maskHigh, let maskLow, _, _)? = mask { prefix = maskHigh.nonzeroBitCount + maskLow.nonzeroBitCount }
            builder.ipv6.append(IPv6InterfaceAddress(high: high, low: low, scope: scope, prefixLength: prefix))
        }
        builders[name] = builder
    }

    /// The directed broadcast address, `address | ~netmask` (192.168.4.255 for 192.168.4.1/24);
    /// nil for /31 and /32, which have none (RFC 3021).
    ///
    /// Computed, never read from `ifa_broadaddr`: when an address is added without `brd`
    /// (`ip addr add 10.0.0.1/24`), glibc reports the interface's own address there, and a beacon
    /// sent to it goes nowhere. Linux installs a broadcast route for `address | ~netmask` on every
    /// prefix shorter than /31 whether or not `brd` was set (Documentation/Platform.md).
    public static func directedBroadcast(address: UInt32, netmask: UInt32) -> UInt32? {
        guard netmask.nonzeroBitCount <= 30 else { return nil }
        return address | ~netmask
    }
}
