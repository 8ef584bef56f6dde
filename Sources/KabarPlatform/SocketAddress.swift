#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An IP address and UDP/TCP port, numeric only (Kabar never needs DNS).
///
/// The fields are the raw values Kabar's `PeerAddress` uses, so KabarNode converts between the two
/// without KabarPlatform importing the core:
///
///     .ipv4(address: 0x7f00_0001, port: 4747)                        // 127.0.0.1:4747
///     .ipv6(high: 0xfe80_0000_0000_0000, low: 1, scope: 2, port: 4747) // [fe80::1%eth0]:4747
///
/// Conversions to and from `sockaddr_storage` live in `SocketAddress+Storage.swift`.
public enum SocketAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// An IPv4 address in host byte order (127.0.0.1 is `0x7f00_0001`) and a port.
    case ipv4(address: UInt32, port: UInt16)
    /// An IPv6 address as two big-endian halves (`high` holds bytes 0...7), the interface index
    /// that scopes a link-local address (0: none) and a port.
    case ipv6(high: UInt64, low: UInt64, scope: UInt32, port: UInt16)

    /// The longest text `init(parsing:)` looks at: "[" + 45-character IPv6 + "%" + interface name
    /// + "]:65535" fits easily; anything longer is junk, not an address.
    public static let textBytesMax = 96

    /// The port.
    public var port: UInt16 {
        switch self {
        case .ipv4(_, let port), .ipv6(_, _, _, let port): return port
        }
    }

    /// The same address with another port.
    public func withPort(_ port: UInt16) -> SocketAddress {
        switch self {
        case .ipv4(let address, _): return .ipv4(address: address, port: port)
        case .ipv6(let high, let low, let scope, _): return .ipv6(high: high, low: low, scope: scope, port: port)
        }
    }

    /// The same address with another interface scope (IPv6 only; an IPv4 address is returned as is).
    public func withScope(_ scope: UInt32) -> SocketAddress {
        switch self {
        case .ipv4: return self
        case .ipv6(let high, let low, _, let port): return .ipv6(high: high, low: low, scope: scope, port: port)
        }
    }

    /// True for IPv4 addresses.
    public var isIPv4: Bool {
        if case .ipv4 = self { return true }
        return false
    }

    /// True for fe80::/10, the IPv6 addresses that need an interface scope.
    public var isLinkLocal: Bool {
        if case .ipv6(let high, _, _, _) = self { return high >> 54 == 0x3fa }
        return false
    }

    /// The IPv4 address an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, as a dual-stack socket
    /// reports an IPv4 peer) stands for, with its port; any other address as it is.
    public var ipv4Unmapped: SocketAddress {
        if case .ipv6(0, let low, _, let port) = self, low >> 32 == 0xffff {
            return .ipv4(address: UInt32(truncatingIfNeeded: low), port: port)
        }
        return self
    }

    /// True for IPv4 224.0.0.0/4 and IPv6 ff00::/8.
    public var isMulticast: Bool {
        switch self {
        case .ipv4(let address, _): return address >> 28 == 0xe
        case .ipv6(let high, _, _, _): return high >> 56 == 0xff
        }
    }

    /// 0.0.0.0 with `port`: binds every IPv4 interface.
    public static func ipv4Any(port: UInt16) -> SocketAddress { .ipv4(address: 0, port: port) }
    /// [::] with `port`: binds every IPv6 interface.
    public static func ipv6Any(port: UInt16) -> SocketAddress { .ipv6(high: 0, low: 0, scope: 0, port: port) }
    /// 127.0.0.1 with `port`.
    public static func ipv4Loopback(port: UInt16) -> SocketAddress { .ipv4(address: 0x7f00_0001, port: port) }
    /// [::1] with `port`.
    public static func ipv6Loopback(port: UInt16) -> SocketAddress { .ipv6(high: 0, low: 1, scope: 0, port: port) }

    /// "1.2.3.4:5", "[::1]:5" or "[fe80::1%eth0]:5". The scope is shown as the interface's name
    /// when the interface exists (`if_indextoname`), as its number otherwise.
    public var description: String {
        switch self {
        case .ipv4(let address, let port):
            return "\(Self.formatIPv4(address)):\(port)"
        case .ipv6(let high, let low, let scope, let port):
            let scopeText = scope == 0 ? "" : "%" + (Self.interfaceName(index: scope) ?? String(scope))
            return "[\(Self.formatIPv6(high: high, low: low))\(scopeText)]:\(port)"
        }
    }

    /// IPv4 before IPv6, then by address, scope and port: a deterministic order for output.
    public static func < (lhs: SocketAddress, rhs: SocketAddress) -> Bool {
        lhs.sortKey.lexicographicallyPrecedes(rhs.sortKey)
    }

    private var sortKey: [UInt64] {
        switch self {
        case .ipv4(let address, let port): return [0, UInt64(address), UInt64(port)]
        case .ipv6(let high, let low, let scope, let port): return [1, high, low, UInt64(scope) << 16 | UInt64(port)]
        }
    }
}

// MARK: - Numeric text (inet_pton / inet_ntop, if_nametoindex / if_indextoname)

extension SocketAddress {
    /// Dotted-quad text of a host-order IPv4 address, with `inet_ntop(AF_INET)`.
    public static func formatIPv4(_ address: UInt32) -> String {
        let raw = in_addr(s_addr: address.bigEndian)
        return withUnsafeBytes(of: raw) { ntop(family: AF_INET, $0) }
    }

    /// RFC 5952 text (lowercase, longest zero run as "::") of an IPv6 address, with
    /// `inet_ntop(AF_INET6)`.
    public static func formatIPv6(high: UInt64, low: UInt64) -> String {
        let raw = in6Address(high: high, low: low)
        return withUnsafeBytes(of: raw) { ntop(family: AF_INET6, $0) }
    }

    /// Parses strict dotted-quad text ("1.2.3.4"; not "1.2.3", not "01.2.3.4") with
    /// `inet_pton(AF_INET)`. Returns the address in host byte order, or nil.
    public static func parseIPv4(_ text: String) -> UInt32? {
        var raw = in_addr()
        guard inet_pton(AF_INET, text, &raw) == 1 else { return nil }
        return UInt32(bigEndian: raw.s_addr)
    }

    /// Parses IPv6 text without brackets or scope ("fe80::1") with `inet_pton(AF_INET6)`.
    /// Returns the two big-endian halves, or nil.
    public static func parseIPv6(_ text: String) -> (high: UInt64, low: UInt64)? {
        var raw = in6_addr()
        guard inet_pton(AF_INET6, text, &raw) == 1 else { return nil }
        return halves(of: raw)
    }

    /// The index of the interface called `name`, with `if_nametoindex`; nil if there is none.
    public static func interfaceIndex(name: String) -> UInt32? {
        let index = if_nametoindex(name)
        return index == 0 ? nil : index
    }

    /// The name of the interface with `index`, with `if_indextoname`; nil if there is none.
    public static func interfaceName(index: UInt32) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
        guard if_indextoname(index, &buffer) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func in6Address(high: UInt64, low: UInt64) -> in6_addr {
        var raw = in6_addr()
        withUnsafeMutableBytes(of: &raw) { bytes in
            bytes.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
            bytes.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
        }
        return raw
    }

    static func halves(of raw: in6_addr) -> (high: UInt64, low: UInt64) {
        withUnsafeBytes(of: raw) { bytes in
            (UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
             UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
    }

    private static func ntop(family: Int32, _ raw: UnsafeRawBufferPointer) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let written = inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count))
        // inet_ntop fails only for an unknown family or a short buffer, neither possible here.
        guard written != nil else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
