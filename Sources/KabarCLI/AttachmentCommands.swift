import Kabar
import KabarNode

/// `kabar attachment get ID [--out FILE] [--force]`: writes an attachment this node holds.
enum AttachmentGetCommand: Command {
    static let spec = CommandSpec(
        path: ["attachment", "get"],
        summary: Localized(en: "write an attachment to a file", id: "tulis lampiran ke berkas"),
        positionals: [PositionalSpec("ID")],
        options: [
            .data,
            .value("--out", "FILE", help: Localized(
                en: "where to write it (default: its own name, in this folder)", id: "tempat menulisnya (bawaan: namanya sendiri, di folder ini)")),
            .flag("--force", help: Localized(en: "replace an existing file", id: "ganti berkas yang sudah ada")),
        ],
        discussion: Localized(
            en: "ID is the attachment's id (64 hex characters), as 'kabar show --json' lists it. Every piece is checked against its hash before it is written; a file that exists is never replaced without --force.",
            id: "ID adalah id lampiran (64 karakter hex), seperti yang ditampilkan 'kabar show --json'. Setiap potongan diperiksa terhadap hash-nya sebelum ditulis; berkas yang sudah ada tidak diganti tanpa --force."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let id = arguments.positionals[0]
        var out = arguments.value("--out")
        if out == nil {
            let info = try ServiceCommand.perform(.attachments(AttachmentListParameters(ids: [id])), arguments, context).attachments?.first
            guard let name = info?.name else {
                throw CLIError.failed(Localized(
                    en: "this node does not hold attachment \(id.prefix(12)) yet", id: "node ini belum menyimpan lampiran \(id.prefix(12))"))
            }
            out = name
        }
        let path = ServiceCommand.absolute(out ?? "")
        let result = try ServiceCommand.perform(
            .attachmentGet(AttachmentGetParameters(id: id, path: path, force: arguments.flag("--force"))), arguments, context)
        context.print(context.text(Localized(
            en: "wrote \(result.count ?? 0) bytes to \(path)", id: "menulis \(result.count ?? 0) byte ke \(path)")))
        return 0
    }
}

/// What the commands that show bulletins say of their attachments.
enum AttachmentCommands {
    /// What the node holds of the attachments of `bulletins`, by id (none asked when none has one).
    static func info(for bulletins: [Bulletin], _ arguments: ParsedArguments, _ context: CommandContext) throws -> [String: AttachmentInfo] {
        var ids: [String] = []
        var seen: Set<ContentID> = []
        for bulletin in bulletins { for id in bulletin.content.attachments where seen.insert(id).inserted { ids.append(id.hex) } }
        var infos: [String: AttachmentInfo] = [:]
        for start in stride(from: 0, to: ids.count, by: AttachmentListParameters.idsMax) {
            let batch = Array(ids[start..<min(start + AttachmentListParameters.idsMax, ids.count)])
            for info in try ServiceCommand.perform(.attachments(AttachmentListParameters(ids: batch)), arguments, context).attachments ?? [] {
                infos[info.id] = info
            }
        }
        return infos
    }

    /// One line per attachment for `kabar show`.
    static func lines(_ bulletin: Bulletin, _ infos: [String: AttachmentInfo], _ context: CommandContext) -> String {
        bulletin.content.attachments.map { id in
            let info = infos[id.hex]
            let name = info?.name ?? context.text(Localized(en: "(not here yet)", id: "(belum ada di sini)"))
            let size = info?.size.map { "\($0)" } ?? "?"
            let held = info.map { "\($0.have)" } ?? "0"
            return context.text(Localized(
                en: "attachment \(id.short)  \(name)  \(info?.type ?? "?")  \(size) bytes, \(held) held here\n",
                id: "lampiran \(id.short)  \(name)  \(info?.type ?? "?")  \(size) byte, \(held) ada di sini\n"))
        }.joined()
    }
}
