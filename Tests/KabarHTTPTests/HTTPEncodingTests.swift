import KabarHTTP
import Testing

/// Percent-encoding, form and query fields, cookies and header lookup.
@Suite struct HTTPEncodingTests {
    @Test func percentDecodingTurnsEscapesIntoBytesAndPlusOnlyInForms() throws {
        #expect(try PercentEncoding.decode("a%20b+c".utf8) == "a b+c")
        #expect(try PercentEncoding.decode("a%20b+c".utf8, plusAsSpace: true) == "a b c")
        #expect(try PercentEncoding.decode("%E2%82%AC%e2%82%ac".utf8) == "€€")
        #expect(throws: HTTPError.invalidPercentEncoding) { try PercentEncoding.decode("100%".utf8) }
        #expect(throws: HTTPError.invalidPercentEncoding) { try PercentEncoding.decode("%2".utf8) }
        #expect(throws: HTTPError.invalidUTF8) { try PercentEncoding.decode("%C3".utf8) }
        #expect(try PercentEncoding.decodeBytes("%00%FF".utf8) == [0, 255])
    }

    @Test func percentEncodingKeepsOnlyUnreservedBytesAndRoundTrips() throws {
        #expect(PercentEncoding.encode("jual padi/2 ton") == "jual%20padi%2F2%20ton")
        #expect(PercentEncoding.encode("A-z_0.9~") == "A-z_0.9~")
        let text = "Balai Desa & Pasar: 50% + café?#"
        #expect(try PercentEncoding.decode(PercentEncoding.encode(text).utf8) == text)
        #expect(try PercentEncoding.decode(PercentEncoding.encode(text).utf8, plusAsSpace: true) == text)
    }

    @Test func formBodiesAreSplitOnAmpersandsAndDecoded() throws {
        let form = try HTTPFormFields(urlEncoded: "title=Jual+padi&body=2+ton%0D%0ARp+5.000&&channel=pasar&empty=&bare".utf8)
        #expect(form.fields.map(\.name) == ["title", "body", "channel", "empty", "bare"])
        #expect(form["title"] == "Jual padi")
        #expect(form["body"] == "2 ton\r\nRp 5.000")
        #expect(form["empty"] == "")
        #expect(form["bare"] == "")
        #expect(form["missing"] == nil)
        #expect(try HTTPFormFields(urlEncoded: "a=1=2".utf8)["a"] == "1=2")
        #expect(try HTTPFormFields(urlEncoded: [UInt8]()).count == 0)
    }

    @Test func formFieldCountIsBounded() throws {
        let fields = { (count: Int) in (0..<count).map { "f\($0)=\($0)" }.joined(separator: "&") }
        #expect(try HTTPFormFields(urlEncoded: fields(8).utf8, fieldsMax: 8).count == 8)
        #expect(throws: HTTPError.tooManyFields(countMax: 8)) { try HTTPFormFields(urlEncoded: fields(9).utf8, fieldsMax: 8) }
        let flood = String(repeating: "&a", count: HTTPFormFields.fieldsMaxDefault + 1)
        #expect(throws: HTTPError.tooManyFields(countMax: HTTPFormFields.fieldsMaxDefault)) { try HTTPFormFields(urlEncoded: flood.utf8) }
    }

    @Test func formFieldsThatAreNotUTF8AreRefused() {
        #expect(throws: HTTPError.invalidUTF8) { try HTTPFormFields(urlEncoded: "name=%FF".utf8) }
        #expect(throws: HTTPError.invalidPercentEncoding) { try HTTPFormFields(urlEncoded: "name=%".utf8) }
    }

    @Test func cookieHeadersAreParsedLenientlyAndBounded() {
        let headers: HTTPHeaders = ["Cookie": " lang = id ;; session=\"abc\"; broken; =anon; seen=1"]
        let cookies = HTTPCookies(headers: headers)
        #expect(cookies.cookies.map(\.name) == ["lang", "session", "seen"])
        #expect(cookies["lang"] == "id")
        #expect(cookies["session"] == "abc")
        #expect(HTTPCookies(headers: headers, cookiesMax: 2).count == 2)
        #expect(HTTPCookies(headers: [:]).count == 0)
    }

    @Test func headerLookupIgnoresCaseAndKeepsOrder() {
        var headers: HTTPHeaders = ["Content-Type": "text/html"]
        headers.add(name: "Set-Cookie", value: "a=1")
        headers.add(name: "set-cookie", value: "b=2")
        #expect(headers["CONTENT-TYPE"] == "text/html")
        #expect(headers.values(for: "Set-Cookie") == ["a=1", "b=2"])
        headers.replaceOrAdd(name: "SET-COOKIE", value: "c=3")
        #expect(headers.fields.map(\.name) == ["Content-Type", "SET-COOKIE"])
        headers.remove(name: "content-type")
        #expect(headers.count == 1)
        #expect(!headers.contains(name: "Content-Type"))
    }
}
