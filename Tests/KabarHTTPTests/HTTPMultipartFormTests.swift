import KabarHTTP
import Testing

/// `multipart/form-data` as browsers send it (a photo with the board's text fields), every
/// refusal with its typed error, the upload allowance of the request parser, and a seeded fuzz
/// run that must never trap.
@Suite struct HTTPMultipartFormTests {
    static let boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW"
    static let contentType = "multipart/form-data; boundary=\(boundary)"

    /// A file whose bytes hold every byte value, line ends, `--`, and the boundary without its
    /// leading CRLF (after a letter, after a bare LF) or with one byte changed: none of it ends
    /// the part.
    static let trickyFile: [UInt8] = Array(0...255) + Array("\r\n--\r\n\r\n--\(boundary.dropLast())X\r\n".utf8)
        + Array("x--\(boundary)\r\n".utf8) + Array("\n--\(boundary)".utf8) + [0x0D] + Array("\r\n-".utf8)

    /// A body with one part per `(headers, bytes)`, CRLF line ends, closed with a CRLF.
    static func body(_ parts: [(headers: [String], bytes: [UInt8])], boundary: String = boundary) -> [UInt8] {
        var bytes: [UInt8] = []
        for part in parts {
            bytes += Array("--\(boundary)\r\n".utf8)
            for header in part.headers { bytes += Array("\(header)\r\n".utf8) }
            bytes += Array("\r\n".utf8) + part.bytes + Array("\r\n".utf8)
        }
        return bytes + Array("--\(boundary)--\r\n".utf8)
    }

    static func field(_ name: String, _ value: String) -> (headers: [String], bytes: [UInt8]) {
        (["Content-Disposition: form-data; name=\"\(name)\""], Array(value.utf8))
    }

    static func refusal(_ body: [UInt8], contentType: String = contentType) -> HTTPMultipartError? {
        do {
            _ = try HTTPMultipartForm(parsing: body, contentType: contentType)
            return nil
        } catch {
            return error
        }
    }

    // MARK: What is accepted

    @Test func theBoardsFieldsAndABinaryFileComeOutAsSent() throws {
        let body = Self.body([
            Self.field("csrf", "0123456789abcdef0123456789abcdef"), Self.field("channel", "warga"),
            Self.field("title", "Banjir di RT 3 – foto"), Self.field("body", "Air naik.\r\nJalan --tutup--."),
            (["Content-Disposition: form-data; name=\"attach\"; filename=\"banjir.jpg\"", "Content-Type: image/jpeg"], Self.trickyFile),
        ])
        let form = try HTTPMultipartForm(parsing: body, contentType: Self.contentType)
        #expect(form.parts.count == 5)
        let fields = try form.textFields()
        #expect(fields.count == 4)
        #expect(fields["title"] == "Banjir di RT 3 – foto" && fields["body"] == "Air naik.\r\nJalan --tutup--.")
        let files = form.files(named: "attach")
        #expect(files.count == 1)
        #expect(files.first?.filename == "banjir.jpg" && files.first?.contentType == "image/jpeg")
        #expect(files.first?.body == Self.trickyFile)
        #expect(form.files(named: "title").isEmpty)
    }

    @Test func quotedNamesUnescapeAndFileNamesKeepTheirLastComponent() throws {
        let cases: [(sent: String, name: String)] = [
            (#""foto \"banjir\".jpg""#, #"foto "banjir".jpg"#),
            (#""a\\b.jpg""#, "b.jpg"),                             // an escaped backslash, then cut at it
            (#""C:\Users\ani\Pictures\foto.jpg""#, "foto.jpg"),   // an old browser's Windows path
            (#""../../etc/passwd""#, "passwd"),
            ("token.png", "token.png"),
            (#""suara rekaman.ogg""#, "suara rekaman.ogg"),
            (#""%22quoted%22.jpg""#, "%22quoted%22.jpg"),          // WHATWG's escape is kept as sent
        ]
        for (sent, expected) in cases {
            let body = Self.body([(["Content-Disposition: form-data; name=attach; filename=\(sent)"], [1, 2, 3])])
            let form = try HTTPMultipartForm(parsing: body, contentType: Self.contentType)
            #expect(form.parts.first?.filename == expected, "\(sent)")
            #expect(form.parts.first?.name == "attach")
        }
        let quotedName = Self.body([(["Content-Disposition: form-data; name=\"say \\\"hi\\\"\""], Array("x".utf8))])
        #expect(try HTTPMultipartForm(parsing: quotedName, contentType: Self.contentType).parts.first?.name == "say \"hi\"")
    }

    @Test func aFileFieldWithNoFileChosenIsAnEmptyFile() throws {
        let body = Self.body([(["Content-Disposition: form-data; name=\"attach\"; filename=\"\"", "Content-Type: application/octet-stream"], [])])
        let form = try HTTPMultipartForm(parsing: body, contentType: Self.contentType)
        #expect(form.files(named: "attach") == [HTTPMultipartPart(name: "attach", filename: "", contentType: "application/octet-stream", body: [])])
        #expect(try form.textFields().count == 0)
    }

    @Test func paddingQuotingAndCaseAreReadAsRFC2046Allows() throws {
        // Transport padding after a boundary, header names in any case, a quoted boundary with a
        // space, Content-Transfer-Encoding: binary, no CRLF after the close.
        let boundary = "a b'()+_,-./:=?z"
        var body = Array("--\(boundary) \t\r\nCONTENT-DISPOSITION: Form-Data; NAME=title\r\ncontent-transfer-encoding: BINARY\r\n\r\nJudul".utf8)
        body += Array("\r\n--\(boundary)\r\ncontent-disposition: form-data; name=\"body\"; x-unknown=1\r\nX-Other: ignored\r\n\r\nIsi".utf8)
        body += Array("\r\n--\(boundary)--".utf8)
        let form = try HTTPMultipartForm(parsing: body, contentType: "Multipart/Form-Data; charset=utf-8; boundary=\"\(boundary)\"")
        #expect(try form.textFields() == HTTPFormFields([HTTPFormField(name: "title", value: "Judul"), HTTPFormField(name: "body", value: "Isi")]))
        // A form with no fields at all is only the close.
        #expect(try HTTPMultipartForm(parsing: Array("--\(Self.boundary)--\r\n".utf8), contentType: Self.contentType).parts.isEmpty)
        #expect(HTTPMultipartForm.isFormData(contentType: " multipart/form-data ;boundary=x"))
        #expect(!HTTPMultipartForm.isFormData(contentType: "application/x-www-form-urlencoded") && !HTTPMultipartForm.isFormData(contentType: nil))
    }

    // MARK: What is refused

    @Test func aContentTypeWithoutAGoodBoundaryIsRefused() {
        let body = Self.body([Self.field("a", "b")])
        #expect(Self.refusal(body, contentType: "application/x-www-form-urlencoded") == .notMultipartFormData)
        #expect(Self.refusal(body, contentType: "multipart/mixed; boundary=\(Self.boundary)") == .notMultipartFormData)
        #expect(Self.refusal(body, contentType: "multipart/form-data") == .missingBoundary)
        #expect(Self.refusal(body, contentType: "multipart/form-data; charset=utf-8") == .missingBoundary)
        #expect(Self.refusal(body, contentType: "multipart/form-data; boundary=") == .invalidBoundary)
        #expect(Self.refusal(body, contentType: "multipart/form-data; boundary=\"\"") == .invalidBoundary)
        #expect(Self.refusal(body, contentType: "multipart/form-data; boundary=\"ends in space \"") == .invalidBoundary)
        #expect(Self.refusal(body, contentType: "multipart/form-data; boundary=a@b") == .invalidBoundary)
        #expect(Self.refusal(body, contentType: "multipart/form-data; boundary=" + String(repeating: "b", count: 71)) == .invalidBoundary)
        #expect(Self.refusal(body, contentType: "multipart/form-data; boundary=x; boundary=y") == .invalidBoundary)
        #expect(Self.refusal(body, contentType: "multipart/form-data; boundary = x") == .invalidBoundary)
        let seventy = String(repeating: "b", count: 70)
        #expect(Self.refusal(Self.body([Self.field("a", "b")], boundary: seventy), contentType: "multipart/form-data; boundary=\(seventy)") == nil)
        #expect(HTTPMultipartError.notMultipartFormData.status.code == 415 && HTTPMultipartError.missingBoundary.status.code == 400)
    }

    @Test func framingThatTwoReadersCouldReadDifferentlyIsRefused() {
        let good = Self.body([Self.field("title", "x")])
        #expect(Self.refusal(Array("preamble\r\n".utf8) + good) == .missingFirstDelimiter)
        #expect(Self.refusal([]) == .missingFirstDelimiter)
        // The boundary inside a part, followed by something other than a line end or "--".
        #expect(Self.refusal(Self.body([Self.field("title", "x\r\n--\(Self.boundary)X")])) == .malformedDelimiter)
        #expect(Self.refusal(Array("--\(Self.boundary)junk\r\n".utf8) + good) == .malformedDelimiter)
        // Cut short: inside a part, inside its headers, right after a boundary.
        #expect(Self.refusal(Array(good.dropLast(12))) == .missingClosingDelimiter)
        #expect(Self.refusal(Array("--\(Self.boundary)\r\nContent-Disposition: form-da".utf8)) == .missingClosingDelimiter)
        #expect(Self.refusal(Array("--\(Self.boundary)".utf8)) == .missingClosingDelimiter)
        #expect(Self.refusal(good + Array("epilogue".utf8)) == .dataAfterClosingDelimiter)
        #expect(Self.refusal(good + Array("\r\n".utf8)) == .dataAfterClosingDelimiter)
    }

    @Test func partHeadersMustBeWellFormedAndBounded() {
        let disposition = "Content-Disposition: form-data; name=\"a\""
        #expect(Self.refusal(Self.body([(["Content-Type: text/plain"], [1])])) == .missingContentDisposition)
        #expect(Self.refusal(Self.body([([], [1])])) == .missingContentDisposition)
        #expect(Self.refusal(Self.body([([disposition, "no colon here"], [1])])) == .malformedPartHeader)
        #expect(Self.refusal(Self.body([([disposition, " folded: line"], [1])])) == .malformedPartHeader)
        #expect(Self.refusal(Self.body([([disposition, "Content-Type: a/b", "Content-Type: c/d"], [1])])) == .malformedPartHeader)
        #expect(Self.refusal(Self.body([([disposition, disposition], [1])])) == .malformedPartHeader)
        #expect(Self.refusal(Self.body([([disposition, "X: a\u{1}b"], [1])])) == .malformedPartHeader)
        let bareLF = Array("--\(Self.boundary)\r\n\(disposition)\nX: y\r\n\r\nv\r\n--\(Self.boundary)--".utf8)
        #expect(Self.refusal(bareLF) == .malformedPartHeader)
        let bareCR = Array("--\(Self.boundary)\r\n\(disposition)\rX: y\r\n\r\nv\r\n--\(Self.boundary)--".utf8)
        #expect(Self.refusal(bareCR) == .malformedPartHeader)
        let long = "X-Filler: " + String(repeating: "v", count: HTTPMultipartForm.partHeaderBytesMax)
        #expect(Self.refusal(Self.body([([disposition, long], [1])])) == .partHeaderTooLarge(bytesMax: HTTPMultipartForm.partHeaderBytesMax))
        #expect(Self.refusal(Self.body([([disposition, "Content-Transfer-Encoding: base64"], Array("AQID".utf8))])) == .unsupportedPartEncoding)
    }

    @Test func contentDispositionMustBeFormDataWithAName() {
        func refusal(_ disposition: String) -> HTTPMultipartError? { Self.refusal(Self.body([([disposition], [1])])) }
        #expect(refusal("Content-Disposition: attachment; name=\"a\"") == .invalidContentDisposition)
        #expect(refusal("Content-Disposition: form-data; name=\"a") == .invalidContentDisposition)
        #expect(refusal("Content-Disposition: form-data; name=a; name=b") == .invalidContentDisposition)
        #expect(refusal("Content-Disposition: form-data; name =a") == .invalidContentDisposition)
        #expect(refusal("Content-Disposition: form-data; name=\"a\" junk") == .invalidContentDisposition)
        #expect(refusal("Content-Disposition: form-data") == .missingName)
        #expect(refusal("Content-Disposition: form-data; filename=\"a.jpg\"") == .missingName)
        #expect(refusal("Content-Disposition: form-data; name=\"\"") == .missingName)
        let max = HTTPMultipartForm.nameBytesMax
        #expect(refusal("Content-Disposition: form-data; name=" + String(repeating: "n", count: max)) == nil)
        #expect(refusal("Content-Disposition: form-data; name=" + String(repeating: "n", count: max + 1)) == .nameTooLong(bytesMax: max))
    }

    @Test func aFileNameThatIsNoFileNameIsRefused() {
        func refusal(_ filename: String) -> HTTPMultipartError? {
            Self.refusal(Self.body([(["Content-Disposition: form-data; name=attach; filename=\"\(filename)\""], [1])]))
        }
        #expect(refusal("photos/") == .invalidFilename)
        #expect(refusal("..") == .invalidFilename)
        #expect(refusal("a/.") == .invalidFilename)
        #expect(refusal("tab\there.jpg") == .invalidFilename)
        #expect(refusal(String(repeating: "f", count: HTTPMultipartForm.filenameBytesMax + 1)) == .invalidFilename)
        #expect(refusal("dir/" + String(repeating: "f", count: HTTPMultipartForm.filenameBytesMax)) == nil)
    }

    @Test func partsAreCountedAndTextFieldsMustBeUTF8() throws {
        let max = HTTPMultipartForm.partsMaxDefault
        let fields = (0..<max).map { Self.field("f\($0)", "v") }
        #expect(Self.refusal(Self.body(fields)) == nil)
        #expect(Self.refusal(Self.body(fields + [Self.field("one", "more")])) == .tooManyParts(countMax: max))
        #expect(throws: HTTPMultipartError.tooManyParts(countMax: 2)) {
            try HTTPMultipartForm(parsing: Self.body([Self.field("a", "1"), Self.field("b", "2"), Self.field("c", "3")]), boundary: Self.boundary, partsMax: 2)
        }
        let latin1 = try HTTPMultipartForm(parsing: Self.body([(["Content-Disposition: form-data; name=title"], [0x4A, 0xFC, 0x72])]), contentType: Self.contentType)
        #expect(throws: HTTPMultipartError.invalidUTF8) { try latin1.textFields() }
        // A file's bytes need not be UTF-8.
        let file = try HTTPMultipartForm(parsing: Self.body([(["Content-Disposition: form-data; name=f; filename=x.bin"], [0xFF, 0xFE])]), contentType: Self.contentType)
        #expect(try file.textFields().count == 0 && file.files(named: "f").first?.body == [0xFF, 0xFE])
    }

    // MARK: The upload allowance of the request parser

    static let uploadLimits = HTTPLimits(bodyBytesMax: 1_000, uploadBodyBytesMax: 10_000, uploadPaths: ["/post"])

    static func request(_ method: String, _ path: String, contentType: String, bodyBytes: Int) -> [UInt8] {
        Array("\(method) \(path) HTTP/1.1\r\nHost: hall\r\nContent-Type: \(contentType)\r\nContent-Length: \(bodyBytes)\r\n\r\n".utf8)
            + [UInt8](repeating: UInt8(ascii: "x"), count: bodyBytes)
    }

    static func outcome(_ bytes: [UInt8], limits: HTTPLimits = uploadLimits) -> Result<Int, HTTPError> {
        var parser = HTTPRequestParser(limits: limits)
        parser.receive(bytes)
        do {
            return .success(try parser.nextRequest()?.body.count ?? -1)
        } catch {
            return .failure(error)
        }
    }

    @Test func onlyAMultipartPOSTToAnUploadPathGetsTheLargerBody() {
        let multipart = Self.contentType
        #expect(Self.outcome(Self.request("POST", "/post", contentType: multipart, bodyBytes: 10_000)) == .success(10_000))
        #expect(Self.outcome(Self.request("POST", "/post", contentType: multipart, bodyBytes: 10_001)) == .failure(.bodyTooLarge(bytesMax: 10_000)))
        // Another path, another method, another type: the small bound.
        #expect(Self.outcome(Self.request("POST", "/b/x/reply", contentType: multipart, bodyBytes: 1_001)) == .failure(.bodyTooLarge(bytesMax: 1_000)))
        #expect(Self.outcome(Self.request("PUT", "/post", contentType: multipart, bodyBytes: 1_001)) == .failure(.bodyTooLarge(bytesMax: 1_000)))
        #expect(Self.outcome(Self.request("POST", "/post", contentType: "application/x-www-form-urlencoded", bodyBytes: 1_001))
                == .failure(.bodyTooLarge(bytesMax: 1_000)))
        #expect(Self.outcome(Self.request("POST", "/post", contentType: multipart, bodyBytes: 1_001), limits: HTTPLimits(bodyBytesMax: 1_000))
                == .failure(.bodyTooLarge(bytesMax: 1_000)))
    }

    @Test func aChunkedUploadIsBoundedAndTheParserSaysWhileItReadsOne() throws {
        var parser = HTTPRequestParser(limits: Self.uploadLimits)
        parser.receive(Array("POST /post HTTP/1.1\r\nHost: hall\r\nContent-Type: \(Self.contentType)\r\nTransfer-Encoding: chunked\r\n\r\n".utf8))
        #expect(try parser.nextRequest() == nil)
        #expect(parser.isReadingUpload)
        parser.receive(Array("1F40\r\n".utf8) + [UInt8](repeating: 0, count: 8_000) + Array("\r\n".utf8))
        #expect(try parser.nextRequest() == nil && parser.isReadingUpload)
        parser.receive(Array("7D1\r\n".utf8))  // 2,001 more: 10,001 in all
        #expect(throws: HTTPError.bodyTooLarge(bytesMax: 10_000)) { try parser.nextRequest() }

        var small = HTTPRequestParser(limits: Self.uploadLimits)
        small.receive(Array(Self.request("POST", "/b/x/reply", contentType: Self.contentType, bodyBytes: 500).dropLast(10)))
        #expect(try small.nextRequest() == nil && !small.isReadingUpload)
    }

    // MARK: Fuzz

    static let seed: UInt64 = 0x4B61_6261_724D_5050  // "KabarMPP"
    static let caseCount = 3_000
    static let boundaryAlphabet = Array("abcXYZ0129'()+_,-./:=? ".utf8)
    static let splices = ["\r\n", "\r", "\n", "--", "\"", "\\", ";", "=", ":", " ", "\0", "\r\n\r\n", "filename=\"a/b\"",
                          "Content-Disposition: form-data; name=x\r\n", "Content-Type: a/b\r\n"].map { Array($0.utf8) }

    /// A random valid form: its boundary, body and the parts it must parse to.
    static func randomForm(_ random: inout SplitMix64) -> (boundary: String, body: [UInt8], parts: [HTTPMultipartPart]) {
        var boundary = (0..<(1 + random.below(70))).map { _ in random.pick(boundaryAlphabet) }
        if boundary.last == UInt8(ascii: " ") { boundary[boundary.count - 1] = UInt8(ascii: "b") }
        let boundaryText = String(decoding: boundary, as: UTF8.self)
        let delimiter = Array("\r\n--".utf8) + boundary
        var parts: [HTTPMultipartPart] = []
        var body: [UInt8] = []
        for index in 0..<random.below(HTTPMultipartForm.partsMaxDefault + 1) {
            let alphabet = Array("\r\n-x\0\u{7F}".utf8) + boundary + [0xFF, 0xC3]
            var bytes = (0..<random.below(300)).map { _ in random.below(3) == 0 ? UInt8(truncatingIfNeeded: random.next()) : random.pick(alphabet) }
            // The delimiter starts with the only CR it holds, so it cannot begin in the bytes and
            // end in the delimiter that follows them: removing it from the bytes is enough.
            while let at = firstIndex(of: delimiter, in: bytes) { bytes.remove(at: at) }
            let isFile = random.below(2) == 0
            let name = "f\(index)"
            let filename = isFile ? "dir/n \\\"\(index)\\\".bin" : nil
            parts.append(HTTPMultipartPart(name: name, filename: isFile ? "n \"\(index)\".bin" : nil, contentType: isFile ? "application/octet-stream" : nil, body: bytes))
            var head = "--\(boundaryText)\r\nContent-Disposition: form-data; name=\"\(name)\""
            if let filename { head += "; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream" }
            body += Array((head + "\r\n\r\n").utf8) + bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundaryText)--\r\n".utf8)
        return (boundaryText, body, parts)
    }

    static func firstIndex(of pattern: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        return (0...(bytes.count - pattern.count)).first { bytes[$0] == pattern[0] && bytes[$0..<($0 + pattern.count)].elementsEqual(pattern) }
    }

    /// Random valid forms parse to exactly their parts; the same forms mutated, cut or spliced
    /// end in parts within every bound or a typed error, never a trap; cut before the close,
    /// they are always refused.
    @Test func randomAndMutatedFormsParseExactlyOrEndInATypedError() throws {
        var random = SplitMix64(seed: Self.seed)
        for index in 0..<Self.caseCount {
            let form = Self.randomForm(&random)
            let reproduce = "seed \(Self.seed) case \(index)"
            let parsed = try HTTPMultipartForm(parsing: form.body, boundary: form.boundary)
            #expect(parsed.parts == form.parts, "\(reproduce)")
            if parsed.parts != form.parts { return }

            let cut = random.below(max(1, form.body.count - 2 - form.boundary.utf8.count - 4))
            #expect(throws: HTTPMultipartError.self, "\(reproduce): cut at \(cut)") {
                try HTTPMultipartForm(parsing: Array(form.body.prefix(cut)), boundary: form.boundary)
            }

            var mutated = form.body
            for _ in 0..<(1 + random.below(4)) { Self.mutate(&mutated, &random) }
            if let survived = try? HTTPMultipartForm(parsing: mutated, boundary: form.boundary) {
                #expect(Self.withinBounds(survived), "\(reproduce): \(mutated)")
            }
        }
    }

    static func mutate(_ bytes: inout [UInt8], _ random: inout SplitMix64) {
        guard !bytes.isEmpty else { return }
        let at = random.below(bytes.count)
        switch random.below(4) {
        case 0: bytes[at] = UInt8(truncatingIfNeeded: random.next())
        case 1: bytes.insert(contentsOf: random.pick(splices), at: at)
        case 2: bytes.removeSubrange(at..<min(bytes.count, at + 1 + random.below(16)))
        default: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + 1 + random.below(64))], at: at)
        }
    }

    static func withinBounds(_ form: HTTPMultipartForm) -> Bool {
        form.parts.count <= HTTPMultipartForm.partsMaxDefault && form.parts.allSatisfy { part in
            !part.name.isEmpty && part.name.utf8.count <= HTTPMultipartForm.nameBytesMax
                && (part.filename.map { $0.utf8.count <= HTTPMultipartForm.filenameBytesMax && !$0.contains("/") && !$0.contains("\\")
                    && !$0.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } } ?? true)
        }
    }
}
