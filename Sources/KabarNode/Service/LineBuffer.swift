/// Splits a byte stream into lines, with a bound: bytes in, complete lines out.
public struct LineBuffer: Sendable {
    /// The longest line accepted.
    public let lineBytesMax: Int
    private var pending: [UInt8] = []

    /// A buffer for lines of at most `lineBytesMax` bytes.
    public init(lineBytesMax: Int) { self.lineBytesMax = lineBytesMax }

    /// Adds `bytes`; returns the lines completed (without newlines). Throws when a line grows
    /// past the limit.
    public mutating func append(_ bytes: some Collection<UInt8>) throws(ServiceError) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                lines.append(pending)
                pending.removeAll(keepingCapacity: true)
            } else {
                guard pending.count < lineBytesMax else { throw .lineTooLong(limit: lineBytesMax) }
                pending.append(byte)
            }
        }
        return lines
    }

    /// Bytes of an unfinished line.
    public var pendingCount: Int { pending.count }
}
