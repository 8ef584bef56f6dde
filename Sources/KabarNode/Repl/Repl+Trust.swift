import Kabar

// The trust commands and `reply ID --body` typed on one line, made into typed requests for the
// node service (the same requests the CLI sends), and their results put in words.
extension Repl {
    /// Words after the command: positionals, and the options given (`--name value`, flags).
    struct OptionWords {
        var positionals: [String] = []
        var values: [String: [String]] = [:]

        func value(_ name: String) -> String? { values[name]?.last }
        func flag(_ name: String) -> Bool { values[name] != nil }
    }

    /// Splits `words` into positionals and the options `valued` (take a value) and `flags`.
    static func options(_ words: [String], valued: Set<String>, flags: Set<String> = []) throws(ReplCommandError) -> OptionWords {
        var parsed = OptionWords()
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            guard word.hasPrefix("--") else {
                parsed.positionals.append(word)
                continue
            }
            if flags.contains(word) {
                parsed.values[word, default: []].append("")
            } else if valued.contains(word) {
                guard index < words.count else {
                    throw .failed(Localized(en: "option \(word) needs a value", id: "opsi \(word) perlu nilai"))
                }
                parsed.values[word, default: []].append(words[index])
                index += 1
            } else {
                throw .failed(Localized(en: "unknown option '\(word.prefix(40))'", id: "opsi '\(word.prefix(40))' tidak dikenal"))
            }
        }
        return parsed
    }

    /// The request a trust command line makes.
    static func trustRequest(
        _ name: String, _ words: [String], listing: [String] = [], lastRead: String? = nil
    ) throws(ReplCommandError) -> ControlRequest {
        func one(_ parsed: OptionWords, _ what: String) throws(ReplCommandError) -> String {
            guard parsed.positionals.count == 1 else {
                throw .failed(Localized(en: "'\(name)' takes one \(what)", id: "'\(name)' menerima satu \(what)"))
            }
            return parsed.positionals[0]
        }
        switch name {
        case "authority", "block":
            let parsed = try options(words, valued: [])
            let action = parsed.positionals.first ?? "list"
            guard ["add", "remove", "list"].contains(action) || name == "block" else {
                throw .failed(Localized(en: "authority add|remove KEY, or authority list", id: "authority add|remove KUNCI, atau authority list"))
            }
            if name == "block" {
                if action == "list" { return .block(KeyListParameters(action: "list")) }
                return .block(KeyListParameters(action: "add", key: try one(parsed, "KEY")))
            }
            if action == "list" { return .authority(KeyListParameters(action: "list")) }
            return .authority(KeyListParameters(action: action, key: parsed.positionals.dropFirst().first ?? ""))
        case "unblock":
            return .block(KeyListParameters(action: "remove", key: try one(try options(words, valued: []), "KEY")))
        case "retract", "hide":
            let target = TargetParameters(id: try one(try options(words, valued: []), "ID"))
            return name == "hide" ? .hide(target) : .retract(target)
        case "reach":
            let parsed = try options(words, valued: ["--svg"])
            guard parsed.positionals.count <= 1 else {
                throw .failed(Localized(en: "'reach' takes one ID", id: "'reach' menerima satu ID"))
            }
            return .reach(TargetParameters(id: try replyTarget(parsed.positionals, listing: listing, lastRead: lastRead)))
        case "halls":
            guard words.isEmpty else { throw .failed(Localized(en: "'halls' takes nothing more", id: "'halls' tidak menerima apa pun lagi")) }
            return .halls
        case "grant":
            let parsed = try options(words, valued: ["--channel", "--expires"], flags: ["--moderator", "--may-grant"])
            return .grant(GrantParameters(
                key: try one(parsed, "KEY"), channels: parsed.values["--channel"] ?? [],
                expiresInMs: try lifetime(parsed), moderator: parsed.flag("--moderator"), mayGrant: parsed.flag("--may-grant")))
        case "edit", "reply":
            let parsed = try options(words, valued: ["--title", "--body", "--expires"])
            let id = name == "reply" ? try replyTarget(parsed.positionals, listing: listing, lastRead: lastRead) : try one(parsed, "ID")
            guard let body = parsed.value("--body") else {
                throw .failed(Localized(en: "give the new text with --body \"...\"", id: "berikan isinya dengan --body \"...\""))
            }
            if name == "reply" {
                return .reply(ReplyParameters(to: id, title: parsed.value("--title"), body: body, expiresInMs: try lifetime(parsed)))
            }
            return .edit(EditParameters(id: id, title: parsed.value("--title"), body: body, expiresInMs: try lifetime(parsed)))
        default:
            throw .failed(Localized(en: "'\(name)' is not a command", id: "'\(name)' bukan perintah"))
        }
    }

    /// What `reply` answers: an id (or prefix), number N of the last listing, or, with neither,
    /// the bulletin read last.
    private static func replyTarget(
        _ positionals: [String], listing: [String], lastRead: String?
    ) throws(ReplCommandError) -> String {
        switch positionals.count {
        case 0:
            guard let lastRead else {
                throw .failed(Localized(
                    en: "reply to which bulletin? give its id or its number in the list, or read it first",
                    id: "membalas buletin yang mana? berikan id-nya atau nomornya di daftar, atau baca dulu"))
            }
            return lastRead
        case 1:
            let word = positionals[0]
            guard word.count < idPrefixLengthMin, let number = Int(word) else { return word }
            guard number >= 1, number <= listing.count else {
                throw .failed(Localized(
                    en: "there is no number \(number) in the last list (\(listing.count) shown)",
                    id: "tidak ada nomor \(number) di daftar terakhir (\(listing.count) ditampilkan)"))
            }
            return listing[number - 1]
        default:
            throw .failed(Localized(en: "'reply' takes one ID", id: "'reply' menerima satu ID"))
        }
    }

    private static func lifetime(_ parsed: OptionWords) throws(ReplCommandError) -> Int64? {
        guard let text = parsed.value("--expires") else { return nil }
        guard let span = TimeSpan.parse(text) else {
            throw .failed(Localized(
                en: "--expires takes a duration such as 12h, 3d or 2w, not '\(text.prefix(40))'",
                id: "--expires menerima durasi seperti 12h, 3d atau 2w, bukan '\(text.prefix(40))'"))
        }
        return span.milliseconds
    }

    /// Runs a trust command line through the node service and shows its result.
    func runTrustCommand(_ name: String, line: String) throws {
        let words = try Repl.shellWords(line)
        let request = try Repl.trustRequest(name, Array(words.dropFirst()), listing: lastListing, lastRead: lastRead)
        let result = try backend.perform(request)
        if case .reply = request, let id = result.id { return say(.replySaved, String(id.prefix(12))) }
        let shown = ResultWords(request, result)
        for text in shown.lines + shown.notes { output(text[language]) }
        // `reach N --svg FILE`: the chart, written by the CLI's writer.
        if case .reach = request, let reach = result.reach,
            let path = try Repl.options(Array(words.dropFirst()), valued: ["--svg"]).value("--svg") {
            try ReachChart.write(reach, language: language, to: path)
            output(Localized(en: "chart written to \(path)", id: "grafik ditulis ke \(path)")[language])
        }
    }

    /// `reload`: the node reads kabar.conf again; says what changed.
    /// `pending`: the review queue of the hall board.
    func showPending() throws {
        let pending = try backend.pending()
        guard !pending.isEmpty else { return say(.pendingNone) }
        say(.pendingHeader, String(pending.count))
        for entry in pending {
            let body = entry.bulletin.body.split(whereSeparator: \.isNewline).joined(separator: " ")
            say(.pendingLine, String(entry.number), entry.bulletin.channel, entry.bulletin.title, String(body.prefix(120)))
        }
    }

    /// `approve N` and `reject N`.
    func decidePending(_ name: String, _ arguments: [String]) throws {
        guard arguments.count == 1, let number = Int(arguments[0]), number > 0 else { return say(.pendingUsage, name) }
        if name == "approve" {
            _ = try backend.perform(.approve(NumberParameters(number: number)))
            say(.approved, String(number))
        } else {
            _ = try backend.perform(.reject(NumberParameters(number: number)))
            say(.rejected, String(number))
        }
    }

    func runReload() throws {
        let shown = ResultWords(.reload, try backend.perform(.reload))
        for text in shown.lines + shown.notes { output(text[language]) }
    }
}
