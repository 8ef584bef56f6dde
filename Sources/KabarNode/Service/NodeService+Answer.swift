import Kabar
import KabarPlatform

/// The replies to one request, pulled one at a time so a big listing never sits in memory as
/// text: the control server takes the next reply only when the client has read the last ones.
public struct ReplyStream: IteratorProtocol, Sendable {
    private var bulletins: ArraySlice<(Bulletin, String?)>
    private var final: ControlReply?

    /// `bulletins` (each with its role) then `final`.
    public init(bulletins: [(Bulletin, String?)] = [], final: ControlReply) {
        self.bulletins = bulletins[...]
        self.final = final
    }

    public mutating func next() -> ControlReply? {
        if let (bulletin, role) = bulletins.popFirst() { return .bulletin(bulletin, role: role) }
        defer { final = nil }
        return final
    }
}

/// How the service answers a request.
public enum ControlAnswer: Sendable {
    /// These replies, in order.
    case replies(ReplyStream)
    /// `watch`: a `done` now, then every event until the client leaves.
    case subscribe
}

extension NodeService {
    /// Answers `request`. Never throws: a failure is the last reply.
    public func answer(_ request: ControlRequest) -> ControlAnswer {
        if case .watch = request {
            guard host.isRunning else { return .replies(ReplyStream(final: .failure(noNodeRunning()))) }
            return .subscribe
        }
        do {
            return .replies(try perform(request))
        } catch {
            return .replies(ReplyStream(final: .failure(error)))
        }
    }

    private func perform(_ request: ControlRequest) throws(ServiceError) -> ReplyStream {
        var result = ControlResult()
        switch request {
        case .post(let parameters): result.id = try post(parameters).id.hex
        case .reply(let parameters): result.id = try reply(parameters).id.hex
        case .edit(let parameters): result.id = try edit(parameters).id.hex
        case .retract(let parameters), .hide(let parameters):
            var isHide = false
            if case .hide = request { isHide = true }
            let (bulletin, removed) = try withdraw(parameters, hide: isHide)
            result.id = bulletin.id.hex
            result.removed = removed.map(\.hex)
        case .grant(let parameters): result.id = try grant(parameters).id.hex
        case .list(let parameters), .search(let parameters):
            let bulletins = try list(parameters)
            result.count = bulletins.count
            return ReplyStream(bulletins: bulletins.map { ($0, nil) }, final: .done(result))
        case .show(let parameters):
            let (bulletin, replies) = try thread(parameters)
            result.count = 1 + replies.count
            describeOffice(bulletin, replies: replies, into: &result)
            return ReplyStream(bulletins: [(bulletin, nil)] + replies.map { ($0, "reply") }, final: .done(result))
        case .export(let parameters):
            result.count = try export(parameters)
            result.path = parameters.path
        case .importBundle(let parameters):
            result.imported = ImportSummary(try importBundle(parameters))
            result.path = parameters.path
        case .authority(let parameters): result = try authority(parameters)
        case .block(let parameters): result = try block(parameters)
        case .known(let parameters): result = try known(parameters)
        case .vouch(let parameters): result.id = try vouch(parameters).id.hex
        case .status: result = status()
        case .peers:
            guard host.isRunning else { throw noNodeRunning() }
            result.peers = host.currentPeers()
        case .sync:
            guard host.isRunning else { throw noNodeRunning() }
            result.count = host.withNode { node, now in (node.peerList.count, node.syncNow(at: now)) }
        case .channels:
            let held = StoreStatus(counting: store, diskBytes: nil, quotaBytes: nil).byChannel
            result.channels = settings.channels.sortedRules.map { ChannelRecord($0, held: held[$0.name] ?? 0) }
        case .reload:
            guard let reloader else { throw noNodeRunning() }
            result.changes = try reloader().map(LocalizedText.init)
        case .watch: break
        case .attachments(let parameters): result.attachments = try attachmentInfo(parameters)
        case .attachmentGet(let parameters):
            result.count = try getAttachment(parameters)
            result.path = parameters.path
        case .pending:
            let pending = try pendingWebPosts()
            result.count = pending.count
            return ReplyStream(bulletins: pending.map { ($0.bulletin, "pending \($0.number)") }, final: .done(result))
        case .approve(let parameters): result.id = try approveWebPost(parameters.number).id.hex
        case .reject(let parameters): result.id = try rejectWebPost(parameters.number).id.hex
        case .reach(let parameters): result.reach = try reach(parameters)
        case .halls:
            result.halls = halls()
            result.count = result.halls?.count
        }
        return ReplyStream(final: .done(result))
    }

    /// `status`: the daemon's, or the store's alone when no node runs.
    func status() -> ControlResult {
        var result = ControlResult()
        if let status = host.currentStatus() {
            result.status = status
        } else {
            result.store = StoreStatus(counting: store, diskBytes: store.diskBytes, quotaBytes: settings.quotaBytes)
            result.store?.damage = store.recovery.damage.map(LocalizedText.init)
            result.store?.damagedBytes = store.recovery.isClean ? nil : store.recovery.damagedBytes
            result.nodeId = (try? identity())?.author.hex
        }
        return result
    }

    /// What an operation that needs the running node says offline.
    public func noNodeRunning() -> ServiceError { ServiceLink.noNodeRunning(host.data) }
}
