#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The raw socket calls shared by `UDPSocket` and the Unix-domain sockets, each a thin wrapper
/// that throws `SystemError` naming the C function (and, for options, the option).
enum SocketCalls {
    /// A new non-blocking, close-on-exec socket, with `socket(2)`.
    static func open(domain: Int32, type: Int32) throws -> Int32 {
        let flags = Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        return try Syscall.retrying("socket") { socket(domain, type | flags, 0) }
    }

    /// Sets an integer option, with `setsockopt(2)`. `name` goes into the error message.
    static func setOption(_ descriptor: Int32, level: Int32, option: Int32, value: Int32, name: String) throws {
        var value = value
        try Syscall.retrying("setsockopt(\(name))") {
            setsockopt(descriptor, level, option, &value, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    /// Reads an integer option, with `getsockopt(2)`.
    static func option(_ descriptor: Int32, level: Int32, option: Int32, name: String) throws -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        try Syscall.retrying("getsockopt(\(name))") { getsockopt(descriptor, level, option, &value, &length) }
        return value
    }

    /// Binds to an IP address, with `bind(2)`.
    static func bindSocket(_ descriptor: Int32, to address: SocketAddress) throws {
        _ = try address.withSocketAddress { pointer, length in
            try Syscall.retrying("bind(\(address))") { bind(descriptor, pointer, length) }
        }
    }

    /// The address a socket is bound to, with `getsockname(2)`.
    static func localAddress(_ descriptor: Int32) throws -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try withUnsafeMutablePointer(to: &storage) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                try Syscall.retrying("getsockname") { getsockname(descriptor, raw, &length) }
            }
        }
        return try SocketAddress(storage: storage)
    }

    /// Closes a descriptor, with `close(2)`. Not retried on EINTR: on Linux the descriptor is
    /// already released then, and a retry could close a descriptor another thread just opened.
    static func closeSocket(_ descriptor: Int32) {
        _ = close(descriptor)
    }
}
