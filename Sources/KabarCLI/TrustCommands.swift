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
        let request = ControlRequest.authority(KeyListParameters(action: "add", key: arguments.positionals[0]))
        let result = try ServiceCommand.perform(request, arguments, context)
        ServiceCommand.printWords(request, result, context)
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
        let request = ControlRequest.authority(KeyListParameters(action: "remove", key: arguments.positionals[0]))
        let result = try ServiceCommand.perform(request, arguments, context)
        ServiceCommand.printWords(request, result, context)
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
        let request = ControlRequest.authority(KeyListParameters(action: "list"))
        let result = try ServiceCommand.perform(request, arguments, context)
        if arguments.flag("--json") {
            context.print(NodeCommandSupport.json(result.authorities ?? []))
            return 0
        }
        ServiceCommand.printWords(request, result, context)
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
        let channels = arguments.values("--channel")
        guard !channels.isEmpty else {
            throw CLIError.usage(Localized(en: "--channel is required", id: "--channel wajib diisi"))
        }
        let request = ControlRequest.grant(GrantParameters(
            key: arguments.positionals[0], channels: channels, expiresInMs: try ServiceCommand.lifetime(arguments),
            moderator: arguments.flag("--moderator"), mayGrant: arguments.flag("--may-grant")))
        ServiceCommand.printWords(request, try ServiceCommand.perform(request, arguments, context), context)
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
        let request = ControlRequest.retract(TargetParameters(id: arguments.positionals[0]))
        ServiceCommand.printWords(request, try ServiceCommand.perform(request, arguments, context), context)
        return 0
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
        let request = ControlRequest.hide(TargetParameters(id: arguments.positionals[0]))
        ServiceCommand.printWords(request, try ServiceCommand.perform(request, arguments, context), context)
        return 0
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
        let lifetime = try ServiceCommand.lifetime(arguments)
        let request = ControlRequest.edit(EditParameters(
            id: arguments.positionals[0], title: arguments.value("--title"), body: try PostCommand.readBody(arguments, context),
            expiresInMs: lifetime))
        ServiceCommand.printWords(request, try ServiceCommand.perform(request, arguments, context), context)
        return 0
    }
}

/// `kabar reply ID`.
enum ReplyCommand: Command {
    static let spec = CommandSpec(
        path: ["reply"],
        summary: Localized(en: "post a reply to a bulletin", id: "kirim balasan untuk sebuah buletin"),
        positionals: [PositionalSpec("ID")],
        options: [
            .data,
            .value("--title", "T", short: "-t", help: Localized(en: "title (default: Re: and the bulletin's)", id: "judul (bawaan: Re: dan judul buletinnya)")),
        ] + PostCommand.bodyOptions,
        discussion: Localized(
            en: "The reply goes on the bulletin's channel and references it; 'kabar show ID' shows the bulletin with its replies. ID is the full id or its first 8 or more hex characters. Without --body or --body-file the text is read from standard input.",
            id: "Balasan masuk ke kanal buletin itu dan merujuknya; 'kabar show ID' menampilkan buletin beserta balasannya. ID adalah id lengkap atau sedikitnya 8 karakter hex pertamanya. Tanpa --body atau --body-file, isi dibaca dari masukan standar."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let lifetime = try ServiceCommand.lifetime(arguments)
        let request = ControlRequest.reply(ReplyParameters(
            to: arguments.positionals[0], title: arguments.value("--title"), body: try PostCommand.readBody(arguments, context),
            expiresInMs: lifetime))
        ServiceCommand.printWords(request, try ServiceCommand.perform(request, arguments, context), context)
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
        let request = ControlRequest.block(KeyListParameters(action: "add", key: arguments.positionals[0]))
        let result = try ServiceCommand.perform(request, arguments, context)
        ServiceCommand.printWords(request, result, context)
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
        let request = ControlRequest.block(KeyListParameters(action: "remove", key: arguments.positionals[0]))
        let result = try ServiceCommand.perform(request, arguments, context)
        ServiceCommand.printWords(request, result, context)
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
        let request = ControlRequest.block(KeyListParameters(action: "list"))
        let result = try ServiceCommand.perform(request, arguments, context)
        if arguments.flag("--json") {
            context.print(NodeCommandSupport.json(result.keys ?? []))
            return 0
        }
        ServiceCommand.printWords(request, result, context)
        return 0
    }
}

/// `kabar known add|remove|list`: keys this node knows.
enum KnownCommand: Command {
    static let spec = CommandSpec(
        path: ["known"],
        summary: Localized(en: "keys this node knows: never strangers here, and they may vouch", id: "kunci yang dikenal node ini: bukan orang asing di sini, dan boleh menjamin"),
        positionals: [PositionalSpec("add|remove|list"), PositionalSpec("KEY", optional: true)],
        options: [.data, .json],
        discussion: Localized(
            en: "A known key (DIR/known, with the 'known =' lines of kabar.conf; this node's own key always) is held to no strangers' budget here, and its vouches count here. Other nodes decide for themselves: to vouch for a key across the network, use 'kabar vouch'.",
            id: "Kunci yang dikenal (DIR/known, bersama baris 'known =' di kabar.conf; kunci node ini selalu) tidak dikenai jatah orang asing di sini, dan jaminannya berlaku di sini. Node lain memutuskan sendiri: untuk menjamin kunci di seluruh jaringan, pakai 'kabar vouch'."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let action = arguments.positionals[0]
        guard ["add", "remove", "list"].contains(action) else {
            throw CLIError.usage(Localized(en: "known takes add, remove or list, not '\(action)'", id: "known menerima add, remove atau list, bukan '\(action)'"))
        }
        let key = arguments.positionals.count > 1 ? arguments.positionals[1] : nil
        guard action == "list" || key != nil else {
            throw CLIError.usage(Localized(en: "known \(action) needs a KEY", id: "known \(action) perlu KEY"))
        }
        let request = ControlRequest.known(KeyListParameters(action: action, key: key))
        let result = try ServiceCommand.perform(request, arguments, context)
        if action == "list", arguments.flag("--json") {
            context.print(NodeCommandSupport.json(result.keys ?? []))
            return 0
        }
        ServiceCommand.printWords(request, result, context)
        return 0
    }
}

/// `kabar vouch KEY...`: a signed vouch by this node's key.
enum VouchCommand: Command {
    static let spec = CommandSpec(
        path: ["vouch"],
        summary: Localized(en: "vouch for keys: they are no strangers wherever this key may vouch", id: "jamin kunci: mereka bukan orang asing di mana pun kunci ini boleh menjamin"),
        positionals: [PositionalSpec("KEY", variadic: true)],
        options: [
            .data,
            .value("--expires", "DURATION", help: Localized(
                en: "how long the vouch lasts, such as 30d (default 90d, at most 365d)",
                id: "lama jaminan berlaku, seperti 30d (bawaan 90d, paling lama 365d)")),
        ],
        discussion: Localized(
            en: "Signs a vouch (1 to 64 keys) with this node's key; it travels like any bulletin. A node counts it when this key is an authority, holds a grant, was vouched for by an authority, or is known there. The regency vouches for its halls' keys; a hall vouches for its villagers'. Prints the vouch's id.",
            id: "Menandatangani jaminan (1 sampai 64 kunci) dengan kunci node ini; jaminan menyebar seperti buletin lain. Node menghitungnya bila kunci ini otoritas, memegang izin, dijamin otoritas, atau dikenal di sana. Pemkab menjamin kunci balai-balainya; balai menjamin kunci warganya. Mencetak id jaminan."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        guard !arguments.positionals.isEmpty else {
            throw CLIError.usage(Localized(en: "vouch needs at least one KEY", id: "vouch perlu sedikitnya satu KEY"))
        }
        let request = ControlRequest.vouch(VouchParameters(keys: arguments.positionals, expiresInMs: try ServiceCommand.lifetime(arguments)))
        ServiceCommand.printWords(request, try ServiceCommand.perform(request, arguments, context), context)
        return 0
    }
}
