import Kabar
import KabarNode
import KabarPlatform

/// `kabar authority add KEY`: trust KEY as an authority (data folder list).
enum AuthorityAddCommand: Command {
    static let spec = CommandSpec(
        path: ["authority", "add"],
        summary: Localized(en: "trust a key as an authority for official channels", id: "percayai kunci sebagai otoritas kanal resmi"),
        positionals: [PositionalSpec("KEY")],
        options: [.data],
        discussion: Localized(
            en: "The key is added to DIR/authorities, read with the 'authority =' lines of DIR/kabar.conf. A running node applies it at once. An authority may post anywhere, grant keys official channels, retract and hide.",
            id: "Kunci ditambahkan ke DIR/authorities, dibaca bersama baris 'authority =' di DIR/kabar.conf. Node yang berjalan langsung menerapkannya. Otoritas boleh mengirim di mana saja, memberi izin kanal resmi, menarik dan menyembunyikan."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let key = try TrustSupport.key(arguments.positionals[0])
        let data = CommandSupport.dataDirectory(arguments, context)
        try TrustCommandSupport.requireFolder(data)
        let added = try CommandSupport.failing { try TrustLists.add(key, to: .authorities, in: data) }
        TrustSupport.daemon(context)?.reloadTrust()
        context.print(context.text(added
            ? Localized(en: "\(key.short) is now a trusted authority", id: "\(key.short) kini otoritas yang dipercaya")
            : Localized(en: "\(key.short) was already a trusted authority", id: "\(key.short) sudah otoritas yang dipercaya")))
        return 0
    }
}

/// `kabar authority remove KEY`.
enum AuthorityRemoveCommand: Command {
    static let spec = CommandSpec(
        path: ["authority", "remove"],
        summary: Localized(en: "stop trusting an authority", id: "berhenti memercayai otoritas"),
        positionals: [PositionalSpec("KEY")],
        options: [.data],
        discussion: Localized(
            en: "Removes the key from DIR/authorities. A key named in kabar.conf stays trusted until its line is removed there.",
            id: "Menghapus kunci dari DIR/authorities. Kunci yang tertulis di kabar.conf tetap dipercaya sampai barisnya dihapus di sana."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let key = try TrustSupport.key(arguments.positionals[0])
        let data = CommandSupport.dataDirectory(arguments, context)
        try TrustCommandSupport.requireFolder(data)
        let removed = try CommandSupport.failing { try TrustLists.remove(key, from: .authorities, in: data) }
        TrustSupport.daemon(context)?.reloadTrust()
        if try TrustSupport.settings(arguments, context).authorities.contains(key) {
            throw CLIError.failed(Localized(
                en: "\(key.short) is named by an 'authority =' line in \(data.file(ConfigFile.fileName)); remove that line to stop trusting it",
                id: "\(key.short) tertulis di baris 'authority =' di \(data.file(ConfigFile.fileName)); hapus baris itu agar tidak dipercaya lagi"))
        }
        guard removed else {
            throw CLIError.failed(Localized(
                en: "\(key.short) is not a trusted authority here", id: "\(key.short) bukan otoritas yang dipercaya di sini"))
        }
        context.print(context.text(Localized(
            en: "\(key.short) is no longer a trusted authority", id: "\(key.short) tidak lagi otoritas yang dipercaya")))
        return 0
    }
}

/// `kabar authority list`.
enum AuthorityListCommand: Command {
    static let spec = CommandSpec(
        path: ["authority", "list"],
        summary: Localized(en: "list the authorities this node trusts", id: "daftar otoritas yang dipercaya node ini"),
        options: [.data, .json],
        discussion: Localized(
            en: "Shows each key and where it is listed: config (kabar.conf) or data (DIR/authorities). --json prints an array of {key, in_config, in_data_folder}.",
            id: "Menampilkan tiap kunci dan tempat tercatatnya: config (kabar.conf) atau data (DIR/authorities). --json mencetak larik {key, in_config, in_data_folder}."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let data = CommandSupport.dataDirectory(arguments, context)
        let settings = try TrustSupport.settings(arguments, context)
        let entries = try CommandSupport.failing { try TrustOperations.authorities(settings: settings, data: data) }
        if arguments.flag("--json") {
            context.print(NodeCommandSupport.json(entries))
        } else if entries.isEmpty {
            context.print(context.text(Localized(
                en: "no authorities: official channels accept no one (add one with 'kabar authority add KEY')",
                id: "tidak ada otoritas: kanal resmi tidak menerima siapa pun (tambahkan dengan 'kabar authority add KEY')")))
        } else {
            for entry in entries {
                let sources = [entry.inConfig ? "config" : nil, entry.inDataFolder ? "data" : nil].compactMap { $0 }
                context.print(entry.key.hex + "  " + sources.joined(separator: ","))
            }
        }
        return 0
    }
}

/// `kabar grant KEY --channel C ...`: a signed grant bulletin.
enum GrantCommand: Command {
    static let spec = CommandSpec(
        path: ["grant"],
        summary: Localized(en: "authorise a key to post to official channels", id: "beri kunci izin mengirim ke kanal resmi"),
        positionals: [PositionalSpec("KEY")],
        options: [
            .data,
            .value("--channel", "C", short: "-c", repeatable: true, help: Localized(
                en: "a channel the key may post to (repeatable)", id: "kanal yang boleh dikirimi kunci itu (boleh berulang)")),
            .value("--expires", "DURATION", help: Localized(
                en: "how long the grant lasts, such as 30d or 12w (default 180d, at most 365d)",
                id: "lama izin berlaku, seperti 30d atau 12w (bawaan 180d, paling lama 365d)")),
            .flag("--moderator", help: Localized(
                en: "the key may also hide bulletins on these channels", id: "kunci itu juga boleh menyembunyikan buletin di kanal ini")),
            .flag("--may-grant", help: Localized(
                en: "the key may grant these channels on, one level only", id: "kunci itu boleh memberi izin kanal ini lagi, satu tingkat saja")),
        ],
        discussion: Localized(
            en: "Signed by this node's identity, which must be an authority every receiving node trusts (or hold a grant with --may-grant). A grantee's grantee may not grant again. Prints the grant's id.",
            id: "Ditandatangani identitas node ini, yang harus otoritas yang dipercaya node penerima (atau memegang izin dengan --may-grant). Penerima dari penerima izin tidak boleh memberi izin lagi. Mencetak id izin."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let grantee = try TrustSupport.key(arguments.positionals[0])
        let channels = arguments.values("--channel")
        guard !channels.isEmpty else {
            throw CLIError.usage(Localized(en: "--channel is required", id: "--channel wajib diisi"))
        }
        let lifetime = try TrustCommandSupport.lifetime(arguments)
        let request = GrantRequest(
            grantee: grantee, channels: channels, lifetime: lifetime, moderator: arguments.flag("--moderator"),
            mayGrant: arguments.flag("--may-grant"))
        do {
            _ = try TrustSupport.signAndSubmit(arguments, context) { identity, now, policy, _ in
                try TrustOperations.grant(request, identity: identity, now: now, policy: policy)
            }
        } catch CLIError.failed(let message) where message.en.contains("may not grant") {
            let key = (try? CommandSupport.loadIdentity(arguments, context).author.hex) ?? "KEY"
            throw CLIError.failed(Localized(
                en: message.en + ". If this node's key is the authority, trust it here first: kabar authority add \(key)",
                id: message.id + ". Bila kunci node ini otoritasnya, percayai dulu di sini: kabar authority add \(key)"))
        }
        return 0
    }
}

/// `kabar retract ID`.
enum RetractCommand: Command {
    static let spec = CommandSpec(
        path: ["retract"],
        summary: Localized(en: "withdraw a bulletin everywhere", id: "tarik buletin di semua node"),
        positionals: [PositionalSpec("ID")],
        options: [.data],
        discussion: Localized(
            en: "Signs a retraction. Only the author, or an authority or moderator of the channel, may retract. Every node that receives it drops the content and refuses it later, by import or sync.",
            id: "Menandatangani penarikan. Hanya penulis, atau otoritas atau moderator kanal, yang boleh menarik. Setiap node yang menerimanya membuang isinya dan menolaknya kemudian, lewat impor atau sinkronisasi."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        try TrustCommandSupport.act(arguments, context) { target, identity, now, policy in
            try TrustOperations.retraction(of: target, identity: identity, now: now, policy: policy)
        }
    }
}

/// `kabar hide ID`.
enum HideCommand: Command {
    static let spec = CommandSpec(
        path: ["hide"],
        summary: Localized(en: "hide a bulletin as a moderator", id: "sembunyikan buletin sebagai moderator"),
        positionals: [PositionalSpec("ID")],
        options: [.data],
        discussion: Localized(
            en: "Signs a hide notice. Nodes that trust this key as a moderator of the bulletin's channel (an authority, or a grant with --moderator) drop it.",
            id: "Menandatangani pemberitahuan sembunyikan. Node yang memercayai kunci ini sebagai moderator kanal buletin itu (otoritas, atau izin dengan --moderator) membuangnya."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        try TrustCommandSupport.act(arguments, context) { target, identity, now, policy in
            try TrustOperations.hide(of: target, identity: identity, now: now, policy: policy)
        }
    }
}

/// `kabar edit ID`: a new post superseding an old one.
enum EditCommand: Command {
    static let spec = CommandSpec(
        path: ["edit"],
        summary: Localized(en: "replace one of your posts with a new version", id: "ganti kiriman Anda dengan versi baru"),
        positionals: [PositionalSpec("ID")],
        options: [
            .data,
            .value("--title", "T", short: "-t", help: Localized(en: "new title (default: the old one)", id: "judul baru (bawaan: yang lama)")),
            .value("--body", "TEXT", help: Localized(en: "the new text", id: "isi teks baru")),
            .value("--body-file", "F", help: Localized(en: "read the new text from file F", id: "baca isi baru dari berkas F")),
            .value("--expires", "DURATION", help: Localized(
                en: "lifetime such as 12h, 3d or 2w (default: the channel's)",
                id: "masa berlaku seperti 12h, 3d atau 2w (bawaan: milik kanal)")),
        ],
        discussion: Localized(
            en: "The new post stays on the old one's channel and names it as superseded; readers see the newest. Without --body or --body-file the text is read from standard input. Only the author may edit.",
            id: "Kiriman baru tetap di kanal yang lama dan menyebutnya sebagai yang digantikan; pembaca melihat yang terbaru. Tanpa --body atau --body-file, isi dibaca dari masukan standar. Hanya penulis yang boleh menyunting."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let lifetime = try TrustCommandSupport.lifetime(arguments)
        let body = try PostCommand.readBody(arguments, context)
        _ = try TrustSupport.signAndSubmit(arguments, context) { identity, now, policy, store in
            let target = try TrustSupport.find(arguments.positionals[0], in: store)
            let request = PostRequest(
                channel: target.channel, title: arguments.value("--title") ?? target.title, body: body, lifetime: lifetime)
            return try TrustOperations.edit(of: target, request, identity: identity, now: now, policy: policy)
        }
        return 0
    }
}

/// `kabar block KEY`.
enum BlockCommand: Command {
    static let spec = CommandSpec(
        path: ["block"],
        summary: Localized(en: "neither store nor forward a key's bulletins", id: "jangan simpan atau teruskan buletin sebuah kunci"),
        positionals: [PositionalSpec("KEY")],
        options: [.data],
        discussion: Localized(
            en: "Adds the key to DIR/blocked (this node only) and drops what the store holds by it. 'kabar unblock KEY' undoes the list entry; dropped bulletins stay out until they would have expired.",
            id: "Menambahkan kunci ke DIR/blocked (hanya node ini) dan membuang buletinnya yang tersimpan. 'kabar unblock KEY' membatalkan daftarnya; buletin yang dibuang tetap di luar sampai masa berlakunya habis."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let key = try TrustSupport.key(arguments.positionals[0])
        let data = CommandSupport.dataDirectory(arguments, context)
        try TrustCommandSupport.requireFolder(data)
        _ = try CommandSupport.failing { try TrustLists.add(key, to: .blocked, in: data) }
        var dropped = 0
        if let daemon = TrustSupport.daemon(context) {
            let before = daemon.store.count
            daemon.applyBlock(key)
            dropped = max(0, before - daemon.store.count)
        } else {
            var store = try CommandSupport.openStore(arguments, context)
            defer { try? store.close() }
            dropped = try CommandSupport.failing { try TrustOperations.dropBulletins(by: key, from: &store) }
        }
        context.print(context.text(Localized(
            en: "blocked \(key.short); dropped \(dropped) of its bulletins",
            id: "\(key.short) diblokir; \(dropped) buletinnya dibuang")))
        return 0
    }
}

/// `kabar unblock KEY`.
enum UnblockCommand: Command {
    static let spec = CommandSpec(
        path: ["unblock"],
        summary: Localized(en: "take a key off the block list", id: "keluarkan kunci dari daftar blokir"),
        positionals: [PositionalSpec("KEY")],
        options: [.data])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let key = try TrustSupport.key(arguments.positionals[0])
        let data = CommandSupport.dataDirectory(arguments, context)
        try TrustCommandSupport.requireFolder(data)
        let removed = try CommandSupport.failing { try TrustLists.remove(key, from: .blocked, in: data) }
        TrustSupport.daemon(context)?.reloadTrust()
        guard removed else {
            throw CLIError.failed(Localized(en: "\(key.short) is not blocked", id: "\(key.short) tidak diblokir"))
        }
        context.print(context.text(Localized(en: "unblocked \(key.short)", id: "\(key.short) tidak diblokir lagi")))
        return 0
    }
}

/// `kabar block list`.
enum BlockListCommand: Command {
    static let spec = CommandSpec(
        path: ["block", "list"],
        summary: Localized(en: "list blocked keys", id: "daftar kunci yang diblokir"),
        options: [.data, .json])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let data = CommandSupport.dataDirectory(arguments, context)
        let keys = try CommandSupport.failing { try TrustLists.load(.blocked, in: data) }.sorted()
        if arguments.flag("--json") {
            context.print(NodeCommandSupport.json(keys.map(\.hex)))
        } else if keys.isEmpty {
            context.print(context.text(Localized(en: "no blocked keys", id: "tidak ada kunci yang diblokir")))
        } else {
            for key in keys { context.print(key.hex) }
        }
        return 0
    }
}

enum TrustCommandSupport {
    /// `--expires` as a span, if given.
    static func lifetime(_ arguments: ParsedArguments) throws -> TimeSpan? {
        guard let text = arguments.value("--expires") else { return nil }
        guard let span = TimeSpan.parse(text) else {
            throw CLIError.usage(Localized(
                en: "--expires takes a duration such as 12h, 3d or 2w, not '\(text)'",
                id: "--expires menerima durasi seperti 12h, 3d atau 2w, bukan '\(text)'"))
        }
        return span
    }

    /// The list commands write into the data folder; it must exist.
    static func requireFolder(_ data: DataDirectory) throws {
        guard (try? FileSystem.status(data.path))??.isDirectory == true else {
            throw CLIError.failed(Localized(
                en: "no data folder at \(data.path); run 'kabar init --data \(data.path)' first",
                id: "belum ada folder data di \(data.path); jalankan dulu 'kabar init --data \(data.path)'"))
        }
    }

    /// Retract or hide: finds the target, signs the action, stores it, says what was removed.
    static func act(
        _ arguments: ParsedArguments, _ context: CommandContext,
        _ make: @escaping (Bulletin, Identity, UnixTime, BulletinPolicy) throws -> Bulletin
    ) throws -> Int32 {
        var targetID: BulletinID?
        let (_, removed) = try TrustSupport.signAndSubmit(arguments, context) { identity, now, policy, store in
            let target = try TrustSupport.find(arguments.positionals[0], in: store)
            targetID = target.id
            return try make(target, identity, now, policy)
        }
        if let targetID, removed.contains(targetID) {
            context.printError(context.text(Localized(
                en: "removed \(targetID.short) from this node", id: "\(targetID.short) dihapus dari node ini")))
        }
        return 0
    }
}
