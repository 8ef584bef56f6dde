#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A socket address of a family Kabar does not speak (not AF_INET or AF_INET6).
public struct UnsupportedAddressFamilyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The `sa_family` found.
    public let family: Int32
    /// An error for `family`.
    public init(family: Int32) { self.family = family }
    /// For a log line.
    public var description: String { "unsupported socket address family \(family)" }
}

extension SocketAddress {
    /// Reads a `sockaddr_in` or `sockaddr_in6` out of `storage` (as filled by `recvfrom`,
    /// `getsockname` or `getifaddrs`).
    public init(storage: sockaddr_storage) throws(UnsupportedAddressFamilyError) {
        var storage = storage
        let family = Int32(storage.ss_family)
        switch family {
        case AF_INET:
            let raw = withUnsafeBytes(of: &storage) { $0.loadUnaligned(as: sockaddr_in.self) }
            self = .ipv4(address: UInt32(bigEndian: raw.sin_addr.s_addr), port: UInt16(bigEndian: raw.sin_port))
        case AF_INET6:
            let raw = withUnsafeBytes(of: &storage) { $0.loadUnaligned(as: sockaddr_in6.self) }
            let (high, low) = Self.halves(of: raw.sin6_addr)
            self = .ipv6(high: high, low: low, scope: raw.sin6_scope_id, port: UInt16(bigEndian: raw.sin6_port))
        default:
            throw UnsupportedAddressFamilyError(family: family)
        }
    }

    /// Reads the address `pointer` points at (a `sockaddr` of any family, such as an
    /// `ifa_addr`); nil for families other than AF_INET and AF_INET6.
    static func from(_ pointer: UnsafePointer<sockaddr>) -> SocketAddress? {
        var storage = sockaddr_storage()
        let length: Int
        switch Int32(pointer.pointee.sa_family) {
        case AF_INET: length = MemoryLayout<sockaddr_in>.size
        case AF_INET6: length = MemoryLayout<sockaddr_in6>.size
        default: return nil
        }
        withUnsafeMutableBytes(of: &storage) { destination in
            destination.copyMemory(from: UnsafeRawBufferPointer(start: pointer, count: length))
        }
        return try? SocketAddress(storage: storage)
    }

    /// The address as a `sockaddr_storage` holding a `sockaddr_in` or `sockaddr_in6`, and the
    /// length to pass to `bind`, `sendto` or `connect`.
    public var storage: (storage: sockaddr_storage, length: socklen_t) {
        var storage = sockaddr_storage()
        switch self {
        case .ipv4(let address, let port):
            var raw = sockaddr_in()
            raw.sin_family = sa_family_t(AF_INET)
            raw.sin_port = port.bigEndian
            raw.sin_addr = in_addr(s_addr: address.bigEndian)
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: raw, as: sockaddr_in.self) }
            return (storage, socklen_t(MemoryLayout<sockaddr_in>.size))
        case .ipv6(let high, let low, let scope, let port):
            var raw = sockaddr_in6()
            raw.sin6_family = sa_family_t(AF_INET6)
            raw.sin6_port = port.bigEndian
            raw.sin6_addr = Self.in6Address(high: high, low: low)
            raw.sin6_scope_id = scope
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: raw, as: sockaddr_in6.self) }
            return (storage, socklen_t(MemoryLayout<sockaddr_in6>.size))
        }
    }

    /// Calls `body` with a `sockaddr` pointer and length for this address, for C calls that
    /// take one (`bind`, `sendto`, `connect`).
    public func withSocketAddress<Result>(
        _ body: (UnsafePointer<sockaddr>, socklen_t) throws -> Result
    ) rethrows -> Result {
        var (storage, length) = self.storage
        return try withUnsafePointer(to: &storage) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, length) }
        }
    }

    /// The C address family: `AF_INET` or `AF_INET6`.
    public var family: Int32 {
        isIPv4 ? AF_INET : AF_INET6
    }
}
