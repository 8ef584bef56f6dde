/// Why an id prefix a person typed did not name exactly one bulletin.
public enum IDPrefixError: Error, Equatable, Sendable, LocalizedError {
    /// Fewer hex characters than `IDPrefix.charactersMin`.
    case tooShort(String)
    /// Not hex, or longer than an id.
    case notHex(String)
    /// No held bulletin starts with it.
    case notFound(String)
    /// More than one does; `candidates` lists some of them (sorted, at most
    /// `IDPrefix.candidatesMax`), `count` says how many there are.
    case ambiguous(String, candidates: [BulletinID], count: Int)

    public var localizedMessage: Localized { message }

    /// The message in both languages.
    public var message: Localized {
        switch self {
        case .tooShort(let text):
            return Localized(
                en: "'\(text)' is too short: type at least \(IDPrefix.charactersMin) characters of the id",
                id: "'\(text)' terlalu pendek: ketik sedikitnya \(IDPrefix.charactersMin) karakter id")
        case .notHex(let text):
            return Localized(
                en: "'\(text)' is not a bulletin id: use 0-9 and a-f, at most 64 characters",
                id: "'\(text)' bukan id buletin: pakai 0-9 dan a-f, paling banyak 64 karakter")
        case .notFound(let text):
            return Localized(en: "no bulletin id starts with \(text)", id: "tidak ada id buletin yang diawali \(text)")
        case .ambiguous(let text, let candidates, let count):
            let list = candidates.map(\.short).joined(separator: ", ")
            return Localized(
                en: "\(count) bulletins start with \(text) (\(list)); type more characters",
                id: "\(count) buletin diawali \(text) (\(list)); ketik lebih banyak karakter")
        }
    }
}

/// A leading part of a bulletin id in hex, as a person types it (`3fa2b9c1`).
public struct IDPrefix: Sendable, Equatable {
    /// The shortest prefix accepted: 8 hex characters (32 bits), so a typo rarely lands on
    /// another bulletin.
    public static let charactersMin = 8
    /// An ambiguity lists at most this many candidates.
    public static let candidatesMax = 8

    /// The text as typed, lower-cased.
    public let text: String
    private let nibbles: [UInt8]

    /// Parses `text`: 8 to 64 hex characters, either case.
    public init(_ text: String) throws(IDPrefixError) {
        let lowered = text.lowercased()
        var nibbles: [UInt8] = []
        for byte in lowered.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibbles.append(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibbles.append(byte - UInt8(ascii: "a") + 10)
            default: throw .notHex(text)
            }
        }
        guard nibbles.count <= 2 * BulletinID.byteCount else { throw .notHex(text) }
        guard nibbles.count >= Self.charactersMin else { throw .tooShort(text) }
        self.text = lowered
        self.nibbles = nibbles
    }

    /// True when `id` starts with this prefix. O(prefix length), no allocation.
    public func matches(_ id: BulletinID) -> Bool {
        for (index, nibble) in nibbles.enumerated() {
            let word: UInt64
            switch index / 16 {
            case 0: word = id.words.0
            case 1: word = id.words.1
            case 2: word = id.words.2
            default: word = id.words.3
            }
            let shift = UInt64(60 - 4 * (index % 16))
            if UInt8(truncatingIfNeeded: (word >> shift) & 0xf) != nibble { return false }
        }
        return true
    }

    /// The one id among `ids` with this prefix. O(n).
    public func resolve(among ids: some Sequence<BulletinID>) throws(IDPrefixError) -> BulletinID {
        var found: [BulletinID] = []
        for id in ids where matches(id) { found.append(id) }
        guard let first = found.first else { throw .notFound(text) }
        guard found.count == 1 else {
            throw .ambiguous(text, candidates: Array(found.sorted().prefix(Self.candidatesMax)), count: found.count)
        }
        return first
    }
}
