import Foundation
import Kabar
import KabarHTTP
@testable import KabarNode
import Testing

/// A phone attaching a photo or a voice note on the board (issue 15): the request as a browser
/// sends it, through the request parser with the board's limits, then the board. The file is
/// stored with the post, reads back byte for byte, and is refused (with nothing stored) when
/// its bytes are not its type, it is too large, or the post itself is refused.
@Suite(.serialized) struct BoardUploadTests {
    typealias Hall = BoardTests.Hall
    typealias Answer = (status: Int, headers: HTTPHeaders, text: String, body: [UInt8])

    static let boundary = "----KabarTestBoundary8d2f"

    /// A PNG signature and header, then bytes that hold CRLF, "--" and most byte values.
    static let photo: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("\0\0\0\rIHDR".utf8)
        + (0..<6_000).map { UInt8(truncatingIfNeeded: $0 &* 31) } + Array("\r\n--\r\n--\(boundary.dropLast())".utf8)

    /// One file as the browser sends it: its name, the type it claims, its bytes.
    struct File {
        var name: String
        var type: String?
        var bytes: [UInt8]
    }

    /// `fields` and `files` as a browser's multipart/form-data body.
    static func multipart(_ fields: [(String, String)], files: [File]) -> [UInt8] {
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for file in files {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"attach\"; filename=\"\(file.name)\"\r\n".utf8)
            if let type = file.type { body += Array("Content-Type: \(type)\r\n".utf8) }
            body += Array("\r\n".utf8) + file.bytes + Array("\r\n".utf8)
        }
        return body + Array("--\(boundary)--\r\n".utf8)
    }

    /// The bytes of a whole HTTP request as the phone's browser sends it.
    static func rawRequest(_ target: String, body: [UInt8], contentType: String, cookies: [String: String]) -> [UInt8] {
        var head = "POST \(target) HTTP/1.1\r\nHost: 10.42.0.1\r\nOrigin: http://10.42.0.1\r\nContent-Type: \(contentType)\r\n"
        if !cookies.isEmpty { head += "Cookie: " + cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") + "\r\n" }
        return Array((head + "Content-Length: \(body.count)\r\n\r\n").utf8) + body
    }

    /// Posts the form with `files` through the parser (with the board's limits) and the board;
    /// a refusal by the parser comes back as its status.
    @discardableResult
    static func upload(_ hall: Hall, title: String = "Foto banjir", body text: String = "Air naik.", files: [File], target: String = "/post",
                       language: String? = nil) -> Answer {
        let token = hall.formToken()
        let fields = [("csrf", token), ("channel", "warga"), ("title", title), ("body", text)]
        let path = target + (language.map { "?lang=" + $0 } ?? "")
        let bytes = rawRequest(path, body: multipart(fields, files: files), contentType: "multipart/form-data; boundary=\(boundary)", cookies: hall.cookies)
        let limits = Board.httpLimits(attachmentBytesMax: Int(hall.service.settings.attachmentBytesMax))
        var parser = HTTPRequestParser(limits: limits)
        parser.receive(bytes)
        let request: HTTPRequest
        do {
            guard let parsed = try parser.nextRequest() else { return (0, [:], "the parser wants more bytes", []) }
            request = parsed
        } catch {
            return (error.status.code, [:], error.description, [])
        }
        let response = hall.board.respond(to: request, from: Board.Client(address: "10.42.0.23:50000", localAddress: "10.42.0.1:8080"), at: hall.now)
        return (response.status.code, response.headers, String(decoding: response.body, as: UTF8.self), response.body)
    }

    static func postedID(_ answer: Answer) throws -> BulletinID {
        try #require(BulletinID(hex: String((answer.headers["Location"] ?? "").dropFirst(3))), "\(answer.status) \(answer.text.prefix(300))")
    }

    // MARK: Taken

    @Test func aPhotoFromAPhoneIsStoredWithItsPostAndShownOnItsPage() throws {
        let hall = try Hall()
        let answer = Self.upload(hall, files: [File(name: "IMG_2031.png", type: "image/png", bytes: Self.photo)])
        #expect(answer.status == 303)
        let bulletin = try #require(hall.service.store.bulletin(try Self.postedID(answer)))
        #expect(bulletin.content.attachments.count == 1)
        let id = try #require(bulletin.content.attachments.first)
        let (manifest, bytes) = try hall.service.attachment(id)
        #expect(bytes == Self.photo)
        #expect(manifest.type == "image/png" && manifest.name == "IMG_2031.png")
        #expect(hall.send(.get, "/b/\(bulletin.id.hex)").text.contains("<img src=\"/a/\(id.hex)\" alt=\"IMG_2031.png\""))
        let served = hall.send(.get, "/a/\(id.hex)")
        #expect(served.status == 200 && served.headers["Content-Type"] == "image/png" && served.body == Self.photo)
    }

    @Test func voiceNotesInEveryServedTypeAreTakenUnderTheirOwnType() throws {
        let cases: [(file: File, stored: String)] = [
            (File(name: "suara.ogg", type: "audio/ogg;codecs=opus", bytes: Array("OggS".utf8) + [0, 2] + [UInt8](repeating: 7, count: 300)), "audio/ogg"),
            (File(name: "lagu.mp3", type: "audio/mpeg", bytes: Array("ID3".utf8) + [4, 0] + [UInt8](repeating: 1, count: 300)), "audio/mpeg"),
            (File(name: "frame.mp3", type: "audio/mp3", bytes: [0xFF, 0xFB, 0x90, 0x64] + [UInt8](repeating: 0, count: 300)), "audio/mpeg"),
            (File(name: "rekaman.m4a", type: "audio/x-m4a", bytes: [0, 0, 0, 0x20] + Array("ftypM4A ".utf8) + [UInt8](repeating: 0, count: 300)), "audio/mp4"),
            (File(name: "suara.webm", type: "audio/webm;codecs=opus", bytes: [0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84]
                + Array("webm".utf8) + [UInt8](repeating: 0, count: 300)), "audio/webm"),
            (File(name: "foto.jpg", type: "image/jpeg", bytes: [0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 9, count: 300)), "image/jpeg"),
            (File(name: "foto.webp", type: "image/webp", bytes: Array("RIFF".utf8) + [0, 1, 0, 0] + Array("WEBPVP8 ".utf8) + [UInt8](repeating: 3, count: 300)), "image/webp"),
            // No type from the browser: its extension names it, as for `kabar post --attach`.
            (File(name: "tanpa-jenis.ogg", type: nil, bytes: Array("OggS".utf8) + [UInt8](repeating: 5, count: 300)), "audio/ogg"),
        ]
        let hall = try Hall()
        for (index, (file, stored)) in cases.enumerated() {
            hall.cookies = [:]  // a phone each: the per-phone limit is not what is tested here
            let answer = Self.upload(hall, title: "Suara \(index)", files: [file])
            #expect(answer.status == 303, "\(file.name): \(answer.text.prefix(300))")
            let bulletin = try #require(hall.service.store.bulletin(try Self.postedID(answer)))
            let (manifest, bytes) = try hall.service.attachment(try #require(bulletin.content.attachments.first))
            #expect(manifest.type == stored && bytes == file.bytes, "\(file.name)")
        }
    }

    @Test func aFileFieldLeftEmptyPostsWithoutAnAttachment() throws {
        let hall = try Hall()
        let answer = Self.upload(hall, files: [File(name: "", type: "application/octet-stream", bytes: [])])
        #expect(answer.status == 303)
        #expect(hall.service.store.bulletin(try Self.postedID(answer))?.content.attachments == [])
        #expect(try hall.service.blocks().count == 0)
    }

    // MARK: Refused, with nothing stored

    @Test func bytesThatAreNotTheClaimedTypeAreRefusedInBothLanguages() throws {
        let hall = try Hall()
        let pngAsJPEG = File(name: "foto.jpg", type: "image/jpeg", bytes: Self.photo)
        let indonesian = Self.upload(hall, files: [pngAsJPEG])
        #expect(indonesian.status == 415)
        #expect(indonesian.text.contains("bernama JPEG tetapi isinya bukan (isinya seperti PNG)"), "\(indonesian.text)")
        let english = Self.upload(hall, files: [pngAsJPEG], language: "en")
        #expect(english.status == 415 && english.text.contains("named as JPEG but its contents are not (it looks like PNG)"))
        // What was typed comes back in the form.
        #expect(english.text.contains("value=\"Foto banjir\"") && english.text.contains("Air naik."))
        let noise = Self.upload(hall, files: [File(name: "suara.ogg", type: "audio/ogg", bytes: Array("not an ogg".utf8))])
        #expect(noise.status == 415 && noise.text.contains("bernama Ogg tetapi isinya bukan."))
        // ADTS AAC starts with the MPEG sync bits but is not MP3.
        let adts = Self.upload(hall, files: [File(name: "a.mp3", type: "audio/mpeg", bytes: [0xFF, 0xF1, 0x50, 0x80] + [UInt8](repeating: 0, count: 64))])
        #expect(adts.status == 415)
        #expect(try hall.service.store.count == 0 && hall.service.blocks().count == 0)
    }

    @Test func typesTheBoardDoesNotServeAreRefusedWithTheListOfThoseItTakes() throws {
        let hall = try Hall()
        for file in [File(name: "surat.pdf", type: "application/pdf", bytes: Array("%PDF-1.7".utf8)),
                     File(name: "rekaman.amr", type: "audio/amr", bytes: Array("#!AMR\n".utf8)),
                     File(name: "program.exe", type: "application/octet-stream", bytes: [0x4D, 0x5A, 0x90]),
                     File(name: "video.mp4", type: "video/mp4", bytes: [0, 0, 0, 0x20] + Array("ftypisom".utf8))] {
            let answer = Self.upload(hall, files: [file])
            #expect(answer.status == 415, "\(file.name)")
            #expect(answer.text.contains("Papan hanya menerima foto dan pesan suara: JPEG, PNG, WebP, Ogg, MP3, M4A, WebM"), "\(file.name)")
        }
        #expect(try hall.service.store.count == 0 && hall.service.blocks().count == 0)
    }

    @Test func aFileOverAttachmentMaxIsRefusedByTheBoardOrByTheParser() throws {
        let hall = try Hall { $0.attachmentBytesMax = 10_000 }
        // No two 1,024-byte blocks alike, so the block count below is the tree's.
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE1] + (0..<9_996).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 / 1_024) }
        #expect(Self.upload(hall, files: [File(name: "pas.jpg", type: "image/jpeg", bytes: jpeg)]).status == 303)
        let over = Self.upload(hall, files: [File(name: "besar.jpg", type: "image/jpeg", bytes: jpeg + [0])])
        #expect(over.status == 413)
        #expect(over.text.contains("Berkas itu 10 KB; balai ini menerima berkas paling besar 10 KB"), "\(over.text)")
        // Past the form's room too, the parser refuses it from its Content-Length, unread.
        let huge = Self.upload(hall, files: [File(name: "besar.jpg", type: "image/jpeg", bytes: jpeg + [UInt8](repeating: 0, count: Board.uploadFormBytesMax))])
        #expect(huge.status == 413 && huge.text == HTTPError.bodyTooLarge(bytesMax: 10_000 + Board.uploadFormBytesMax).description)
        #expect(try hall.service.store.count == 1 && hall.service.blocks().count == 11)  // the first post's manifest and 10 blocks
    }

    @Test func aRefusedPostOrAPhoneOverItsLimitStoresNoBlocks() throws {
        var web = WebSettings()
        web.postsPerPhone = 1
        let hall = try Hall(web)
        let file = File(name: "foto.png", type: "image/png", bytes: Self.photo)
        let badTitle = Self.upload(hall, title: String(repeating: "a", count: 201), files: [file])
        #expect(badTitle.status == 400 && badTitle.text.contains("201"))
        #expect(try hall.service.blocks().count == 0)
        #expect(Self.upload(hall, files: [file]).status == 303)
        let blocks = try hall.service.blocks().count
        let overLimit = Self.upload(hall, title: "Kedua", files: [File(name: "lain.png", type: "image/png", bytes: Self.photo + [1])])
        #expect(overLimit.status == 429 && overLimit.text.contains("ponsel ini"))
        #expect(try hall.service.blocks().count == blocks && hall.service.store.count == 1)
        // Two files in one post: refused before anything.
        hall.cookies = [:]
        let two = Self.upload(hall, files: [file, file])
        #expect(two.status == 400 && two.text.contains("satu berkas"))
        #expect(try hall.service.blocks().count == blocks && hall.service.store.count == 1)
    }

    // MARK: Review

    @Test func inReviewModeThePendingPostCarriesItsFileThroughApprove() throws {
        var web = WebSettings()
        web.posting = .review
        let hall = try Hall(web)
        let answer = Self.upload(hall, files: [File(name: "banjir.png", type: "image/png", bytes: Self.photo)])
        #expect(answer.status == 303 && answer.headers["Location"] == "/?pending=1")
        #expect(hall.service.store.count == 0)
        let pending = try hall.service.pendingWebPosts()
        let id = try #require(pending.first?.bulletin.content.attachments.first)
        #expect(try hall.service.pendingWebAttachmentRoots() == [id])
        // The blocks are stored and synced already; the operator sees the photo before deciding.
        #expect(try hall.service.attachment(id).1 == Self.photo)
        try WebPIN(pin: "4821", salt: [1, 2, 3, 4]).save(to: hall.node.data)
        let token = hall.formToken()
        #expect(hall.send(.post, "/operator", form: [("csrf", token), ("pin", "4821")]).status == 303)
        #expect(hall.send(.get, "/operator").text.contains("<img src=\"/a/\(id.hex)\""))
        // The queue file keeps the attachment across a restart, in the format it always had.
        let reread = try WebPostQueue.load(from: hall.node.data)
        #expect(reread.skipped == 0 && reread.queue.entries.first?.bulletin.content.attachments == [id])
        let text = try String(contentsOfFile: hall.node.data.file(WebPostQueue.fileName), encoding: .utf8)
        #expect(text.hasPrefix(WebPostQueue.versionLine + "\n"))
        let approved = try hall.service.approveWebPost(try #require(pending.first).number)
        #expect(hall.service.store.bulletin(approved.id)?.content.attachments == [id])
        #expect(try hall.service.pendingWebAttachmentRoots().isEmpty)
        #expect(hall.send(.get, "/a/\(id.hex)").body == Self.photo)
    }

    // MARK: The form and its script

    @Test func thePostFormTakesAFileAndOnlyItLoadsTheScript() throws {
        let hall = try Hall()
        let form = hall.send(.get, "/post")
        #expect(form.text.contains("enctype=\"multipart/form-data\""))
        #expect(form.text.contains("<input type=\"file\" name=\"attach\" accept=\"image/jpeg,image/png,image/webp,audio/*\">"))
        #expect(form.text.contains("<script src=\"/kabar.js\" defer></script>"))
        #expect(form.text.contains("data-max=\"2000000\"") && form.text.contains("data-t-record=\"Rekam pesan suara\""))
        let csp = try #require(form.headers["Content-Security-Policy"])
        #expect(csp.contains("img-src 'self' data: blob:") && csp.contains("media-src 'self' blob:") && csp.contains("script-src 'self';"))
        let script = hall.send(.get, "/kabar.js")
        #expect(script.status == 200 && script.headers["Content-Type"] == "text/javascript; charset=utf-8")
        #expect(script.text.contains("DataTransfer") && script.text.contains("MediaRecorder") && !script.text.contains("eval("))
        #expect(hall.send(.post, "/kabar.js").status == 405)
        for path in ["/", "/channels", "/search?q=x"] { #expect(!hall.send(.get, path).text.contains("<script"), "\(path)") }
        // The url-encoded form (a page cached from before) still posts.
        #expect(hall.post(title: "Tanpa lampiran").status == 303)
    }

    /// A post the HTTP layer refuses for its size (a full photo sent with JavaScript off) gets
    /// the board's words in both languages, with its headers, not the parser's line.
    @Test func aPostTooLargeForTheServerIsExplainedInBothLanguages() throws {
        let hall = try Hall()
        let page = try #require(hall.board.refusalPage(for: .bodyTooLarge(bytesMax: 2_065_536)))
        let text = String(decoding: page.body, as: UTF8.self)
        #expect(page.status == .contentTooLarge && page.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(text.contains("paling besar 2.0 MB") && text.contains("at most 2.0 MB") && text.contains("nyalakan JavaScript"))
        #expect(page.headers["Content-Security-Policy"] != nil && page.headers["X-Content-Type-Options"] == "nosniff")
        #expect(hall.board.refusalPage(for: .malformedRequestLine) == nil)
    }

    @Test func namesFitTheManifestAndMagicChecksNeverReadPastTheBytes() throws {
        let long = String(repeating: "é", count: 120) + ".jpeg"  // 245 bytes
        let stored = WebAttachment.storedName(long, type: .jpeg)
        #expect(stored.utf8.count <= AttachmentManifest.nameBytesMax && stored.hasSuffix("é.jpeg"))
        #expect(WebAttachment.storedName("", type: .ogg) == "lampiran.ogg" && WebAttachment.storedName(" .. ", type: .png) == "lampiran.png")
        #expect(WebAttachment.storedName("foto.jpg", type: .jpeg) == "foto.jpg")
        let noDot = WebAttachment.storedName(String(repeating: "x", count: 200), type: .png)
        #expect(noDot.utf8.count == AttachmentManifest.nameBytesMax)
        // Every prefix of every magic, and noise, is judged without reading past its end.
        let samples: [[UInt8]] = [[0xFF, 0xD8, 0xFF, 0xE0], Array("RIFF\0\0\0\0WEBP".utf8), [0x1A, 0x45, 0xDF, 0xA3] + Array("webm".utf8),
                                  [0, 0, 0, 0] + Array("ftyp".utf8), Array("OggS".utf8), Array("ID3".utf8), [0xFF, 0xFB]]
        for sample in samples {
            for length in 0...sample.count {
                for type in WebMediaType.allCases { _ = type.matches(Array(sample.prefix(length))) }
            }
        }
        #expect(WebMediaType.recognised([]) == nil && WebMediaType.recognised([0xFF]) == nil)
        #expect(WebMediaType(claimed: " Audio/WEBM ; codecs=opus") == .webmAudio && WebMediaType(claimed: "audio/aac") == nil)
    }

    @Test func theServerCountsUploadsAndGivesThemLonger() {
        #expect(HTTPServer.uploadsMax >= 1 && HTTPServer.uploadRequestTimeout > HTTPServer.requestTimeout)
        let limits = Board.httpLimits(attachmentBytesMax: 2_000_000)
        #expect(limits.uploadPaths == ["/post"] && limits.uploadBodyBytesMax == 2_000_000 + Board.uploadFormBytesMax)
        #expect(limits.bodyBytesMax == HTTPLimits.bodyBytesDefault)
    }
}
