import Kabar

extension Repl {
    func list(_ arguments: [String]) throws {
        guard arguments.count <= 1 else { return say(.unexpectedArgument, "ls") }
        let channel = arguments.first?.lowercased()
        if let channel, !BulletinCodec.isValidChannelName(channel) {
            return say(.listChannelInvalid, String(channel.prefix(40)))
        }
        let bulletins = try backend.list(channel: channel, limit: Repl.listingCountMax)
        guard !bulletins.isEmpty else { return say(.listEmpty) }
        say(.listHeader, String(bulletins.count))
        showListing(bulletins)
    }

    func showListing(_ bulletins: [ReplBulletin]) {
        lastListing = bulletins.map(\.id)
        for (index, bulletin) in bulletins.enumerated() {
            say(.listLine, String(index + 1), String(bulletin.id.prefix(8)), bulletin.channel,
                bulletin.title, ReplFormat.dateTime(bulletin.created))
        }
    }

    func read(_ arguments: [String]) throws {
        guard arguments.count == 1 else { return say(.readUsage) }
        let argument = arguments[0].lowercased()
        if let number = Int(argument), argument.count < Repl.idPrefixLengthMin {
            guard !lastListing.isEmpty else { return say(.readNoListing) }
            guard number >= 1, number <= lastListing.count else {
                return say(.readNumberOutOfRange, String(lastListing.count))
            }
            return try readPrefix(lastListing[number - 1])
        }
        let isHex = argument.allSatisfy { $0.isHexDigit }
        guard isHex, argument.count >= Repl.idPrefixLengthMin, argument.count <= 64 else {
            return say(.readPrefixTooShort, String(argument.prefix(70)))
        }
        try readPrefix(argument)
    }

    func readPrefix(_ prefix: String) throws {
        let found = try backend.bulletins(idPrefix: prefix)
        guard let bulletin = found.first else { return say(.readNotFound, prefix) }
        guard found.count == 1 else { return say(.readAmbiguous, prefix) }
        say(.readHeader, bulletin.channel, bulletin.title)
        say(.readMeta, bulletin.author, ReplFormat.dateTime(bulletin.created), bulletin.id)
        if let received = bulletin.officeReceived { say(.readOfficeReceived, ReplFormat.dateTime(received)) }
        output("")
        for line in bulletin.body.split(separator: "\n", omittingEmptySubsequences: false) {
            output(String(line))
        }
        if !bulletin.attachments.isEmpty,
            let infos = try? backend.perform(.attachments(AttachmentListParameters(ids: bulletin.attachments))).attachments {
            output("")
            for info in infos {
                say(.readAttachment, info.id, info.name ?? "?", info.type ?? "?", info.size.map(String.init) ?? "?", String(info.have))
            }
        }
        lastRead = bulletin.id
        let replies = try backend.replies(to: bulletin.id)
        guard !replies.isEmpty else { return }
        output("")
        if replies.count == 1 { say(.readReplyOne) } else { say(.readReplies, String(replies.count)) }
        for reply in replies {
            output("")
            say(.readReplyMeta, reply.author, ReplFormat.dateTime(reply.created), String(reply.id.prefix(8)))
            for line in reply.body.split(separator: "\n", omittingEmptySubsequences: false) {
                output("  " + line)
            }
        }
    }

    func search(_ arguments: [String]) throws {
        guard !arguments.isEmpty else { return say(.searchUsage) }
        let phrase = arguments.joined(separator: " ")
        let found = try backend.search(words: arguments.map { $0.lowercased() }, limit: Repl.listingCountMax)
        guard !found.isEmpty else { return say(.searchNone, phrase) }
        say(.searchHeader, String(found.count), phrase)
        showListing(found)
    }

    func showPeers() throws {
        let peers = try backend.peers()
        guard !peers.isEmpty else { return say(.peersNone) }
        say(.peersHeader, String(peers.count))
        for peer in peers { say(.peerLine, peer.address, peer.lastHeard) }
    }

    func showStatus() throws {
        for line in try backend.status() { say(.statusLine, line.label[language], line.value) }
    }

    func showChannels() throws {
        say(.channelsHeader)
        for channel in try backend.channels() {
            let access: ReplKey = switch channel.rule.access {
            case .official: .accessOfficial
            case .community: .accessCommunity
            case .system: .accessSystem
            }
            let columns = [
                channel.rule.name.padded(14), text(access).padded(11),
                lifetime(channel.rule.defaultLifetime).padded(10), lifetime(channel.rule.maximumLifetime).padded(10),
                String(channel.held),
            ]
            say(.channelLine, columns.joined())
        }
    }

    func lifetime(_ span: TimeSpan) -> String {
        text(.lifetimeDays, String(span.microseconds / TimeSpan.days(1).microseconds))
    }

    func exportBundle(_ arguments: [String]) throws {
        guard arguments.count == 1 else { return say(.exportUsage) }
        let count = try backend.export(to: arguments[0])
        say(.exportDone, String(count), arguments[0])
    }

    func importBundle(_ arguments: [String]) throws {
        guard arguments.count == 1 else { return say(.importUsage) }
        let counts = try backend.importBundle(from: arguments[0])
        say(.importDone, arguments[0], String(counts.added), String(counts.duplicates), String(counts.refused))
    }
}

extension String {
    /// Left-aligned in `width` columns (one space at least after it).
    func padded(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
