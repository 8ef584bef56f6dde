import Kabar

/// Feeds a `Repl` from input bytes and writes its output, in one of two ways:
/// - on a terminal (raw mode): bytes go through `KeyDecoder` and `LineEditor`; events are shown
///   above the line being typed, which is then redrawn;
/// - from a pipe: bytes are split into lines, no prompt is written, and the end of input ends the
///   session.
/// It does no IO itself (`ReplTerminal` reads and writes the descriptors), so tests drive it
/// with byte strings.
public final class ReplDriver {
    /// How many bytes a piped line may hold; a longer line is cut there (the REPL's own checks
    /// then say which limit it broke).
    public static let pipedLineBytesMax = 64 * 1024

    /// The REPL being driven.
    public let repl: Repl
    /// True on a terminal (line editor, prompts), false on a pipe.
    public let interactive: Bool
    /// True once the person quit or the input ended.
    public private(set) var finished = false
    private let write: (String) -> Void
    private var editor: LineEditor
    private var decoder = KeyDecoder()
    private var pendingLine: [UInt8] = []

    /// A driver over `backend`, writing raw bytes (text) with `write`.
    public init(backend: ReplBackend, language: Language, interactive: Bool, write: @escaping (String) -> Void) {
        self.interactive = interactive
        self.write = write
        let newline = interactive ? "\r\n" : "\n"
        self.repl = Repl(backend: backend, language: language) { line in write(line + newline) }
        self.repl.showsPrompts = interactive
        self.editor = LineEditor(prompt: "")
    }

    /// Greets the person and, on a terminal, draws the first prompt.
    public func start() {
        if interactive {
            repl.welcome()
            drawPrompt()
        }
    }

    /// Handles bytes read from standard input.
    public func receive(_ bytes: [UInt8]) {
        guard !finished else { return }
        if interactive { receiveKeys(bytes) } else { receiveLines(bytes) }
    }

    /// Standard input ended (Ctrl-D on a pipe's end, or the terminal went away).
    public func endOfInput() {
        guard !finished else { return }
        if !interactive, !pendingLine.isEmpty {
            let line = String(decoding: pendingLine, as: UTF8.self)
            pendingLine = []
            run(line)
        }
        repl.cancelPost()
        finished = true
    }

    /// Shows an event as it happens without breaking the line being typed.
    public func show(_ event: ReplEvent) {
        let text = repl.describe(event)
        if interactive {
            write(editor.bytesShowing(text))
        } else {
            write(text + "\n")
        }
    }

    private func receiveLines(_ bytes: [UInt8]) {
        for byte in bytes {
            guard !finished else { return }
            if byte == UInt8(ascii: "\n") {
                let line = String(decoding: pendingLine, as: UTF8.self)
                pendingLine = []
                run(line)
            } else if pendingLine.count < ReplDriver.pipedLineBytesMax {
                pendingLine.append(byte)
            }
        }
    }

    private func receiveKeys(_ bytes: [UInt8]) {
        for key in decoder.keys(from: bytes) {
            guard !finished else { return }
            let (output, action) = editor.apply(key)
            write(output)
            switch action {
            case .editing: break
            case .submit(let line):
                run(line)
                if !finished { drawPrompt() }
            case .cancelled:
                if repl.isWritingPost { repl.cancelPost() } else { repl.say(.lineCancelled) }
                drawPrompt()
            case .quit:
                if repl.isWritingPost {
                    repl.cancelPost()
                    drawPrompt()
                } else {
                    repl.say(.goodbye)
                    finished = true
                }
            }
        }
    }

    private func run(_ line: String) {
        if repl.handle(line: line) == .quit { finished = true }
    }

    private func drawPrompt() {
        editor.prompt = repl.prompt
        editor.clear()
        write(editor.redrawBytes())
    }
}
