import Kabar

extension Repl {
    /// The commands, in the order `help` lists them, with their help line.
    static let commands: [(name: String, help: ReplKey)] = [
        ("post", .helpPost), ("ls", .helpLs), ("read", .helpRead), ("reply", .helpReply), ("search", .helpSearch),
        ("peers", .helpPeers), ("status", .helpStatus), ("channels", .helpChannels), ("reach", .helpReach), ("halls", .helpHalls),
        ("export", .helpExport), ("import", .helpImport), ("reload", .helpReload),
        ("pending", .helpPending), ("approve", .helpApprove), ("reject", .helpReject),
        ("authority", .helpAuthority), ("grant", .helpGrant), ("retract", .helpRetract), ("edit", .helpEdit),
        ("hide", .helpHide), ("block", .helpBlock), ("unblock", .helpUnblock),
        ("lang", .helpLang), ("help", .helpHelp), ("quit", .helpQuit),
    ]

    /// The commands typed on one line with options, sent to the node service as typed requests.
    static let trustCommands: Set<String> = [
        "authority", "grant", "retract", "edit", "reply", "hide", "block", "unblock", "reach", "halls",
    ]

    /// Other words people type for a command (Indonesian and common habits).
    static let aliases: [String: String] = [
        "exit": "quit", "keluar": "quit", "q": "quit", "list": "ls", "baca": "read", "show": "read",
        "cari": "search", "tulis": "post", "kirim": "post", "bantuan": "help", "?": "help",
        "bahasa": "lang", "kanal": "channels", "rekan": "peers", "balas": "reply", "muatulang": "reload",
        "tunggu": "pending", "jangkauan": "reach", "balai": "halls", "setujui": "approve", "tolak": "reject",
    ]

    func runCommand(_ line: String) -> Outcome {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = words.first else { return .proceed }
        let typed = first.lowercased()
        let name = Repl.aliases[typed] ?? typed
        let arguments = Array(words.dropFirst())
        do {
            switch name {
            case "quit":
                say(.goodbye)
                return .quit
            case "post": startPost(arguments)
            case "ls": try list(arguments)
            case "read": try read(arguments)
            case "search": try search(arguments)
            case "peers": try noArguments(name, arguments) { try showPeers() }
            case "status": try noArguments(name, arguments) { try showStatus() }
            case "channels": try noArguments(name, arguments) { try showChannels() }
            case "export": try exportBundle(arguments)
            case "import": try importBundle(arguments)
            case "reload": try noArguments(name, arguments) { try runReload() }
            case "pending": try noArguments(name, arguments) { try showPending() }
            case "approve", "reject": try decidePending(name, arguments)
            case _ where Repl.trustCommands.contains(name): try runTrustCommand(name, line: line)
            case "lang": switchLanguage(arguments)
            case "help": showHelp(arguments)
            default: unknownCommand(first)
            }
        } catch {
            show(error: error)
        }
        return .proceed
    }

    func noArguments(_ name: String, _ arguments: [String], _ body: () throws -> Void) throws {
        guard arguments.isEmpty else { return say(.unexpectedArgument, name) }
        try body()
    }

    func unknownCommand(_ typed: String) {
        let shown = String(typed.prefix(40))
        if let suggestion = Repl.closestCommand(to: typed.lowercased()) {
            say(.unknownCommandSuggest, shown, suggestion)
        } else {
            say(.unknownCommand, shown)
        }
        say(.seeHelp)
    }

    /// The command nearest `typed` by edit distance (at most 2 edits), or one it starts.
    static func closestCommand(to typed: String) -> String? {
        let names = commands.map(\.name)
        if typed.count >= 2, let prefixed = names.first(where: { $0.hasPrefix(typed) }) { return prefixed }
        let scored = names.map { (name: $0, distance: editDistance(Array(typed.prefix(40)), Array($0))) }
        guard let best = scored.min(by: { $0.distance < $1.distance }), best.distance <= 2 else { return nil }
        return best.name
    }

    /// Levenshtein distance between two short words.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, left) in a.enumerated() {
            var current = [i + 1]
            for (j, right) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (left == right ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }

    func switchLanguage(_ arguments: [String]) {
        guard arguments.count == 1, let chosen = Language(code: arguments[0]) else { return say(.langUsage) }
        language = chosen
        say(.langSwitched)
    }

    func showHelp(_ arguments: [String]) {
        if let asked = arguments.first?.lowercased() {
            let name = Repl.aliases[asked] ?? asked
            guard let command = Repl.commands.first(where: { $0.name == name }) else {
                say(.helpUnknown, String(asked.prefix(40)))
                return say(.seeHelp)
            }
            return say(command.help)
        }
        say(.helpIntro)
        for command in Repl.commands { output("  " + text(command.help)) }
    }

    /// `line` split into words, with "double" or 'single' quotes keeping spaces inside one word
    /// (`edit 3fa8c2e1 --title "Harga baru"`).
    static func shellWords(_ line: String) throws(ReplCommandError) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        for character in line {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        guard quote == nil else {
            throw .failed(Localized(en: "a quote is not closed", id: "tanda kutip belum ditutup"))
        }
        if inWord { words.append(current) }
        return words
    }
}
