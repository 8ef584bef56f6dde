import Kabar

/// The kinds of file a phone may attach on the board, which are also the kinds the board
/// serves (with PDF, which only `kabar post --attach` adds): images and voice notes
/// (Documentation/Board.md, "Attachments from phones").
///
/// WebM audio is among them because Chrome on Android records only WebM (or, from Chrome 126,
/// MP4); refusing it would leave most phones that can record unable to send what they recorded.
public enum WebMediaType: String, CaseIterable, Sendable {
    /// A JPEG photo (what cameras and the board's own scaling make).
    case jpeg = "image/jpeg"
    /// A PNG image (screenshots).
    case png = "image/png"
    /// A WebP image.
    case webp = "image/webp"
    /// Ogg audio (Opus or Vorbis): Firefox's recordings, many Android recorder apps.
    case ogg = "audio/ogg"
    /// MP3 audio.
    case mpeg = "audio/mpeg"
    /// M4A: AAC (or Opus) audio in an MP4 file; Samsung's and Apple's recorders, Safari's recordings.
    case mp4Audio = "audio/mp4"
    /// WebM audio (Opus): Chrome's recordings.
    case webmAudio = "audio/webm"

    /// Other names browsers and phones give these types (Safari's `audio/x-m4a`, `image/jpg`).
    static let aliases: [String: WebMediaType] = [
        "image/jpg": .jpeg, "image/pjpeg": .jpeg, "audio/x-m4a": .mp4Audio, "audio/m4a": .mp4Audio, "audio/mp3": .mpeg,
        "audio/x-mp3": .mpeg, "audio/mpeg3": .mpeg, "audio/x-mpeg": .mpeg, "application/ogg": .ogg, "audio/x-ogg": .ogg,
        "audio/opus": .ogg,
    ]

    /// The type a browser claimed, parameters dropped (`audio/ogg;codecs=opus`), any case,
    /// aliases resolved; nil when it is none of these.
    init?(claimed: String) {
        let base = String(claimed.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            .trimmingSpaces.lowercased()
        guard let type = WebMediaType(rawValue: base) ?? Self.aliases[base] else { return nil }
        self = type
    }

    /// The extension a file of this type is named with when the phone gave no name.
    var fileExtension: String {
        switch self {
        case .jpeg: "jpg"
        case .png: "png"
        case .webp: "webp"
        case .ogg: "ogg"
        case .mpeg: "mp3"
        case .mp4Audio: "m4a"
        case .webmAudio: "webm"
        }
    }

    /// A short name for people: "JPEG", "M4A".
    var label: String {
        switch self {
        case .jpeg: "JPEG"
        case .png: "PNG"
        case .webp: "WebP"
        case .ogg: "Ogg"
        case .mpeg: "MP3"
        case .mp4Audio: "M4A"
        case .webmAudio: "WebM"
        }
    }

    /// True when `bytes` begin as a file of this type does (its magic bytes):
    ///
    ///     JPEG  FF D8 FF                      PNG   89 50 4E 47 0D 0A 1A 0A
    ///     WebP  "RIFF" size(4) "WEBP"         Ogg   "OggS"
    ///     MP3   "ID3", or an MPEG audio frame header (11 sync bits, version and layer not reserved)
    ///     M4A   size(4) "ftyp" (an ISO media file)
    ///     WebM  1A 45 DF A3 (EBML), with the DocType "webm" in its first 64 bytes
    func matches(_ bytes: [UInt8]) -> Bool {
        func at(_ offset: Int, _ expected: [UInt8]) -> Bool {
            bytes.count >= offset + expected.count && bytes[offset..<(offset + expected.count)].elementsEqual(expected)
        }
        switch self {
        case .jpeg: return at(0, [0xFF, 0xD8, 0xFF])
        case .png: return at(0, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        case .webp: return at(0, Array("RIFF".utf8)) && at(8, Array("WEBP".utf8))
        case .ogg: return at(0, Array("OggS".utf8))
        case .mpeg: return at(0, Array("ID3".utf8)) || Self.isMPEGAudioFrame(bytes)
        case .mp4Audio: return at(4, Array("ftyp".utf8))
        case .webmAudio:
            let head = Array(bytes.prefix(64))
            return at(0, [0x1A, 0x45, 0xDF, 0xA3]) && (0...max(0, head.count - 4)).contains { head[$0...].starts(with: "webm".utf8) }
        }
    }

    /// What `bytes` look like, if any of these types (for the refusal's words).
    static func recognised(_ bytes: [UInt8]) -> WebMediaType? {
        allCases.first { $0.matches(bytes) }
    }

    /// An MPEG audio frame header: 11 sync bits, a version and a layer that are not reserved
    /// (so an AAC ADTS header, layer 0, is not taken for MP3).
    private static func isMPEGAudioFrame(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 2, bytes[0] == 0xFF, bytes[1] & 0xE0 == 0xE0 else { return false }
        return bytes[1] & 0x18 != 0x08 && bytes[1] & 0x06 != 0x00
    }
}

/// A file a phone attached to a post on the board, as the board received it. The board's door
/// (`NodeService.webPost`) checks it with `checked(bytesMax:)` before anything is stored.
public struct WebAttachment: Sendable, Equatable {
    /// The file's bytes.
    public var bytes: [UInt8]
    /// The file name the browser sent, already cut to its last path component ("" for none).
    public var name: String
    /// The media type the browser claimed ("image/jpeg", "audio/webm;codecs=opus"), if any.
    public var claimedType: String?

    /// A file as received.
    public init(bytes: [UInt8], name: String, claimedType: String?) {
        self.bytes = bytes
        self.name = name
        self.claimedType = claimedType
    }

    /// The type to store it as and the name to give it, or why the board does not take it:
    /// empty, over `bytesMax`, a type the board does not serve, or bytes that are not of the
    /// type claimed. A browser that names no type (or `application/octet-stream`) is taken at
    /// its file name's extension, as `kabar post --attach` does.
    func checked(bytesMax: Int) throws(WebAttachmentRefusal) -> (type: WebMediaType, name: String) {
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.count <= bytesMax else { throw .tooLarge(size: bytes.count, limit: bytesMax) }
        var claimed = (claimedType ?? "").trimmingSpaces
        if claimed.isEmpty || claimed.lowercased() == "application/octet-stream" { claimed = NodeService.mediaType(ofFileNamed: name) }
        guard let type = WebMediaType(claimed: claimed) else { throw .unservedType(String(claimed.prefix(64))) }
        guard type.matches(bytes) else { throw .contentMismatch(claimed: type, found: WebMediaType.recognised(bytes)) }
        return (type, Self.storedName(name, type: type))
    }

    /// `given` within the manifest's name limit (the extension kept), or "lampiran.EXT" when
    /// the phone gave none. The multipart layer already removed folders and control characters.
    static func storedName(_ given: String, type: WebMediaType) -> String {
        let name = given.trimmingSpaces
        guard !name.isEmpty, name != ".", name != ".." else { return "lampiran." + type.fileExtension }
        guard name.utf8.count > AttachmentManifest.nameBytesMax else { return name }
        let dot = name.lastIndex(of: ".")
        let suffix = dot.map { String(name[$0...]) } ?? ""
        let keep = suffix.utf8.count <= 16 ? suffix : ""
        var stem = String(name[..<(keep.isEmpty ? name.endIndex : (dot ?? name.endIndex))])
        while !stem.isEmpty && (stem + keep).utf8.count > AttachmentManifest.nameBytesMax { stem.removeLast() }
        return stem.isEmpty ? "lampiran." + type.fileExtension : stem + keep
    }
}

/// Why the board did not take a phone's file; worded for the phone by `localizedMessage`.
enum WebAttachmentRefusal: Error, Equatable {
    /// A file of no bytes.
    case empty
    /// Larger than the node's `attachment_max`.
    case tooLarge(size: Int, limit: Int)
    /// A type the board does not take (the type claimed, or named by the extension).
    case unservedType(String)
    /// The bytes are not of the type claimed (`found`: what they look like, if known).
    case contentMismatch(claimed: WebMediaType, found: WebMediaType?)

    /// The types the board takes, for people.
    static let takenTypes = "JPEG, PNG, WebP, Ogg, MP3, M4A, WebM"

    /// The refusal as the service reports it: `too_large` (413 on the board) or
    /// `unsupported_type` (415), with words for the phone.
    var serviceError: ServiceError {
        switch self {
        case .tooLarge: ServiceError(code: "too_large", message: localizedMessage)
        case .empty: .invalidInput(localizedMessage)
        case .unservedType, .contentMismatch: ServiceError(code: "unsupported_type", message: localizedMessage)
        }
    }

    var localizedMessage: Localized {
        switch self {
        case .empty:
            return Localized(en: "The file is empty: choose it again.", id: "Berkas itu kosong: pilih lagi.")
        case .tooLarge(let size, let limit):
            let sizeText = BoardPages.byteText(UInt64(size)), limitText = BoardPages.byteText(UInt64(limit))
            return Localized(
                en: "The file is \(sizeText); this hall takes files of at most \(limitText). Choose a smaller photo or a shorter recording.",
                id: "Berkas itu \(sizeText); balai ini menerima berkas paling besar \(limitText). Pilih foto yang lebih kecil atau rekaman yang lebih pendek.")
        case .unservedType(let type):
            let named = type.isEmpty ? "" : " (\(type))"
            return Localized(
                en: "The board takes photos and voice notes only: \(Self.takenTypes). This file is not one\(named).",
                id: "Papan hanya menerima foto dan pesan suara: \(Self.takenTypes). Berkas ini bukan salah satunya\(named).")
        case .contentMismatch(let claimed, let found):
            let looks = found.map { Localized(en: " (it looks like \($0.label))", id: " (isinya seperti \($0.label))") }
                ?? Localized(en: "", id: "")
            return Localized(
                en: "The file is named as \(claimed.label) but its contents are not\(looks.en). Choose the file again, or another one.",
                id: "Berkas itu bernama \(claimed.label) tetapi isinya bukan\(looks.id). Pilih lagi berkasnya, atau berkas lain.")
        }
    }
}
