import Kabar
import KabarPlatform

// The authority and block lists in the data folder; a change is installed in the node at once.
extension NodeService {
    /// `authority add|remove|list`.
    func authority(_ parameters: KeyListParameters) throws(ServiceError) -> ControlResult {
        var result = ControlResult()
        switch parameters.action {
        case "list":
            result.authorities = try lists { () throws(TrustListError) in
                try TrustOperations.authorities(settings: settings, data: host.data)
            }
        case "add":
            let key = try Self.key(parameters.key ?? "")
            result.changed = try lists { () throws(TrustListError) in try TrustLists.add(key, to: .authorities, in: host.data) }
            installTrust()
        case "remove":
            let key = try Self.key(parameters.key ?? "")
            let removed = try lists { () throws(TrustListError) in try TrustLists.remove(key, from: .authorities, in: host.data) }
            installTrust()
            if settings.authorities.contains(key) {
                throw .failed(Localized(
                    en: "\(key.short) is named by an 'authority =' line in \(host.data.file(ConfigFile.fileName)); remove that line to stop trusting it",
                    id: "\(key.short) tertulis di baris 'authority =' di \(host.data.file(ConfigFile.fileName)); hapus baris itu agar tidak dipercaya lagi"))
            }
            guard removed else {
                throw .failed(Localized(
                    en: "\(key.short) is not a trusted authority here", id: "\(key.short) bukan otoritas yang dipercaya di sini"))
            }
            result.changed = true
        default: throw Self.unknownAction(parameters.action)
        }
        return result
    }

    /// `known add|remove|list`: a known key is never a stranger here and may vouch; its
    /// bulletins already held leave the strangers' share at once (the rules are installed
    /// again, which books them anew).
    func known(_ parameters: KeyListParameters) throws(ServiceError) -> ControlResult {
        var result = ControlResult()
        switch parameters.action {
        case "list":
            let listed = try lists { () throws(TrustListError) in try TrustLists.load(.known, in: host.data) }
            result.keys = Set(listed + settings.known).sorted().map(\.hex)
        case "add":
            let key = try Self.key(parameters.key ?? "")
            result.changed = try lists { () throws(TrustListError) in try TrustLists.add(key, to: .known, in: host.data) }
            installTrust()
        case "remove":
            let key = try Self.key(parameters.key ?? "")
            let removed = try lists { () throws(TrustListError) in try TrustLists.remove(key, from: .known, in: host.data) }
            installTrust()
            if settings.known.contains(key) {
                throw .failed(Localized(
                    en: "\(key.short) is named by a 'known =' line in \(host.data.file(ConfigFile.fileName)); remove that line too",
                    id: "\(key.short) tertulis di baris 'known =' di \(host.data.file(ConfigFile.fileName)); hapus juga baris itu"))
            }
            guard removed else { throw .failed(Localized(en: "\(key.short) is not known here", id: "\(key.short) tidak dikenal di sini")) }
            result.changed = true
        default: throw Self.unknownAction(parameters.action)
        }
        return result
    }

    /// `block add|remove|list`: a blocked key's bulletins are dropped at once, with tombstones.
    func block(_ parameters: KeyListParameters) throws(ServiceError) -> ControlResult {
        var result = ControlResult()
        switch parameters.action {
        case "list":
            result.keys = try lists { () throws(TrustListError) in try TrustLists.load(.blocked, in: host.data) }.sorted().map(\.hex)
        case "add":
            let key = try Self.key(parameters.key ?? "")
            result.changed = try lists { () throws(TrustListError) in try TrustLists.add(key, to: .blocked, in: host.data) }
            installTrust()
            let before = store.count
            host.withNode { node, now in
                node.dropBulletins(by: key)
                return ((), node.tick(at: now))
            }
            do { try host.makeDurable() } catch { throw .from(error) }
            result.dropped = max(0, before - store.count)
        case "remove":
            let key = try Self.key(parameters.key ?? "")
            let removed = try lists { () throws(TrustListError) in try TrustLists.remove(key, from: .blocked, in: host.data) }
            installTrust()
            guard removed else { throw .failed(Localized(en: "\(key.short) is not blocked", id: "\(key.short) tidak diblokir")) }
            result.changed = true
        default: throw Self.unknownAction(parameters.action)
        }
        return result
    }

    private func lists<Result>(_ body: () throws(TrustListError) -> Result) throws(ServiceError) -> Result {
        guard (try? FileSystem.status(host.data.path))??.isDirectory == true else {
            throw .failed(Localized(
                en: "no data folder at \(host.data.path); run 'kabar init --data \(host.data.path)' first",
                id: "belum ada folder data di \(host.data.path); jalankan dulu 'kabar init --data \(host.data.path)'"))
        }
        do {
            return try body()
        } catch {
            throw .failed(error.localizedMessage)
        }
    }

    static func unknownAction(_ action: String) -> ServiceError {
        .badRequest("action is add, remove or list, not '\(action.prefix(40))'")
    }
}
