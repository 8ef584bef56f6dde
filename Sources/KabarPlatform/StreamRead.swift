/// What one non-blocking read from a stream gave.
public enum StreamRead: Equatable, Sendable {
    /// `byteCount` bytes (at least 1) were read.
    case bytes(Int)
    /// Nothing to read yet (`EWOULDBLOCK`).
    case wouldBlock
    /// The other end closed its side: no more bytes will come.
    case endOfStream
}
