/// A key as the line editor sees it, decoded from terminal bytes by `KeyDecoder`.
public enum EditorKey: Equatable, Sendable {
    /// Printable text (one or more characters).
    case text(String)
    /// Enter.
    case enter
    /// Backspace (DEL or Ctrl-H).
    case backspace
    /// Delete the character under the cursor (the Delete key).
    case delete
    /// Left and right arrows.
    case left, right
    /// Ctrl-A / Home, Ctrl-E / End.
    case home, end
    /// Ctrl-U: erase the whole line.
    case eraseLine
    /// Ctrl-C: abandon the line.
    case cancel
    /// Ctrl-D: quit on an empty line, else delete under the cursor.
    case endOfInput
    /// Up and down arrows: history.
    case historyPrevious, historyNext
    /// Ctrl-L: redraw.
    case redraw
    /// Anything else (ignored).
    case ignored
}

/// A small line editor, pure: it holds the line being typed and answers each key with the bytes
/// to write and what happened. It never touches a terminal, so its redraws are tested as values.
///
/// Every change redraws the whole line: `\r`, clear to end of line, prompt, text, then the cursor
/// moved left to its place. One line is short; this is simpler than patching and always right.
/// Widths are counted in `Character`s (wide CJK glyphs would be off; Indonesian and English are not).
public struct LineEditor: Sendable {
    /// What a key did besides drawing.
    public enum Action: Equatable, Sendable {
        /// Nothing more: keep editing.
        case editing
        /// Enter: this line is done.
        case submit(String)
        /// Ctrl-C: the line was abandoned.
        case cancelled
        /// Ctrl-D on an empty line: the person wants to leave.
        case quit
    }

    /// How many characters one line may hold (anything typed beyond is refused).
    public static let lineCharactersMax = 16_000
    /// How many past lines up/down can recall.
    public static let historyCountMax = 100

    /// The line's characters.
    public private(set) var buffer: [Character] = []
    /// Where the cursor stands, 0...buffer.count.
    public private(set) var cursor = 0
    /// The prompt drawn before the line.
    public var prompt: String
    private var history: [String] = []
    private var historyIndex: Int? = nil

    /// An editor with an empty line after `prompt`.
    public init(prompt: String) { self.prompt = prompt }

    /// The line drawn anew: carriage return, clear, prompt, text, cursor back in place.
    public func redrawBytes() -> String {
        var bytes = "\r\u{1b}[K" + prompt + String(buffer)
        let back = buffer.count - cursor
        if back > 0 { bytes += "\u{1b}[\(back)D" }
        return bytes
    }

    /// What to write to show `line` (an event) above the line being typed, then redraw it.
    public func bytesShowing(_ line: String) -> String {
        "\r\u{1b}[K" + line + "\r\n" + redrawBytes()
    }

    /// Applies `key`: returns the bytes to write and what happened.
    public mutating func apply(_ key: EditorKey) -> (bytes: String, action: Action) {
        switch key {
        case .text(let text):
            let characters = text.filter { !$0.isControlLike }
            guard !characters.isEmpty, buffer.count + characters.count <= LineEditor.lineCharactersMax else {
                return ("", .editing)
            }
            buffer.insert(contentsOf: characters, at: cursor)
            cursor += characters.count
        case .enter:
            let line = String(buffer)
            remember(line)
            clear()
            return ("\r\n", .submit(line))
        case .backspace:
            guard cursor > 0 else { return ("", .editing) }
            buffer.remove(at: cursor - 1)
            cursor -= 1
        case .delete:
            guard cursor < buffer.count else { return ("", .editing) }
            buffer.remove(at: cursor)
        case .endOfInput:
            if buffer.isEmpty { return ("\r\n", .quit) }
            return apply(.delete)
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(buffer.count, cursor + 1)
        case .home: cursor = 0
        case .end: cursor = buffer.count
        case .eraseLine: clear()
        case .cancel:
            clear()
            return ("^C\r\n", .cancelled)
        case .historyPrevious, .historyNext: recall(previous: key == .historyPrevious)
        case .redraw: break
        case .ignored: return ("", .editing)
        }
        return (redrawBytes(), .editing)
    }

    /// Starts a fresh empty line (after a submit, or when the prompt changes).
    public mutating func clear() {
        buffer = []
        cursor = 0
        historyIndex = nil
    }

    private mutating func remember(_ line: String) {
        guard !line.isEmpty, history.last != line else { return }
        history.append(line)
        if history.count > LineEditor.historyCountMax { history.removeFirst() }
    }

    private mutating func recall(previous: Bool) {
        guard !history.isEmpty else { return }
        let index: Int?
        switch (historyIndex, previous) {
        case (nil, true): index = history.count - 1
        case (nil, false): return
        case (let current?, true): index = max(0, current - 1)
        case (let current?, false): index = current + 1 < history.count ? current + 1 : nil
        }
        historyIndex = index
        buffer = index.map { Array(history[$0]) } ?? []
        cursor = buffer.count
    }
}

extension Character {
    /// True for control characters, which never enter the line.
    var isControlLike: Bool {
        unicodeScalars.contains { $0.value < 0x20 || (0x7f...0x9f).contains($0.value) }
    }
}
