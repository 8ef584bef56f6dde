import Kabar

/// One option a command accepts: a flag (`--json`) or an option with a value (`--data DIR`).
public struct OptionSpec: Sendable {
    /// The long name, with its dashes: `--data`.
    public let name: String
    /// A short alias such as `-n`, if any.
    public let shortName: String?
    /// The value's placeholder (`DIR`); nil for a flag.
    public let valueName: String?
    /// May be given more than once (`--peer A --peer B`).
    public let repeatable: Bool
    /// One line of help.
    public let help: Localized

    /// An option that takes a value.
    public static func value(
        _ name: String, _ valueName: String, short: String? = nil, repeatable: Bool = false, help: Localized
    ) -> OptionSpec {
        OptionSpec(name: name, shortName: short, valueName: valueName, repeatable: repeatable, help: help)
    }

    /// A flag that takes no value.
    public static func flag(_ name: String, short: String? = nil, help: Localized) -> OptionSpec {
        OptionSpec(name: name, shortName: short, valueName: nil, repeatable: false, help: help)
    }

    /// `--data DIR`: every command that touches a data folder takes it.
    public static let data = OptionSpec.value(
        "--data", "DIR",
        help: Localized(
            en: "data folder (default: $KABAR_HOME, else ~/.kabar)",
            id: "folder data (bawaan: $KABAR_HOME, atau ~/.kabar)"))

    /// `--json`: machine-readable output.
    public static let json = OptionSpec.flag(
        "--json", help: Localized(en: "print JSON for scripts", id: "cetak JSON untuk skrip"))

    /// `--lang id|en`.
    public static let lang = OptionSpec.value(
        "--lang", "id|en", help: Localized(en: "language of messages", id: "bahasa pesan"))
}

/// A positional argument.
public struct PositionalSpec: Sendable {
    /// Placeholder shown in usage, such as `ID` or `FILE`.
    public let name: String
    /// May be left out.
    public let optional: Bool
    /// Takes every remaining positional argument.
    public let variadic: Bool

    /// A positional argument named `name`.
    public init(_ name: String, optional: Bool = false, variadic: Bool = false) {
        self.name = name
        self.optional = optional
        self.variadic = variadic
    }
}

/// What a command is called, what it takes, and its help.
public struct CommandSpec: Sendable {
    /// The words that name it after `kabar`: `["crypto", "sha256"]`.
    public let path: [String]
    /// One line for `kabar help`.
    public let summary: Localized
    /// Positional arguments in order.
    public let positionals: [PositionalSpec]
    /// Options, in the order help shows them.
    public let options: [OptionSpec]
    /// More help, shown by `kabar COMMAND --help`.
    public let discussion: Localized?

    /// A command spec.
    public init(
        path: [String], summary: Localized, positionals: [PositionalSpec] = [], options: [OptionSpec] = [],
        discussion: Localized? = nil
    ) {
        self.path = path
        self.summary = summary
        self.positionals = positionals
        self.options = options
        self.discussion = discussion
    }

    /// `kabar crypto sha256`.
    public var fullName: String { (["kabar"] + path).joined(separator: " ") }
}

/// A `kabar` command. Commands are types with no state; `run` does the work.
public protocol Command {
    /// Name, arguments and help.
    static var spec: CommandSpec { get }
    /// Does the work; returns the process exit code. Throw `CLIError` for usage and failures.
    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32
}
