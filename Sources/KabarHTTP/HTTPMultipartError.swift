/// Why a `multipart/form-data` body (RFC 7578, framed as RFC 2046 says) was refused: always the
/// sender's fault, never a bug here. Each maps to the status to answer with; the description is
/// a short sentence for a person and never quotes the body.
public enum HTTPMultipartError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The Content-Type is not `multipart/form-data`. 415.
    case notMultipartFormData
    /// The Content-Type has no `boundary` parameter. 400.
    case missingBoundary
    /// The boundary is empty, longer than `HTTPMultipartForm.boundaryBytesMax`, holds a byte
    /// RFC 2046 does not allow in one, or ends in a space. 400.
    case invalidBoundary
    /// The body does not begin with `--` and the boundary (a preamble is refused: no browser
    /// sends one). 400.
    case missingFirstDelimiter
    /// A line beginning with `--` and the boundary is followed by something other than `--` or
    /// the line end: the boundary appears inside a part, which RFC 2046 forbids. 400.
    case malformedDelimiter
    /// The body ends before the closing `--boundary--`: it was cut short. 400.
    case missingClosingDelimiter
    /// Bytes other than a line end after the closing delimiter. 400.
    case dataAfterClosingDelimiter
    /// More parts than the caller allows. 400.
    case tooManyParts(countMax: Int)
    /// One part's header lines are longer together than `HTTPMultipartForm.partHeaderBytesMax`. 400.
    case partHeaderTooLarge(bytesMax: Int)
    /// A part's header line is not `Name: value` ending in CRLF, holds a control character or
    /// invalid UTF-8, or a part names its Content-Disposition or Content-Type twice. 400.
    case malformedPartHeader
    /// A part without a Content-Disposition header. 400.
    case missingContentDisposition
    /// A Content-Disposition that is not `form-data` with well-formed parameters (each named
    /// once). 400.
    case invalidContentDisposition
    /// A Content-Disposition without a non-empty `name` parameter. 400.
    case missingName
    /// A field name longer than `HTTPMultipartForm.nameBytesMax`. 400.
    case nameTooLong(bytesMax: Int)
    /// A file name that, once cut to its last path component, is empty but was not sent empty,
    /// is `.` or `..`, holds a control character, or is longer than
    /// `HTTPMultipartForm.filenameBytesMax`. 400.
    case invalidFilename
    /// A Content-Transfer-Encoding other than binary, 8bit or 7bit (RFC 7578 4.7 deprecates it;
    /// base64 would have to be decoded). 400.
    case unsupportedPartEncoding
    /// A text field (a part without a file name) that is not UTF-8. 400.
    case invalidUTF8

    /// The status to answer with.
    public var status: HTTPStatus {
        self == .notMultipartFormData ? .unsupportedMediaType : .badRequest
    }

    /// A short sentence for a person: a log line, or the text of an error page.
    public var description: String {
        switch self {
        case .notMultipartFormData: return "body is not multipart/form-data"
        case .missingBoundary: return "multipart/form-data without a boundary parameter"
        case .invalidBoundary: return "multipart boundary is not 1 to 70 characters RFC 2046 allows"
        case .missingFirstDelimiter: return "multipart body does not begin with its boundary"
        case .malformedDelimiter: return "multipart boundary appears inside a part"
        case .missingClosingDelimiter: return "multipart body ends before its closing boundary"
        case .dataAfterClosingDelimiter: return "data after the closing multipart boundary"
        case .tooManyParts(let max): return "more than \(max) parts in a multipart body"
        case .partHeaderTooLarge(let max): return "multipart part headers longer than \(max) bytes"
        case .malformedPartHeader: return "multipart part header is not NAME: value, or is given twice"
        case .missingContentDisposition: return "multipart part without Content-Disposition"
        case .invalidContentDisposition: return "multipart Content-Disposition is not form-data; name=..."
        case .missingName: return "multipart part without a field name"
        case .nameTooLong(let max): return "multipart field name longer than \(max) bytes"
        case .invalidFilename: return "multipart file name is empty, a folder name, too long or holds a control character"
        case .unsupportedPartEncoding: return "multipart Content-Transfer-Encoding other than binary"
        case .invalidUTF8: return "multipart text field is not UTF-8"
        }
    }
}
