/// A sans-IO HTTP/1.1 request parser for the server side, in h11's discipline: bytes in, whole
/// requests or one typed error out. It never touches a socket, a clock or the system.
///
/// # Theory of operation
///
/// The caller hands over whatever a read gave (`receive`), then pulls requests (`nextRequest`)
/// until it gets nil, meaning "need more bytes". Bytes may be cut anywhere: a request fed a byte
/// at a time and ten pipelined requests in one read come out the same.
///
///     var parser = HTTPRequestParser()
///     parser.receive(bytesFromTheSocket)
///     while let request = try parser.nextRequest() { answer(request) }    // or catch HTTPError
///
/// One request is read at a time, through these states:
///
///     requestLine --> headerLines --+-- no body -----------------------------------> complete
///      ^  (up to two empty          +-- Content-Length: body(remaining) -----------> complete
///      |   lines skipped first)     +-- chunked: chunkSizeLine --> chunkData --> chunkDataEnd
///      |                                         ^   | size 0                         |
///      |                                         |   +--> trailerLines -------------> complete
///      |                                         +------------------------------------+
///      +---- complete, keepAlive ---------------------------------------------------- +
///            complete, not keepAlive --> closed (bytes after it are ignored, as RFC 9112 9.6
///                                               says: the server closes after answering)
///      any state -- malformed, ambiguous or over a limit --> failed(error), for good
///
/// Errors are the peer's (h11's "remote errors"): each is an `HTTPError` carrying the status to
/// answer. After one the parser stays failed and throws it again: it no longer knows where a
/// next request would begin, so the server answers and closes. The parser's own bugs trap.
///
/// Every limit of `HTTPLimits` is checked as bytes arrive, before they are kept: a line whose
/// end has not come is refused once it is a byte too long, a Content-Length over the body limit
/// before one byte of the body (an upload's larger bound, `HTTPLimits.uploadBodyBytesMax`, is
/// chosen from the head: a POST of multipart/form-data to one of `uploadPaths`). What the parser holds is then bounded by the limits plus what
/// the caller fed since the last `nextRequest` (the server feeds one read at a time, and only
/// when the parser asked for more).
///
/// Line ends are CRLF. A bare LF also ends a line, as RFC 9112 2.2 allows and h11 does: the node
/// has no proxy in front that could split lines differently, and an operator typing a request
/// into `nc` sends bare LFs. A bare CR is never a line end and never accepted
/// (`.bareCarriageReturn`): some parsers treat it as one, and such disagreements are what
/// request smuggling is made of. Everything else refused, and why, is listed on `HTTPError` and
/// in Documentation/HTTP.md.
public struct HTTPRequestParser: Sendable {
    /// Empty lines skipped before a request line (RFC 9112 2.2 asks for at least one: some old
    /// clients send a CRLF after a POST body). More is junk: 400.
    public static let emptyLinesBeforeRequestMax = 2

    /// The limits this parser holds the peer to.
    public let limits: HTTPLimits

    private enum State: Sendable {
        case requestLine(emptyLinesSkipped: Int)
        case headerLines
        case body(remaining: Int)
        case chunkSizeLine
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailerLines
        case closed
        case failed(HTTPError)
    }

    private enum Step {
        case needBytes
        case advanced
        case complete(HTTPRequest)
    }

    /// The request being read: its head once parsed, its body so far.
    private struct PartialRequest: Sendable {
        var line = RequestLine(method: .get, target: "", path: "", query: HTTPFormFields(), version: .http1_1)
        var headers = HTTPHeaders()
        var headerBytes = 0
        var body: [UInt8] = []
        /// The body's bound: `limits.bodyBytesMax`, or `uploadBodyBytesMax` for an upload.
        var bodyBytesMax = 0
        /// The head says upload (`HTTPLimits.isUpload`): the larger bound applies.
        var isUpload = false
        var trailerBytes = 0
        var trailerCount = 0
    }

    private var state = State.requestLine(emptyLinesSkipped: 0)
    private var partial = PartialRequest()
    private var buffer: [UInt8] = []
    /// The first byte of `buffer` not yet parsed.
    private var start = 0
    /// How many bytes after `start` are known to hold no LF, so a line fed a byte at a time is
    /// searched once in all, not once per byte.
    private var searched = 0
    private var endOfStream = false

    /// A parser at the start of a connection.
    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    // MARK: - Getters

    /// True while bytes of a request that is not complete are held (or a request was begun):
    /// the server's slow-client clock runs while this is true.
    public var isMidRequest: Bool {
        switch state {
        case .requestLine(let skipped): return start < buffer.count || skipped > 0
        case .closed, .failed: return false
        default: return true
        }
    }

    /// True after a request that did not keep the connection alive: no further request will be
    /// read from this connection.
    public var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    /// Bytes received and not yet parsed.
    public var bufferedByteCount: Int { buffer.count - start }

    /// True while the body of an upload (`HTTPLimits.isUpload`, allowed
    /// `uploadBodyBytesMax`) is being read: the server bounds how many such bodies it holds at
    /// once, and gives them longer to arrive.
    public var isReadingUpload: Bool {
        switch state {
        case .body, .chunkSizeLine, .chunkData, .chunkDataEnd, .trailerLines: return partial.isUpload
        default: return false
        }
    }

    // MARK: - Inputs

    /// Takes bytes read from the connection. Ignored once the parser is closed or failed.
    public mutating func receive(_ bytes: some Collection<UInt8>) {
        switch state {
        case .closed, .failed: return
        default: break
        }
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Notes that the peer closed its side: requests complete in the buffer still come out of
    /// `nextRequest`; a request cut short then throws `.truncatedRequest`.
    public mutating func receiveEndOfStream() {
        endOfStream = true
    }

    // MARK: - Outputs

    /// The next complete request, or nil until more bytes arrive. Throws the peer's error, and
    /// throws it again on every later call.
    public mutating func nextRequest() throws(HTTPError) -> HTTPRequest? {
        do throws(HTTPError) {
            while true {
                switch try step() {
                case .advanced: continue
                case .complete(let request): return request
                case .needBytes:
                    if endOfStream && isMidRequest { throw HTTPError.truncatedRequest }
                    return nil
                }
            }
        } catch {
            state = .failed(error)
            dropBuffer()
            throw error
        }
    }

    // MARK: - The state machine

    private mutating func step() throws(HTTPError) -> Step {
        switch state {
        case .requestLine(let skipped): return try readRequestLine(emptyLinesSkipped: skipped)
        case .headerLines: return try readHeaderLine()
        case .body(let remaining): return readBody(remaining: remaining)
        case .chunkSizeLine: return try readChunkSizeLine()
        case .chunkData(let remaining): return readChunkData(remaining: remaining)
        case .chunkDataEnd: return try readChunkDataEnd()
        case .trailerLines: return try readTrailerLine()
        case .closed: return .needBytes
        case .failed(let error): throw error
        }
    }

    private mutating func readRequestLine(emptyLinesSkipped skipped: Int) throws(HTTPError) -> Step {
        let max = limits.requestLineBytesMax
        guard let line = try takeLine(bytesMax: max, tooLong: .requestLineTooLong(bytesMax: max)) else { return .needBytes }
        if line.isEmpty {
            guard skipped < Self.emptyLinesBeforeRequestMax else { throw .malformedRequestLine }
            state = .requestLine(emptyLinesSkipped: skipped + 1)
            return .advanced
        }
        partial = PartialRequest(line: try RequestLine(parsing: line, queryFieldsMax: limits.queryFieldsMax))
        state = .headerLines
        return .advanced
    }

    private mutating func readHeaderLine() throws(HTTPError) -> Step {
        let max = limits.headerBlockBytesMax
        let tooLarge = HTTPError.headerBlockTooLarge(bytesMax: max)
        guard let line = try takeLine(bytesMax: max - partial.headerBytes, tooLong: tooLarge) else { return .needBytes }
        if line.isEmpty { return try finishHead() }
        guard partial.headers.count < limits.headerCountMax else { throw .tooManyHeaders(countMax: limits.headerCountMax) }
        partial.headerBytes += line.count
        let field = try Self.headerField(parsing: line)
        partial.headers.add(name: field.name, value: field.value)
        return .advanced
    }

    /// The head is complete: check what spans several headers, then choose how the body is read.
    private mutating func finishHead() throws(HTTPError) -> Step {
        try Self.checkHost(partial.headers, version: partial.line.version)
        partial.isUpload = limits.isUpload(method: partial.line.method, path: partial.line.path, headers: partial.headers)
        partial.bodyBytesMax = partial.isUpload ? limits.uploadBodyBytesMax : limits.bodyBytesMax
        switch try Self.bodyFraming(partial.headers, version: partial.line.version, bodyBytesMax: partial.bodyBytesMax) {
        case .noBody, .length(0): return .complete(finishRequest())
        case .length(let length): state = .body(remaining: length)
        case .chunked: state = .chunkSizeLine
        }
        return .advanced
    }

    private mutating func readBody(remaining: Int) -> Step {
        guard let taken = takeBodyBytes(upTo: remaining) else { return .needBytes }
        if taken == remaining { return .complete(finishRequest()) }
        state = .body(remaining: remaining - taken)
        return .needBytes
    }

    private mutating func readChunkSizeLine() throws(HTTPError) -> Step {
        let max = limits.chunkLineBytesMax
        guard let line = try takeLine(bytesMax: max, tooLong: .chunkLineTooLong(bytesMax: max)) else { return .needBytes }
        let size = try Self.chunkSize(parsing: line)
        if size == 0 {
            state = .trailerLines
        } else {
            guard size <= partial.bodyBytesMax - partial.body.count else { throw .bodyTooLarge(bytesMax: partial.bodyBytesMax) }
            state = .chunkData(remaining: size)
        }
        return .advanced
    }

    private mutating func readChunkData(remaining: Int) -> Step {
        guard let taken = takeBodyBytes(upTo: remaining) else { return .needBytes }
        state = taken == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - taken)
        return taken == remaining ? .advanced : .needBytes
    }

    /// The line end after a chunk's data: an empty line, nothing else.
    private mutating func readChunkDataEnd() throws(HTTPError) -> Step {
        guard let line = try takeLine(bytesMax: 0, tooLong: .malformedChunk) else { return .needBytes }
        precondition(line.isEmpty, "takeLine(bytesMax: 0) returned a non-empty line")
        state = .chunkSizeLine
        return .advanced
    }

    /// Trailer lines are checked like header lines, bounded by the same limits, and dropped:
    /// nothing the board needs comes in a trailer, and a field arriving after the body could
    /// otherwise change what the head said.
    private mutating func readTrailerLine() throws(HTTPError) -> Step {
        let max = limits.headerBlockBytesMax
        let tooLarge = HTTPError.headerBlockTooLarge(bytesMax: max)
        guard let line = try takeLine(bytesMax: max - partial.trailerBytes, tooLong: tooLarge) else { return .needBytes }
        if line.isEmpty { return .complete(finishRequest()) }
        guard partial.trailerCount < limits.headerCountMax else { throw .tooManyHeaders(countMax: limits.headerCountMax) }
        partial.trailerBytes += line.count
        partial.trailerCount += 1
        _ = try Self.headerField(parsing: line)
        return .advanced
    }

    private mutating func finishRequest() -> HTTPRequest {
        let line = partial.line
        let keepAlive = Self.keepsAlive(partial.headers, version: line.version)
        let request = HTTPRequest(
            method: line.method, target: line.target, path: line.path, query: line.query, version: line.version,
            headers: partial.headers, body: partial.body, keepAlive: keepAlive)
        partial = PartialRequest()
        if keepAlive {
            state = .requestLine(emptyLinesSkipped: 0)
        } else {
            state = .closed
            dropBuffer()
        }
        return request
    }

    // MARK: - The buffer

    /// The next line without its line end (LF, or CR LF), or nil when its LF has not come.
    /// Throws `tooLong` as soon as the line is known to exceed `bytesMax`, even unfinished.
    private mutating func takeLine(bytesMax: Int, tooLong: HTTPError) throws(HTTPError) -> ArraySlice<UInt8>? {
        // The longest acceptable line needs bytesMax bytes, a CR and the LF: search no further.
        let available = buffer.count - start
        let windowLength = bytesMax >= available ? available : min(available, bytesMax + 2)
        guard let lineFeed = buffer[(start + searched)..<(start + windowLength)].firstIndex(of: ASCII.lineFeed) else {
            if windowLength - 2 >= bytesMax { throw tooLong }
            searched = windowLength
            return nil
        }
        var end = lineFeed
        if end > start && buffer[end - 1] == ASCII.carriageReturn { end -= 1 }
        let line = buffer[start..<end]
        start = lineFeed + 1
        searched = 0
        guard line.count <= bytesMax else { throw tooLong }
        guard !line.contains(ASCII.carriageReturn) else { throw .bareCarriageReturn }
        return line
    }

    /// Moves up to `count` buffered bytes into the body; nil when none are buffered.
    private mutating func takeBodyBytes(upTo count: Int) -> Int? {
        let taken = min(count, buffer.count - start)
        guard taken > 0 else { return nil }
        partial.body.append(contentsOf: buffer[start..<(start + taken)])
        start += taken
        searched = 0
        return taken
    }

    /// Drops parsed bytes from the front, when that frees enough to be worth the copy.
    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= Self.compactBytesMin * 16)
            start = 0
        } else if start >= Self.compactBytesMin && start * 2 >= buffer.count {
            buffer.removeSubrange(0..<start)
            start = 0
        }
    }

    private mutating func dropBuffer() {
        buffer = []
        start = 0
        searched = 0
    }

    /// Parsed bytes are dropped from the buffer's front once at least this many (and at least
    /// half the buffer): each byte is then moved a bounded number of times.
    private static let compactBytesMin = 4 * 1024
}
