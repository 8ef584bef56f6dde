#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The one place that retries system calls interrupted by a signal.
public enum Syscall {
    /// Calls `body` until it does not fail with `EINTR`. Returns its result when it is not -1;
    /// throws `SystemError(function)` otherwise.
    @discardableResult
    public static func retrying<Result: BinaryInteger>(_ function: String, _ body: () -> Result) throws -> Result {
        while true {
            let result = body()
            if result != -1 { return result }
            if errno == EINTR { continue }
            throw SystemError(function)
        }
    }

    /// Like `retrying`, but `EAGAIN`/`EWOULDBLOCK` is a value (nil), not an error: the
    /// non-blocking call had nothing to do.
    public static func retryingNonBlocking<Result: BinaryInteger>(
        _ function: String, _ body: () -> Result
    ) throws -> Result? {
        while true {
            let result = body()
            if result != -1 { return result }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return nil }
            throw SystemError(function, code: code)
        }
    }
}
