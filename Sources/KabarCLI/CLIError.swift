import Kabar

/// How a command fails. Each case maps to an exit code and a message a person can act on.
public enum CLIError: Error, LocalizedError {
    /// The command line was wrong: exit 2, with a pointer to help.
    case usage(Localized)
    /// The input (a file, hex, standard input) was wrong: exit 2.
    case badInput(Localized)
    /// The command could not do its work: exit 1.
    case failed(Localized)

    /// The process exit code for this error.
    public var exitCode: Int32 {
        switch self {
        case .usage, .badInput: return 2
        case .failed: return 1
        }
    }

    public var localizedMessage: Localized {
        switch self {
        case .usage(let message), .badInput(let message), .failed(let message): return message
        }
    }
}
