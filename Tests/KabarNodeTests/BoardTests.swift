import Foundation
import Kabar
import KabarCrypto
import KabarHTTP
@testable import KabarNode
import Testing

/// The hall board (issue 14) as a phone sees it, request by request, over an offline node
/// service: pages, posting through the board's one door, its refusals, the review queue and the
/// operator page. `BoardServerTests` drive it over a real socket.
@Suite(.serialized) struct BoardTests {
    /// Counting bytes: a new phone token each time, the same run after run.
    struct CountingRandom: RandomSource {
        var next: UInt8 = 1
        mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) throws {
            for index in buffer.indices {
                buffer[index] = next
                next &+= 1
            }
        }
    }

    /// A board on a fresh data folder, its service and folder.
    final class Hall {
        let folder = TemporaryFolder()
        let service: NodeService
        let node: OfflineNode
        let board: Board
        /// The phone's cookies, as a browser keeps them.
        var cookies: [String: String] = [:]
        var now: Int64 = 1_000_000

        init(_ web: WebSettings = WebSettings(), configure: (inout NodeSettings) -> Void = { _ in }) throws {
            var settings = NodeSettings()
            settings.web = web
            configure(&settings)
            (service, node) = try OperationsTests.offlineService(folder, settings: settings)
            board = Board(service: service, random: CountingRandom())
        }

        deinit {
            try? node.close()
            folder.remove()
        }

        /// One request as the phone's browser sends it, keeping the cookies it is given.
        @discardableResult
        func send(_ method: HTTPMethod, _ target: String, form: [(String, String)]? = nil, headers extra: [(String, String)] = [],
                  keepCookies: Bool = true) -> (status: Int, headers: HTTPHeaders, text: String, body: [UInt8]) {
            let parts = target.split(separator: "?", maxSplits: 1)
            let query = parts.count > 1 ? (try? HTTPFormFields(urlEncoded: Array(parts[1].utf8))) ?? HTTPFormFields() : HTTPFormFields()
            var headers: HTTPHeaders = ["Host": "10.42.0.1"]
            if !cookies.isEmpty { headers.add(name: "Cookie", value: cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
            for (name, value) in extra { headers.add(name: name, value: value) }
            let body = form.map { Array($0.map { "\(HTML.queryValue($0.0))=\(HTML.queryValue($0.1))" }.joined(separator: "&").utf8) } ?? []
            let request = HTTPRequest(method: method, target: target, path: String(parts[0]), query: query, headers: headers, body: body)
            let response = board.respond(to: request, from: Board.Client(address: "10.42.0.23:50000", localAddress: "10.42.0.1:8080"), at: now)
            if keepCookies {
                for value in response.headers.values(for: "Set-Cookie") {
                    let pair = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
                    cookies[String(pair[0])] = String(pair[1])
                }
            }
            return (response.status.code, response.headers, String(decoding: response.body, as: UTF8.self), response.body)
        }

        /// The hidden form token of the last page with a form.
        func formToken() -> String {
            let page = send(.get, "/post").text
            guard let range = page.range(of: "name=\"csrf\" value=\"") else { return "" }
            return String(page[range.upperBound...].prefix(32))
        }

        func post(channel: String = "warga", title: String, body: String = "isi", headers: [(String, String)] = []) -> (status: Int, headers: HTTPHeaders, text: String, body: [UInt8]) {
            let token = formToken()
            return send(.post, "/post", form: [("csrf", token), ("channel", channel), ("title", title), ("body", body)], headers: headers)
        }
    }

    @Test func theBoardPageIsSmallSafeAndGivesThePhoneAToken() throws {
        let hall = try Hall()
        for index in 0..<60 { _ = try hall.service.post(PostParameters(channel: "pasar", title: "Jual ikan \(index)", body: String(repeating: "Segar sekali. ", count: 20))) }
        let page = hall.send(.get, "/")
        #expect(page.status == 200)
        // The newest 40 (posts made in one millisecond sort by id, so which 40 is not asserted).
        #expect(page.text.components(separatedBy: "class=\"t\"").count - 1 == 40)
        #expect(page.text.utf8.count <= 32 * 1024, "\(page.text.utf8.count) bytes")
        #expect(page.headers["Content-Security-Policy"]?.contains("default-src 'self'") == true)
        #expect(page.headers["X-Content-Type-Options"] == "nosniff" && page.headers["Referrer-Policy"] == "same-origin")
        #expect(hall.cookies[PhoneIdentity.cookieName]?.count == 32)
        #expect(!page.text.contains("<script") && !page.text.contains("http://") && !page.text.contains("https://"))
        #expect(hall.send(.get, "/kabar.css").headers["Content-Type"] == "text/css; charset=utf-8")
    }

    @Test func aPhonesPostIsSignedForThePhoneAndVouchedForByTheHall() throws {
        let hall = try Hall()
        let answer = hall.post(title: "Panen jagung", body: "Dijual 2 ton.\nHubungi Pak Amir.")
        #expect(answer.status == 303)
        let location = try #require(answer.headers["Location"])
        let id = try #require(BulletinID(hex: String(location.dropFirst(3))))
        let bulletin = try #require(hall.service.store.bulletin(id))
        let hallKey = try hall.service.identity().author
        #expect(bulletin.author != hallKey)
        #expect(PhoneVoucher.hall(of: bulletin) == hallKey)
        let page = hall.send(.get, location).text
        #expect(page.contains("Dikirim dari ponsel di balai ini"))
        #expect(page.contains("Dijual 2 ton.<br>Hubungi Pak Amir."))
        // The same phone posts as the same key; another phone as another.
        let second = hall.post(title: "Panen kedua")
        let secondID = try #require(BulletinID(hex: String((second.headers["Location"] ?? "").dropFirst(3))))
        #expect(hall.service.store.bulletin(secondID)?.author == bulletin.author)
        hall.cookies = [:]
        let other = hall.post(title: "Dari ponsel lain")
        let otherID = try #require(BulletinID(hex: String((other.headers["Location"] ?? "").dropFirst(3))))
        #expect(hall.service.store.bulletin(otherID)?.author != bulletin.author)
        // A reply through the bulletin's form joins the thread.
        let reply = hall.send(.post, "\(location)/reply", form: [("csrf", hall.formToken()), ("body", "Masih ada?")])
        #expect(reply.status == 303 && reply.headers["Location"] == location)
        #expect(hall.send(.get, location).text.contains("Masih ada?"))
    }

    @Test func aFormFromAnotherSiteOrWithoutItsTokenIsRefused() throws {
        let hall = try Hall()
        #expect(hall.post(title: "Palsu", headers: [("Origin", "http://evil.example")]).status == 403)
        #expect(hall.post(title: "Palsu", headers: [("Sec-Fetch-Site", "cross-site")]).status == 403)
        _ = hall.send(.get, "/")
        #expect(hall.send(.post, "/post", form: [("channel", "warga"), ("title", "Tanpa token"), ("body", "x")]).status == 403)
        #expect(hall.send(.post, "/post", form: [("csrf", String(repeating: "0", count: 32)), ("channel", "warga"), ("title", "x")]).status == 403)
        #expect(hall.service.store.count == 0)
        // The same origin is fine.
        #expect(hall.post(title: "Asli", headers: [("Origin", "http://10.42.0.1")]).status == 303)
    }

    @Test func hostileTextFromTheMeshIsEscapedEverywhere() throws {
        let hall = try Hall()
        let evil = try hall.service.post(PostParameters(
            channel: "warga", title: "<script>alert(1)</script>", body: "\"><img src=x onerror=alert(2)> javascript:alert(3)"))
        for path in ["/", "/b/\(evil.id.hex)", "/search?q=alert", "/?channel=warga"] {
            let page = hall.send(.get, path).text
            #expect(!page.contains("<script>") && !page.contains("<img"), "\(path)")
            #expect(page.contains("&lt;script&gt;") || path == "/search?q=alert" && page.contains("&lt;script&gt;"), "\(path)")
            #expect(!page.contains("href=\"javascript"), "\(path)")
        }
    }

    @Test func badInputAnswersWithTheFormAndTheRule() throws {
        let hall = try Hall()
        let official = hall.post(channel: "resmi", title: "Pengumuman")
        #expect(official.status == 400 && official.text.contains("saluran resmi"))
        let long = hall.post(title: String(repeating: "a", count: 201))
        #expect(long.status == 400 && long.text.contains("201"))
        let badChannel = hall.post(channel: "Pasar Ikan!", title: "x")
        #expect(badChannel.status == 400)
        #expect(hall.service.store.count == 0)
        #expect(hall.send(.get, "/b/" + String(repeating: "ab", count: 32)).status == 404)
        #expect(hall.send(.get, "/nope").status == 404)
        #expect(hall.send(HTTPMethod(rawValue: "DELETE"), "/post").status == 405)
        #expect(hall.send(.post, "/").status == 405)
    }

    @Test func dailyLimitsHoldPerPhoneAndPerHall() throws {
        var web = WebSettings()
        web.postsPerPhone = 2
        web.postsPerDay = 3
        let hall = try Hall(web)
        #expect(hall.post(title: "satu").status == 303)
        #expect(hall.post(title: "dua").status == 303)
        let third = hall.post(title: "tiga")
        #expect(third.status == 429 && third.text.contains("ponsel ini"))
        hall.cookies = [:]
        #expect(hall.post(title: "tiga dari ponsel lain").status == 303)
        hall.cookies = [:]
        #expect(hall.post(title: "empat").status == 429)
        #expect(hall.service.store.count == 3)
    }

    @Test func inReviewModePostsWaitForTheOperator() throws {
        var web = WebSettings()
        web.posting = .review
        let hall = try Hall(web)
        let answer = hall.post(title: "Tunggu dulu")
        #expect(answer.status == 303 && answer.headers["Location"] == "/?pending=1")
        #expect(hall.service.store.count == 0)
        #expect(hall.send(.get, "/?pending=1").text.contains("menunggu persetujuan"))
        _ = hall.post(title: "Yang ditolak")
        let pending = try hall.service.pendingWebPosts()
        #expect(pending.map(\.bulletin.title) == ["Tunggu dulu", "Yang ditolak"])
        // The queue survives a restart of the service.
        let reread = try WebPostQueue.load(from: hall.node.data)
        #expect(reread.queue.entries.count == 2 && reread.skipped == 0)
        let approved = try hall.service.approveWebPost(pending[0].number)
        #expect(hall.service.store.contains(approved.id))
        _ = try hall.service.rejectWebPost(pending[1].number)
        #expect(try hall.service.pendingWebPosts().isEmpty && hall.service.store.count == 1)
        #expect(throws: ServiceError.self) { try hall.service.approveWebPost(pending[1].number) }
    }

    @Test func theOperatorPageNeedsThePINAndLocksAfterFiveWrongOnes() throws {
        var web = WebSettings()
        web.posting = .review
        let hall = try Hall(web)
        _ = hall.post(title: "Minta disetujui")
        let token = hall.formToken()
        #expect(hall.send(.post, "/operator", form: [("csrf", token), ("pin", "1234")]).text.contains("kabar web pin"))
        try WebPIN(pin: "4821", salt: [1, 2, 3, 4]).save(to: hall.node.data)
        #expect(hall.send(.get, "/operator").text.contains("name=\"pin\""))
        let right = hall.send(.post, "/operator", form: [("csrf", token), ("pin", "4821")])
        #expect(right.status == 303)
        let queue = hall.send(.get, "/operator").text
        #expect(queue.contains("Minta disetujui"))
        let number = try hall.service.pendingWebPosts()[0].number
        let decided = hall.send(.post, "/operator/decide", form: [("csrf", token), ("number", "\(number)"), ("decision", "approve")])
        #expect(decided.status == 303 && hall.service.store.count == 1)
        // Another phone guessing: five wrong PINs, then even the right one waits.
        hall.cookies = [:]
        let guesser = hall.formToken()
        for _ in 0..<5 { #expect(hall.send(.post, "/operator", form: [("csrf", guesser), ("pin", "0000")]).status == 403) }
        #expect(hall.send(.post, "/operator", form: [("csrf", guesser), ("pin", "4821")]).status == 429)
        hall.now += 16 * 60 * 1_000_000
        #expect(hall.send(.post, "/operator", form: [("csrf", guesser), ("pin", "4821")]).status == 303)
        // Without a session the decision is refused.
        hall.cookies["kabar_op"] = nil
        #expect(hall.send(.post, "/operator/decide", form: [("csrf", guesser), ("number", "1"), ("decision", "approve")]).status == 403)
    }

    @Test func postingOffRefusesAndSaysSo() throws {
        var web = WebSettings()
        web.posting = .off
        let hall = try Hall(web)
        #expect(hall.send(.get, "/post").text.contains("tidak menerima kiriman"))
        let token = hall.formToken()
        #expect(hall.send(.post, "/post", form: [("csrf", token), ("channel", "warga"), ("title", "x")]).status == 403)
    }

    @Test func theJSONAPIHasTheKeysOfKabarList() throws {
        let hall = try Hall()
        let post = try hall.service.post(PostParameters(channel: "pasar", title: "Cabai", body: "Rp 20.000"))
        let list = hall.send(.get, "/api/bulletins?channel=pasar&limit=5")
        #expect(list.status == 200 && list.headers["Content-Type"] == "application/json; charset=utf-8")
        let array = try #require(try JSONSerialization.jsonObject(with: Data(list.text.utf8)) as? [[String: Any]])
        #expect(Set(array[0].keys) == ["attachments", "author", "body", "channel", "created", "expires", "id", "kind", "references", "stamp_bits", "supersedes", "title"])
        let one = hall.send(.get, "/api/bulletins/\(post.id.hex)")
        #expect(one.status == 200 && one.text.contains(post.id.hex))
        #expect(hall.send(.get, "/api/bulletins?limit=0").status == 400)
        #expect(hall.send(.get, "/api/bulletins?channel=No!").status == 400)
        #expect(hall.send(.get, "/api/bulletins/zz").status == 404)
    }

    @Test func probesOpenTheBoardOnlyWithThePortalOn() throws {
        var web = WebSettings()
        web.portal = true
        let portal = try Hall(web)
        for path in ["/generate_204", "/hotspot-detect.html", "/connecttest.txt"] {
            let answer = portal.send(.get, path)
            #expect(answer.status == 302 && answer.headers["Location"] == "http://10.42.0.1:8080/", "\(path)")
        }
        let plain = try Hall()
        #expect(plain.send(.get, "/generate_204").status == 404)
    }

    @Test func languageSwitchesAndStays() throws {
        let hall = try Hall()
        #expect(hall.send(.get, "/").text.contains("Kirim"))
        #expect(hall.send(.get, "/?lang=en").text.contains(">Post<"))
        #expect(hall.send(.get, "/channels").text.contains(">Channels<"))
        #expect(hall.send(.get, "/?lang=id").text.contains(">Saluran<"))
    }

    /// Search answers from the board's index, which follows the store: new posts are found,
    /// withdrawn ones are not, newest first, Unicode folded like `kabar search`.
    @Test func searchFollowsTheStore() throws {
        let hall = try Hall()
        let first = try hall.service.post(PostParameters(channel: "warga", title: "Banjir di RT 3", body: "Air setinggi lutut."))
        #expect(hall.send(.get, "/search?q=banjir").text.contains("Banjir di RT 3"))
        let second = try hall.service.post(PostParameters(channel: "warga", title: "Banjir surut", body: "Jalan bisa dilewati."))
        _ = try hall.service.post(PostParameters(channel: "pasar", title: "CAFÉ buka", body: "Kopi Rp 5.000."))
        let both = hall.send(.get, "/search?q=BANJIR").text
        let surut = try #require(both.range(of: "Banjir surut")), rt3 = try #require(both.range(of: "Banjir di RT 3"))
        // Newest first, ties (two posts in one millisecond) by id, as every listing sorts.
        let secondFirst = (second.created, second.id) > (first.created, first.id)
        #expect((surut.lowerBound < rt3.lowerBound) == secondFirst)
        #expect(hall.send(.get, "/search?q=caf%C3%A9").text.contains("CAFÉ buka"))
        #expect(hall.send(.get, "/search?q=lutut+air").text.contains("Banjir di RT 3"))
        _ = try hall.service.withdraw(TargetParameters(id: first.id.hex), hide: false)
        let after = hall.send(.get, "/search?q=banjir").text
        #expect(after.contains("Banjir surut") && !after.contains("Banjir di RT 3"))
        #expect(hall.send(.get, "/search?q=zzz").text.contains("Tidak ditemukan"))
    }

    /// An official notice is pinned, marked verified and named after its authority (kabar.conf's
    /// `authority = KEY NAME`), whether the authority signed it or granted its signer; no key shows.
    @Test func officialNoticesCarryTheirAuthoritysName() throws {
        let authority = OperationsTests.identity.author
        let hall = try Hall { settings in
            settings.authorities = [authority]
            settings.authorityLabels = [authority: "Pemkab <Rokan> Hilir"]
        }
        _ = try hall.service.grant(GrantParameters(key: authority.hex, channels: ["resmi"]))
        let notice = try hall.service.post(PostParameters(channel: "resmi", title: "Posyandu Kamis", body: "Imunisasi balita."))
        _ = try hall.service.post(PostParameters(channel: "pasar", title: "Cabai murah", body: "Rp 20.000"))
        let board = hall.send(.get, "/").text
        let pinned = try #require(board.range(of: "Posyandu Kamis")), market = try #require(board.range(of: "Cabai murah"))
        #expect(pinned.lowerBound < market.lowerBound)
        #expect(board.contains("Resmi · terverifikasi · Pemkab &lt;Rokan&gt; Hilir"))
        #expect(!board.contains(authority.short))
        // Signed by a key the authority granted: the grant names the authority.
        let officer = Identity(key: try Ed25519.PrivateKey(seed: [UInt8](repeating: 9, count: 32)), label: "")
        _ = try hall.service.grant(GrantParameters(key: officer.author.hex, channels: ["resmi"]))
        let granted = try BulletinOperations.signedPost(
            PostRequest(channel: "resmi", title: "Jadwal vaksin", body: "Senin."), identity: officer, now: hall.node.bestTime())
        _ = try hall.service.write(granted)
        #expect(hall.send(.get, "/b/\(granted.id.hex)").text.contains("Pemkab &lt;Rokan&gt; Hilir"))
        #expect(hall.send(.get, "/b/\(notice.id.hex)").text.contains("terverifikasi"))
    }

    /// A post's photo shows on its page and is served from the node with its type; a kind the
    /// board does not serve is named, not served.
    @Test func attachmentsShowOnTheBulletinPage() throws {
        let hall = try Hall()
        let photo = [UInt8](repeating: 0xD8, count: 5_000)
        try Data(photo).write(to: URL(fileURLWithPath: hall.folder.file("banjir.jpg")))
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: hall.folder.file("program.exe")))
        let post = try hall.service.post(PostParameters(
            channel: "warga", title: "Foto banjir", body: "Air naik.", attach: [hall.folder.file("banjir.jpg"), hall.folder.file("program.exe")]))
        let page = hall.send(.get, "/b/\(post.id.hex)").text
        let photoID = post.content.attachments[0].hex, programID = post.content.attachments[1].hex
        #expect(page.contains("<img src=\"/a/\(photoID)\" alt=\"banjir.jpg\""))
        #expect(page.contains("program.exe") && !page.contains("/a/\(programID)"))
        let served = hall.send(.get, "/a/\(photoID)")
        #expect(served.status == 200 && served.headers["Content-Type"] == "image/jpeg")
        #expect(served.headers["X-Content-Type-Options"] == "nosniff" && served.headers["Content-Disposition"] == "inline; filename=\"banjir.jpg\"")
        #expect(served.body == photo)
        #expect(hall.send(.get, "/a/\(programID)").status == 415)
        #expect(hall.send(.get, "/a/" + String(repeating: "0", count: 64)).status == 404)
        #expect(hall.send(.post, "/a/\(photoID)").status == 405)
    }

    @Test func datesReadInWesternIndonesianTime() {
        // 2026-12-06 01:30 UTC is 08.30 WIB.
        #expect(BoardText.date(UnixTime(milliseconds: 1_796_520_600_000), .indonesian) == "6 Des 2026 08.30 WIB")
        #expect(BoardText.date(UnixTime(milliseconds: 0), .english) == "1 Jan 1970 07:00 WIB")
    }
}
