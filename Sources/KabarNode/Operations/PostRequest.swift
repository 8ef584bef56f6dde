import Kabar

/// A post as a person typed it, before it is checked, dated and signed.
public struct PostRequest: Sendable, Equatable {
    /// The channel name.
    public var channel: String
    /// The title.
    public var title: String
    /// The body, as typed or read (line ends are normalised by `normalisedBody`).
    public var body: String
    /// How long it lives; nil for the channel's default lifetime.
    public var lifetime: TimeSpan?
    /// The bulletins it replies to (a reply names one).
    public var references: [BulletinID] = []
    /// Attachments' content ids (their blocks already stored).
    public var attachments: [ContentID] = []
    /// The proof-of-work stamp to make, in bits (0: none; Documentation/Trust.md, "Stamps").
    public var stampBits = 0

    /// A request.
    public init(channel: String, title: String, body: String, lifetime: TimeSpan? = nil) {
        self.channel = channel
        self.title = title
        self.body = body
        self.lifetime = lifetime
    }

    /// The body with Windows line ends (`\r\n`) and the Unicode line and paragraph separators
    /// (U+2028, U+2029, which a phone's paste may bring) made `\n`, and trailing newlines
    /// dropped, the way a body piped from `echo` or a text editor is meant.
    public var normalisedBody: String {
        var characters = body.map { $0 == "\r\n" || $0 == "\u{2028}" || $0 == "\u{2029}" ? "\n" : $0 }
        while characters.last == "\n" { characters.removeLast() }
        return String(characters)
    }
}

/// Why a post was refused before it was signed. Every message names the limit or the rule, so
/// nothing is ever dropped silently (Meshtastic's over-long messages simply vanished).
public enum PostError: Error, Equatable, Sendable, LocalizedError {
    /// The channel name breaks the naming rule.
    case invalidChannel(String)
    /// The title is empty.
    case missingTitle
    /// The title is `bytes` long, over `limit`.
    case titleTooLong(bytes: Int, limit: Int)
    /// The body is `bytes` long, over `limit`.
    case bodyTooLong(bytes: Int, limit: Int)
    /// The title holds a control character (a line break, a tab, a direction override:
    /// `BulletinCodec.isAllowed(_:in:)`).
    case controlCharacterInTitle
    /// The body holds a control character other than newline and tab.
    case controlCharacterInBody
    /// The lifetime asked for is longer than the channel allows.
    case lifetimeTooLong(days: Int64, limitDays: Int64, channel: String)
    /// The format refused the post for another reason.
    case rejected(BulletinError)

    public var localizedMessage: Localized {
        switch self {
        case .invalidChannel(let name):
            return BulletinError.invalidChannelName(name).localizedMessage
        case .missingTitle:
            return Localized(en: "a post needs a title (--title)", id: "kiriman perlu judul (--title)")
        case .titleTooLong(let bytes, let limit):
            return Localized(
                en: "the title is \(bytes) bytes; the limit is \(limit) bytes (letters such as é take 2). Shorten it and post again",
                id: "judul \(bytes) byte; batasnya \(limit) byte (huruf seperti é memakai 2). Persingkat lalu kirim lagi")
        case .bodyTooLong(let bytes, let limit):
            return Localized(
                en: "the body is \(bytes) bytes; the limit is \(limit) bytes. Shorten it or split it into several posts",
                id: "isi \(bytes) byte; batasnya \(limit) byte. Persingkat atau bagi menjadi beberapa kiriman")
        case .controlCharacterInTitle:
            return Localized(
                en: "the title must be one line, without tabs, control characters or text-direction overrides",
                id: "judul harus satu baris, tanpa tab, karakter kendali atau pengubah arah teks")
        case .controlCharacterInBody:
            return Localized(
                en: "the body may hold line breaks and tabs but no other control characters",
                id: "isi boleh berisi baris baru dan tab tetapi tidak karakter kendali lain")
        case .lifetimeTooLong(let days, let limitDays, let channel):
            return Localized(
                en: "a post on \(channel) may live at most \(limitDays) days, not \(days); use a shorter --expires",
                id: "kiriman di \(channel) paling lama berlaku \(limitDays) hari, bukan \(days); pakai --expires yang lebih pendek")
        case .rejected(let error):
            return error.localizedMessage
        }
    }
}
