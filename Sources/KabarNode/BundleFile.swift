import Kabar
import KabarPlatform

/// Bundles on disk: written atomically (temporary file, fsync, rename, fsync of the folder),
/// read through a `BundleSource` over the file.
public enum BundleFile {
    /// Output is written in pieces of about this size.
    static let writeBufferBytes = 256 * 1024

    /// Writes the bundle that `produce` fills to `path`: every record `produce` hands to its
    /// argument, then the trailer. The file appears whole or not at all. Returns the count.
    @discardableResult
    public static func write(
        to path: String, _ produce: ((Bulletin) throws -> Void) throws -> Void,
        blocks: ((([UInt8]) throws -> Void) throws -> Void)? = nil
    ) throws(BundleFileError) -> Int {
        let folder = parentFolder(of: path)
        let temporary = "\(path).\(FileSystem.processID).tmp"
        do {
            let file = try File.open(temporary, [.readWrite, .create, .truncate], permissions: 0o644)
            var encoder = BundleEncoder(withBlocks: blocks != nil)
            var buffer = encoder.header
            var offset: Int64 = 0
            func drain() throws {
                try file.write(buffer, at: offset)
                offset += Int64(buffer.count)
                buffer.removeAll(keepingCapacity: true)
            }
            try produce { bulletin in
                buffer += encoder.record(bulletin)
                if buffer.count >= writeBufferBytes { try drain() }
            }
            try blocks? { block in
                buffer += encoder.record(block: block)
                if buffer.count >= writeBufferBytes { try drain() }
            }
            buffer += encoder.trailer()
            try drain()
            try file.sync()
            try file.close()
            try FileSystem.rename(temporary, to: path)
            try FileSystem.syncDirectory(folder)
            return encoder.bulletinCount
        } catch let error as SystemError {
            try? FileSystem.removeFile(temporary)
            throw .system(error, path: path)
        } catch {
            try? FileSystem.removeFile(temporary)
            throw .other("\(error)", path: path)
        }
    }

    /// A decoder over the bundle at `path`, its header checked.
    public static func open(_ path: String) throws(BundleFileError) -> BundleDecoder<FileBundleSource> {
        let file: File
        do {
            file = try File.open(path, .readOnly)
            guard try file.status().isRegularFile else { throw BundleFileError.notAFile(path: path) }
        } catch let error as BundleFileError {
            throw error
        } catch let error as SystemError {
            throw .system(error, path: path)
        } catch {
            throw .other("\(error)", path: path)
        }
        do {
            return try BundleDecoder(source: FileBundleSource(file))
        } catch {
            throw .bundle(error, path: path)
        }
    }

    static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

/// A `BundleSource` over an open file.
public final class FileBundleSource: BundleSource {
    private let file: File
    private var offset: Int64 = 0

    init(_ file: File) { self.file = file }

    public func read(_ count: Int) throws -> [UInt8] {
        let bytes = try file.read(count: count, at: offset)
        offset += Int64(bytes.count)
        return bytes
    }
}

/// Why a bundle file could not be written or opened.
public enum BundleFileError: Error, Equatable, LocalizedError {
    /// A system call failed on `path`.
    case system(SystemError, path: String)
    /// The path is a folder or a device, not a file.
    case notAFile(path: String)
    /// The file is not a bundle this node can read.
    case bundle(BundleError, path: String)
    /// Anything else.
    case other(String, path: String)

    public var localizedMessage: Localized {
        switch self {
        case .system(let error, let path):
            return Localized(en: "cannot use \(path): \(error.reason)", id: "tidak dapat memakai \(path): \(error.reason)")
        case .notAFile(let path):
            return Localized(en: "\(path) is not a file", id: "\(path) bukan berkas")
        case .bundle(let error, let path):
            let message = error.localizedMessage
            return Localized(en: "\(path): \(message.en)", id: "\(path): \(message.id)")
        case .other(let reason, let path):
            return Localized(en: "cannot use \(path): \(reason)", id: "tidak dapat memakai \(path): \(reason)")
        }
    }
}
