#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Kabar
import KabarCrypto
import KabarPlatform

/// A node's signing identity: an Ed25519 key and a label a person gave it.
///
/// It lives in `DATA/identity.key`, a small text file readable by its owner only:
///
///     kabar-identity 1
///     seed 9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60
///     label Balai Desa Sungai Besar
///
/// Like ssh, Kabar refuses a key file that group or others may read: a key anyone on the Pi
/// can copy lets them post as this hall.
public struct Identity: Sendable {
    /// The key file's name inside the data folder.
    public static let fileName = "identity.key"
    /// The first line of every key file; the number is the format version.
    static let versionLine = "kabar-identity 1"
    /// Label bytes, at most.
    public static let labelBytesMax = 64
    /// Key file bytes, at most: anything larger is not ours.
    static let fileBytesMax = 4_096

    /// The private key.
    public let key: Ed25519.PrivateKey
    /// The name a person gave this identity (may be empty).
    public let label: String

    /// An identity over `key`.
    public init(key: Ed25519.PrivateKey, label: String) {
        self.key = key
        self.label = label
    }

    /// The public key bulletins name as their author.
    public var author: AuthorKey {
        // A public key is always 32 bytes.
        AuthorKey(bytes: key.publicKey.rawRepresentation)!
    }

    /// The key file's path in `data`.
    public static func path(in data: DataDirectory) -> String { data.file(fileName) }

    /// The key file's text.
    func fileText() -> String {
        "\(Self.versionLine)\nseed \(Hex.encode(key.seed))\nlabel \(label)\n"
    }

    /// Checks a label a person typed: at most `labelBytesMax` bytes, no control characters.
    public static func checkLabel(_ label: String) throws(IdentityError) {
        guard label.utf8.count <= labelBytesMax else { throw .badLabel(limit: labelBytesMax) }
        guard !label.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7f...0x9f).contains($0.value) }) else {
            throw .badLabel(limit: labelBytesMax)
        }
    }

    /// Parses key file text. `path` is for messages.
    static func parse(_ text: String, path: String) throws(IdentityError) -> Identity {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard let first = lines.first, first == versionLine else {
            throw .malformed(path: path, reason: "the first line is not '\(versionLine)'")
        }
        var seedHex: String?
        var label = ""
        for line in lines.dropFirst() {
            if line.hasPrefix("seed ") {
                seedHex = String(line.dropFirst(5))
            } else if line.hasPrefix("label ") || line == "label" {
                label = String(line.dropFirst(6))
            } else if !line.isEmpty && !line.hasPrefix("#") {
                throw .malformed(path: path, reason: "unknown line")
            }
        }
        guard let seedHex, let seed = try? Hex.decode(seedHex, count: Ed25519.seedByteCount),
            let key = try? Ed25519.PrivateKey(seed: seed)
        else { throw .malformed(path: path, reason: "no valid 'seed' line (64 hex characters)") }
        return Identity(key: key, label: label)
    }
}

extension Identity {
    /// Creates the data folder (mode 0700) if needed, then a new identity from `random`,
    /// written with mode 0600 from the first byte: a temporary file made with `O_EXCL` and
    /// 0600, fsynced, linked to its name (which fails if an identity exists, even one made
    /// a moment ago by another process), then the folder is fsynced.
    public static func create(
        in data: DataDirectory, label: String, random: inout some RandomSource
    ) throws(IdentityError) -> Identity {
        try checkLabel(label)
        let path = path(in: data)
        try wrap(data.path) { try FileSystem.makeDirectory(data.path, permissions: 0o700) }
        if try wrap(path, { try FileSystem.status(path) }) != nil { throw .alreadyExists(path: path) }
        let key: Ed25519.PrivateKey
        do {
            key = try Ed25519.PrivateKey.generate(using: &random)
        } catch {
            throw .noRandomness("\(error)")
        }
        let identity = Identity(key: key, label: label)
        let temporary = data.file(".\(fileName).\(FileSystem.processID).tmp")
        try wrap(temporary) {
            try FileSystem.removeFile(temporary)
            let file = try File.open(temporary, [.readWrite, .create, .exclusive], permissions: 0o600)
            try file.write(Array(identity.fileText().utf8))
            try file.sync()
            try file.close()
        }
        do {
            try publish(temporary, as: path)
        } catch {
            try? FileSystem.removeFile(temporary)
            throw error
        }
        // The key now has both names (after a link); drop the temporary one, then make the
        // folder's entries durable: the key must survive a power cut right after `init`.
        try wrap(data.path) {
            try FileSystem.removeFile(temporary)
            try FileSystem.syncDirectory(data.path)
        }
        return identity
    }

    /// Gives the finished temporary file its name without ever replacing an existing file:
    /// `link(2)` fails with `EEXIST` where `rename(2)` would overwrite.
    private static func publish(_ temporary: String, as path: String) throws(IdentityError) {
        if link(temporary, path) == 0 { return }
        let code = errno
        if code == EEXIST { throw .alreadyExists(path: path) }
        // Some file systems (FAT on a USB stick) have no hard links: rename after one more
        // check. The window is tiny and only another `kabar init` could use it.
        guard code == EPERM || code == ENOTSUP || code == EOPNOTSUPP || code == EXDEV else {
            throw .system(SystemError("link", code: code), path: path)
        }
        if try wrap(path, { try FileSystem.status(path) }) != nil { throw .alreadyExists(path: path) }
        try wrap(path) { try FileSystem.rename(temporary, to: path) }
    }

    /// Loads the identity in `data`, refusing a key file that group or others may read.
    public static func load(from data: DataDirectory) throws(IdentityError) -> Identity {
        let path = path(in: data)
        let file: File
        do {
            file = try File.open(path, .readOnly)
        } catch let error as SystemError where error.code == ENOENT {
            throw .missing(path: path, data: data.path)
        } catch let error as SystemError {
            throw .system(error, path: path)
        } catch {
            throw .system(SystemError("open", code: EIO), path: path)
        }
        defer { try? file.close() }
        let status = try wrap(path) { try file.status() }
        guard status.isRegularFile else { throw .malformed(path: path, reason: "not a regular file") }
        guard status.permissions & 0o077 == 0 else {
            throw .tooOpen(path: path, permissions: status.permissions)
        }
        guard status.size <= fileBytesMax else { throw .malformed(path: path, reason: "larger than \(fileBytesMax) bytes") }
        let bytes = try wrap(path) { try file.read(count: fileBytesMax + 1, at: 0) }
        guard bytes.count <= fileBytesMax, let text = String(validating: bytes, as: UTF8.self) else {
            throw .malformed(path: path, reason: "not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    private static func wrap<Result>(_ path: String, _ body: () throws -> Result) throws(IdentityError) -> Result {
        do {
            return try body()
        } catch let error as SystemError {
            throw .system(error, path: path)
        } catch let error as IdentityError {
            throw error
        } catch {
            throw .system(SystemError("unknown", code: EIO), path: path)
        }
    }
}

/// Why an identity could not be made or used. Each message says what to do.
public enum IdentityError: Error, Equatable, LocalizedError {
    /// No key file: the node was never initialised.
    case missing(path: String, data: String)
    /// `kabar init` found an identity already.
    case alreadyExists(path: String)
    /// Group or others may read the key file (`permissions` are its mode bits).
    case tooOpen(path: String, permissions: UInt32)
    /// The key file is not a Kabar key file.
    case malformed(path: String, reason: String)
    /// The label is too long or holds control characters.
    case badLabel(limit: Int)
    /// The system's random source failed.
    case noRandomness(String)
    /// A system call failed.
    case system(SystemError, path: String)

    public var localizedMessage: Localized {
        switch self {
        case .missing(let path, let data):
            return Localized(
                en: "no identity at \(path); run 'kabar init --data \(data)' first",
                id: "belum ada identitas di \(path); jalankan dulu 'kabar init --data \(data)'")
        case .alreadyExists(let path):
            return Localized(
                en: "an identity already exists at \(path); kabar init never overwrites a key (move it away first if you really mean to replace it)",
                id: "identitas sudah ada di \(path); kabar init tidak pernah menimpa kunci (pindahkan dulu jika memang ingin menggantinya)")
        case .tooOpen(let path, let permissions):
            let mode = String(permissions, radix: 8)
            return Localized(
                en: "key file \(path) has mode \(mode): other users can read it, so Kabar will not use it. Fix with: chmod 600 \(path)",
                id: "berkas kunci \(path) bermode \(mode): pengguna lain dapat membacanya, jadi Kabar tidak mau memakainya. Perbaiki dengan: chmod 600 \(path)")
        case .malformed(let path, let reason):
            return Localized(
                en: "\(path) is not a Kabar key file (\(reason))",
                id: "\(path) bukan berkas kunci Kabar (\(reason))")
        case .badLabel(let limit):
            return Localized(
                en: "the label must be at most \(limit) bytes, with no control characters",
                id: "label paling banyak \(limit) byte, tanpa karakter kendali")
        case .noRandomness(let reason):
            return Localized(
                en: "the system random source failed: \(reason)",
                id: "sumber acak sistem gagal: \(reason)")
        case .system(let error, let path):
            return Localized(en: "cannot use \(path): \(error.reason)", id: "tidak dapat memakai \(path): \(error.reason)")
        }
    }
}
