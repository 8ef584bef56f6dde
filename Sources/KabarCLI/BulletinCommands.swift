import Foundation
import Kabar
import KabarNode
import KabarPlatform

/// `kabar post`: writes, signs and stores a post.
enum PostCommand: Command {
    /// Standard input is read up to one byte past the body limit, to say how long is too long.
    static let inputBytesMax = 1_000_000

    static let spec = CommandSpec(
        path: ["post"],
        summary: Localized(en: "sign and store a new post", id: "tanda tangani dan simpan kiriman baru"),
        options: [
            .data,
            .value("--channel", "C", short: "-c", help: Localized(en: "channel, such as pasar or warga", id: "kanal, misalnya pasar atau warga")),
            .value("--title", "T", short: "-t", help: Localized(en: "one-line title (at most 200 bytes)", id: "judul satu baris (paling banyak 200 byte)")),
            .value("--attach", "FILE", repeatable: true, help: Localized(
                en: "attach a file: a photo, a document, a voice note (repeatable, at most 16; 2 MB each by default)",
                id: "lampirkan berkas: foto, dokumen, pesan suara (boleh berulang, paling banyak 16; bawaan 2 MB masing-masing)")),
            .value("--stamp", "BITS", help: Localized(
                en: "add a proof-of-work stamp of BITS (0 to 32; 20 takes about a second on a Pi): room at nodes that ration keys nobody vouched for (default: only under a flood, when this key is not vouched)",
                id: "tambahkan stempel bukti kerja BITS (0 sampai 32; 20 sekitar satu detik di Pi): tempat di node yang menjatah kunci yang belum dijamin (bawaan: hanya saat banjir, bila kunci ini belum dijamin)")),
        ] + bodyOptions,
        discussion: Localized(
            en: "Without --body or --body-file the text is read from standard input. The new bulletin's id is printed once it is safely on disk, attachments included.",
            id: "Tanpa --body atau --body-file, isi dibaca dari masukan standar. Id buletin baru dicetak setelah tersimpan aman di disk, termasuk lampirannya."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        guard let channel = arguments.value("--channel") else {
            throw CLIError.usage(Localized(en: "--channel is required", id: "--channel wajib diisi"))
        }
        guard let title = arguments.value("--title") else {
            throw CLIError.usage(Localized(en: "--title is required", id: "--title wajib diisi"))
        }
        let lifetime = try ServiceCommand.lifetime(arguments)
        let attachments = arguments.values("--attach").map { ServiceCommand.absolute($0) }
        let request = ControlRequest.post(PostParameters(
            channel: channel, title: title, body: try readBody(arguments, context), expiresInMs: lifetime,
            attach: attachments.isEmpty ? nil : attachments, stamp: try arguments.integer("--stamp", in: 0...Stamp.bitsMax)))
        ServiceCommand.printWords(request, try ServiceCommand.perform(request, arguments, context), context)
        return 0
    }

    /// The text and lifetime options of a new bulletin (`post`, `reply`), read by `readBody`
    /// and `ServiceCommand.lifetime`.
    static let bodyOptions: [OptionSpec] = [
        .value("--body", "TEXT", help: Localized(en: "the text (at most 15000 bytes)", id: "isi teks (paling banyak 15000 byte)")),
        .value("--body-file", "F", help: Localized(en: "read the text from file F", id: "baca isi dari berkas F")),
        .value("--expires", "DURATION", help: Localized(
            en: "lifetime such as 12h, 3d or 2w (default: the channel's)",
            id: "masa berlaku seperti 12h, 3d atau 2w (bawaan: milik kanal)")),
    ]

    static func readBody(_ arguments: ParsedArguments, _ context: CommandContext) throws -> String {
        if arguments.value("--body") != nil && arguments.value("--body-file") != nil {
            throw CLIError.usage(Localized(
                en: "give --body or --body-file, not both", id: "berikan --body atau --body-file, jangan keduanya"))
        }
        if let body = arguments.value("--body") { return body }
        let bytes: [UInt8]
        let source: String
        if let path = arguments.value("--body-file") {
            source = path
            bytes = try CommandSupport.readFile(path, limit: inputBytesMax)
        } else {
            source = context.text(Localized(en: "standard input", id: "masukan standar"))
            if context.inputIsTerminal {
                context.printError(context.text(Localized(
                    en: "type the text, then press Ctrl-D on a new line (or use --body)",
                    id: "ketik isinya, lalu tekan Ctrl-D di baris baru (atau pakai --body)")))
            }
            guard let input = context.readInput(inputBytesMax) else {
                throw CLIError.badInput(Localized(
                    en: "standard input is over \(inputBytesMax) bytes; a body may be at most 15000 bytes",
                    id: "masukan standar melebihi \(inputBytesMax) byte; isi paling banyak 15000 byte"))
            }
            bytes = input
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CLIError.badInput(Localized(
                en: "\(source) is not UTF-8 text", id: "\(source) bukan teks UTF-8"))
        }
        return text
    }
}

/// `kabar list`: bulletins in the store, newest first.
enum ListCommand: Command {
    static let spec = CommandSpec(
        path: ["list"],
        summary: Localized(en: "list stored bulletins, newest first", id: "daftar buletin tersimpan, terbaru dulu"),
        options: [
            .data,
            .value("--channel", "C", short: "-c", help: Localized(en: "only this channel", id: "hanya kanal ini")),
            .value("--author", "KEY", help: Localized(en: "only this author (64 hex)", id: "hanya penulis ini (64 hex)")),
            .value("--search", "WORDS", short: "-s", help: Localized(
                en: "only bulletins holding all these words", id: "hanya buletin yang memuat semua kata ini")),
            .value("--limit", "N", short: "-n", help: Localized(
                en: "at most N bulletins (default 50, at most 10000)", id: "paling banyak N buletin (bawaan 50, maksimum 10000)")),
            .json,
        ],
        discussion: Localized(
            en: "--json prints an array of objects with id, author, kind, channel, title, body, created, expires (milliseconds since 1970 UTC), references, supersedes and attachments (each: id, name, type, size, have = bytes held here); keys sorted.",
            id: "--json mencetak larik objek berisi id, author, kind, channel, title, body, created, expires (milidetik sejak 1970 UTC), references, supersedes dan attachments (masing-masing: id, name, type, size, have = byte yang ada di sini); kunci terurut."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let limit = try arguments.integer("--limit", in: 1...BulletinQuery.limitMax) ?? 50
        if let text = arguments.value("--author"), AuthorKey(hex: text.trimmingSpaces) == nil {
            throw CLIError.usage(Localized(
                en: "--author takes a public key of 64 hex characters, not '\(text)'",
                id: "--author menerima kunci publik 64 karakter hex, bukan '\(text)'"))
        }
        let request = ControlRequest.list(ListParameters(
            channel: arguments.value("--channel"), author: arguments.value("--author"), search: arguments.value("--search"),
            limit: limit))
        let json = arguments.flag("--json")
        var count = 0
        var listed: [Bulletin] = []
        // Printed as the bulletins arrive: a listing of 10,000 never sits in memory as text.
        // With --json the bulletins wait for what the node holds of their attachments.
        _ = try ServiceCommand.perform(request, arguments, context) { bulletin, _ in
            if json {
                listed.append(bulletin)
            } else {
                if count == 0 { context.write(tableHeader(context)) }
                context.write(tableRow(bulletin))
            }
            count += 1
        }
        if json {
            let infos = try AttachmentCommands.info(for: listed, arguments, context)
            for (index, bulletin) in listed.enumerated() {
                context.write((index == 0 ? "[\n" : ",\n") + BulletinJSON.object(bulletin, replies: [], attachments: infos))
            }
            context.print(count == 0 ? "[]" : "\n]")
        } else if count == 0 {
            context.print(context.text(Localized(en: "no bulletins", id: "tidak ada buletin")))
        }
        return 0
    }

    /// What a control bulletin does, in one line: `→ 3fa2b9c1e0d4` or `9b1e... on resmi, pengumuman`.
    static func controlSummary(_ bulletin: Bulletin) -> String {
        if let grant = bulletin.content.grant {
            let flags = [grant.moderator ? "moderator" : nil, grant.mayGrant ? "may-grant" : nil].compactMap { $0 }
            return "\(grant.grantee.short) → " + grant.channels.joined(separator: ", ")
                + (flags.isEmpty ? "" : " (" + flags.joined(separator: ", ") + ")")
        }
        let targets = bulletin.references.map(\.short).joined(separator: ", ")
        return bulletin.title + (targets.isEmpty ? "" : (bulletin.title.isEmpty ? "" : " ") + "→ " + targets)
    }

    static func tableHeader(_ context: CommandContext) -> String {
        context.text(Localized(en: "ID", id: "ID")).padded(to: 12) + "  "
            + context.text(Localized(en: "CHANNEL", id: "KANAL")).padded(to: 12) + "  "
            + context.text(Localized(en: "TIME", id: "WAKTU")).padded(to: 16) + "  "
            + context.text(Localized(en: "AUTHOR", id: "PENULIS")).padded(to: 12) + "  "
            + context.text(Localized(en: "TITLE", id: "JUDUL")) + "\n"
    }

    static func tableRow(_ bulletin: Bulletin) -> String {
        let title = bulletin.kind == .post ? bulletin.title : "[\(bulletin.kind.name)] " + controlSummary(bulletin)
        return bulletin.id.short + "  " + bulletin.channel.padded(to: 12) + "  "
            + TimeText.local(bulletin.created, seconds: false).padded(to: 16) + "  " + bulletin.author.short + "  "
            + TimeText.clip(title, to: 60) + "\n"
    }
}

/// `kabar show`: one bulletin in full.
enum ShowCommand: Command {
    static let spec = CommandSpec(
        path: ["show"],
        summary: Localized(en: "show one bulletin in full", id: "tampilkan satu buletin lengkap"),
        positionals: [PositionalSpec("ID")],
        options: [.data, .json],
        discussion: Localized(
            en: "ID is the full id or its first 8 or more hex characters. Replies to the bulletin follow it, oldest first (--json: a \"replies\" array when there are any).",
            id: "ID adalah id lengkap atau sedikitnya 8 karakter hex pertamanya. Balasan untuk buletin itu menyusul, yang terlama dulu (--json: larik \"replies\" bila ada)."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        var post: Bulletin?
        var replies: [Bulletin] = []
        let result = try ServiceCommand.perform(.show(TargetParameters(id: arguments.positionals[0])), arguments, context) { bulletin, role in
            if role == "reply" { replies.append(bulletin) } else { post = bulletin }
        }
        guard let post else { throw CLIError.failed(ServiceError.badReply.message) }
        let infos = try AttachmentCommands.info(for: [post] + replies, arguments, context)
        if arguments.flag("--json") {
            context.print(BulletinJSON.object(post, replies: replies, attachments: infos, officeReceived: .some(result.officeReceived)))
            return 0
        }
        context.write(details(post, context))
        if let received = result.officeReceived {
            context.write("\n" + context.text(officeReceivedLine(UnixTime(milliseconds: received))) + "\n")
        }
        context.write(AttachmentCommands.lines(post, infos, context))
        let offices = Set(result.officeAuthors ?? [])
        if !replies.isEmpty {
            context.write("\n" + context.text(Localized(
                en: "\(replies.count) \(replies.count == 1 ? "reply" : "replies"):", id: "\(replies.count) balasan:")) + "\n")
            for reply in replies {
                let office = offices.contains(reply.author.hex) ? context.text(officeAuthor) : ""
                context.write("\n  " + reply.id.short + "  " + TimeText.local(reply.created, seconds: false) + "  "
                    + reply.author.short + office + "  " + reply.title + "\n")
                for line in reply.body.split(separator: "\n", omittingEmptySubsequences: false) { context.write("  " + line + "\n") }
            }
        }
        return 0
    }

    /// `received by the regency office 2026-12-06 09:30` (Documentation/Reach.md).
    static func officeReceivedLine(_ time: UnixTime) -> Localized {
        let when = TimeText.local(time, seconds: false)
        return Localized(en: "✓ received by the regency office \(when)", id: "✓ diterima kantor kabupaten \(when)")
    }

    /// Marks a reply by the office (an authority key of this node's rules).
    static let officeAuthor = Localized(en: " (regency office)", id: " (kantor kabupaten)")

    static func details(_ bulletin: Bulletin, _ context: CommandContext) -> String {
        var rows: [(Localized, String)] = [
            (Localized(en: "id", id: "id"), bulletin.id.hex),
            (Localized(en: "kind", id: "jenis"), bulletin.kind.name),
            (Localized(en: "channel", id: "kanal"), bulletin.channel),
            (Localized(en: "author", id: "penulis"), bulletin.author.hex),
            (Localized(en: "created", id: "dibuat"), TimeText.local(bulletin.created, seconds: true)),
            (Localized(en: "expires", id: "kedaluwarsa"), TimeText.local(bulletin.expires, seconds: true)),
            (Localized(en: "title", id: "judul"), bulletin.title),
        ]
        for reference in bulletin.references {
            rows.append((Localized(en: "references", id: "merujuk"), reference.hex))
        }
        if let supersedes = bulletin.content.supersedes {
            rows.append((Localized(en: "supersedes", id: "menggantikan"), supersedes.hex))
        }
        if let grant = bulletin.content.grant {
            rows.append((Localized(en: "grantee", id: "penerima izin"), grant.grantee.hex))
            rows.append((Localized(en: "channels", id: "kanal"), grant.channels.joined(separator: ", ")))
            rows.append((Localized(en: "moderator", id: "moderator"), grant.moderator ? "yes" : "no"))
            rows.append((Localized(en: "may grant", id: "boleh memberi izin"), grant.mayGrant ? "yes" : "no"))
        }
        let width = rows.map { context.text($0.0).count }.max() ?? 0
        var out = rows.map { context.text($0.0).padded(to: width) + "  " + $0.1 }.joined(separator: "\n") + "\n"
        if !bulletin.body.isEmpty { out += "\n" + bulletin.body + "\n" }
        return out
    }
}

/// Times for people: local time, ISO-like.
enum TimeText {
    /// `2026-11-29 21:05` (or with seconds and the offset) in the machine's time zone.
    static func local(_ time: UnixTime, seconds: Bool) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone.current
        formatter.dateFormat = seconds ? "yyyy-MM-dd HH:mm:ss xxx" : "yyyy-MM-dd HH:mm"
        return formatter.string(from: Date(timeIntervalSince1970: Double(time.milliseconds) / 1_000))
    }

    /// `text` cut to `count` characters with an ellipsis.
    static func clip(_ text: String, to count: Int) -> String {
        text.count <= count ? text : String(text.prefix(count - 1)) + "…"
    }

    /// A time a person gave: a duration ago (`7d`), a date (`2026-11-01`, midnight UTC), a
    /// date and time (`2026-11-01T08:30`, UTC), or milliseconds since the epoch.
    static func parsePast(_ text: String, now: UnixTime) -> UnixTime? {
        let trimmed = text.trimmingSpaces
        if trimmed.count > 6, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int64(trimmed) {
            return value <= BulletinCodec.timeMax ? UnixTime(milliseconds: value) : nil
        }
        if trimmed.contains("-") {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            for format in ["yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm"] {
                formatter.dateFormat = format
                if let date = formatter.date(from: trimmed) {
                    return UnixTime(milliseconds: Int64(date.timeIntervalSince1970 * 1_000))
                }
            }
            return nil
        }
        return TimeSpan.parse(trimmed).map { now - $0 }
    }
}

extension String {
    /// The string padded with spaces to `width` characters (never cut).
    fileprivate func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
