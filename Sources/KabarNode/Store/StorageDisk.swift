import KabarPlatform

/// One open file of the store, as the store's log uses it: positioned reads and writes,
/// `fsync`/`fdatasync`, truncation. `File` is the real one; `SimulatedDisk` hands out files
/// whose unsynced writes a simulated power cut can lose (Documentation/Store.md, "Faults").
public protocol StorageFile: AnyObject {
    /// The path it was opened with, for messages.
    var path: String { get }
    func read(count: Int, at offset: Int64) throws -> [UInt8]
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int
    func write(_ bytes: [UInt8], at offset: Int64) throws
    /// `fsync`: the file's bytes and size durable.
    func sync() throws
    /// `fdatasync`: the same for the store's purposes (the size is data).
    func syncData() throws
    func truncate(to length: Int64) throws
    func size() throws -> Int64
    func close() throws
}

/// The file system under the store: the real one (`SystemDisk`), or a simulated one whose
/// crashes lose what was never synced. Everything the store's log does to files goes through
/// here, so the same code runs over both.
public protocol StorageDisk: AnyObject, Sendable {
    /// Opens `path` for reading and writing, creating it (and emptying it) when asked.
    func open(_ path: String, create: Bool, truncate: Bool) throws -> any StorageFile
    /// Creates the folder `path`; an existing one is not an error.
    func makeDirectory(_ path: String) throws
    func rename(_ source: String, to destination: String) throws
    func removeFile(_ path: String) throws
    /// The names in folder `path`, without `.` and `..`.
    func contentsOfDirectory(_ path: String) throws -> [String]
    /// `fsync` of the folder: renames, creations and removals in it durable.
    func syncDirectory(_ path: String) throws
    /// Takes the one-writer lock of `directory` (or throws `.locked`); the file returned holds
    /// it until closed.
    func lock(_ directory: String) throws(StoreError) -> any StorageFile
}

extension File: StorageFile {}

/// The real file system: one C call per operation (`File`, `FileSystem`).
public final class SystemDisk: StorageDisk {
    /// The one real disk.
    public static let shared = SystemDisk()

    public func open(_ path: String, create: Bool, truncate: Bool) throws -> any StorageFile {
        var options: File.OpenOptions = .readWrite
        if create { options.insert(.create) }
        if truncate { options.insert(.truncate) }
        return try File.open(path, options, permissions: 0o600)
    }

    public func makeDirectory(_ path: String) throws { try FileSystem.makeDirectory(path) }
    public func rename(_ source: String, to destination: String) throws { try FileSystem.rename(source, to: destination) }
    public func removeFile(_ path: String) throws { try FileSystem.removeFile(path) }
    public func contentsOfDirectory(_ path: String) throws -> [String] { try FileSystem.contentsOfDirectory(path) }
    public func syncDirectory(_ path: String) throws { try FileSystem.syncDirectory(path) }

    /// `flock(LOCK_EX | LOCK_NB)` on `lock` in the folder, with the holder's pid written in it
    /// (a message names the other process).
    public func lock(_ directory: String) throws(StoreError) -> any StorageFile {
        let path = directory + "/lock"
        let file = try StoreError.wrap(path) { try File.open(path, [.readWrite, .create], permissions: 0o600) }
        var attempts = 0
        while !(try StoreError.wrap(path) { try file.tryLockExclusive() }) {
            let text = (try? file.read(count: 32, at: 0)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            let processID = text.split(whereSeparator: { $0.isWhitespace }).first.flatMap { Int32($0) }
            // Our own pid: either this process opened the store twice, or a child we were
            // forking at that moment briefly holds a copy of our (close-on-exec) descriptor.
            // Wait a little for the second case before calling it the first.
            attempts += 1
            guard processID == FileSystem.processID, attempts < 100 else {
                throw .locked(directory: directory, processID: processID)
            }
            FileSystem.pause(milliseconds: 2)
        }
        try StoreError.wrap(path) {
            try file.truncate(to: 0)
            try file.write(Array("\(FileSystem.processID)\n".utf8), at: 0)
        }
        return file
    }
}
