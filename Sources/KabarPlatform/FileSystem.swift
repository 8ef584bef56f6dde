#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What `stat(2)`/`fstat(2)` says about a file, the parts Kabar uses.
public struct FileStatus: Sendable, Equatable {
    /// Size in bytes.
    public let size: Int64
    /// The full `st_mode`: type and permission bits.
    public let mode: UInt32
    /// The owner's user id.
    public let owner: UInt32

    init(_ raw: stat) {
        size = Int64(raw.st_size)
        mode = UInt32(raw.st_mode)
        owner = UInt32(raw.st_uid)
    }

    /// The permission bits (`mode & 0o7777`).
    public var permissions: UInt32 { mode & 0o7777 }
    /// A regular file.
    public var isRegularFile: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFREG) }
    /// A directory.
    public var isDirectory: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFDIR) }
}

/// Path operations over Glibc: one C call each, retried on `EINTR`, failing with `SystemError`.
public enum FileSystem {
    /// The status of `path` with `stat(2)`; nil when it does not exist (`ENOENT`).
    public static func status(_ path: String) throws -> FileStatus? {
        var raw = stat()
        do {
            try Syscall.retrying("stat") { stat(path, &raw) }
        } catch let error as SystemError where error.code == ENOENT {
            return nil
        }
        return FileStatus(raw)
    }

    /// Creates the directory `path` with `mkdir(2)` and makes its name durable (`fsync(2)` of
    /// the folder that holds it: a power cut must not lose a store's folder with everything in
    /// it). An existing directory is not an error.
    public static func makeDirectory(_ path: String, permissions: UInt32 = 0o700) throws {
        do {
            try Syscall.retrying("mkdir") { mkdir(path, mode_t(permissions)) }
        } catch let error as SystemError where error.code == EEXIST {
            guard try status(path)?.isDirectory == true else { throw error }
            return
        }
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        let parent = trimmed.lastIndex(of: "/").map { $0 == trimmed.startIndex ? "/" : String(trimmed[..<$0]) } ?? "."
        try syncDirectory(parent)
    }

    /// Renames `source` to `destination` atomically with `rename(2)`, replacing it.
    public static func rename(_ source: String, to destination: String) throws {
        try Syscall.retrying("rename") { Glibc.rename(source, destination) }
    }

    /// Removes the file `path` with `unlink(2)`. A missing file is not an error.
    public static func removeFile(_ path: String) throws {
        do {
            try Syscall.retrying("unlink") { unlink(path) }
        } catch let error as SystemError where error.code == ENOENT {}
    }

    /// The names in directory `path` (no `.` or `..`), sorted, with `opendir(3)`/`readdir(3)`.
    public static func contentsOfDirectory(_ path: String) throws -> [String] {
        guard let directory = opendir(path) else { throw SystemError("opendir") }
        defer { closedir(directory) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(directory) else {
                if errno != 0 { throw SystemError("readdir") }
                break
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Makes the entries of directory `path` (creations, renames, removals) durable: `open(2)`
    /// with `O_DIRECTORY`, then `fsync(2)`.
    public static func syncDirectory(_ path: String) throws {
        let directory = try File.open(path, .directory)
        try directory.sync()
        try directory.close()
    }

    /// Sleeps for `milliseconds` with `usleep(3)` (interrupted sleeps end early).
    public static func pause(milliseconds: Int) { usleep(useconds_t(milliseconds * 1000)) }

    /// This process's id, from `getpid(2)`.
    public static var processID: Int32 { getpid() }
}

extension FileSystem {
    /// Replaces the file `path` with `bytes` so that a crash leaves the old file or the new one,
    /// never a mix: a temporary file beside it is written and synced (`fsync`), renamed over it
    /// (`rename`), and the folder `directory` synced so the rename itself survives a power cut.
    public static func replaceFile(_ path: String, with bytes: [UInt8], permissions: UInt32 = 0o600, directory: String) throws {
        let temporary = "\(path).\(processID).tmp"
        do {
            let file = try File.open(temporary, [.readWrite, .create, .truncate], permissions: permissions)
            try file.write(bytes, at: 0)
            try file.sync()
            try file.close()
            try rename(temporary, to: path)
            try syncDirectory(directory)
        } catch {
            try? removeFile(temporary)
            throw error
        }
    }
}
