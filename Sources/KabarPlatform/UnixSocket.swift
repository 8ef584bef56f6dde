#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Why a Unix-domain socket path cannot be used. Each says what to do about it.
public enum UnixSocketError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The path does not fit `sun_path` (107 bytes and a NUL).
    case pathTooLong(path: String, byteCount: Int)
    /// The path is empty or holds a NUL byte.
    case invalidPath(path: String)
    /// A process is listening at the path already (another daemon on this data folder).
    case alreadyInUse(path: String)
    /// Something that is not a socket sits at the path; Kabar will not delete it.
    case notASocket(path: String)
    /// The other end did not take or send data before the deadline.
    case timedOut(path: String)

    /// The longest path `sun_path` holds.
    public static let pathBytesMax = 107

    /// What is wrong and what to do, for a person.
    public var description: String {
        switch self {
        case .pathTooLong(let path, let count):
            return "socket path '\(path)' is \(count) bytes; at most \(Self.pathBytesMax) fit: use a shorter data folder"
        case .invalidPath(let path):
            return "'\(path.unicodeScalars.map { $0.value == 0 ? "\\0" : String($0) }.joined())' is not a usable socket path: it is empty or holds a NUL byte"
        case .alreadyInUse(let path):
            return "another process is listening at '\(path)': is a Kabar node already running on this data folder?"
        case .notASocket(let path):
            return "'\(path)' exists and is not a socket: move it away and start again"
        case .timedOut(let path):
            return "no answer on '\(path)' in time: is the node busy or stuck?"
        }
    }
}

/// The AF_UNIX calls shared by listener and connection: addresses, connect, peer credentials.
enum UnixSocketCalls {
    /// A `sockaddr_un` for `path` and its length, or `.pathTooLong`.
    static func withAddress<Result>(
        _ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) throws -> Result
    ) throws -> Result {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, !bytes.contains(0) else { throw UnixSocketError.invalidPath(path: path) }
        guard bytes.count <= UnixSocketError.pathBytesMax else {
            throw UnixSocketError.pathTooLong(path: path, byteCount: bytes.count)
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + 1)
        return try withUnsafePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, length) }
        }
    }

    /// A non-blocking stream socket connected to `path` (`socket`, `connect`). On Linux a Unix
    /// connect completes at once or fails (`EAGAIN` when the listener's backlog is full).
    static func connectStream(to path: String) throws -> Int32 {
        let descriptor = try SocketCalls.open(domain: AF_UNIX, type: Int32(SOCK_STREAM.rawValue))
        do {
            _ = try withAddress(path) { address, length in
                try Syscall.retrying("connect(\(path))") { connect(descriptor, address, length) }
            }
            return descriptor
        } catch {
            SocketCalls.closeSocket(descriptor)
            throw error
        }
    }
}

/// Who is at the other end of a Unix-domain connection, from `SO_PEERCRED`.
public struct PeerCredentials: Equatable, Sendable {
    /// The peer's process id when it connected.
    public let processID: Int32
    /// The peer's user id: the control socket can refuse users other than the daemon's.
    public let userID: UInt32
    /// The peer's group id.
    public let groupID: UInt32
}
