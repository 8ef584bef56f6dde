import Kabar

/// `kabar help`, `kabar help COMMAND` and `kabar COMMAND --help`.
enum Help {
    static func show(path: [String], context: CommandContext) -> Int32 {
        if path.isEmpty {
            context.write(overview(context.language))
            return 0
        }
        if let command = CommandRegistry.commands.first(where: { $0.spec.path == path }) {
            context.write(text(for: command.spec, language: context.language))
            return 0
        }
        let group = CommandRegistry.commands.filter { $0.spec.path.starts(with: path) }
        if !group.isEmpty {
            context.write(listing(group.map(\.spec), language: context.language))
            return 0
        }
        return unknown(path, context: context)
    }

    static func unknown(_ arguments: [String], context: CommandContext) -> Int32 {
        let group = CommandRegistry.commands.filter { $0.spec.path.first == arguments.first }
        if !group.isEmpty {
            // `kabar crypto` or `kabar crypto nonsense`: show the group.
            if arguments.count > 1 {
                context.printError(context.text(Localized(
                    en: "error: unknown command 'kabar \(arguments.prefix(2).joined(separator: " "))'",
                    id: "galat: perintah 'kabar \(arguments.prefix(2).joined(separator: " "))' tidak dikenal")))
            }
            context.printError(listing(group.map(\.spec), language: context.language))
            return 2
        }
        context.printError(context.text(Localized(
            en: "error: unknown command '\(arguments[0])'. Run 'kabar help' for the list.",
            id: "galat: perintah '\(arguments[0])' tidak dikenal. Jalankan 'kabar help' untuk daftarnya.")))
        return 2
    }

    static func overview(_ language: Language) -> String {
        let intro = Localized(
            en: "kabar \(KabarCLI.version): an offline bulletin mesh for village halls\n\nUsage: kabar COMMAND [OPTIONS]\n\nCommands:\n",
            id: "kabar \(KabarCLI.version): jaringan buletin luring untuk balai desa\n\nPemakaian: kabar PERINTAH [OPSI]\n\nPerintah:\n")
        let outro = Localized(
            en: "\nRun 'kabar help COMMAND' or 'kabar COMMAND --help' for details.\n",
            id: "\nJalankan 'kabar help PERINTAH' atau 'kabar PERINTAH --help' untuk rinciannya.\n")
        return intro[language] + rows(CommandRegistry.commands.map(\.spec), language: language) + outro[language]
    }

    static func listing(_ specs: [CommandSpec], language: Language) -> String {
        Localized(en: "Commands:\n", id: "Perintah:\n")[language] + rows(specs, language: language)
    }

    static func rows(_ specs: [CommandSpec], language: Language) -> String {
        let width = (specs.map { $0.path.joined(separator: " ").count }.max() ?? 0) + 2
        return specs.map { spec in
            let name = spec.path.joined(separator: " ")
            return "  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + spec.summary[language] + "\n"
        }.joined()
    }

    static func text(for spec: CommandSpec, language: Language) -> String {
        var usage = spec.fullName
        for option in spec.options where option.name != "--lang" {
            usage += option.valueName.map { " [\(option.name) \($0)]" } ?? " [\(option.name)]"
        }
        for positional in spec.positionals {
            let name = positional.variadic ? "\(positional.name)..." : positional.name
            usage += positional.optional ? " [\(name)]" : " \(name)"
        }
        var out = spec.summary[language] + "\n\n"
        out += Localized(en: "Usage: ", id: "Pemakaian: ")[language] + usage + "\n"
        if let discussion = spec.discussion {
            out += "\n" + discussion[language] + "\n"
        }
        if !spec.options.isEmpty {
            out += Localized(en: "\nOptions:\n", id: "\nOpsi:\n")[language]
            let labels = spec.options.map { option in
                [option.shortName, option.name].compactMap { $0 }.joined(separator: ", ")
                    + (option.valueName.map { " \($0)" } ?? "")
            }
            let width = (labels.map(\.count).max() ?? 0) + 2
            for (label, option) in zip(labels, spec.options) {
                out += "  " + label.padding(toLength: width, withPad: " ", startingAt: 0) + option.help[language] + "\n"
            }
        }
        return out
    }
}
