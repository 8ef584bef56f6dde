import Kabar

extension Repl {
    /// The line that ends a message.
    static let bodyEndLine = "."
    /// The line that abandons a post.
    static let cancelLine = "!"

    func startPost(_ arguments: [String]) {
        if let channel = arguments.first {
            mode = .channel
            takeChannel(channel)
        } else {
            mode = .channel
        }
    }

    func takeChannel(_ line: String) {
        let channel = line.trimmed.lowercased()
        if channel == Repl.cancelLine { return cancelPost() }
        guard BulletinCodec.isValidChannelName(channel) else {
            return say(.channelInvalid, String(channel.prefix(40)))
        }
        mode = .title(channel: channel)
    }

    func takeTitle(_ line: String, channel: String) {
        let title = line.trimmed.replacingTabs
        if title == Repl.cancelLine { return cancelPost() }
        if title.isEmpty { return say(.titleEmpty) }
        if title.hasControlCharacter { return say(.textControl) }
        let bytes = title.utf8.count
        guard bytes <= BulletinCodec.titleBytesMax else {
            return say(.titleTooLong, String(bytes), String(BulletinCodec.titleBytesMax))
        }
        mode = .body(channel: channel, title: title, lines: [], bytes: 0)
        if showsPrompts { say(.promptBody) }
    }

    func takeBodyLine(_ line: String, channel: String, title: String, lines: [String], bytes: Int) {
        if line == Repl.cancelLine { return cancelPost() }
        if line == Repl.bodyEndLine {
            return finishPost(channel: channel, title: title, lines: lines)
        }
        if line.hasControlCharacter(allowingTab: true) { return say(.textControl) }
        let grown = bytes + (lines.isEmpty ? 0 : 1) + line.utf8.count
        guard grown <= BulletinCodec.bodyBytesMax else {
            return say(.bodyTooLong, String(grown), String(BulletinCodec.bodyBytesMax))
        }
        mode = .body(channel: channel, title: title, lines: lines + [line], bytes: grown)
    }

    func finishPost(channel: String, title: String, lines: [String]) {
        var body = lines
        while body.last?.trimmed.isEmpty == true { body.removeLast() }
        guard !body.isEmpty else { return say(.bodyEmpty) }
        mode = .command
        do {
            let stored = try backend.post(channel: channel, title: title, body: body.joined(separator: "\n"))
            lastListing = [stored.id]
            say(.postSaved, String(stored.id.prefix(12)), stored.channel)
        } catch {
            say(.postNothingSaved, Repl.message(for: error, language))
        }
    }
}

extension String {
    /// Without spaces and tabs at either end.
    var trimmed: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }

    /// With each tab turned into a space (a title is one plain line).
    var replacingTabs: String { String(map { $0 == "\t" ? " " : $0 }) }

    /// True when a C0/C1 control character (other than a tab, if allowed) is in the text.
    func hasControlCharacter(allowingTab: Bool = false) -> Bool {
        unicodeScalars.contains { scalar in
            if allowingTab, scalar == "\t" { return false }
            return scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value)
        }
    }

    var hasControlCharacter: Bool { hasControlCharacter(allowingTab: false) }
}
