import Foundation
import Kabar
import KabarCrypto
import KabarNode
import KabarPlatform

/// `kabar run`: the node in the foreground, until SIGTERM or SIGINT.
enum RunCommand: Command {
    static let spec = CommandSpec(
        path: ["run"],
        summary: Localized(en: "run the node in the foreground", id: "jalankan node di latar depan"),
        options: [
            .data,
            .value("--port", "N", help: Localized(en: "UDP port (default 4747)", id: "port UDP (bawaan 4747)")),
            .value("--web-port", "N", help: Localized(
                en: "TCP port of the hall board (default 80 where allowed, else 8080)",
                id: "port TCP papan balai (bawaan 80 bila diizinkan, selain itu 8080)")),
            .value("--peer", "HOST:PORT", repeatable: true, help: Localized(
                en: "a static peer, reached by unicast (repeatable; replaces the config's peers)",
                id: "peer tetap, dihubungi secara unicast (boleh berulang; menggantikan peer di konfigurasi)")),
            .value("--network", "NAME", help: Localized(
                en: "the mesh's name (default kabar); nodes on other networks are ignored",
                id: "nama jaringan (bawaan kabar); node di jaringan lain diabaikan")),
            .value("--log-level", "LEVEL", help: Localized(
                en: "error, warn, info (default) or debug", id: "error, warn, info (bawaan) atau debug")),
            .flag("--no-repl", help: Localized(
                en: "no REPL even on a terminal: log lines go to standard error",
                id: "tanpa REPL meski di terminal: baris log ditulis ke galat standar")),
            .lang,
        ],
        discussion: Localized(
            en: "Reads DIR/kabar.conf (Documentation/Config.md); flags override it. Creates an identity when there is none. On a terminal it opens the REPL (logs then go to DIR/kabar.log); otherwise logs go to standard error. Other commands (post, list, status...) reach the running node through DIR/control.sock. SIGTERM or Ctrl-C stops it cleanly.",
            id: "Membaca DIR/kabar.conf (Documentation/Config.md); flag menimpanya. Membuat identitas bila belum ada. Di terminal membuka REPL (log lalu ditulis ke DIR/kabar.log); selain itu log ditulis ke galat standar. Perintah lain (post, list, status...) menjangkau node lewat DIR/control.sock. SIGTERM atau Ctrl-C menghentikannya dengan rapi."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let ownsTerminal = NodeRunner.ReplMode.ownsTerminal(inputIsTerminal: context.inputIsTerminal)
        let repl: NodeRunner.ReplMode? = arguments.flag("--no-repl") || !ownsTerminal ? nil : .terminal
        return try runNode(arguments, context, repl: repl)
    }

    /// Runs the node on the data folder (`NodeRunner`, the composition root in KabarNode) until
    /// a stop signal, or until the person leaves the REPL when `repl` is given.
    static func runNode(_ arguments: ParsedArguments, _ context: CommandContext, repl: NodeRunner.ReplMode?) throws -> Int32 {
        let data = CommandSupport.dataDirectory(arguments, context)
        let overrides = try overrides(arguments)
        do {
            try NodeRunner.run(
                data: data, overrides: overrides, repl: repl,
                language: arguments.value("--lang") != nil ? context.language : nil, fallbackLanguage: context.language,
                say: { context.printError(context.text($0)) })
        } catch {
            throw CLIError(error)
        }
        return 0
    }

    /// The flags that override kabar.conf.
    static func overrides(_ arguments: ParsedArguments) throws -> NodeRunner.Overrides {
        var overrides = NodeRunner.Overrides()
        do {
            if let port = arguments.value("--port") { overrides.port = try ConfigFile.parsePort(port) }
            if let port = arguments.value("--web-port") { overrides.webPort = try ConfigFile.parsePort(port) }
            if let network = arguments.value("--network") { overrides.networkName = try ConfigFile.parseNetworkName(network) }
            let peers = arguments.values("--peer")
            if !peers.isEmpty {
                guard peers.count <= NodeSettings.peersMax else {
                    throw ConfigFile.ValueError(problem: Localized(
                        en: "at most \(NodeSettings.peersMax) --peer", id: "paling banyak \(NodeSettings.peersMax) --peer"))
                }
                overrides.peers = try peers.map(ConfigFile.parsePeer)
            }
            if let level = arguments.value("--log-level") {
                guard let parsed = LogLevel(name: level) else {
                    throw ConfigFile.ValueError(problem: Localized(
                        en: "--log-level is error, warn, info or debug, not '\(level)'",
                        id: "--log-level adalah error, warn, info atau debug, bukan '\(level)'"))
                }
                overrides.logLevel = parsed
            }
        } catch let error as ConfigFile.ValueError {
            throw CLIError.usage(error.problem)
        }
        return overrides
    }
}
