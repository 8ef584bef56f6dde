/// One `name=value` pair of a query string or form body, both decoded.
public struct HTTPFormField: Hashable, Sendable {
    /// The decoded name.
    public let name: String
    /// The decoded value ("" for a bare `name` or `name=`).
    public let value: String

    /// A field named `name` holding `value`.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The fields of an `application/x-www-form-urlencoded` text: a form body, or a target's query
/// string (browsers encode a GET form the same way). Order is kept; a name may repeat.
///
///     let form = try HTTPFormFields(urlEncoded: request.body)     // "title=Jual+padi&channel=pasar"
///     form["title"]                                                // "Jual padi"
///
/// Pieces are split on `&` (empty pieces are skipped), then on the first `=`; `+` is a space
/// and `%XX` a byte; names and values must decode to UTF-8. The field count is checked before
/// anything is decoded, so a body of 64 KiB of `&a` costs one pass.
public struct HTTPFormFields: Hashable, Sendable, Sequence {
    /// Fields in one form body, at most, unless the caller asks for another bound. The board's
    /// post form has fewer than ten.
    public static let fieldsMaxDefault = 256

    /// Every field, in order.
    public private(set) var fields: [HTTPFormField] = []

    /// No fields.
    public init() {}

    /// These fields, in this order (a multipart form's text fields, say).
    public init(_ fields: [HTTPFormField]) {
        self.fields = fields
    }

    /// Parses `bytes`; throws `.tooManyFields` past `fieldsMax` fields, `.invalidPercentEncoding`
    /// or `.invalidUTF8`.
    public init(urlEncoded bytes: some Collection<UInt8>, fieldsMax: Int = fieldsMaxDefault) throws(HTTPError) {
        let pieces = Array(bytes).split(separator: ASCII.ampersand)
        guard pieces.count <= fieldsMax else { throw .tooManyFields(countMax: fieldsMax) }
        for piece in pieces {
            let equals = piece.firstIndex(of: ASCII.equals) ?? piece.endIndex
            let name = try PercentEncoding.decode(piece[..<equals], plusAsSpace: true)
            let value = try PercentEncoding.decode(piece[equals...].dropFirst(), plusAsSpace: true)
            fields.append(HTTPFormField(name: name, value: value))
        }
    }

    /// How many fields there are.
    public var count: Int { fields.count }

    /// The fields in order.
    public func makeIterator() -> IndexingIterator<[HTTPFormField]> { fields.makeIterator() }

    /// The value of the first field named exactly `name`, or nil.
    public subscript(name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// The values of every field named exactly `name`, in order (a multiple select).
    public func values(named name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.value)
    }
}
