import Kabar

/// The operator's read-eval-print loop, without any IO: it takes whole lines and writes whole
/// lines through `output`. `ReplTerminal` feeds it from a terminal (raw mode, line editor) or a
/// pipe (scripted use); tests feed it strings.
///
/// Theory of operation: the REPL is in one `Mode` at a time. In `.command` a line is a command.
/// `post` walks `.channel` → `.title` → `.body`; each step checks its limit as the person types
/// and asks again on a mistake, so a long message is never lost to a typo in the title.
public final class Repl {
    /// What the REPL waits for.
    enum Mode: Equatable {
        case command
        case channel
        case title(channel: String)
        case body(channel: String, title: String, lines: [String], bytes: Int)
    }

    /// What the driver should do after a line.
    public enum Outcome: Equatable, Sendable {
        /// Keep reading.
        case proceed
        /// The person asked to leave.
        case quit
    }

    /// How many bulletins `ls` and `search` show at most.
    public static let listingCountMax = 50
    /// The shortest id prefix `read` accepts.
    public static let idPrefixLengthMin = 8

    /// False when reading a pipe: then the body instructions are not shown (prompts neither).
    public var showsPrompts = true
    /// The language messages are shown in; `lang` changes it.
    public var language: Language
    let backend: ReplBackend
    let output: (String) -> Void
    var mode = Mode.command
    /// The ids of the last listing (`ls`, `search`), so `read N` can find them.
    var lastListing: [String] = []
    /// The id of the bulletin `read` showed last: what `reply` with no id answers.
    var lastRead: String?

    /// A REPL over `backend`, writing each line of output (without its newline) to `output`.
    public init(backend: ReplBackend, language: Language, output: @escaping (String) -> Void) {
        self.backend = backend
        self.language = language
        self.output = output
    }

    /// The prompt for the next line: the command prompt, or the post step's question.
    public var prompt: String {
        switch mode {
        case .command: return text(.promptCommand)
        case .channel: return text(.promptChannel)
        case .title: return text(.promptTitle)
        case .body: return "| "
        }
    }

    /// True while a post is being written (Ctrl-C then cancels the post, not the REPL).
    public var isWritingPost: Bool { mode != .command }

    /// Runs one line typed by the person.
    @discardableResult
    public func handle(line rawLine: String) -> Outcome {
        let line = rawLine.hasSuffix("\r") ? String(rawLine.dropLast()) : rawLine
        switch mode {
        case .command: return runCommand(line)
        case .channel: takeChannel(line)
        case .title(let channel): takeTitle(line, channel: channel)
        case .body(let channel, let title, let lines, let bytes):
            takeBodyLine(line, channel: channel, title: title, lines: lines, bytes: bytes)
        }
        return .proceed
    }

    /// Abandons a post being written (Ctrl-C, or end of input in the middle of a post).
    public func cancelPost() {
        guard isWritingPost else { return }
        mode = .command
        say(.postCancelled)
    }

    /// Shows something the node noticed (the driver takes care of the line being typed).
    public func describe(_ event: ReplEvent) -> String {
        switch event {
        case .bulletinArrived(let bulletin):
            return text(.eventBulletin, bulletin.channel, bulletin.title, bulletin.author)
        case .peerJoined(let address): return text(.eventPeerJoined, address)
        case .peerLeft(let address): return text(.eventPeerLeft, address)
        case .notice(let message): return "* " + message[language]
        case .refused(let source, let count, let reason): return text(.eventRefused, source, String(count), reason[language])
        }
    }

    /// The welcome line.
    public func welcome() { say(.welcome) }

    // MARK: - Output helpers

    func text(_ key: ReplKey, _ values: String...) -> String { ReplCatalog.text(key, language, values) }

    func say(_ key: ReplKey, _ values: String...) { output(ReplCatalog.text(key, language, values)) }

    func show(error: Error) {
        output(text(.errorPrefix, Repl.message(for: error, language)))
    }

    /// A thrown error in words: its localized message when it has one.
    static func message(for error: Error, _ language: Language) -> String {
        if let localized = error as? LocalizedError { return localized.localizedMessage[language] }
        return "\(error)"
    }
}
