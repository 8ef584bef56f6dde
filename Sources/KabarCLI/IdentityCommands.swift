import Kabar
import KabarNode
import KabarPlatform

/// `kabar init`: makes the data folder and the node's identity.
enum InitCommand: Command {
    static let spec = CommandSpec(
        path: ["init"],
        summary: Localized(
            en: "create the data folder and this node's signing identity",
            id: "buat folder data dan identitas penanda tangan node ini"),
        options: [
            .data,
            .value(
                "--label", "NAME",
                help: Localized(
                    en: "a name for this identity, such as the hall's name (at most 64 bytes)",
                    id: "nama untuk identitas ini, misalnya nama balai (paling banyak 64 byte)")),
        ],
        discussion: Localized(
            en: "The key is written to DIR/identity.key with mode 0600. An existing identity is never overwritten.",
            id: "Kunci ditulis ke DIR/identity.key dengan mode 0600. Identitas yang sudah ada tidak pernah ditimpa."))

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let data = CommandSupport.dataDirectory(arguments, context)
        var random = SystemRandom()
        let identity = try CommandSupport.failing {
            try Identity.create(in: data, label: arguments.value("--label") ?? "", random: &random)
        }
        context.print(context.text(Localized(
            en: "created identity in \(data.path)", id: "identitas dibuat di \(data.path)")))
        context.print(context.text(Localized(en: "public key: ", id: "kunci publik: ")) + identity.author.hex)
        return 0
    }
}

/// `kabar id`: prints the node's public key.
enum IDCommand: Command {
    static let spec = CommandSpec(
        path: ["id"],
        summary: Localized(en: "print this node's public key", id: "cetak kunci publik node ini"),
        options: [.data])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let identity = try CommandSupport.loadIdentity(arguments, context)
        context.print(identity.author.hex)
        return 0
    }
}

/// Helpers every store and identity command shares.
enum CommandSupport {
    /// The data folder from `--data`, `$KABAR_HOME` or `~/.kabar`.
    static func dataDirectory(_ arguments: ParsedArguments, _ context: CommandContext) -> DataDirectory {
        DataDirectory.resolve(option: arguments.value("--data"), environment: context.environment)
    }

    /// The identity in the data folder, or a failure saying what to do.
    static func loadIdentity(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Identity {
        let data = dataDirectory(arguments, context)
        return try failing { try Identity.load(from: data) }
    }

    /// Runs `body`, turning any `LocalizedError` into `CLIError.failed` (exit 1).
    static func failing<Result>(_ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch let error as CLIError {
            throw error
        } catch let error as StoreError {
            throw CLIError.failed(error.message)
        } catch let error as LocalizedError {
            throw CLIError.failed(error.localizedMessage)
        }
    }
}

extension CommandSupport {
    /// The bytes of the file at `path`, at most `limit`; a usage-level error otherwise.
    static func readFile(_ path: String, limit: Int) throws -> [UInt8] {
        do {
            let file = try File.open(path, .readOnly)
            defer { try? file.close() }
            guard try file.status().isRegularFile else {
                throw CLIError.badInput(Localized(en: "\(path) is not a file", id: "\(path) bukan berkas"))
            }
            let bytes = try file.read(count: limit + 1, at: 0)
            guard bytes.count <= limit else {
                throw CLIError.badInput(Localized(
                    en: "\(path) is over \(limit) bytes", id: "\(path) melebihi \(limit) byte"))
            }
            return bytes
        } catch let error as SystemError {
            throw CLIError.badInput(Localized(
                en: "cannot read \(path): \(error.reason)", id: "tidak dapat membaca \(path): \(error.reason)"))
        }
    }
}
