#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import KabarCrypto

/// Random bytes from the kernel's CSPRNG via `getrandom(2)`: the source for real keys.
/// Blocks only until the kernel pool is first initialised at boot, never afterwards.
public struct SystemRandom: RandomSource {
    /// A source over `getrandom(2)`.
    public init() {}

    /// Fills all of `buffer`, retrying interrupted calls and short reads (`getrandom` returns
    /// at most 32 MiB per call and may be cut short by a signal).
    public mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) throws {
        guard let base = buffer.baseAddress else { return }
        guard let getrandom = Self.getrandom else { throw SystemError("getrandom", code: ENOSYS) }
        var filled = 0
        while filled < buffer.count {
            let count = try Syscall.retrying("getrandom") {
                getrandom(base + filled, buffer.count - filled, 0)
            }
            filled += count
        }
    }

    private typealias GetRandomFunction = @convention(c) (UnsafeMutableRawPointer?, Int, UInt32) -> Int

    /// glibc's `getrandom` (2.25+). Swift's Glibc module does not import <sys/random.h>, so the
    /// symbol is looked up once at run time instead.
    private static let getrandom: GetRandomFunction? = dlsym(nil, "getrandom").map {
        unsafeBitCast($0, to: GetRandomFunction.self)
    }
}
