/// The protocol versions this layer speaks. Others are refused with 505.
public enum HTTPVersion: String, Hashable, Sendable, CustomStringConvertible {
    /// HTTP/1.0: connections close after each response unless the client asks to keep alive.
    case http1_0 = "HTTP/1.0"
    /// HTTP/1.1: connections stay open unless either side says `Connection: close`.
    case http1_1 = "HTTP/1.1"

    /// "HTTP/1.1".
    public var description: String { rawValue }
}
