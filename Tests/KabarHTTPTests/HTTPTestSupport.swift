import KabarHTTP
import Testing

/// What a parser made of some bytes: the requests it gave, then the error it threw, if any.
struct ParseOutcome: Equatable {
    var requests: [HTTPRequest] = []
    var error: HTTPError?
}

/// Feeds `text` whole, pulls every request, and, when `ended`, says the peer closed and pulls
/// again.
func parse(_ text: String, limits: HTTPLimits = HTTPLimits(), ended: Bool = false) -> ParseOutcome {
    parse(bytes: Array(text.utf8), pieces: [text.utf8.count], limits: limits, ended: ended)
}

/// Feeds `bytes` cut into pieces of the given sizes (the last piece takes the rest), pulling
/// requests after each piece.
func parse(bytes: [UInt8], pieces: [Int], limits: HTTPLimits = HTTPLimits(), ended: Bool = false) -> ParseOutcome {
    var parser = HTTPRequestParser(limits: limits)
    var outcome = ParseOutcome()
    var offset = 0
    var pieceIndex = 0
    while offset < bytes.count {
        let size = pieceIndex < pieces.count ? max(1, pieces[pieceIndex]) : bytes.count - offset
        let end = min(bytes.count, offset + size)
        parser.receive(bytes[offset..<end])
        offset = end
        pieceIndex += 1
        if !pull(&parser, into: &outcome) { return outcome }
    }
    if ended {
        parser.receiveEndOfStream()
        _ = pull(&parser, into: &outcome)
    }
    return outcome
}

/// Pulls requests until nil (true) or an error (false).
func pull(_ parser: inout HTTPRequestParser, into outcome: inout ParseOutcome) -> Bool {
    do {
        while let request = try parser.nextRequest() { outcome.requests.append(request) }
        return true
    } catch {
        outcome.error = error
        return false
    }
}

/// The error `text` is refused with (nil when it is not).
func refusal(_ text: String, limits: HTTPLimits = HTTPLimits()) -> HTTPError? {
    parse(text, limits: limits).error
}

/// The one request `text` holds, or a recorded issue.
func onlyRequest(_ text: String, limits: HTTPLimits = HTTPLimits(), sourceLocation: SourceLocation = #_sourceLocation) -> HTTPRequest? {
    let outcome = parse(text, limits: limits)
    #expect(outcome.error == nil, sourceLocation: sourceLocation)
    #expect(outcome.requests.count == 1, sourceLocation: sourceLocation)
    return outcome.requests.first
}

/// A GET of `/` with a Host and the given extra header lines and body, CRLF line ends.
func request(_ headerLines: [String] = [], method: String = "GET", target: String = "/", version: String = "HTTP/1.1", body: String = "") -> String {
    ([method + " " + target + " " + version, "Host: hall"] + headerLines).map { $0 + "\r\n" }.joined() + "\r\n" + body
}
