import Kabar
import KabarNode

/// The `kabar` program: finds the command named by the arguments, parses, runs, reports errors.
public enum KabarCLI {
    /// Kabar's version, printed by `kabar version` and `kabar --version`.
    public static let version = KabarVersion.string

    /// Runs `kabar` with `arguments` (without the program name) and returns the exit code: 1
    /// when standard output could not be written, whatever the command did (which stays done).
    public static func main(_ arguments: [String], context: CommandContext) -> Int32 {
        let code = run(arguments, context: context)
        guard let failure = context.outputFailure else { return code }
        context.printError(context.text(Localized(
            en: "error: standard output could not be written (\(failure)); what the command did is done and saved",
            id: "galat: keluaran standar tidak dapat ditulis (\(failure)); yang dikerjakan perintah sudah selesai dan tersimpan")))
        return code == 0 ? 1 : code
    }

    /// `main` over the command line as the bytes the system gave (`CommandLine.unsafeArgv`).
    public static func main(rawArguments: [[UInt8]], context: CommandContext) -> Int32 {
        switch arguments(fromBytes: rawArguments) {
        case .success(let arguments): return main(arguments, context: context)
        case .failure(let error):
            context.printError(context.text(Localized(en: "error: ", id: "galat: ")) + context.text(error.localizedMessage))
            return error.exitCode
        }
    }

    /// The command line as the bytes the system gave: each argument must be UTF-8 text, or the
    /// command is refused (input is never changed silently, Documentation/CLI.md).
    public static func arguments(fromBytes raw: [[UInt8]]) -> Result<[String], CLIError> {
        var arguments: [String] = []
        for (index, bytes) in raw.enumerated() {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                let shown = String(decoding: bytes, as: UTF8.self)
                return .failure(.badInput(Localized(
                    en: "argument \(index + 1) ('\(shown.prefix(60))') is not UTF-8 text; nothing was done. Type it again, or set your terminal to UTF-8",
                    id: "argumen \(index + 1) ('\(shown.prefix(60))') bukan teks UTF-8; tidak ada yang dilakukan. Ketik ulang, atau atur terminal ke UTF-8")))
            }
            arguments.append(text)
        }
        return .success(arguments)
    }

    static func run(_ arguments: [String], context: CommandContext) -> Int32 {
        var arguments = arguments
        if let at = arguments.firstIndex(of: "--lang"), at + 1 < arguments.count,
            let language = Language(code: arguments[at + 1]), !isCommandOption(arguments, at)
        {
            context.language = language
            arguments.removeSubrange(at...(at + 1))
        }
        if arguments.isEmpty {
            return runDefault(context, data: nil)
        }
        if arguments.count == 2, arguments[0] == "--data" {
            return runDefault(context, data: arguments[1])
        }
        if arguments == ["--version"] || arguments == ["-V"] {
            context.print("kabar \(version)")
            return 0
        }
        if arguments[0] == "help" || arguments[0] == "--help" || arguments[0] == "-h" {
            return Help.show(path: Array(arguments.dropFirst()), context: context)
        }
        guard let command = findCommand(arguments) else {
            return Help.unknown(arguments, context: context)
        }
        let rest = Array(arguments.dropFirst(command.spec.path.count))
        if rest.contains("--help") || rest.contains("-h") {
            context.write(Help.text(for: command.spec, language: context.language))
            return 0
        }
        do {
            let parsed = try ArgumentParser.parse(rest, spec: command.spec)
            if let code = parsed.value("--lang") {
                guard let language = Language(code: code) else {
                    throw CLIError.usage(Localized(
                        en: "--lang takes id or en, not '\(code)'", id: "--lang menerima id atau en, bukan '\(code)'"))
                }
                context.language = language
            }
            return try command.run(parsed, context)
        } catch let error as CLIError {
            context.printError(context.text(Localized(en: "error: ", id: "galat: ")) + context.text(error.localizedMessage))
            if case .usage = error {
                context.printError(context.text(Localized(
                    en: "see '\(command.spec.fullName) --help'", id: "lihat '\(command.spec.fullName) --help'")))
            }
            return error.exitCode
        } catch let error as LocalizedError {
            context.printError(context.text(Localized(en: "error: ", id: "galat: ")) + context.text(error.localizedMessage))
            return 1
        } catch {
            context.printError(context.text(Localized(en: "error: ", id: "galat: ")) + "\(error)")
            return 1
        }
    }

    /// `kabar` with no arguments (or only `--data DIR`): the node with the REPL in front of it,
    /// on the data folder (made, with an identity, on the first run). On a terminal the REPL is
    /// interactive; from a pipe it runs the piped commands (scripting) and then stops.
    static func runDefault(_ context: CommandContext, data: String?) -> Int32 {
        let mode: NodeRunner.ReplMode = context.inputIsTerminal ? .terminal : .piped
        if mode == .terminal, !NodeRunner.ReplMode.ownsTerminal(inputIsTerminal: true) {
            context.printError(context.text(Localized(
                en: "kabar with no arguments opens the REPL and needs the terminal; in the background use 'kabar run'",
                id: "kabar tanpa argumen membuka REPL dan perlu terminal; di latar belakang pakai 'kabar run'")))
            return 2
        }
        let folder = DataDirectory.resolve(option: data, environment: context.environment)
        do {
            if ServiceLink.daemonRuns(on: folder) {
                // A node already runs there (the service): the REPL drives it through its socket.
                try ServiceReplBackend.runAttached(data: folder, interactive: mode == .terminal, language: context.language)
                return 0
            }
            let arguments = ParsedArguments(positionals: [], values: data.map { ["--data": [$0]] } ?? [:])
            return try RunCommand.runNode(arguments, context, repl: mode)
        } catch let error as CLIError {
            context.printError(context.text(Localized(en: "error: ", id: "galat: ")) + context.text(error.localizedMessage))
            return error.exitCode
        } catch let error as LocalizedError {
            context.printError(context.text(Localized(en: "error: ", id: "galat: ")) + context.text(error.localizedMessage))
            return 1
        } catch {
            context.printError(context.text(Localized(en: "error: ", id: "galat: ")) + "\(error)")
            return 1
        }
    }

    /// The command whose path is the longest prefix of `arguments`.
    static func findCommand(_ arguments: [String]) -> CommandEntry? {
        CommandRegistry.commands
            .filter { arguments.starts(with: $0.spec.path) }
            .max { $0.spec.path.count < $1.spec.path.count }
    }

    /// True when the command at hand declares `--lang` itself (then its parser handles it).
    private static func isCommandOption(_ arguments: [String], _ index: Int) -> Bool {
        guard let command = findCommand(arguments) else { return false }
        return command.spec.options.contains { $0.name == "--lang" }
    }
}

/// `kabar version`.
enum VersionCommand: Command {
    static let spec = CommandSpec(
        path: ["version"], summary: Localized(en: "print the version", id: "cetak versi"))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        context.print("kabar \(KabarCLI.version)")
        return 0
    }
}
