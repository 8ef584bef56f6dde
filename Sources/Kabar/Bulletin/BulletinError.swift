/// A named field of the bulletin encoding, for error messages.
public enum BulletinField: String, Sendable, CaseIterable {
    case channel, title, body, references, supersedes, attachments, grant, unknown
}

/// Why a bulletin was rejected. Every reason is its own case (Documentation/Bulletin.md).
public enum BulletinError: Error, Equatable, Sendable, LocalizedError {
    /// The encoding is larger than `limit` bytes.
    case tooLarge(size: Int, limit: Int)
    /// The encoding ends before a field, or the signature, is complete.
    case truncated
    /// The version byte is not one this node knows.
    case unknownVersion(UInt8)
    /// The kind byte is the reserved zero.
    case reservedKind
    /// The bytes are not the one canonical encoding of their content.
    case nonCanonical(String)
    /// A text field is not valid UTF-8.
    case badUTF8(BulletinField)
    /// A text field holds a control character it may not hold.
    case controlCharacter(BulletinField)
    /// A field is longer than its limit (bytes, or items for lists).
    case fieldTooLong(BulletinField, limit: Int)
    /// A field this kind needs is missing.
    case missingField(BulletinField)
    /// A field this kind may not carry is present.
    case unexpectedField(BulletinField)
    /// A channel name breaks the naming rule.
    case invalidChannelName(String)
    /// `expires` is not after `created`.
    case invalidTimes
    /// `created` or `expires` is above 2^53 - 1 ms (`BulletinCodec.timeMax`), past what every
    /// JSON reader holds exactly.
    case timeOutOfRange
    /// The signature does not verify against the author key (or the key is not a valid point).
    case badSignature
    /// The bulletin expired at `expires` (node time `now`).
    case expired(expires: UnixTime, now: UnixTime)
    /// The bulletin is dated `created`, later than the node accepts (`limit`).
    case tooFarInFuture(created: UnixTime, limit: UnixTime)
    /// The bulletin would live longer than its channel allows.
    case lifetimeTooLong(lifetime: TimeSpan, limit: TimeSpan)

    public var localizedMessage: Localized {
        switch self {
        case .tooLarge(let size, let limit):
            return Localized(
                en: "bulletin is \(size) bytes; the limit is \(limit)",
                id: "buletin berukuran \(size) byte; batasnya \(limit)")
        case .truncated:
            return Localized(en: "bulletin is cut short", id: "buletin terpotong")
        case .unknownVersion(let version):
            return Localized(
                en: "bulletin format version \(version) is unknown to this node; update Kabar",
                id: "versi format buletin \(version) tidak dikenal node ini; perbarui Kabar")
        case .reservedKind:
            return Localized(en: "bulletin kind 0 is reserved", id: "jenis buletin 0 dicadangkan")
        case .nonCanonical(let reason):
            return Localized(
                en: "bulletin is not in canonical form (\(reason))",
                id: "buletin tidak dalam bentuk kanonik (\(reason))")
        case .badUTF8(let field):
            return Localized(en: "\(field.rawValue) is not valid UTF-8", id: "\(field.rawValue) bukan UTF-8 yang sah")
        case .controlCharacter(let field):
            return Localized(
                en: "\(field.rawValue) contains a control character",
                id: "\(field.rawValue) berisi karakter kendali")
        case .fieldTooLong(let field, let limit):
            return Localized(
                en: "\(field.rawValue) is too long (limit \(limit))",
                id: "\(field.rawValue) terlalu panjang (batas \(limit))")
        case .missingField(let field):
            return Localized(en: "\(field.rawValue) is missing", id: "\(field.rawValue) tidak ada")
        case .unexpectedField(let field):
            return Localized(
                en: "\(field.rawValue) is not allowed for this kind of bulletin",
                id: "\(field.rawValue) tidak boleh ada pada jenis buletin ini")
        case .invalidChannelName(let name):
            return Localized(
                en: "'\(name)' is not a valid channel name: use 1-32 of a-z, 0-9 and '-', starting with a letter",
                id: "'\(name)' bukan nama kanal yang sah: pakai 1-32 huruf a-z, angka 0-9 dan '-', diawali huruf")
        case .invalidTimes:
            return Localized(
                en: "bulletin must expire after it was created",
                id: "buletin harus kedaluwarsa setelah dibuat")
        case .timeOutOfRange:
            return Localized(
                en: "bulletin has a date past the year 287,396 (above 2^53 - 1 milliseconds): not a real date",
                id: "buletin memuat tanggal melewati tahun 287.396 (di atas 2^53 - 1 milidetik): bukan tanggal sungguhan")
        case .badSignature:
            return Localized(
                en: "signature does not match the author key: forged or altered",
                id: "tanda tangan tidak cocok dengan kunci penulis: dipalsukan atau diubah")
        case .expired:
            return Localized(en: "bulletin has expired", id: "buletin sudah kedaluwarsa")
        case .tooFarInFuture:
            return Localized(
                en: "bulletin is dated too far in the future; the sender's clock is probably wrong",
                id: "buletin bertanggal terlalu jauh di masa depan; jam pengirim mungkin salah")
        case .lifetimeTooLong(let lifetime, let limit):
            return Localized(
                en: "bulletin would live \(lifetime.milliseconds / 86_400_000) days; this channel allows \(limit.milliseconds / 86_400_000)",
                id: "buletin akan berlaku \(lifetime.milliseconds / 86_400_000) hari; kanal ini mengizinkan \(limit.milliseconds / 86_400_000)")
        }
    }
}
