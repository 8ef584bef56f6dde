import KabarHTTP
import Testing

/// SplitMix64: a tiny fixed-seed generator, so a fuzz failure is reproduced by its seed and
/// case number on any machine (the standard library's generators are not stable across releases).
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<bound (a small bias is harmless here).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    mutating func pick<Element>(_ elements: [Element]) -> Element { elements[below(elements.count)] }
}

/// 20,000 random and mutated requests, each fed whole and in random pieces: the parser never
/// traps, always ends (once the peer has closed) in requests or a typed error, gives the same
/// answer however the bytes were cut, and never hands out a request over its limits.
@Suite struct HTTPRequestParserFuzzTests {
    static let seed: UInt64 = 0x4B61_6261_7248_5454  // "KabarHTT"
    static let caseCount = 20_000

    static let templates = [
        "GET / HTTP/1.1\r\nHost: hall\r\n\r\n",
        "GET /pasar?page=2&q=jual+padi HTTP/1.1\r\nHost: 192.168.4.1\r\nCookie: lang=id\r\nAccept: */*\r\n\r\n",
        "POST /post HTTP/1.1\r\nHost: hall\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 21\r\n\r\ntitle=Jual+padi&x=%41",
        "POST /post HTTP/1.1\r\nHost: hall\r\nTransfer-Encoding: chunked\r\n\r\n5;e=1\r\nhello\r\n1\r\n!\r\n0\r\nT: v\r\n\r\n",
        "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /b HTTP/1.0\r\n\r\n",
        "GET http://hall/x HTTP/1.1\r\nHost: hall\r\n\r\nHEAD /y HTTP/1.1\r\nHost: hall\r\nConnection: close\r\n\r\n",
        "OPTIONS * HTTP/1.1\nHost: hall\n\n",
    ].map { Array($0.utf8) }

    static let insertions = [
        "\r", "\n", "\r\n", " ", "\t", ":", "\0", "%", "%0", "%C3", "chunked", "0", "FFFFFFFFFFFFFFFFFFFF", "\u{7F}",
        "Content-Length: 9\r\n", "Content-Length: 99999999999999999999\r\n", "Transfer-Encoding: chunked\r\n",
        "Transfer-Encoding: gzip\r\n", "Host: x\r\n", "0\r\n\r\n", "HTTP/1.1", "HTTP/2.0", "\r\n\r\n", " folded\r\n",
        "Connection: close\r\n", "?a=1&b=%zz", "#frag", "*",
    ].map { Array($0.utf8) } + [[0xFF], [0xC3, 0x28]]

    static let tinyLimits = HTTPLimits(
        requestLineBytesMax: 40, headerBlockBytesMax: 80, headerCountMax: 4, bodyBytesMax: 24, chunkLineBytesMax: 8, queryFieldsMax: 3)

    @Test func randomAndMutatedRequestsEndInRequestsOrTypedErrorsWhateverTheCuts() {
        var random = SplitMix64(seed: Self.seed)
        for index in 0..<Self.caseCount {
            let bytes = Self.input(&random)
            let limits = random.below(2) == 0 ? HTTPLimits() : Self.tinyLimits
            let pieces = (0..<bytes.count).map { _ in 1 + random.below(64) }
            let whole = parse(bytes: bytes, pieces: [bytes.count], limits: limits, ended: true)
            let cut = parse(bytes: bytes, pieces: pieces, limits: limits, ended: true)
            let reproduce = "seed \(Self.seed) case \(index): \(bytes)"
            #expect(whole == cut, "\(reproduce)")
            #expect(!whole.requests.isEmpty || whole.error != nil, "\(reproduce)")
            for request in whole.requests where !Self.withinLimits(request, limits) {
                Issue.record("request over its limits: \(reproduce)")
            }
            if whole != cut || (whole.requests.isEmpty && whole.error == nil) { return }  // one report is enough
        }
    }

    private static func input(_ random: inout SplitMix64) -> [UInt8] {
        if random.below(8) == 0 {
            // Pure noise, mostly printable with the line bytes the parser cares about.
            let alphabet = Array("GET /HTP1.0\r\n: \t%chunkedContent-Length0123456789".utf8) + [0, 0x7F, 0xFF]
            return (0..<(1 + random.below(600))).map { _ in random.below(4) == 0 ? UInt8(truncatingIfNeeded: random.next()) : random.pick(alphabet) }
        }
        var bytes = random.pick(templates)
        for _ in 0..<(1 + random.below(6)) { mutate(&bytes, &random) }
        return bytes.isEmpty ? [UInt8(ascii: "\n")] : bytes
    }

    private static func mutate(_ bytes: inout [UInt8], _ random: inout SplitMix64) {
        guard !bytes.isEmpty else { return }
        let at = random.below(bytes.count)
        switch random.below(5) {
        case 0: bytes[at] = UInt8(truncatingIfNeeded: random.next())
        case 1: bytes.insert(contentsOf: random.pick(insertions), at: at)
        case 2: bytes.removeSubrange(at..<min(bytes.count, at + 1 + random.below(16)))
        case 3: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + 1 + random.below(64))], at: at)
        default: bytes.removeSubrange(at...)
        }
    }

    private static func withinLimits(_ request: HTTPRequest, _ limits: HTTPLimits) -> Bool {
        request.body.count <= limits.bodyBytesMax
            && request.headers.count <= limits.headerCountMax
            && request.target.utf8.count <= limits.requestLineBytesMax
            && request.query.count <= limits.queryFieldsMax
            && !request.path.utf8.contains { $0 < 0x20 || $0 == 0x7F }
    }
}
