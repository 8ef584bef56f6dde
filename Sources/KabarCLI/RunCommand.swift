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
        let repl: ReplMode? = arguments.flag("--no-repl") || !ReplMode.ownsTerminal(context) ? nil : .terminal
        return try runNode(arguments, context, repl: repl)
    }

    /// How the REPL meets the person, when there is one.
    enum ReplMode {
        /// A terminal: raw mode, line editor, events shown above the line being typed.
        case terminal
        /// A pipe: one command per line, no prompts; the node stops when the input ends.
        case piped

        /// True when standard input is a terminal this process may read: a background job
        /// (`kabar run &` from an interactive shell) must not take the terminal, or the shell
        /// stops it (SIGTTIN) and the node with it.
        static func ownsTerminal(_ context: CommandContext) -> Bool {
            context.inputIsTerminal && tcgetpgrp(STDIN_FILENO) == getpgrp()
        }
    }

    /// Starts the node on the data folder and runs it until a stop signal, or until the
    /// person leaves the REPL when `repl` is given.
    static func runNode(_ arguments: ParsedArguments, _ context: CommandContext, repl: ReplMode?) throws -> Int32 {
        let data = CommandSupport.dataDirectory(arguments, context)
        try makeDataFolder(data)
        let settings = try settings(arguments, data: data, context: context)
        if arguments.value("--lang") == nil, let language = settings.language { context.language = language }
        // The REPL greets a first run itself (in its language, without breaking the screen).
        let firstRun = !FileManager.default.fileExists(atPath: Identity.path(in: data))
        let identity = try loadOrCreateIdentity(data, context, quiet: repl != nil)
        // With a REPL on the terminal, log lines would break the line being typed: they go to
        // DATA/kabar.log instead (bounded), and the REPL shows what the person needs.
        let logFile = try repl.map { _ in
            try CommandSupport.failing {
                do { return try LogFile(in: data) } catch {
                    throw CLIError.failed(Localized(
                        en: "cannot open the log \(data.path)/kabar.log: \(error)",
                        id: "tidak dapat membuka log \(data.path)/kabar.log: \(error)"))
                }
            }
        }
        defer { logFile?.close() }
        let logger = Logger(
            level: settings.logLevel, monotonicNow: { MonotonicClock.now() }, wallNow: { WallClock.now() },
            write: { line in
                if let logFile { logFile.write(line) } else { FileHandle.standardError.write(Data(line.utf8)) }
            })
        var options = FileStore.Options()
        options.quotaBytes = settings.quotaBytes
        options.isOfficial = { [channels = settings.channels] in channels.rule(for: $0).access == .official }
        let store = try CommandSupport.failing { try openStore(data, options: options) }
        defer { try? store.close() }
        let sockets = try CommandSupport.failing { try openSockets(settings.port) }
        if let problem = sockets.ipv6Problem { logger.warn("IPv6 is off (\(problem)); gossiping on IPv4 only") }
        let daemon = NodeDaemon(
            settings: settings, data: data, key: identity.author, store: store, sockets: sockets,
            seed: try drawSeed(), logger: logger)
        daemon.describeStore = { [quota = settings.quotaBytes] store in
            StoreStatus(counting: store, diskBytes: store.diskBytes, quotaBytes: quota)
        }
        let control = try CommandSupport.failing {
            try ControlServer(
                path: ControlClient.socketPath(data), loop: daemon.loop, logger: logger,
                monotonicNow: { MonotonicClock.now() }
            ) { [unowned daemon] request in ControlDispatch.handle(request, daemon: daemon) }
        }
        defer { control.close() }
        daemon.housekeepers.append { now in control.dropIdleClients(now: now) }
        let stop = try CommandSupport.failing { try StopSignals.install() }
        try? StopSignals.ignoreBrokenPipe()
        daemon.loop.register(stop.descriptor) { [unowned daemon] _ in
            let names = stop.drain().map { $0 == SIGINT ? "SIGINT" : $0 == SIGTERM ? "SIGTERM" : "signal \($0)" }
            logger.info("received \(names.first ?? "a stop signal"); stopping")
            daemon.requestStop()
        }
        guard let repl else {
            if context.inputIsTerminal {
                logger.info("press Ctrl-C to stop; other terminals can use 'kabar status', 'kabar post' ...")
            }
            try CommandSupport.failing { try daemon.run() }
            return 0
        }
        let session = NodeSession(daemon: daemon, identity: identity, data: data, firstRun: firstRun, logPath: logFile?.path)
        session.backend.commandRunner = { [unowned daemon] argv, language in
            let response = ControlDispatch.handle(
                ControlRequest(argv: argv, lang: language.rawValue, cwd: FileManager.default.currentDirectoryPath), daemon: daemon)
            return (response.exit, response.stdout, response.stderr)
        }
        try CommandSupport.failing { try session.run(interactive: repl == .terminal, language: context.language) }
        return 0
    }

    /// The config file with the flags laid over it.
    static func settings(_ arguments: ParsedArguments, data: DataDirectory, context: CommandContext) throws -> NodeSettings {
        var settings: NodeSettings
        do {
            settings = try ConfigFile.load(from: data)
        } catch {
            throw CLIError.badInput(error.localizedMessage)
        }
        do {
            if let port = arguments.value("--port") { settings.port = try ConfigFile.parsePort(port) }
            if let network = arguments.value("--network") { settings.networkName = try ConfigFile.parseNetworkName(network) }
            let peers = arguments.values("--peer")
            if !peers.isEmpty {
                guard peers.count <= NodeSettings.peersMax else {
                    throw ConfigFile.ValueError(problem: Localized(
                        en: "at most \(NodeSettings.peersMax) --peer", id: "paling banyak \(NodeSettings.peersMax) --peer"))
                }
                settings.peers = try peers.map(ConfigFile.parsePeer)
            }
            if let level = arguments.value("--log-level") {
                guard let parsed = LogLevel(name: level) else {
                    throw ConfigFile.ValueError(problem: Localized(
                        en: "--log-level is error, warn, info or debug, not '\(level)'",
                        id: "--log-level adalah error, warn, info atau debug, bukan '\(level)'"))
                }
                settings.logLevel = parsed
            }
        } catch let error as ConfigFile.ValueError {
            throw CLIError.usage(error.problem)
        }
        return settings
    }

    /// How long `kabar run` waits for a command (`kabar status`, `kabar post`) that holds the
    /// store's lock for a moment, before saying another process uses the folder.
    static let storeLockWaitMicroseconds: Int64 = 3_000_000

    /// Opens the store, waiting a little while a short command holds its lock.
    static func openStore(_ data: DataDirectory, options: FileStore.Options) throws(StoreError) -> FileStore {
        let deadline = MonotonicClock.now() + storeLockWaitMicroseconds
        var attempt = Result<FileStore, StoreError> { () throws(StoreError) in try FileStore.open(in: data, options: options) }
        while case .failure(.locked) = attempt, MonotonicClock.now() < deadline {
            FileSystem.pause(milliseconds: 50)
            attempt = Result { () throws(StoreError) in try FileStore.open(in: data, options: options) }
        }
        return try attempt.get()
    }

    static func makeDataFolder(_ data: DataDirectory) throws {
        if (try? FileSystem.status(data.path))??.isDirectory == true { return }
        try CommandSupport.failing {
            do {
                try FileSystem.makeDirectory(data.path)
            } catch {
                throw CLIError.failed(Localized(
                    en: "cannot make the data folder \(data.path): \(error)",
                    id: "tidak dapat membuat folder data \(data.path): \(error)"))
            }
        }
    }

    /// The node needs an identity: make one (as `kabar init` does) when there is none.
    static func loadOrCreateIdentity(_ data: DataDirectory, _ context: CommandContext, quiet: Bool = false) throws -> Identity {
        if FileManager.default.fileExists(atPath: Identity.path(in: data)) {
            return try CommandSupport.failing { try Identity.load(from: data) }
        }
        var random = SystemRandom()
        let identity = try CommandSupport.failing { try Identity.create(in: data, label: "", random: &random) }
        if quiet { return identity }
        context.printError(context.text(Localized(
            en: "created a new identity in \(data.path); public key \(identity.author.hex)",
            id: "identitas baru dibuat di \(data.path); kunci publik \(identity.author.hex)")))
        return identity
    }

    static func openSockets(_ port: UInt16) throws -> DaemonSockets {
        do {
            return try DaemonSockets(port: port)
        } catch {
            throw CLIError.failed(Localized(
                en: "cannot open UDP port \(port): \(error). Is another node running? Choose another with --port",
                id: "tidak dapat membuka port UDP \(port): \(error). Apakah node lain berjalan? Pilih port lain dengan --port"))
        }
    }

    /// The node's seed, from getrandom.
    static func drawSeed() throws -> UInt64 {
        var random = SystemRandom()
        var seed: UInt64 = 0
        try withUnsafeMutableBytes(of: &seed) { try random.fill($0) }
        return seed
    }
}
