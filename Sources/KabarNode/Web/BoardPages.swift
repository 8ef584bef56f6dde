import Kabar

/// The board's pages as HTML text (Documentation/Board.md). Pure: each function turns values
/// into a page; `Board` gathers the values and serves the result.
///
/// Every page works with JavaScript off (forms and links only; only the post form loads a
/// script, `BoardScript`, which makes a photo smaller and records a voice note when it can),
/// loads nothing from another host, and stays small (a page of 40 bulletins is about 14 KB).
struct BoardPages {
    /// Everything a page needs to know about who is looking.
    struct Context {
        var language: Language
        /// The hall's label (its identity's), for the header.
        var hallLabel: String
        /// This hall's key: a voucher by it reads "this hall" (nil: the identity is unreadable).
        var hallKey: AuthorKey?
        /// The phone's form token (the hidden `csrf` field).
        var formToken: String
        var posting: WebSettings.Posting
        /// Bulletins created after this are marked new (the phone's previous visit).
        var newSince: UnixTime?
        /// Official channels (pinned and marked verified).
        var rules: ChannelRules
        /// The hall that vouched for a bulletin's phone author, if any.
        var voucher: (Bulletin) -> AuthorKey?
        /// The name of the authority behind an official bulletin, when kabar.conf gives one.
        var authorityLabel: (Bulletin) -> String?
        /// What this node holds of a bulletin's attachments.
        var attachments: (Bulletin) -> [AttachmentInfo] = { _ in [] }
        /// The largest file a phone may attach (the node's `attachment_max`).
        var attachmentBytesMax = 0
        /// When the regency office received a bulletin, by its report (Reach.md); nil: not.
        var officeReceived: (Bulletin) -> UnixTime? = { _ in nil }
        /// The keys of the regency office (this node's authorities): their posts and replies on
        /// community channels are marked as the office's.
        var officeKeys: Set<AuthorKey> = []
    }

    let context: Context

    func t(_ text: Localized) -> String { HTML.escape(text[context.language]) }

    // MARK: The shell

    /// A whole page: header with the hall's name, the language switch and the navigation; with
    /// `script`, the board's one script (the post form's).
    func page(title: String, path: String, script: Bool = false, _ main: String) -> String {
        let other: Language = context.language == .indonesian ? .english : .indonesian
        let switchLink = path + (path.contains("?") ? "&" : "?") + "lang=" + other.rawValue
        return """
            <!doctype html><html lang="\(context.language.rawValue)"><head><meta charset="utf-8">\
            <meta name="viewport" content="width=device-width,initial-scale=1">\
            <title>\(HTML.escape(title)) · Kabar</title><link rel="stylesheet" href="/kabar.css">\
            \(script ? "<script src=\"\(BoardScript.path)\" defer></script>" : "")</head><body>\
            <header><a class="hall" href="/">\(HTML.escape(context.hallLabel.isEmpty ? "Kabar" : context.hallLabel))</a>\
            <a class="lang" href="\(HTML.escape(switchLink))">\(t(BoardText.language))</a>\
            <nav><a href="/">\(t(BoardText.board))</a><a href="/post">\(t(BoardText.post))</a>\
            <a href="/channels">\(t(BoardText.channels))</a><a href="/search">\(t(BoardText.search))</a></nav></header>\
            <main>\(main)</main></body></html>
            """
    }

    func searchForm(_ query: String = "") -> String {
        """
        <form class="search" method="get" action="/search"><input type="search" name="q" value="\(HTML.escape(query))" \
        aria-label="\(t(BoardText.searchHint))" placeholder="\(t(BoardText.searchHint))" maxlength="200">\
        <button>\(t(BoardText.search))</button></form>
        """
    }

    // MARK: Bulletins

    func isOfficial(_ bulletin: Bulletin) -> Bool { context.rules.rule(for: bulletin.channel).access == .official }

    /// The line under a title: channel, date, and who stands behind it.
    func meta(_ bulletin: Bulletin) -> String {
        var parts = [
            "<a href=\"/?channel=\(HTML.queryValue(bulletin.channel))\">#\(HTML.escape(bulletin.channel))</a>",
            HTML.escape(BoardText.date(bulletin.created, context.language)),
        ]
        if isOfficial(bulletin) {
            let label = context.authorityLabel(bulletin).map { " · " + HTML.escape($0) } ?? ""
            parts.append("<span class=\"ok\">✓ \(t(BoardText.official))\(label)</span>")
        } else if context.officeKeys.contains(bulletin.author) {
            let label = context.authorityLabel(bulletin).map { " · " + HTML.escape($0) } ?? ""
            parts.append("<span class=\"ok\">✓ \(t(BoardText.office))\(label)</span>")
        } else if let hall = context.voucher(bulletin) {
            let name = hall == context.hallKey ? t(BoardText.thisHall) : t(BoardText.hall) + " " + hall.short
            parts.append("<span class=\"ph\">\(t(BoardText.fromPhone)) \(name)</span>")
        }
        return parts.joined(separator: " · ")
    }

    func item(_ bulletin: Bulletin) -> String {
        let isNew = context.newSince.map { bulletin.created > $0 } ?? false
        return """
            <li\(isOfficial(bulletin) ? " class=\"official\"" : "")><a class="t" href="/b/\(bulletin.id.hex)">\(HTML.escape(bulletin.title))</a>\
            \(isNew ? " <span class=\"new\">\(t(BoardText.new))</span>" : "")\
            <p class="m">\(meta(bulletin))</p><p>\(HTML.escape(HTML.excerpt(bulletin.body, characters: 140)))</p></li>
            """
    }

    func list(_ bulletins: [Bulletin], empty: Localized) -> String {
        bulletins.isEmpty ? "<p>\(t(empty))</p>" : "<ul class=\"b\">" + bulletins.map(item).joined() + "</ul>"
    }

    // MARK: Pages

    /// `/`: official bulletins pinned on top, then the rest, newest first.
    func board(pinned: [Bulletin], others: [Bulletin], channel: String?, notice: Localized?) -> String {
        var main = searchForm()
        if let notice { main += "<p class=\"note\">\(t(notice))</p>" }
        if let channel { main += "<h1>#\(HTML.escape(channel))</h1>" }
        if !pinned.isEmpty { main += "<ul class=\"b pinned\">" + pinned.map(item).joined() + "</ul>" }
        main += list(others, empty: pinned.isEmpty ? BoardText.nothingYet : Localized(en: "", id: ""))
        let path = channel.map { "/?channel=" + HTML.queryValue($0) } ?? "/"
        return page(title: channel.map { "#" + $0 } ?? context.hallLabel, path: path, main)
    }

    /// `/b/ID`: one bulletin, its replies, and a reply form.
    func bulletin(_ bulletin: Bulletin, replies: [Bulletin], error: Localized?) -> String {
        var main = """
            <article\(isOfficial(bulletin) ? " class=\"official\"" : "")><h1>\(HTML.escape(bulletin.title))</h1>\
            <p class="m">\(meta(bulletin))</p>\(officeReceipt(bulletin))<p class="body">\(HTML.paragraphs(bulletin.body))</p>\(attachments(bulletin))</article>
            """
        if !replies.isEmpty {
            main += "<h2>\(t(BoardText.replies)) (\(replies.count))</h2><ul class=\"r\">"
            main += replies.map { "<li><p class=\"m\">\(meta($0))</p><p>\(HTML.paragraphs($0.body))</p></li>" }.joined()
            main += "</ul>"
        }
        if context.posting != .off && !isOfficialOnly(bulletin) {
            if let error { main += "<p class=\"err\">\(t(error))</p>" }
            main += """
                <form method="post" action="/b/\(bulletin.id.hex)/reply"><input type="hidden" name="csrf" value="\(context.formToken)">\
                <label>\(t(BoardText.writeReply))<textarea name="body" rows="4" required maxlength="15000"></textarea></label>\
                <button>\(t(BoardText.reply))</button></form>
                """
        }
        return page(title: bulletin.title, path: "/b/\(bulletin.id.hex)", main)
    }

    /// "Received by the regency office" with the time, when the office's report lists it.
    func officeReceipt(_ bulletin: Bulletin) -> String {
        guard let time = context.officeReceived(bulletin) else { return "" }
        return "<p class=\"ok rcv\">✓ \(t(BoardText.officeReceived)) \(HTML.escape(BoardText.date(time, context.language)))</p>"
    }

    /// The media types the board serves (issue 15): the images and audio phones may attach
    /// (`WebMediaType`), and PDF; anything else is named but not served.
    static let servedTypes: Set<String> = Set(WebMediaType.allCases.map(\.rawValue) + ["application/pdf"])

    /// A bulletin's attachments: images inline, audio with controls, PDF and the rest as a
    /// link; one still arriving says how much is here.
    func attachments(_ bulletin: Bulletin) -> String {
        let infos = context.attachments(bulletin)
        guard !infos.isEmpty else { return "" }
        return infos.map { info in
            let name = HTML.escape(info.name ?? info.id.prefix(12) + "…")
            let size = info.size.map { Self.byteText($0) } ?? "?"
            guard let type = info.type, let total = info.size, info.have == total else {
                let have = Self.byteText(info.have)
                return "<p class=\"m\">\(t(BoardText.attachment)): \(name), \(have) / \(size) \(t(BoardText.arriving))</p>"
            }
            guard Self.servedTypes.contains(type) else {
                return "<p class=\"m\">\(t(BoardText.attachment)): \(name) (\(size)), \(t(BoardText.notServed))</p>"
            }
            let link = "/a/\(info.id)"
            if type.hasPrefix("image/") {
                return "<p><a href=\"\(link)\"><img src=\"\(link)\" alt=\"\(name)\" loading=\"lazy\"></a></p>"
            }
            let player = type.hasPrefix("audio/") ? "<audio controls preload=\"none\" src=\"\(link)\"></audio>" : ""
            return "<p>\(player)<a href=\"\(link)\">\(t(BoardText.download)) \(name)</a> <span class=\"m\">(\(size))</span></p>"
        }.joined()
    }

    static func byteText(_ bytes: UInt64) -> String {
        bytes >= 1_000_000 ? "\(bytes / 100_000 / 10).\(bytes / 100_000 % 10) MB" : bytes >= 1_000 ? "\(bytes / 1_000) KB" : "\(bytes) B"
    }

    /// Phones reply on community channels only: a reply takes the original's channel.
    func isOfficialOnly(_ bulletin: Bulletin) -> Bool { context.rules.rule(for: bulletin.channel).access != .community }

    /// `/post`: the form, with what was typed and why it was refused when it was.
    func postForm(channel: String, title: String, body: String, channels: [String], error: Localized?) -> String {
        guard context.posting != .off else { return page(title: BoardText.newPost[context.language], path: "/post", "<p>\(t(BoardText.postingOff))</p>") }
        var main = "<h1>\(t(BoardText.newPost))</h1>"
        if let error { main += "<p class=\"err\">\(t(error))</p>" }
        if context.posting == .review { main += "<p class=\"note\">\(t(BoardText.reviewNote))</p>" }
        let options = channels.map { "<option value=\"\(HTML.escape($0))\">" }.joined()
        main += """
            <form method="post" action="/post" enctype="multipart/form-data" \(uploadAttributes())>\
            <input type="hidden" name="csrf" value="\(context.formToken)">\
            <label>\(t(BoardText.channel))<input name="channel" list="ch" value="\(HTML.escape(channel))" required maxlength="32" \
            autocapitalize="off"></label><datalist id="ch">\(options)</datalist>\
            <label>\(t(BoardText.title))<input name="title" value="\(HTML.escape(title))" required maxlength="200"></label>\
            <label>\(t(BoardText.message))<textarea name="body" rows="8" maxlength="15000">\(HTML.escape(body))</textarea></label>\
            <label>\(t(BoardText.attachLabel))<input type="file" name="\(Board.attachField)" accept="\(Self.acceptedTypes)"></label>\
            <p id="attach-status" class="m" aria-live="polite"></p><div id="attach-preview"></div>\
            <p class="m">\(t(BoardText.attachNote(bytesMax: context.attachmentBytesMax)))</p>\
            <p class="m">\(t(BoardText.limits)) \(t(BoardText.phoneNote))</p><button type="submit">\(t(BoardText.send))</button></form>
            """
        return page(title: BoardText.newPost[context.language], path: "/post", script: true, main)
    }

    /// The file input's `accept`: the images the board takes, and any audio (a phone's chooser
    /// then offers its sound recorder; a type the board does not take is refused with a reason).
    static let acceptedTypes = "image/jpeg,image/png,image/webp,audio/*"

    /// What `BoardScript` reads from the form: the size limit and its words in this language.
    func uploadAttributes() -> String {
        let words: [(String, Localized)] = [
            ("scaling", BoardText.scriptScaling), ("scaled", BoardText.scriptScaled), ("too-large", BoardText.scriptTooLarge(bytesMax: context.attachmentBytesMax)),
            ("record", BoardText.scriptRecord), ("stop", BoardText.scriptStop), ("recording", BoardText.scriptRecording),
            ("recorded", BoardText.scriptRecorded), ("no-mic", BoardText.scriptNoMicrophone),
        ]
        return "data-upload data-max=\"\(context.attachmentBytesMax)\" " + words.map { "data-t-\($0.0)=\"\(t($0.1))\"" }.joined(separator: " ")
    }

    /// `/search?q=`.
    func search(_ query: String, results: [Bulletin], partial: (indexed: Int, held: Int)?) -> String {
        var main = searchForm(query) + (query.isEmpty ? "" : list(results, empty: BoardText.noResults))
        if let partial, !query.isEmpty {
            main += "<p class=\"m\">" + t(Localized(
                en: "This node is still reading its bulletins for search: \(partial.indexed) of \(partial.held) so far.",
                id: "Node ini masih membaca buletinnya untuk pencarian: \(partial.indexed) dari \(partial.held) sejauh ini.")) + "</p>"
        }
        return page(title: BoardText.search[context.language], path: "/search?q=" + HTML.queryValue(query), main)
    }

    /// `/channels`: every channel with what this node holds there.
    func channels(_ rows: [(name: String, official: Bool, held: Int)]) -> String {
        let items = rows.map { row in
            "<li><a href=\"/?channel=\(HTML.queryValue(row.name))\">#\(HTML.escape(row.name))</a> "
                + "<span class=\"m\">\(t(row.official ? BoardText.official2 : BoardText.community)) · \(row.held) \(t(BoardText.bulletins))</span></li>"
        }
        return page(title: BoardText.channels[context.language], path: "/channels",
                    "<h1>\(t(BoardText.channels))</h1><ul class=\"c\">" + items.joined() + "</ul>")
    }

    /// A short page saying why something failed.
    func message(_ title: Localized, _ text: Localized, path: String) -> String {
        page(title: title[context.language], path: path, "<h1>\(t(title))</h1><p>\(t(text))</p>")
    }

    // MARK: The operator's page

    func operatorLogin(error: Localized?) -> String {
        var main = "<h1>\(t(BoardText.operatorTitle))</h1>"
        if let error { main += "<p class=\"err\">\(t(error))</p>" }
        main += """
            <form method="post" action="/operator"><input type="hidden" name="csrf" value="\(context.formToken)">\
            <label>\(t(BoardText.pin))<input name="pin" type="password" inputmode="numeric" required maxlength="32" autocomplete="off"></label>\
            <button>\(t(BoardText.enter))</button></form>
            """
        return page(title: BoardText.operatorTitle[context.language], path: "/operator", main)
    }

    func operatorQueue(_ pending: [PendingWebPost]) -> String {
        var main = "<h1>\(t(BoardText.pending)) (\(pending.count))</h1>"
        if pending.isEmpty { main += "<p>\(t(BoardText.nonePending))</p>" }
        for entry in pending {
            main += """
                <article><h2>\(entry.number). \(HTML.escape(entry.bulletin.title))</h2><p class="m">#\(HTML.escape(entry.bulletin.channel)) · \
                \(HTML.escape(BoardText.date(entry.bulletin.created, context.language)))</p><p>\(HTML.paragraphs(entry.bulletin.body))</p>\
                \(attachments(entry.bulletin))\
                <form method="post" action="/operator/decide"><input type="hidden" name="csrf" value="\(context.formToken)">\
                <input type="hidden" name="number" value="\(entry.number)">\
                <button name="decision" value="approve">\(t(BoardText.approve))</button> \
                <button name="decision" value="reject" class="no">\(t(BoardText.reject))</button></form></article>
                """
        }
        return page(title: BoardText.operatorTitle[context.language], path: "/operator", main)
    }
}

/// The board's one style sheet, served from the binary as `/kabar.css` (no other host, no
/// script): large type for a 360-px phone, readable on an old Android browser (no grid, no
/// variables).
enum BoardStyle {
    static let css = """
        body{margin:0;font:18px/1.45 sans-serif;color:#111;background:#fafaf7}\
        header{background:#0b5d3b;color:#fff;padding:10px 12px}header a{color:#fff;text-decoration:none}\
        .hall{font-weight:bold;font-size:20px}.lang{float:right;font-size:15px;text-decoration:underline}\
        nav{margin-top:8px}nav a{display:inline-block;margin:0 14px 4px 0;font-size:17px;text-decoration:underline}\
        main{padding:8px 12px;max-width:720px}h1{font-size:24px;margin:10px 0}h2{font-size:20px}\
        ul{list-style:none;padding:0;margin:0}li{background:#fff;border:1px solid #ddd;border-radius:6px;margin:8px 0;padding:8px 10px}\
        .official{border-left:6px solid #0b5d3b}.pinned li{background:#eef7f1}.t{font-weight:bold;font-size:19px;color:#0645ad}\
        .m{color:#555;font-size:15px;margin:2px 0}.ok{color:#0b5d3b;font-weight:bold}.ph{color:#6a3d00}.new{background:#c00;color:#fff;\
        font-size:13px;padding:1px 5px;border-radius:3px}p{margin:4px 0;overflow-wrap:break-word}\
        .body{font-size:19px}label{display:block;margin:10px 0 4px}input,textarea{display:block;width:100%;box-sizing:border-box;\
        font-size:18px;padding:8px;border:1px solid #888;border-radius:4px}button{font-size:18px;padding:10px 18px;margin:10px 0;\
        background:#0b5d3b;color:#fff;border:0;border-radius:4px}.no{background:#a00}.search input{display:inline-block;width:65%}\
        .search button{margin:0 0 0 4px}img{max-width:100%;height:auto}audio{display:block;width:100%}.err{color:#a00;font-weight:bold}.note{background:#fff6d5;padding:8px;border-radius:4px}\
        input[type=file]{font-size:16px;background:#fff}.rec{background:#6a3d00}#attach-preview img{max-height:240px;width:auto}
        """
}
