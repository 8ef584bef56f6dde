/// One attachment block the node wants.
struct WantedBlock: Sendable {
    /// The attachment (its manifest's id) the block belongs to.
    var root: ContentID
    /// When it was last asked for, and of whom; nil: not asked yet (or its ask was lost).
    var askedAt: Instant?
    var askedOf: PeerAddress?
    /// The ask's place in the order asks went to `askedOf` (`BlockPath`).
    var sequence: UInt32 = 0
    /// It led its request: only such a block's round trip is sampled (the others also wait
    /// for the blocks before them in the same request).
    var ledRequest = false
    var attempts = 0
    /// Peers that answered they do not hold it (`blockMissing`) since its last round of asks.
    var lackedBy: [PeerAddress] = []
    /// When it was first asked for.
    var firstAskedAt: Instant?
}

/// The fetch's view of one peer it asks for blocks: a receiver-driven stream. The asks are
/// its window, the blocks its acknowledgements, and the same congestion control as a bulk
/// stream's (`TransferCongestion`, Documentation/Transfer.md "Pacing") sizes the window: it
/// grows while the round trip shows no queue and shrinks when it does, so a fetch fills a
/// 5 Mbit/s link without overflowing its queue, and a lost block costs one more ask.
struct BlockPath: Sendable {
    var congestion: TransferCongestion
    /// Numbers the asks to this peer, in the order sent.
    var nextSequence: UInt32 = 0
    /// Asks not yet answered or judged lost, oldest first: a peer serves in order, so a block
    /// that arrives shows blocks asked well before it lost.
    var asked: [(sequence: UInt32, id: ContentID, at: Instant)] = []
    /// How much earlier than a block that came another must have been asked to be judged lost
    /// (RACK's reordering window, RFC 8985): Wi-Fi and the simulator's jitter reorder datagrams
    /// by a millisecond or so. Doubled by each block that comes twice, up to the round trip.
    var reorderWindow = TimeSpan.milliseconds(1)

    /// The reordering window now: at least the smoothed round trip. Two requests sent together
    /// may arrive swapped, and then a whole request's blocks come late (half a round trip still
    /// fetched 40 blocks twice in the simulator's resume test); waiting one round trip more
    /// before asking again costs little next to a timeout.
    var reorderAllowance: TimeSpan { max(reorderWindow, congestion.smoothedRoundTrip ?? .zero) }

    /// A block came twice: a loss was judged too early, so wait longer before the next.
    mutating func noteSpuriousLoss() {
        reorderWindow = min(reorderWindow * 2, max(congestion.smoothedRoundTrip ?? .milliseconds(8), .milliseconds(1)))
    }
}

/// An attachment the node is fetching.
struct AttachmentFetch: Sendable {
    /// Peers that may hold it: the one the post came from first.
    var sources: [PeerAddress]
    /// Blocks of it wanted now.
    var wanted = 0
    /// The channel of the post that named it: its size limit, fetch policy and budget.
    var channel: String
    /// Someone opened it (`fetchAttachment`): fetched whatever the channel's policy says.
    var demanded = false
}

/// An attachment named by a post that waits for a free fetch slot.
struct DeferredFetch: Sendable {
    var root: ContentID
    var channel: String
    var source: PeerAddress?
    var demanded: Bool
}

/// What the node fetches of attachments (Documentation/Attachments.md, "Transfer").
struct BlockFetchState: Sendable {
    var wanted: [ContentID: WantedBlock] = [:]
    var fetches: [ContentID: AttachmentFetch] = [:]
    /// Attachments waiting for a fetch slot, oldest first.
    var deferred: [DeferredFetch] = []
    /// Each peer asked, while blocks are wanted (then forgotten: a new fetch starts slow).
    var paths: [PeerAddress: BlockPath] = [:]
    /// Blocks that were asked for when their attachment was given up: their late arrival is no
    /// fault of the sender's. Oldest first in `abandonedOrder`, which bounds them.
    var abandoned: Set<ContentID> = []
    var abandonedOrder: [ContentID] = []
    /// Per peer, what it may have served to it: a peer ignoring the window (asking the same
    /// blocks over and over) gets at most this rate, an honest fetch never notices.
    var serveBudgets: [PeerAddress: TokenBucket] = [:]
    static let serveBytesPerSecond = 16_000_000
    static let serveBudgetsMax = 256

    /// When an ask of `want` is due again: a first ask after its peer's retransmission
    /// timeout (or at once, once judged lost); a later one no sooner than `askTimeout` times
    /// its attempts, since a peer may simply not hold the block.
    func due(_ want: WantedBlock) -> Instant? {
        guard let asked = want.askedAt else { return nil }
        let timeout = max(want.askedOf.flatMap { paths[$0]?.congestion.retransmissionTimeout } ?? Self.askTimeout, Self.firstAskTimeoutMin)
        return asked + (want.attempts <= 1 ? timeout : max(timeout, Self.askTimeout * Int64(want.attempts)))
    }

    /// Blocks wanted at once, at most; attachments fetched at once, at most; attachments
    /// waiting for a slot, at most (more wait for the keeper's next pass).
    static let wantedMax = 4_096
    static let fetchesMax = 64
    static let deferredMax = 1_024
    /// Blocks asked for and not yet come, at most, whatever the peers' windows (512 KiB).
    static let inFlightMax = 512
    /// A block asked again waits at least this long times its attempts before the next ask.
    static let askTimeout = TimeSpan.milliseconds(500)
    /// An ask times out no sooner than this (Linux TCP's minimum retransmission timeout):
    /// losses are found sooner by order (RACK), and a node busy with its cores full reads its
    /// answers late; a timeout that fires early fetches the block twice.
    static let firstAskTimeoutMin = TimeSpan.milliseconds(200)
    /// A request carries at least this many ids (or a quarter of the window) unless nothing is
    /// in flight to its peer: asks one by one would cost a datagram per block.
    static let requestIDsMin = 8
    /// Peers remembered per block as lacking it, at most.
    static let lackedByMax = 8
    /// Asks per block, and time since its first, before the attachment is given up (until the
    /// keeper's next pass): both, so a burst of quick losses (asks dropped on one path while
    /// another answers) does not end a fetch that is still making progress.
    static let attemptsMax = 8
    static let giveUpAfter = TimeSpan.seconds(60)
    /// A fetch refills its wanted blocks from the tree when fewer than this remain.
    static let refillBelow = 64
    /// Abandoned ids remembered, at most.
    static let abandonedMax = 4_096
    /// A peer that sent this many bad blocks (less its good ones) is asked last and served at
    /// a sixteenth of the rate; at `ignoreAfterBadBlocks` it is ignored for `ignoreFor`.
    static let slowAfterBadBlocks = 16
    static let ignoreAfterBadBlocks = 64
    static let slowServeFactor = 16
    static let ignoreFor = TimeSpan.minutes(10)
}

// Attachment blocks: a post's attachments are fetched block by block, each checked against
// its hash and its place in the tree, from the peer the post came from and then any other.
extension Node {
    /// A stored post lists attachments: fetch the manifests of those not held, and the rest as
    /// the channel's policy says once each manifest gives the size.
    mutating func noteAttachments(of bulletin: Bulletin, from source: PeerAddress?, at now: Instant) {
        guard blocks != nil, !bulletin.content.attachments.isEmpty else { return }
        for root in bulletin.content.attachments {
            startFetch(root, channel: bulletin.channel, from: source, demanded: false)
        }
        askForBlocks(at: now)
    }

    /// Someone opened an attachment (the board, `kabar attachment get`): fetch it whatever the
    /// channel's policy, within its size limit, ahead of every fetch waiting for a slot.
    /// Nothing happens when it is held whole, or too big for its channel here.
    @discardableResult
    public mutating func fetchAttachment(_ root: ContentID, channel: String, at now: Instant) -> [NodeAction] {
        startFetch(root, channel: channel, from: nil, demanded: true)
        askForBlocks(at: now)
        return drain()
    }

    /// The keeper's pass: attachments it keeps that are not whole here (skipped while every
    /// slot was busy, given up, or made room for by dropping older files) are fetched again;
    /// those it dropped for space stop being fetched (their blocks are going).
    public mutating func retryAttachments(
        _ retry: [(root: ContentID, channel: String)], dropping dropped: [ContentID] = [], at now: Instant
    ) -> [NodeAction] {
        let gone = Set(dropped)
        for root in dropped { endFetch(root) }
        blockFetch.deferred.removeAll { gone.contains($0.root) }
        for item in retry { startFetch(item.root, channel: item.channel, from: nil, demanded: false) }
        askForBlocks(at: now)
        return drain()
    }

    private mutating func startFetch(_ root: ContentID, channel: String, from source: PeerAddress?, demanded: Bool) {
        guard let blocks else { return }
        if var fetch = blockFetch.fetches[root] {
            if let source, !fetch.sources.contains(source) { fetch.sources.append(source) }
            if demanded && !fetch.demanded {
                fetch.demanded = true
                blockFetch.fetches[root] = fetch
                refill(root, in: blocks)
            } else {
                blockFetch.fetches[root] = fetch
            }
            return
        }
        guard !isComplete(root, in: blocks) else { return }
        if demanded, let index = blockFetch.deferred.firstIndex(where: { $0.root == root }) { blockFetch.deferred.remove(at: index) }
        guard blockFetch.fetches.count < BlockFetchState.fetchesMax else {
            // Every slot is taken: it waits its turn, one someone opened first (past the bound,
            // it waits for the keeper's next pass).
            guard !blockFetch.deferred.contains(where: { $0.root == root }) else { return }
            // In Transfer.md's order: what someone opened, then official channels' files, then
            // community ones; in each, as they came (a sync sends the newest first).
            let waiting = DeferredFetch(root: root, channel: channel, source: source, demanded: demanded)
            let rank = waitingRank(waiting)
            let place = blockFetch.deferred.firstIndex { waitingRank($0) < rank } ?? blockFetch.deferred.count
            guard place < BlockFetchState.deferredMax else { return }
            blockFetch.deferred.insert(waiting, at: place)
            if blockFetch.deferred.count > BlockFetchState.deferredMax { blockFetch.deferred.removeLast() }
            return
        }
        blockFetch.fetches[root] = AttachmentFetch(sources: source.map { [$0] } ?? [], channel: channel, demanded: demanded)
        refill(root, in: blocks)
    }

    /// A fetch's place in line, waiting or asking: opened 2, official 1, community 0.
    private func waitingRank(_ waiting: DeferredFetch) -> Int {
        if waiting.demanded { return 2 }
        return configuration.policy.channels.rule(for: waiting.channel).access == .community ? 0 : 1
    }

    private func isComplete(_ root: ContentID, in blocks: any AttachmentBlockStorage) -> Bool {
        guard let manifest = blocks.block(root).flatMap({ try? AttachmentManifest.decode($0) }),
            let walk = try? AttachmentTree.walk(manifest, assemble: false, missingMax: 1, block: blocks.block, contains: blocks.contains)
        else { return false }
        return walk.missing.isEmpty && walk.have == manifest.size
    }

    /// Whether the policy lets the rest of an attachment come now that its manifest says its
    /// size: within the channel's size limit, and opened, or eager (or small) while the blocks
    /// are under the disk's hard ceiling. Budgets are the keeper's: a new file comes at once and
    /// the keeper's next pass (soon after, `NodeService`) drops older ones to make room, so the
    /// newest files win and an official file displaces community ones.
    private func mayFetchBody(of manifest: AttachmentManifest, _ fetch: AttachmentFetch) -> Bool {
        let policy = configuration.attachments
        guard manifest.size <= policy.sizeMax(for: fetch.channel) else { return false }
        if fetch.demanded { return true }
        return policy.fetchesEagerly(size: manifest.size, on: fetch.channel) && (blocks?.byteCount ?? 0) < policy.storeBytesCeiling
    }

    /// Adds the next missing blocks of `root` to the wanted set; ends the fetch when it is
    /// whole, when the policy keeps its body for later, or when its tree breaks its shape (a
    /// lying manifest or index block).
    private mutating func refill(_ root: ContentID, in blocks: any AttachmentBlockStorage) {
        guard let fetch = blockFetch.fetches[root] else { return }
        var missing: [ContentID]
        if let bytes = blocks.block(root) {
            do {
                let manifest = try AttachmentManifest.decode(bytes)
                // Too big for this channel here, or not wanted yet: the manifest names it
                // (`show` says its name and size), its body waits until someone opens it.
                guard mayFetchBody(of: manifest, fetch) else {
                    endFetch(root)
                    return
                }
                missing = try AttachmentTree.walk(
                    manifest, assemble: false, missingMax: BlockFetchState.refillBelow * 4, block: blocks.block, contains: blocks.contains
                ).missing
            } catch {
                endFetch(root)
                return
            }
            if missing.isEmpty && fetch.wanted == 0 {
                endFetch(root)
                emit(.attachmentStored(root))
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

    /// Ends a fetch (whole, kept for later, or given up); `askForBlocks` starts the next one
    /// waiting.
    private mutating func endFetch(_ root: ContentID) {
        guard blockFetch.fetches.removeValue(forKey: root) != nil else { return }
        for (id, want) in blockFetch.wanted where want.root == root {
            blockFetch.wanted[id] = nil
            // Asked at some time (its ask may have been judged lost since): a late answer is
            // not the sender's fault.
            guard want.firstAskedAt != nil, blockFetch.abandoned.insert(id).inserted else { continue }
            blockFetch.abandonedOrder.append(id)
            if blockFetch.abandonedOrder.count > BlockFetchState.abandonedMax {
                let oldest = blockFetch.abandonedOrder.count - BlockFetchState.abandonedMax
                for old in blockFetch.abandonedOrder.prefix(oldest) { blockFetch.abandoned.remove(old) }
                blockFetch.abandonedOrder.removeFirst(oldest)
            }
        }
    }

    /// Starts attachments waiting for a slot while slots are free (a loop here, not a call
    /// from `endFetch`, so ending many fetches never nests).
    private mutating func startWaitingFetches() {
        while blockFetch.fetches.count < BlockFetchState.fetchesMax, !blockFetch.deferred.isEmpty {
            let next = blockFetch.deferred.removeFirst()
            startFetch(next.root, channel: next.channel, from: next.source, demanded: next.demanded)
        }
    }

    /// Asks for wanted blocks not asked for (or whose ask timed out or was lost), each peer
    /// within its congestion window and all within `inFlightMax`, in requests of at most 32 ids.
    mutating func askForBlocks(at now: Instant) {
        guard let blocks else { return }
        // A fetch left with nothing wanted (its blocks wanted under another attachment that
        // shares them, or the wanted set was full) is refilled here, or it would hold its slot
        // for good.
        startWaitingFetches()
        for root in blockFetch.fetches.keys.sorted() where blockFetch.fetches[root]?.wanted == 0 { refill(root, in: blocks) }
        startWaitingFetches()
        guard !blockFetch.wanted.isEmpty else {
            blockFetch.paths.removeAll()
            return
        }
        // A peer that left takes its path along.
        if blockFetch.paths.keys.contains(where: { peers[$0] == nil }) { blockFetch.paths = blockFetch.paths.filter { peers[$0.key] != nil } }
        var inFlight: [PeerAddress: Int] = [:]
        var timedOut: Set<PeerAddress> = []
        var due: [ContentID] = []
        for (id, want) in blockFetch.wanted {
            if let deadline = blockFetch.due(want), now < deadline {
                if let peer = want.askedOf { inFlight[peer, default: 0] += 1 }
            } else {
                if want.askedAt != nil, let peer = want.askedOf { timedOut.insert(peer) }
                due.append(id)
            }
        }
        for peer in timedOut.sorted() {
            guard var path = blockFetch.paths[peer] else { continue }
            path.congestion.onTimeout(nextSeq: path.nextSequence)
            blockFetch.paths[peer] = path
        }
        // Blocks of the files that matter most are asked first (Transfer.md's order: opened,
        // official, community), then by id.
        // Runs at every block that comes: the ranks are looked up once per id, and only when
        // the fetches under way differ in rank at all.
        var ranks: [ContentID: Int] = [:]
        for (root, fetch) in blockFetch.fetches {
            ranks[root] = waitingRank(DeferredFetch(root: root, channel: fetch.channel, source: nil, demanded: fetch.demanded))
        }
        if Set(ranks.values).count > 1 {
            var ranked: [(rank: Int, id: ContentID)] = []
            ranked.reserveCapacity(due.count)
            for id in due {
                let root = blockFetch.wanted[id]?.root
                ranked.append((root.flatMap { ranks[$0] } ?? 0, id))
            }
            ranked.sort { $0.rank != $1.rank ? $0.rank > $1.rank : $0.id < $1.id }
            due = ranked.map(\.id)
        } else {
            due.sort()
        }
        var total = inFlight.values.reduce(0, +)
        // Per call, not per block: whom each attachment may be asked of, and which peers are
        // asked only when no other is left (they sent bad blocks, or their asks timed out twice
        // running).
        var candidatesByRoot: [ContentID: [PeerAddress]] = [:]
        var struggling: Set<PeerAddress> = []
        for (address, peer) in peers where peer.badBlocks >= BlockFetchState.slowAfterBadBlocks { struggling.insert(address) }
        for (address, path) in blockFetch.paths where path.congestion.backoff >= 2 { struggling.insert(address) }
        var batches: [PeerAddress: [ContentID]] = [:]
        for id in due {
            guard var want = blockFetch.wanted[id] else { continue }
            if want.attempts >= BlockFetchState.attemptsMax, let first = want.firstAskedAt, now - first >= BlockFetchState.giveUpAfter {
                endFetch(want.root)
                continue
            }
            // Not asked this round (every window is full, or no proven peer is left): it waits
            // unasked, so its old ask time does not make every moment a deadline.
            want.askedAt = nil
            blockFetch.wanted[id] = want
            guard total < BlockFetchState.inFlightMax else { continue }
            let candidates: [PeerAddress]
            if let known = candidatesByRoot[want.root] {
                candidates = known
            } else {
                candidates = sources(for: want.root, at: now)
                candidatesByRoot[want.root] = candidates
            }
            guard !candidates.isEmpty else { continue }
            let fresh = candidates.filter { !want.lackedBy.contains($0) }
            let healthy = fresh.filter { !struggling.contains($0) }
            guard !fresh.isEmpty else {
                // Every peer said it lacks the block (they may be fetching it themselves): a
                // round of asks spent; ask again after `askTimeout` times the attempts.
                want.attempts += 1
                want.askedAt = now
                want.askedOf = nil
                want.lackedBy = []
                blockFetch.wanted[id] = want
                continue
            }
            let pool = healthy.isEmpty ? fresh : healthy
            let peer = pool[want.attempts % pool.count]
            let path = blockFetch.paths[peer] ?? BlockPath(congestion: TransferCongestion(roundTrip: peers[peer]?.roundTrip))
            blockFetch.paths[peer] = path
            guard Int(path.congestion.window) > inFlight[peer, default: 0] else { continue }
            inFlight[peer, default: 0] += 1
            total += 1
            batches[peer, default: []].append(id)
        }
        for peer in batches.keys.sorted() {
            guard let ids = batches[peer], var path = blockFetch.paths[peer] else { continue }
            // A few ids at a time would cost a request datagram per block: wait for a quarter
            // of the window to open, unless nothing is in flight to this peer at all.
            let alreadyInFlight = inFlight[peer, default: 0] - ids.count
            guard alreadyInFlight == 0 || ids.count >= min(BlockFetchState.requestIDsMin, max(1, Int(path.congestion.window) / 4)) else { continue }
            if path.asked.count > 2 * BlockFetchState.inFlightMax {
                path.asked = path.asked.filter { entry in
                    blockFetch.wanted[entry.id].map { $0.askedOf == peer && $0.sequence == entry.sequence && $0.askedAt != nil } ?? false
                }
            }
            for start in stride(from: 0, to: ids.count, by: Message.idsMax) {
                let batch = Array(ids[start..<min(start + Message.idsMax, ids.count)])
                // Paced by the window, not the per-peer gossip budget: the asks of a fetch are
                // its acknowledgements, and go only to a proven peer. A send refused anyway
                // leaves its blocks unasked.
                guard send(.blockRequest(batch), to: .peer(peer), at: now, paced: true) else { continue }
                for (offset, id) in batch.enumerated() {
                    guard var want = blockFetch.wanted[id] else { continue }
                    want.attempts += 1
                    want.askedAt = now
                    want.askedOf = peer
                    if want.firstAskedAt == nil { want.firstAskedAt = now }
                    want.sequence = path.nextSequence
                    want.ledRequest = offset == 0
                    path.nextSequence &+= 1
                    path.asked.append((want.sequence, id, now))
                    blockFetch.wanted[id] = want
                }
            }
            blockFetch.paths[peer] = path
        }
    }

    /// Whom to ask for a block of `root`, in turn: its attachment's sources, then any proven
    /// peer; one ignored for bad blocks never.
    private func sources(for root: ContentID, at now: Instant) -> [PeerAddress] {
        let known = blockFetch.fetches[root]?.sources ?? []
        var candidates = known + peers.keys.sorted().filter { !known.contains($0) }
        candidates = candidates.filter { address in
            guard let peer = peers[address], peer.proven else { return false }
            return peer.blocksIgnoredUntil.map { now >= $0 } ?? true
        }
        return candidates
    }

    /// True while `source` is ignored for sending bad blocks (the pause ends by itself).
    private mutating func isIgnoringBlocks(from source: PeerAddress, at now: Instant) -> Bool {
        guard let until = peers[source]?.blocksIgnoredUntil else { return false }
        if now < until { return true }
        peers[source]?.blocksIgnoredUntil = nil
        return false
    }

    /// A peer sent a block nobody asked for that is not held: junk or tampered. Counted
    /// against it; enough of them and it is ignored for a while.
    private mutating func noteBadBlock(from source: PeerAddress, at now: Instant) {
        counters.rejectedBlocks += 1
        guard var peer = peers[source] else { return }
        peer.rejectedDatagrams += 1
        peer.badBlocks += 1
        if peer.badBlocks >= BlockFetchState.ignoreAfterBadBlocks {
            // It comes back slowed, and must earn its way out with good blocks.
            peer.badBlocks = BlockFetchState.slowAfterBadBlocks
            peer.blocksIgnoredUntil = now + BlockFetchState.ignoreFor
            counters.blockPeersIgnored += 1
        }
        peers[source] = peer
    }

    /// A peer asks for blocks: it gets those held, one datagram each, if it proved its address
    /// (and is not ignored; one that sent bad blocks gets a sixteenth of the rate).
    mutating func handleBlockRequest(_ ids: [ContentID], from source: PeerAddress, at now: Instant) {
        guard let blocks, let peer = peers[source], peer.proven, !isIgnoringBlocks(from: source, at: now) else { return }
        if blockFetch.serveBudgets[source] == nil {
            if blockFetch.serveBudgets.count >= BlockFetchState.serveBudgetsMax { blockFetch.serveBudgets.removeAll() }
            blockFetch.serveBudgets[source] = TokenBucket(ratePerSecond: BlockFetchState.serveBytesPerSecond, now: now)
        }
        let cost = peer.badBlocks >= BlockFetchState.slowAfterBadBlocks ? BlockFetchState.slowServeFactor : 1
        var served: Set<ContentID> = []
        var missing: [ContentID] = []
        for id in ids where served.insert(id).inserted {
            guard let bytes = blocks.block(id), blockFetch.serveBudgets[source]?.take(bytes.count * cost, now: now) == true else {
                missing.append(id)
                continue
            }
            send(.blockData(bytes), to: .peer(source), at: now, paced: true)
        }
        // Said at once, so the asker turns to another peer instead of waiting out a timeout.
        if !missing.isEmpty { send(.blockMissing(missing), to: .peer(source), at: now, paced: true) }
    }

    /// A peer says it will not send blocks we asked of it: ask them of another peer now.
    mutating func handleBlockMissing(_ ids: [ContentID], from source: PeerAddress, at now: Instant) {
        guard blocks != nil, peers[source]?.proven == true, !isIgnoringBlocks(from: source, at: now) else { return }
        var changed = false
        for id in ids {
            guard var want = blockFetch.wanted[id], want.askedOf == source, want.askedAt != nil else { continue }
            want.askedAt = nil
            if want.lackedBy.count < BlockFetchState.lackedByMax { want.lackedBy.append(source) }
            blockFetch.wanted[id] = want
            changed = true
        }
        if changed { askForBlocks(at: now) }
    }

    /// A block arrived: kept only if wanted (its hash names a block a checked parent lists).
    /// Blocks are asked only of proven peers, so one from any other address is junk: counted
    /// and dropped unread.
    mutating func handleBlockData(_ bytes: [UInt8], from source: PeerAddress, at now: Instant) {
        guard let blocks, !isIgnoringBlocks(from: source, at: now) else { return }
        guard peers[source]?.proven == true else {
            counters.rejectedBlocks += 1
            peers[source]?.rejectedDatagrams += 1
            return
        }
        let id = ContentID(hashing: bytes)
        guard let want = blockFetch.wanted.removeValue(forKey: id) else {
            // Not asked for: a repeat of one held (or of one abandoned), or a peer sending junk.
            if blocks.contains(id) || blockFetch.abandoned.contains(id) {
                counters.duplicateBlocks += 1
                blockFetch.paths[source]?.noteSpuriousLoss()
            } else {
                noteBadBlock(from: source, at: now)
            }
            return
        }
        counters.blocksStored += 1
        if let bad = peers[source]?.badBlocks, bad > 0 { peers[source]?.badBlocks = bad - 1 }
        if want.askedOf == source, want.askedAt != nil { noteAnswer(want, from: source, at: now) }
        guard var fetch = blockFetch.fetches[want.root] else { return }
        fetch.wanted -= 1
        if let index = fetch.sources.firstIndex(of: source) {
            // It answered: ask it first next time.
            if index > 0 { fetch.sources.swapAt(0, index) }
        } else {
            fetch.sources.insert(source, at: 0)
        }
        blockFetch.fetches[want.root] = fetch
        do {
            try blocks.put(id, bytes)
        } catch {
            endFetch(want.root)
            return
        }
        if fetch.wanted < BlockFetchState.refillBelow { refill(want.root, in: blocks) }
        askForBlocks(at: now)
    }

    /// A block asked of `peer` came: the window grows (by its round trip, if it led its
    /// request and was asked once), and asks sent more than the reordering window before it
    /// and neither answered nor refused (`blockMissing`) are lost (RACK, RFC 8985): asked again
    /// at once, and the window shrinks once for the loss event.
    private mutating func noteAnswer(_ want: WantedBlock, from peer: PeerAddress, at now: Instant) {
        guard var path = blockFetch.paths[peer], let askedAt = want.askedAt else { return }
        let roundTrip = now - askedAt
        path.congestion.onAcknowledged(1, sample: want.attempts == 1 && want.ledRequest ? roundTrip : nil)
        let allowance = path.reorderAllowance
        var passed = 0
        // The queue is in the order asked, so once one entry is too recent, all after it are.
        for entry in path.asked {
            guard entry.at <= askedAt, now - entry.at > roundTrip + allowance else { break }
            passed += 1
            guard let lost = blockFetch.wanted[entry.id], lost.askedAt == entry.at, lost.askedOf == peer, lost.sequence == entry.sequence else { continue }
            path.congestion.onLost(seq: entry.sequence, nextSeq: path.nextSequence)
            blockFetch.wanted[entry.id]?.askedAt = nil
        }
        path.asked.removeFirst(passed)
        blockFetch.paths[peer] = path
    }

    /// When the next block ask times out. Blocks not asked yet (no proven peer to ask) wait
    /// for the next tick that has one, rather than making every moment a deadline.
    var blockDeadline: Instant? {
        var deadline: Instant?
        for want in blockFetch.wanted.values {
            guard let due = blockFetch.due(want) else { continue }
            deadline = deadline.map { min($0, due) } ?? due
        }
        return deadline
    }

    /// Attachments being fetched, and blocks wanted (for status and tests).
    public var attachmentFetchCount: Int { blockFetch.fetches.count }
    public var wantedBlockCount: Int { blockFetch.wanted.count }
}
