/// What to look for in a store: filters on channel, author and kind, words that must all
/// appear, and how many results at most. Results come newest first.
///
///     var query = BulletinQuery(text: "harga padi", limit: 20)
///     query.channel = "pasar"
///     store.query(query)          // newest 20 posts on #pasar with both words
public struct BulletinQuery: Sendable, Equatable {
    /// No query returns more than this many bulletins.
    public static let limitMax = 10_000
    /// No query holds more words than this.
    public static let wordsMax = 16

    /// Only this channel.
    public var channel: String?
    /// Only this author.
    public var author: AuthorKey?
    /// Only this kind.
    public var kind: BulletinKind?
    /// Folded words (`TextSearch.words`) that must all appear in the title or body, each as a
    /// word or the start of one.
    public private(set) var words: [String]
    /// At most this many results (clamped to 1...`limitMax`).
    public var limit: Int {
        didSet { limit = min(max(limit, 1), Self.limitMax) }
    }

    /// A query for `text` (split into words, folded), newest first, at most `limit` results.
    public init(
        channel: String? = nil, author: AuthorKey? = nil, kind: BulletinKind? = nil, text: String = "", limit: Int = 50
    ) {
        self.channel = channel
        self.author = author
        self.kind = kind
        self.words = Array(TextSearch.words(in: text).prefix(Self.wordsMax))
        self.limit = min(max(limit, 1), Self.limitMax)
    }

    /// True when the filters (not the words) accept these fields.
    public func matches(channel: String, author: AuthorKey, kind: BulletinKind) -> Bool {
        (self.channel == nil || self.channel == channel) && (self.author == nil || self.author == author)
            && (self.kind == nil || self.kind == kind)
    }

    /// True when `bulletin` passes the filters and holds every word.
    public func matches(_ bulletin: Bulletin) -> Bool {
        matches(channel: bulletin.channel, author: bulletin.author, kind: bulletin.kind)
            && TextSearch.containsAll(words, title: bulletin.title, body: bulletin.body)
    }
}

/// Word search over bulletin text: case-insensitive and Unicode-aware.
///
/// Text is lower-cased with the standard library's full Unicode case mapping and split into
/// words at every character that is neither a letter nor a number. Words compare as Swift
/// strings, which means by canonical equivalence: "é" typed as one scalar matches "e" + U+0301.
/// A query word matches a text word it equals or begins (`panen` finds `panennya`).
public enum TextSearch {
    /// The folded words of `text`, in order, duplicates kept.
    public static func words(in text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// True when every one of `queryWords` (already folded) begins some word of `title` or
    /// `body`. O(text length x query words).
    public static func containsAll(_ queryWords: [String], title: String, body: String) -> Bool {
        if queryWords.isEmpty { return true }
        let textWords = words(in: title) + words(in: body)
        return queryWords.allSatisfy { word in textWords.contains { $0.hasPrefix(word) } }
    }
}
