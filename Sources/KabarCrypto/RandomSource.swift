/// Where random bytes come from. The pure crypto target takes randomness only through this, so
/// tests can pass a seeded source and the platform layer passes `getrandom(2)`.
public protocol RandomSource {
    /// Fills every byte of `buffer` with random bytes, or throws.
    mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) throws
}
