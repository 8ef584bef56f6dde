import Foundation
import Kabar
import KabarPlatform

/// The trust lists a node keeps in its data folder, beside `kabar.conf`:
///
/// - `DIR/authorities`: keys added by `kabar authority add` (merged with the config's
///   `authority =` lines);
/// - `DIR/blocked`: keys added by `kabar block`;
/// - `DIR/known`: keys added by `kabar known add` (merged with the config's `known =` lines).
///
/// One key (64 hex digits) per line; `#` starts a comment; blank lines are ignored. Written
/// whole to a temporary file, synced and renamed, so a crash leaves the old list or the new.
public enum TrustLists {
    /// Which list.
    public enum Kind: String, Sendable, CaseIterable {
        /// Trusted authorities.
        case authorities
        /// Blocked keys.
        case blocked
        /// Keys this node knows: never strangers here, and they may vouch.
        case known

        /// The file's name inside the data folder.
        public var fileName: String { rawValue }
    }

    /// Keys in one list, at most.
    public static let keysMax = 4_096
    /// A list file is small; anything bigger is not one.
    public static let fileBytesMax = keysMax * 160

    /// The keys in `kind`'s list in `data`, in file order; empty when there is no file.
    public static func load(_ kind: Kind, in data: DataDirectory) throws(TrustListError) -> [AuthorKey] {
        let path = data.file(kind.fileName)
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        guard let bytes = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
        guard bytes.count <= fileBytesMax else { throw .tooLarge(path: path, limit: fileBytesMax) }
        guard let text = String(bytes: bytes, encoding: .utf8) else { throw .unreadable(path: path) }
        var keys: [AuthorKey] = []
        var seen: Set<AuthorKey> = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                .trimmingSpaces
            if line.isEmpty { continue }
            guard let key = AuthorKey(hex: line) else { throw .badLine(path: path, line: index + 1, text: line) }
            if seen.insert(key).inserted { keys.append(key) }
        }
        guard keys.count <= keysMax else { throw .tooMany(path: path, limit: keysMax) }
        return keys
    }

    /// Replaces `kind`'s list in `data` with `keys` (crash-safe: temporary file, fsync, rename).
    public static func save(_ keys: [AuthorKey], as kind: Kind, in data: DataDirectory) throws(TrustListError) {
        let path = data.file(kind.fileName)
        guard keys.count <= keysMax else { throw .tooMany(path: path, limit: keysMax) }
        let header = kind == .authorities
            ? "# Authorities this node trusts (kabar authority add/remove). One key per line.\n"
            : "# Keys this node neither stores nor forwards (kabar block/unblock). One key per line.\n"
        let text = header + keys.map { $0.hex + "\n" }.joined()
        do {
            try FileSystem.replaceFile(path, with: Array(text.utf8), permissions: 0o644, directory: data.path)
        } catch {
            throw .unwritable(path: path, reason: "\(error)")
        }
    }

    /// Adds `key` to `kind`'s list; false when it was already there.
    @discardableResult
    public static func add(_ key: AuthorKey, to kind: Kind, in data: DataDirectory) throws(TrustListError) -> Bool {
        var keys = try load(kind, in: data)
        guard !keys.contains(key) else { return false }
        keys.append(key)
        try save(keys, as: kind, in: data)
        return true
    }

    /// Removes `key` from `kind`'s list; false when it was not there.
    @discardableResult
    public static func remove(_ key: AuthorKey, from kind: Kind, in data: DataDirectory) throws(TrustListError) -> Bool {
        var keys = try load(kind, in: data)
        guard let index = keys.firstIndex(of: key) else { return false }
        keys.remove(at: index)
        try save(keys, as: kind, in: data)
        return true
    }
}

/// Why a trust list could not be read or written.
public enum TrustListError: Error, Equatable, Sendable, Kabar.LocalizedError {
    /// The file exists but cannot be read as UTF-8 text.
    case unreadable(path: String)
    /// The file is bigger than any list can be.
    case tooLarge(path: String, limit: Int)
    /// A line is not a key.
    case badLine(path: String, line: Int, text: String)
    /// More keys than a list may hold.
    case tooMany(path: String, limit: Int)
    /// The new list could not be written.
    case unwritable(path: String, reason: String)

    public var localizedMessage: Localized {
        switch self {
        case .unreadable(let path):
            return Localized(
                en: "\(path) cannot be read as UTF-8 text (check its permissions)",
                id: "\(path) tidak dapat dibaca sebagai teks UTF-8 (periksa izinnya)")
        case .tooLarge(let path, let limit):
            return Localized(
                en: "\(path) is over \(limit) bytes; it is not a key list",
                id: "\(path) melebihi \(limit) byte; itu bukan daftar kunci")
        case .badLine(let path, let line, let text):
            return Localized(
                en: "\(path):\(line): '\(text)' is not a public key of 64 hex digits",
                id: "\(path):\(line): '\(text)' bukan kunci publik 64 digit heksa")
        case .tooMany(let path, let limit):
            return Localized(
                en: "\(path) would hold more than \(limit) keys",
                id: "\(path) akan berisi lebih dari \(limit) kunci")
        case .unwritable(let path, let reason):
            return Localized(
                en: "cannot write \(path): \(reason)", id: "tidak dapat menulis \(path): \(reason)")
        }
    }
}
