/// Why a request (or a form, query or percent-encoded text in one) was refused: always the
/// peer's fault, never a bug here (h11's "remote error"). Each maps to the status to answer
/// with; the server answers it with `Connection: close`, because after a refused request the
/// parser no longer knows where the next one would begin.
public enum HTTPError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The request line is longer than `HTTPLimits.requestLineBytesMax`. 414.
    case requestLineTooLong(bytesMax: Int)
    /// The header lines are longer together than `HTTPLimits.headerBlockBytesMax`. 431.
    case headerBlockTooLarge(bytesMax: Int)
    /// More header lines than `HTTPLimits.headerCountMax`. 431.
    case tooManyHeaders(countMax: Int)
    /// The body (declared or received) is larger than `HTTPLimits.bodyBytesMax`. 413.
    case bodyTooLarge(bytesMax: Int)

    /// The request line is not `METHOD SP target SP HTTP/x.y`, or too many empty lines came
    /// before it. 400.
    case malformedRequestLine
    /// The method holds a byte that is not a token character. 400.
    case invalidMethod
    /// The target is not origin-form (`/path?query`), absolute-form (`http://host/path`) or `*`
    /// for OPTIONS, holds a fragment, or its path decodes to a control character. 400.
    case invalidTarget
    /// The version is not `HTTP/` digit `.` digit. 400.
    case malformedVersion
    /// A well-formed version other than HTTP/1.0 and HTTP/1.1. 505.
    case unsupportedVersion
    /// A CR not followed by LF: RFC 9112 allows a recipient to refuse it, and some servers read
    /// it as a line end, so accepting it would let two parsers disagree. 400.
    case bareCarriageReturn
    /// A header line starting with a space or tab (obs-fold, or space before the first header):
    /// deprecated by RFC 9112 and read differently by different servers. 400.
    case obsoleteLineFolding
    /// Space or tab between a header's name and its colon (RFC 9112 5.1 says 400). 400.
    case whitespaceBeforeColon
    /// A header line with no colon, an empty name, or a name that is not a token. 400.
    case malformedHeaderLine
    /// A header value with a control character, or not valid UTF-8. 400.
    case invalidHeaderValue
    /// An HTTP/1.1 request with no Host header. 400.
    case missingHost
    /// More than one Host header. 400.
    case multipleHosts
    /// Both Content-Length and Transfer-Encoding: the classic request-smuggling shape. 400.
    case contentLengthWithTransferEncoding
    /// Content-Length given more than once with different values. 400.
    case conflictingContentLengths
    /// A Content-Length that is not decimal digits, or does not fit an integer. 400.
    case invalidContentLength
    /// Transfer-Encoding on an HTTP/1.0 request, whose framing is then unreliable. 400.
    case transferEncodingInHTTP1_0
    /// A Transfer-Encoding other than exactly `chunked`. 501.
    case unsupportedTransferEncoding
    /// A chunk-size line that is not hex digits (and extensions), or chunk data not followed
    /// by a line end. 400.
    case malformedChunk
    /// A chunk-size line longer than `HTTPLimits.chunkLineBytesMax`. 400.
    case chunkLineTooLong(bytesMax: Int)
    /// A `%` not followed by two hex digits. 400.
    case invalidPercentEncoding
    /// Percent-decoded bytes that are not valid UTF-8. 400.
    case invalidUTF8
    /// More query or form fields than allowed. 400.
    case tooManyFields(countMax: Int)
    /// The peer closed its side in the middle of a request. 400 (nobody reads it).
    case truncatedRequest

    /// The status to answer with.
    public var status: HTTPStatus {
        switch self {
        case .requestLineTooLong: return .uriTooLong
        case .headerBlockTooLarge, .tooManyHeaders: return .requestHeaderFieldsTooLarge
        case .bodyTooLarge: return .contentTooLarge
        case .unsupportedVersion: return .httpVersionNotSupported
        case .unsupportedTransferEncoding: return .notImplemented
        default: return .badRequest
        }
    }

    /// A short sentence for a person: the plain-text body of the error response, and a log line.
    public var description: String {
        switch self {
        case .requestLineTooLong(let max): return "request line longer than \(max) bytes"
        case .headerBlockTooLarge(let max): return "headers longer than \(max) bytes"
        case .tooManyHeaders(let max): return "more than \(max) header lines"
        case .bodyTooLarge(let max): return "body larger than \(max) bytes"
        case .malformedRequestLine: return "request line is not METHOD SP target SP HTTP/1.x"
        case .invalidMethod: return "method is not a token"
        case .invalidTarget: return "target is not a path, an http URL, or * for OPTIONS"
        case .malformedVersion: return "version is not HTTP/x.y"
        case .unsupportedVersion: return "only HTTP/1.0 and HTTP/1.1 are spoken here"
        case .bareCarriageReturn: return "CR not followed by LF"
        case .obsoleteLineFolding: return "header line starts with whitespace (line folding is refused)"
        case .whitespaceBeforeColon: return "whitespace between a header name and its colon"
        case .malformedHeaderLine: return "header line is not NAME: value"
        case .invalidHeaderValue: return "header value holds a control character or is not UTF-8"
        case .missingHost: return "HTTP/1.1 request without Host"
        case .multipleHosts: return "more than one Host header"
        case .contentLengthWithTransferEncoding: return "both Content-Length and Transfer-Encoding"
        case .conflictingContentLengths: return "Content-Length values differ"
        case .invalidContentLength: return "Content-Length is not a decimal number"
        case .transferEncodingInHTTP1_0: return "Transfer-Encoding in an HTTP/1.0 request"
        case .unsupportedTransferEncoding: return "only Transfer-Encoding: chunked is supported"
        case .malformedChunk: return "malformed chunked body"
        case .chunkLineTooLong(let max): return "chunk-size line longer than \(max) bytes"
        case .invalidPercentEncoding: return "% not followed by two hex digits"
        case .invalidUTF8: return "decoded text is not UTF-8"
        case .tooManyFields(let max): return "more than \(max) fields"
        case .truncatedRequest: return "connection closed in the middle of a request"
        }
    }
}
