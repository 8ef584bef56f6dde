/// One header line: its name as sent and its value without surrounding whitespace.
public struct HTTPHeaderField: Hashable, Sendable {
    /// The name as sent ("Content-Type"); compare it with `HTTPHeaders`' lookups, which ignore
    /// ASCII case.
    public let name: String
    /// The value, without leading or trailing spaces and tabs.
    public let value: String

    /// A field named `name` holding `value`.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The header lines of a request or response, in the order sent, looked up by name ignoring
/// ASCII case (RFC 9110 5.1). A name may appear more than once.
///
///     var headers: HTTPHeaders = ["Content-Type": "text/html; charset=utf-8"]
///     headers.add(name: "Set-Cookie", value: "lang=id")
///     headers["content-type"]          // "text/html; charset=utf-8"
///
/// Lookups are linear: a request holds at most `HTTPLimits.headerCountMax` lines.
public struct HTTPHeaders: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
    /// Every field, in order.
    public private(set) var fields: [HTTPHeaderField] = []

    /// No fields.
    public init() {}

    /// The fields of the literal, in its order.
    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { HTTPHeaderField(name: $0.0, value: $0.1) }
    }

    /// How many fields there are.
    public var count: Int { fields.count }

    /// The fields in order.
    public func makeIterator() -> IndexingIterator<[HTTPHeaderField]> { fields.makeIterator() }

    /// The first value of the fields named `name` (any case), or nil.
    public subscript(name: String) -> String? {
        fields.first { Self.matches($0.name, name) }?.value
    }

    /// Every value of the fields named `name` (any case), in order.
    public func values(for name: String) -> [String] {
        fields.filter { Self.matches($0.name, name) }.map(\.value)
    }

    /// True when a field is named `name` (any case).
    public func contains(name: String) -> Bool {
        fields.contains { Self.matches($0.name, name) }
    }

    /// Adds a field after the others, keeping any of the same name (Set-Cookie needs several).
    public mutating func add(name: String, value: String) {
        fields.append(HTTPHeaderField(name: name, value: value))
    }

    /// Removes the fields named `name` (any case), then adds one.
    public mutating func replaceOrAdd(name: String, value: String) {
        remove(name: name)
        add(name: name, value: value)
    }

    /// Removes every field named `name` (any case).
    public mutating func remove(name: String) {
        fields.removeAll { Self.matches($0.name, name) }
    }

    /// True when the fields named `name`, read as comma-separated lists (as Connection is),
    /// hold `token` ignoring ASCII case: `Connection: keep-alive, Upgrade` holds "upgrade".
    public func listContains(name: String, token: String) -> Bool {
        ASCII.listElements(values(for: name)).contains { ASCII.equalsIgnoringCase($0, token.utf8) }
    }

    private static func matches(_ left: String, _ right: String) -> Bool {
        ASCII.equalsIgnoringCase(left.utf8, right.utf8)
    }
}
