/// Turns the bytes a terminal sends in raw mode into `EditorKey`s. Keeps incomplete UTF-8 and
/// escape sequences between reads, since a read may end in the middle of one.
public struct KeyDecoder: Sendable {
    private var pending: [UInt8] = []
    /// An escape sequence longer than this is dropped (no terminal key needs more).
    static let sequenceBytesMax = 8

    /// A decoder with nothing pending.
    public init() {}

    /// The keys in `bytes` (plus what was pending).
    public mutating func keys(from bytes: [UInt8]) -> [EditorKey] {
        pending += bytes
        var keys: [EditorKey] = []
        var index = 0
        while index < pending.count {
            guard let (key, length) = decode(at: index) else { break }
            keys.append(key)
            index += length
        }
        pending.removeFirst(index)
        return merged(keys)
    }

    /// One key at `index` and its length in bytes; nil when more bytes are needed.
    private func decode(at index: Int) -> (EditorKey, Int)? {
        let byte = pending[index]
        switch byte {
        case 0x01: return (.home, 1)
        case 0x03: return (.cancel, 1)
        case 0x04: return (.endOfInput, 1)
        case 0x05: return (.end, 1)
        case 0x02: return (.left, 1)
        case 0x06: return (.right, 1)
        case 0x08, 0x7f: return (.backspace, 1)
        case 0x0c: return (.redraw, 1)
        case 0x0d:
            // A pasted "\r\n" is one Enter.
            return (.enter, index + 1 < pending.count && pending[index + 1] == 0x0a ? 2 : 1)
        case 0x0a: return (.enter, 1)
        case 0x0e: return (.historyNext, 1)
        case 0x10: return (.historyPrevious, 1)
        case 0x15: return (.eraseLine, 1)
        case 0x1b: return escape(at: index)
        case 0x00..<0x20: return (.ignored, 1)
        default: return utf8(at: index)
        }
    }

    private func escape(at index: Int) -> (EditorKey, Int)? {
        let rest = pending[index...]
        guard rest.count >= 2 else { return nil }
        let second = rest[index + 1]
        guard second == UInt8(ascii: "[") || second == UInt8(ascii: "O") else { return (.ignored, 1) }
        // CSI: parameters (digits, ';') then one final byte in 0x40...0x7e.
        var end = index + 2
        while end < pending.count, end - index < KeyDecoder.sequenceBytesMax {
            let byte = pending[end]
            if (0x40...0x7e).contains(byte) {
                return (Self.key(final: byte, parameters: Array(pending[(index + 2)..<end])), end - index + 1)
            }
            end += 1
        }
        return end - index >= KeyDecoder.sequenceBytesMax ? (.ignored, end - index) : nil
    }

    private static func key(final: UInt8, parameters: [UInt8]) -> EditorKey {
        switch (final, parameters) {
        case (UInt8(ascii: "A"), _): return .historyPrevious
        case (UInt8(ascii: "B"), _): return .historyNext
        case (UInt8(ascii: "C"), _): return .right
        case (UInt8(ascii: "D"), _): return .left
        case (UInt8(ascii: "H"), _): return .home
        case (UInt8(ascii: "F"), _): return .end
        case (UInt8(ascii: "~"), [UInt8(ascii: "3")]): return .delete
        case (UInt8(ascii: "~"), [UInt8(ascii: "1")]), (UInt8(ascii: "~"), [UInt8(ascii: "7")]): return .home
        case (UInt8(ascii: "~"), [UInt8(ascii: "4")]), (UInt8(ascii: "~"), [UInt8(ascii: "8")]): return .end
        default: return .ignored
        }
    }

    private func utf8(at index: Int) -> (EditorKey, Int)? {
        let lead = pending[index]
        let length = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 0
        guard length > 0 else { return (.ignored, 1) }
        guard index + length <= pending.count else { return nil }
        guard let text = String(validating: pending[index..<(index + length)], as: UTF8.self) else {
            return (.ignored, 1)
        }
        return (.text(text), length)
    }

    /// Adjacent text keys joined (a paste arrives as one key, one redraw).
    private func merged(_ keys: [EditorKey]) -> [EditorKey] {
        var result: [EditorKey] = []
        for key in keys {
            if case .text(let text) = key, case .text(let before)? = result.last {
                result[result.count - 1] = .text(before + text)
            } else {
                result.append(key)
            }
        }
        return result
    }
}
