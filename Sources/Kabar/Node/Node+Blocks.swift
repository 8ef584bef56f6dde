/// One attachment block the node wants.
struct WantedBlock: Sendable {
    /// The attachment (its manifest's id) the block belongs to.
    var root: ContentID
    /// When it was last asked for, and of whom; nil: not asked yet (or its ask timed out).
    var askedAt: Instant?
    var askedOf: PeerAddress?
    var attempts = 0
}

/// An attachment the node is fetching.
struct AttachmentFetch: Sendable {
    /// Peers that may hold it: the one the post came from first.
    var sources: [PeerAddress]
    /// Blocks of it wanted now.
    var wanted = 0
}

/// What the node fetches of attachments (Documentation/Attachments.md, "Transfer").
struct BlockFetchState: Sendable {
    var wanted: [ContentID: WantedBlock] = [:]
    var fetches: [ContentID: AttachmentFetch] = [:]
    /// The smoothed time from an ask to its block (RFC 6298's 1/8 gain): on a slow link a window
    /// of asks queues for longer than `askTimeout`, and a fixed timeout would ask everything twice.
    var answerTime: TimeSpan?
    /// Per peer, what it may have served to it: a peer ignoring the window (asking the same
    /// blocks over and over) gets at most this rate, an honest fetch never notices.
    var serveBudgets: [PeerAddress: TokenBucket] = [:]
    static let serveBytesPerSecond = 16_000_000
    static let serveBudgetsMax = 256
    /// The ask timeout's ceiling (a peer answering each first ask late cannot stretch it).
    static let answerTimeMax = TimeSpan.seconds(8)

    /// How long an ask (its first attempt) waits before it is asked again.
    var timeout: TimeSpan { max(Self.askTimeout, (answerTime ?? .zero) * 3) }

    /// Blocks wanted at once, at most; attachments fetched at once, at most.
    static let wantedMax = 4_096
    static let fetchesMax = 64
    /// Blocks asked for and not yet come, at most (256 KiB in flight).
    static let inFlightMax = 256
    /// An ask unanswered this long is asked again (times the attempts), of the next source.
    static let askTimeout = TimeSpan.milliseconds(500)
    /// Asks per block before the attachment is given up (until its post arrives again).
    static let attemptsMax = 8
    /// A fetch refills its wanted blocks from the tree when fewer than this remain.
    static let refillBelow = 64
}

// Attachment blocks: a post's attachments are fetched block by block, each checked against
// its hash and its place in the tree, from the peer the post came from and then any other.
extension Node {
    /// A stored post lists attachments: fetch those not held (every post's, for now: the
    /// per-channel eager and on-demand policy is still to come).
    mutating func noteAttachments(of bulletin: Bulletin, from source: PeerAddress?, at now: Instant) {
        guard let blocks, !bulletin.content.attachments.isEmpty else { return }
        for root in bulletin.content.attachments where !blocks.contains(root) || !isComplete(root, in: blocks) {
            guard blockFetch.fetches[root] == nil else {
                if let source, blockFetch.fetches[root]?.sources.contains(source) == false { blockFetch.fetches[root]?.sources.append(source) }
                continue
            }
            guard blockFetch.fetches.count < BlockFetchState.fetchesMax, blocks.byteCount < configuration.attachmentStoreBytesMax else {
                return
            }
            blockFetch.fetches[root] = AttachmentFetch(sources: source.map { [$0] } ?? [])
            refill(root, in: blocks)
        }
        askForBlocks(at: now)
    }

    private func isComplete(_ root: ContentID, in blocks: any AttachmentBlockStorage) -> Bool {
        guard let manifest = blocks.block(root).flatMap({ try? AttachmentManifest.decode($0) }),
            let walk = try? AttachmentTree.walk(manifest, assemble: false, missingMax: 1, block: blocks.block, contains: blocks.contains)
        else { return false }
        return walk.missing.isEmpty && walk.have == manifest.size
    }

    /// Adds the next missing blocks of `root` to the wanted set; gives the fetch up when its
    /// tree breaks its shape (a lying manifest or index block).
    private mutating func refill(_ root: ContentID, in blocks: any AttachmentBlockStorage) {
        var missing: [ContentID]
        if let bytes = blocks.block(root) {
            do {
                let manifest = try AttachmentManifest.decode(bytes)
                // Larger than this node takes: named by the post, never fetched.
                guard manifest.size <= configuration.attachmentBytesMax else {
                    giveUp(root)
                    return
                }
                missing = try AttachmentTree.walk(
                    manifest, assemble: false, missingMax: BlockFetchState.refillBelow * 4, block: blocks.block, contains: blocks.contains
                ).missing
            } catch {
                giveUp(root)
                return
            }
            if missing.isEmpty && (blockFetch.fetches[root]?.wanted ?? 0) == 0 {
                if blockFetch.fetches.removeValue(forKey: root) != nil { emit(.attachmentStored(root)) }
                return
            }
        } else {
            missing = [root]
        }
        for id in missing where blockFetch.wanted[id] == nil && blockFetch.wanted.count < BlockFetchState.wantedMax {
            blockFetch.wanted[id] = WantedBlock(root: root)
            blockFetch.fetches[root]?.wanted += 1
        }
    }

    private mutating func giveUp(_ root: ContentID) {
        blockFetch.fetches[root] = nil
        for (id, want) in blockFetch.wanted where want.root == root { blockFetch.wanted[id] = nil }
    }

    /// Asks for wanted blocks not asked for (or whose ask timed out), up to `inFlightMax` in
    /// flight, in requests of at most 32 ids per peer.
    mutating func askForBlocks(at now: Instant) {
        guard let blocks else { return }
        // A fetch left with nothing wanted (its blocks wanted under another attachment that
        // shares them, or the wanted set was full) is refilled here, or it would hold its slot
        // for good.
        for root in blockFetch.fetches.keys.sorted() where blockFetch.fetches[root]?.wanted == 0 { refill(root, in: blocks) }
        guard !blockFetch.wanted.isEmpty else { return }
        var inFlight = 0
        var due: [ContentID] = []
        for (id, want) in blockFetch.wanted {
            if let asked = want.askedAt, now - asked < blockFetch.timeout * Int64(max(1, want.attempts)) {
                inFlight += 1
            } else {
                due.append(id)
            }
        }
        due.sort()
        var batches: [PeerAddress: [ContentID]] = [:]
        for id in due {
            guard var want = blockFetch.wanted[id] else { continue }
            // Due but not asked this round (the window is full, or no proven peer is left):
            // it waits unasked, so its old ask time does not make every moment a deadline.
            guard inFlight < BlockFetchState.inFlightMax, want.attempts < BlockFetchState.attemptsMax, let peer = source(for: want) else {
                if want.attempts >= BlockFetchState.attemptsMax {
                    giveUp(want.root)
                } else {
                    blockFetch.wanted[id]?.askedAt = nil
                }
                continue
            }
            want.attempts += 1
            want.askedAt = now
            want.askedOf = peer
            blockFetch.wanted[id] = want
            batches[peer, default: []].append(id)
            inFlight += 1
        }
        for peer in batches.keys.sorted() {
            guard let ids = batches[peer] else { continue }
            for start in stride(from: 0, to: ids.count, by: Message.idsMax) {
                let batch = Array(ids[start..<min(start + Message.idsMax, ids.count)])
                // Paced like a bulk stream's acknowledgements: the asks of a fetch are its
                // window, not gossip, and go only to a proven peer. A send refused anyway
                // leaves its blocks unasked, not waiting out a timeout.
                guard send(.blockRequest(batch), to: .peer(peer), at: now, paced: true) else {
                    for id in batch {
                        blockFetch.wanted[id]?.askedAt = nil
                        blockFetch.wanted[id]?.attempts -= 1
                    }
                    continue
                }
            }
        }
    }

    /// Whom to ask for a block: its attachment's sources in turn, then any proven peer.
    private func source(for want: WantedBlock) -> PeerAddress? {
        let known = (blockFetch.fetches[want.root]?.sources ?? []).filter { peers[$0]?.proven == true }
        let others = peers.keys.sorted().filter { peers[$0]?.proven == true && !known.contains($0) }
        let candidates = known + others
        guard !candidates.isEmpty else { return nil }
        return candidates[want.attempts % candidates.count]
    }

    /// A peer asks for blocks: it gets those held, one datagram each, if it proved its address.
    mutating func handleBlockRequest(_ ids: [ContentID], from source: PeerAddress, at now: Instant) {
        guard let blocks, peers[source]?.proven == true else { return }
        if blockFetch.serveBudgets[source] == nil {
            if blockFetch.serveBudgets.count >= BlockFetchState.serveBudgetsMax { blockFetch.serveBudgets.removeAll() }
            blockFetch.serveBudgets[source] = TokenBucket(ratePerSecond: BlockFetchState.serveBytesPerSecond, now: now)
        }
        var served: Set<ContentID> = []
        for id in ids where served.insert(id).inserted {
            guard let bytes = blocks.block(id), blockFetch.serveBudgets[source]?.take(bytes.count, now: now) == true else { continue }
            send(.blockData(bytes), to: .peer(source), at: now, paced: true)
        }
    }

    /// A block arrived: kept only if wanted (its hash names a block a checked parent lists).
    mutating func handleBlockData(_ bytes: [UInt8], from source: PeerAddress, at now: Instant) {
        guard let blocks else { return }
        let id = ContentID(hashing: bytes)
        guard let want = blockFetch.wanted.removeValue(forKey: id) else {
            // Not asked for: a repeat of one held, or a peer sending junk (counted against it).
            if blocks.contains(id) {
                counters.duplicateBlocks += 1
            } else {
                peers[source]?.rejectedDatagrams += 1
                counters.rejectedBlocks += 1
            }
            return
        }
        counters.blocksStored += 1
        if let asked = want.askedAt, want.attempts == 1, want.askedOf == source {
            let sample = min(now - asked, BlockFetchState.answerTimeMax)
            blockFetch.answerTime = blockFetch.answerTime.map { TimeSpan(microseconds: ($0.microseconds * 7 + sample.microseconds) / 8) } ?? sample
        }
        blockFetch.fetches[want.root]?.wanted -= 1
        if let index = blockFetch.fetches[want.root]?.sources.firstIndex(of: source), index > 0 {
            // It answered: ask it first next time.
            blockFetch.fetches[want.root]?.sources.swapAt(0, index)
        } else if blockFetch.fetches[want.root]?.sources.contains(source) == false {
            blockFetch.fetches[want.root]?.sources.insert(source, at: 0)
        }
        do {
            try blocks.put(id, bytes)
        } catch {
            giveUp(want.root)
            return
        }
        if (blockFetch.fetches[want.root]?.wanted ?? 0) < BlockFetchState.refillBelow { refill(want.root, in: blocks) }
        askForBlocks(at: now)
    }

    /// When the next block ask times out. Blocks not asked yet (no proven peer to ask) wait
    /// for the next tick that has one, rather than making every moment a deadline.
    var blockDeadline: Instant? {
        var deadline: Instant?
        for want in blockFetch.wanted.values {
            guard let asked = want.askedAt else { continue }
            let due = asked + blockFetch.timeout * Int64(max(1, want.attempts))
            deadline = deadline.map { min($0, due) } ?? due
        }
        return deadline
    }

    /// Attachments being fetched, and blocks wanted (for status and tests).
    public var attachmentFetchCount: Int { blockFetch.fetches.count }
    public var wantedBlockCount: Int { blockFetch.wanted.count }
}
