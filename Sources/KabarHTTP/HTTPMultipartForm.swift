/// One part of a `multipart/form-data` body: a text field, or a file when it has a file name.
public struct HTTPMultipartPart: Hashable, Sendable {
    /// The field name (`name=` of its Content-Disposition), never empty.
    public let name: String
    /// The file name (`filename=`), cut to its last path component; "" when a file field was
    /// sent with no file chosen; nil for a text field.
    public let filename: String?
    /// The part's Content-Type as sent ("image/jpeg"), or nil when it had none.
    public let contentType: String?
    /// The part's bytes, exactly as sent.
    public let body: [UInt8]

    /// A part made of its pieces (the parser's, or a test's).
    public init(name: String, filename: String? = nil, contentType: String? = nil, body: [UInt8]) {
        self.name = name
        self.filename = filename
        self.contentType = contentType
        self.body = body
    }
}

/// A `multipart/form-data` body (RFC 7578), parsed whole: how a browser sends a form with a
/// file input. Sans-IO like the rest of this module: bytes in, parts or one typed error out.
///
///     let form = try HTTPMultipartForm(parsing: request.body, contentType: request.headers["Content-Type"] ?? "")
///     try form.textFields()["title"]        // "Jual padi"
///     form.files(named: "attach").first     // the photo: filename, contentType, body
///
/// The framing is RFC 2046's, with the boundary from the Content-Type:
///
///     Content-Type: multipart/form-data; boundary=XyZ
///
///     --XyZ CRLF                                            dash-boundary (spaces or tabs may
///     Content-Disposition: form-data; name="title" CRLF     follow it), CRLF; then the part's
///     CRLF                                                  headers and an empty line
///     Jual padi                                             the part: any bytes
///     CRLF --XyZ CRLF                                       delimiter: CRLF and dash-boundary
///     Content-Disposition: form-data; name="attach"; filename="foto.jpg" CRLF
///     Content-Type: image/jpeg CRLF
///     CRLF
///     <the file's bytes, CR LF and "--" among them>
///     CRLF --XyZ-- CRLF                                     close-delimiter, then at most a CRLF
///
/// A part ends at the first CRLF `--boundary`, so its bytes may hold anything else (a sender
/// picks a boundary its data does not contain). Strict where two readers could differ: a
/// preamble, the boundary followed by anything but `--` or a line end, data after the close,
/// a bare LF or CR in part headers, a Content-Disposition or Content-Type named twice, and a
/// Content-Transfer-Encoding other than binary are refused, each with its own
/// `HTTPMultipartError`.
///
/// Bounded: the body by the request's limit (`HTTPLimits`), parts by `partsMax`, each part's
/// headers by `partHeaderBytesMax`, names by `nameBytesMax`, file names by `filenameBytesMax`.
/// Time is linear in the body: each byte is compared with the delimiter's first byte once, and
/// the delimiter (at most 74 bytes, no CR after its first) can start only at a CR.
public struct HTTPMultipartForm: Hashable, Sendable {
    /// The boundary's length, at most (RFC 2046 5.1.1).
    public static let boundaryBytesMax = 70
    /// Parts in one body, at most, unless the caller asks for another bound. The board's post
    /// form has five.
    public static let partsMaxDefault = 16
    /// One part's header lines together, line ends counted, at most. A browser's are under 200
    /// bytes with a long file name.
    public static let partHeaderBytesMax = 2 * 1024
    /// A field name, at most (bytes).
    public static let nameBytesMax = 64
    /// A file name once cut to its last path component, at most (bytes; most file systems'
    /// bound).
    public static let filenameBytesMax = 255

    /// Every part, in order.
    public let parts: [HTTPMultipartPart]

    /// Parses `body`, sent with `contentType` (the request's Content-Type header): throws
    /// `.notMultipartFormData` for another type, else as `init(parsing:boundary:partsMax:)`.
    public init(parsing body: [UInt8], contentType: String, partsMax: Int = partsMaxDefault) throws(HTTPMultipartError) {
        try self.init(parsing: body, boundary: Self.boundary(inContentType: contentType), partsMax: partsMax)
    }

    /// Parses `body` framed by `boundary`; throws the first rule it breaks.
    public init(parsing body: [UInt8], boundary: String, partsMax: Int = partsMaxDefault) throws(HTTPMultipartError) {
        guard Self.isValidBoundary(boundary.utf8) else { throw .invalidBoundary }
        var reader = Reader(body: body, dashBoundary: [ASCII.hyphen, ASCII.hyphen] + Array(boundary.utf8))
        parts = try reader.parts(partsMax: partsMax)
    }

    /// A form of these parts (a test's).
    public init(parts: [HTTPMultipartPart]) {
        self.parts = parts
    }

    /// True when `contentType` names `multipart/form-data` (any case, any parameters): the
    /// request parser allows an upload's larger body by it, and the board reads the body by it,
    /// so the two never disagree.
    public static func isFormData(contentType: String?) -> Bool {
        guard let contentType else { return false }
        return ASCII.equalsIgnoringCase(mediaType(Array(contentType.utf8)[...]), "multipart/form-data".utf8)
    }

    /// The `boundary` parameter of a `multipart/form-data` Content-Type, checked.
    public static func boundary(inContentType contentType: String) throws(HTTPMultipartError) -> String {
        guard isFormData(contentType: contentType) else { throw .notMultipartFormData }
        guard let parameters = HTTPHeaderParameters(parsing: Array(contentType.utf8)[...]) else { throw .invalidBoundary }
        guard let boundary = parameters["boundary"] else { throw .missingBoundary }
        guard isValidBoundary(boundary) else { throw .invalidBoundary }
        return String(decoding: boundary, as: UTF8.self)
    }

    /// The text fields (parts without a file name) as form fields, in order; throws
    /// `.invalidUTF8` when one is not UTF-8.
    public func textFields() throws(HTTPMultipartError) -> HTTPFormFields {
        var fields: [HTTPFormField] = []
        for part in parts where part.filename == nil {
            guard let value = String(validating: part.body, as: UTF8.self) else { throw .invalidUTF8 }
            fields.append(HTTPFormField(name: part.name, value: value))
        }
        return HTTPFormFields(fields)
    }

    /// The file parts (those with a file name, even an empty one) named `name`, in order.
    public func files(named name: String) -> [HTTPMultipartPart] {
        parts.filter { $0.name == name && $0.filename != nil }
    }

    // MARK: - The grammar

    /// RFC 2046 5.1.1: 1 to 70 of DIGIT, ALPHA and `'()+_,-./:=? `, not ending in a space.
    static func isValidBoundary(_ bytes: some Collection<UInt8>) -> Bool {
        let bytes = Array(bytes)
        guard (1...boundaryBytesMax).contains(bytes.count), bytes.allSatisfy(isBoundaryByte) else { return false }
        return bytes.last != ASCII.space
    }

    private static func isBoundaryByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "'()+_,-./:=? ".utf8.contains(byte)
        }
    }

    /// The bytes before the first `;`, trimmed: "multipart/form-data".
    private static func mediaType(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        ASCII.trimmingWhitespace(bytes[bytes.startIndex..<(bytes.firstIndex(of: ASCII.semicolon) ?? bytes.endIndex)])
    }

    /// A file name cut to its last path component (after the last `/` or `\`): browsers send
    /// only the name, but old ones sent the whole path. "" stays "" (no file chosen).
    static func fileName(_ bytes: [UInt8]) throws(HTTPMultipartError) -> String {
        guard !bytes.isEmpty else { return "" }
        let last = bytes.split(omittingEmptySubsequences: false) { $0 == ASCII.slash || $0 == ASCII.backslash }.last ?? []
        guard !last.isEmpty, last.count <= filenameBytesMax, !last.contains(where: ASCII.isControl),
            !last.elementsEqual([ASCII.period]), !last.elementsEqual([ASCII.period, ASCII.period]),
            let name = String(validating: last, as: UTF8.self)
        else { throw .invalidFilename }
        return name
    }
}

/// Walks a body from its first delimiter to its close, one part at a time.
private struct Reader {
    /// What a part learns from its headers.
    struct PartHead {
        var name: String
        var filename: String?
        var contentType: String?
    }

    let body: [UInt8]
    /// `--` and the boundary.
    let dashBoundary: [UInt8]
    /// CRLF, `--` and the boundary: what ends a part.
    let delimiter: [UInt8]
    var position = 0

    init(body: [UInt8], dashBoundary: [UInt8]) {
        self.body = body
        self.dashBoundary = dashBoundary
        self.delimiter = [ASCII.carriageReturn, ASCII.lineFeed] + dashBoundary
    }

    mutating func parts(partsMax: Int) throws(HTTPMultipartError) -> [HTTPMultipartPart] {
        guard matches(dashBoundary, at: 0) else { throw .missingFirstDelimiter }
        position = dashBoundary.count
        var parts: [HTTPMultipartPart] = []
        while try !atClose() {
            guard parts.count < partsMax else { throw .tooManyParts(countMax: partsMax) }
            let head = try partHead()
            guard let end = find(delimiter, from: position) else { throw .missingClosingDelimiter }
            parts.append(HTTPMultipartPart(name: head.name, filename: head.filename, contentType: head.contentType, body: Array(body[position..<end])))
            position = end + delimiter.count
        }
        return parts
    }

    /// Just after a dash-boundary: true at the close (`--`, then nothing but an optional CRLF);
    /// false when a part follows (optional spaces or tabs, then CRLF, which it consumes).
    private mutating func atClose() throws(HTTPMultipartError) -> Bool {
        if matches([ASCII.hyphen, ASCII.hyphen], at: position) {
            let rest = body.count - skipWhitespace(from: position + 2)
            guard rest == 0 || (rest == 2 && matches([ASCII.carriageReturn, ASCII.lineFeed], at: body.count - 2)) else {
                throw .dataAfterClosingDelimiter
            }
            return true
        }
        position = skipWhitespace(from: position)
        guard position < body.count else { throw .missingClosingDelimiter }
        guard matches([ASCII.carriageReturn, ASCII.lineFeed], at: position) else { throw .malformedDelimiter }
        position += 2
        return false
    }

    /// A part's header lines, up to and including the empty line that ends them.
    private mutating func partHead() throws(HTTPMultipartError) -> PartHead {
        let limit = min(body.count, position + HTTPMultipartForm.partHeaderBytesMax)
        var disposition: String?
        var contentType: String?
        while true {
            guard let lineFeed = body[position..<limit].firstIndex(of: ASCII.lineFeed) else {
                throw limit == body.count ? .missingClosingDelimiter : .partHeaderTooLarge(bytesMax: HTTPMultipartForm.partHeaderBytesMax)
            }
            guard lineFeed > position, body[lineFeed - 1] == ASCII.carriageReturn else { throw .malformedPartHeader }
            let line = body[position..<(lineFeed - 1)]
            position = lineFeed + 1
            if line.isEmpty { break }
            guard !line.contains(ASCII.carriageReturn) else { throw .malformedPartHeader }
            let field: HTTPHeaderField
            do { field = try HTTPRequestParser.headerField(parsing: line) } catch { throw .malformedPartHeader }
            switch field.name.lowercased() {
            case "content-disposition":
                guard disposition == nil else { throw .malformedPartHeader }
                disposition = field.value
            case "content-type":
                guard contentType == nil else { throw .malformedPartHeader }
                contentType = field.value
            case "content-transfer-encoding":
                guard ["binary", "8bit", "7bit"].contains(field.value.lowercased()) else { throw .unsupportedPartEncoding }
            default:
                continue  // RFC 7578 4.8: other header fields are ignored
            }
        }
        guard let disposition else { throw .missingContentDisposition }
        return try Self.partHead(disposition: disposition, contentType: contentType)
    }

    /// `form-data; name="..."[; filename="..."]`, checked.
    private static func partHead(disposition: String, contentType: String?) throws(HTTPMultipartError) -> PartHead {
        guard let parameters = HTTPHeaderParameters(parsing: Array(disposition.utf8)[...]),
            ASCII.equalsIgnoringCase(parameters.value, "form-data".utf8)
        else { throw .invalidContentDisposition }
        guard let nameBytes = parameters["name"], !nameBytes.isEmpty else { throw .missingName }
        guard nameBytes.count <= HTTPMultipartForm.nameBytesMax else { throw .nameTooLong(bytesMax: HTTPMultipartForm.nameBytesMax) }
        guard let name = String(validating: nameBytes, as: UTF8.self) else { throw .invalidContentDisposition }
        let filename: String?
        if let bytes = parameters["filename"] { filename = try HTTPMultipartForm.fileName(bytes) } else { filename = nil }
        return PartHead(name: name, filename: filename, contentType: contentType)
    }

    private func matches(_ pattern: [UInt8], at index: Int) -> Bool {
        index >= 0 && index + pattern.count <= body.count && body[index..<(index + pattern.count)].elementsEqual(pattern)
    }

    private func skipWhitespace(from start: Int) -> Int {
        var index = start
        while index < body.count && ASCII.isWhitespace(body[index]) { index += 1 }
        return index
    }

    /// The first index at or after `start` where `pattern` begins, or nil.
    private func find(_ pattern: [UInt8], from start: Int) -> Int? {
        body.withUnsafeBufferPointer { haystack in
            pattern.withUnsafeBufferPointer { needle in
                guard let first = needle.first, haystack.count >= needle.count else { return nil }
                var index = start
                let last = haystack.count - needle.count
                search: while index <= last {
                    if haystack[index] == first {
                        for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                            index += 1
                            continue search
                        }
                        return index
                    }
                    index += 1
                }
                return nil
            }
        }
    }
}
