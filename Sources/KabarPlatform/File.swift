#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An open file: a thin, typed owner of a file descriptor. Every method is one C call (named in
/// its doc), retried on `EINTR` through `Syscall`, failing with `SystemError`.
///
/// The descriptor is closed by `close()` or, failing that, when the value is released.
public final class File {
    /// How to open a file.
    public struct OpenOptions: OptionSet, Sendable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        /// `O_RDONLY`.
        public static let readOnly = OpenOptions([])
        /// `O_RDWR`.
        public static let readWrite = OpenOptions(rawValue: O_RDWR)
        /// `O_CREAT`.
        public static let create = OpenOptions(rawValue: O_CREAT)
        /// `O_EXCL`: fail if the file exists.
        public static let exclusive = OpenOptions(rawValue: O_EXCL)
        /// `O_TRUNC`.
        public static let truncate = OpenOptions(rawValue: O_TRUNC)
        /// `O_APPEND`.
        public static let append = OpenOptions(rawValue: O_APPEND)
        /// `O_DIRECTORY`: only open a directory (for `fsync` of its entries).
        public static let directory = OpenOptions(rawValue: O_DIRECTORY)
    }

    /// The raw descriptor; -1 once closed.
    public private(set) var descriptor: Int32

    /// The path it was opened with, for messages.
    public let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { if descriptor >= 0 { _ = Glibc.close(descriptor) } }

    /// Opens `path` with `open(2)`; `O_CLOEXEC` is always added. `permissions` apply when created.
    public static func open(_ path: String, _ options: OpenOptions, permissions: UInt32 = 0o644) throws -> File {
        let descriptor = try Syscall.retrying("open") {
            Glibc.open(path, options.rawValue | O_CLOEXEC, mode_t(permissions))
        }
        return File(descriptor: descriptor, path: path)
    }

    /// Closes the descriptor with `close(2)`. Closing twice does nothing.
    public func close() throws {
        guard descriptor >= 0 else { return }
        let old = descriptor
        descriptor = -1
        // close must not be retried on EINTR on Linux: the descriptor is already gone.
        if Glibc.close(old) == -1 && errno != EINTR { throw SystemError("close") }
    }

    /// Reads up to `count` bytes at `offset` with `pread(2)`, looping until `count` bytes or the
    /// end of the file. A short result means end of file.
    public func read(count: Int, at offset: Int64) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let total = try bytes.withUnsafeMutableBytes { try read(into: $0, at: offset) }
        if total < count { bytes.removeSubrange(total...) }
        return bytes
    }

    /// Reads into `buffer` at `offset` with `pread(2)` until full or end of file; returns the
    /// number of bytes read.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        var total = 0
        while total < buffer.count {
            let got = try Syscall.retrying("pread") {
                pread(descriptor, buffer.baseAddress! + total, buffer.count - total, off_t(offset) + off_t(total))
            }
            if got == 0 { break }
            total += got
        }
        return total
    }

    /// Writes all of `bytes` at `offset` with `pwrite(2)`, looping over short writes.
    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws {
        var total = 0
        while total < bytes.count {
            let wrote = try Syscall.retrying("pwrite") {
                pwrite(descriptor, bytes.baseAddress! + total, bytes.count - total, off_t(offset) + off_t(total))
            }
            total += wrote
        }
    }

    /// Writes all of `bytes` at `offset` with `pwrite(2)`.
    public func write(_ bytes: [UInt8], at offset: Int64) throws {
        try bytes.withUnsafeBytes { try write($0, at: offset) }
    }

    /// Writes all of `bytes` at the current position with `write(2)`, looping over short writes.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { buffer in
            var total = 0
            while total < buffer.count {
                total += try Syscall.retrying("write") {
                    Glibc.write(descriptor, buffer.baseAddress! + total, buffer.count - total)
                }
            }
        }
    }

    /// Flushes data and metadata to the device with `fsync(2)`.
    public func sync() throws { try Syscall.retrying("fsync") { fsync(descriptor) } }

    /// Flushes data (and the size, but not timestamps) with `fdatasync(2)`.
    public func syncData() throws { try Syscall.retrying("fdatasync") { fdatasync(descriptor) } }

    /// Sets the file's length with `ftruncate(2)`.
    public func truncate(to length: Int64) throws {
        try Syscall.retrying("ftruncate") { ftruncate(descriptor, off_t(length)) }
    }

    /// Takes an exclusive advisory lock without waiting, with `flock(LOCK_EX | LOCK_NB)`.
    /// Returns false when another open file description holds it.
    public func tryLockExclusive() throws -> Bool {
        try Syscall.retryingNonBlocking("flock") { flock(descriptor, LOCK_EX | LOCK_NB) } != nil
    }

    /// Releases the advisory lock with `flock(LOCK_UN)`.
    public func unlock() throws { try Syscall.retrying("flock") { flock(descriptor, LOCK_UN) } }

    /// The file's status with `fstat(2)`.
    public func status() throws -> FileStatus {
        var raw = stat()
        try Syscall.retrying("fstat") { fstat(descriptor, &raw) }
        return FileStatus(raw)
    }

    /// The file's size in bytes, from `fstat(2)`.
    public func size() throws -> Int64 { try status().size }
}
