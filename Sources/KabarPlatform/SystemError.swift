#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A failed system call: which C function failed, and the `errno` it left.
public struct SystemError: Error, Equatable, CustomStringConvertible {
    /// The C function that failed, such as `"open"`.
    public let function: String
    /// The `errno` value.
    public let code: Int32

    /// An error for `function` with the current `errno`.
    public init(_ function: String, code: Int32 = errno) {
        self.function = function
        self.code = code
    }

    /// The `strerror` text for the code.
    public var reason: String { String(cString: strerror(code)) }

    public var description: String { "\(function): \(reason) (errno \(code))" }
}
