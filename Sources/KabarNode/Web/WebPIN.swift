import Foundation
import Kabar
import KabarCrypto
import KabarPlatform

/// The operator page's PIN (`kabar web pin`), kept in `DIR/web-pin` as a salted HMAC-SHA-256
/// code, never as the PIN itself:
///
///     kabar-web-pin 1
///     salt <32 hex>
///     code <64 hex>
public struct WebPIN: Sendable {
    static let fileName = "web-pin"
    static let versionLine = "kabar-web-pin 1"
    /// PIN length in characters, at least and at most.
    public static let lengthMin = 4
    public static let lengthMax = 32

    let salt: [UInt8]
    let code: [UInt8]

    /// A PIN record for `pin`, salted with `salt`.
    public init(pin: String, salt: [UInt8]) {
        self.salt = salt
        code = HMACSHA256.authenticationCode(for: Array(pin.utf8), key: salt)
    }

    init(salt: [UInt8], code: [UInt8]) {
        self.salt = salt
        self.code = code
    }

    /// True when `pin` is the PIN (compared in constant time).
    public func accepts(_ pin: String) -> Bool {
        ConstantTime.equal(HMACSHA256.authenticationCode(for: Array(pin.prefix(Self.lengthMax).utf8), key: salt), code)
    }

    /// Why a PIN typed at `kabar web pin` is refused, if it is.
    public static func problem(with pin: String) -> Localized? {
        guard (lengthMin...lengthMax).contains(pin.count), !pin.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == " " }) else {
            return Localized(
                en: "the PIN is \(lengthMin) to \(lengthMax) characters without spaces",
                id: "PIN terdiri dari \(lengthMin) sampai \(lengthMax) karakter tanpa spasi")
        }
        return nil
    }

    /// The PIN saved in `data`; nil when none is set.
    public static func load(from data: DataDirectory) throws(ServiceError) -> WebPIN? {
        let path = data.file(fileName)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let bytes = FileManager.default.contents(atPath: path), bytes.count < 512, let text = String(bytes: bytes, encoding: .utf8)
        else { throw .failed(Localized(en: "cannot read \(path)", id: "tidak dapat membaca \(path)")) }
        let lines = text.split(separator: "\n").map(String.init)
        guard lines.count == 3, lines[0] == versionLine, lines[1].hasPrefix("salt "), lines[2].hasPrefix("code "),
            let salt = try? Hex.decode(String(lines[1].dropFirst(5))), let code = try? Hex.decode(String(lines[2].dropFirst(5)), count: 32)
        else {
            throw .failed(Localized(
                en: "\(path) is damaged; set the PIN again with 'kabar web pin'", id: "\(path) rusak; atur PIN lagi dengan 'kabar web pin'"))
        }
        return WebPIN(salt: salt, code: code)
    }

    /// Saves this PIN in `data` (mode 0600, crash-safe).
    public func save(to data: DataDirectory) throws(ServiceError) {
        let text = "\(Self.versionLine)\nsalt \(Hex.encode(salt))\ncode \(Hex.encode(code))\n"
        do {
            try FileSystem.replaceFile(data.file(Self.fileName), with: Array(text.utf8), directory: data.path)
        } catch {
            throw .from(error)
        }
    }
}
