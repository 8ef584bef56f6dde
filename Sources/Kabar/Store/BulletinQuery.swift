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
    /// Not this kind (a listing of every channel leaves hall reports out: one per hall).
    public var excludedKind: BulletinKind?
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
            && (self.kind == nil || self.kind == kind) && (excludedKind == nil || excludedKind != kind)
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
        if let answer = asciiContainsAll(queryWords, title: title, body: body) { return answer }
        let textWords = words(in: title) + words(in: body)
        return queryWords.allSatisfy { word in textWords.contains { $0.hasPrefix(word) } }
    }

    /// The same answer for ASCII text and ASCII query words, over bytes: in ASCII a letter or
    /// number is `A-Z a-z 0-9`, folding is `A-Z` to `a-z`, and canonical equivalence is byte
    /// equality. Many times quicker than splitting into `Character`s, which matters to a search
    /// over 50,000 bulletins answering on the daemon's loop. Nil when anything is not ASCII
    /// (then the Unicode path decides).
    public static func asciiContainsAll(_ queryWords: [String], title: String, body: String) -> Bool? {
        guard let matcher = ASCIIMatcher(queryWords) else { return nil }
        var found: UInt64 = 0
        for text in [title, body] {
            guard let answer = matcher.scan(text, found: &found) else { return nil }
            if answer { return true }
        }
        return false
    }

    /// Query words (folded, ASCII) matched against ASCII texts without allocating: build it
    /// once per search, then `matches` each text.
    public struct ASCIIMatcher: Sendable {
        let queries: [[UInt8]]
        let all: UInt64

        /// Nil when a word is not ASCII, or there are more than 64 (a query has at most 16).
        public init?(_ queryWords: [String]) {
            guard !queryWords.isEmpty, queryWords.count <= 64, queryWords.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) else { return nil }
            queries = queryWords.map { Array($0.utf8) }
            all = queryWords.count == 64 ? .max : (1 << UInt64(queryWords.count)) - 1
        }

        /// Whether `text` holds every query word at the start of one of its words; nil when the
        /// text is not ASCII.
        public func matches(_ text: String) -> Bool? {
            var found: UInt64 = 0
            return scan(text, found: &found)
        }

        /// Marks in `found` the words `text` holds; true once every word is found.
        func scan(_ text: String, found: inout UInt64) -> Bool? {
            var text = text
            return text.withUTF8 { bytes -> Bool? in
                var start = 0
                var index = 0
                let count = bytes.count
                while index <= count {
                    let byte: UInt8 = index < count ? bytes[index] : 0x20
                    if byte >= 0x80 { return nil }
                    let isWordByte = (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
                    if !isWordByte {
                        if index > start { mark(bytes, start, index, &found) }
                        if found == all { return true }
                        start = index + 1
                    }
                    index += 1
                }
                return found == all
            }
        }

        private func mark(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ found: inout UInt64) {
            for (number, query) in queries.enumerated() where found & (1 << UInt64(number)) == 0 && end - start >= query.count {
                var same = true
                for offset in 0..<query.count {
                    let byte = bytes[start + offset]
                    let folded = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                    if folded != query[offset] {
                        same = false
                        break
                    }
                }
                if same { found |= 1 << UInt64(number) }
            }
        }
    }
}
