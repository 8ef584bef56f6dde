import Kabar
import KabarPlatform

/// What a reload (`kabar reload`, SIGHUP) may change in a running node, and the words for each
/// change (Documentation/Control.md, "Reload"). Peers, channel rules, quotas, authorities and
/// the log level apply at once, the language to the next command; the UDP port and the network
/// name need a restart, so a reload keeps the running ones and says so.
extension NodeSettings {
    /// The outcome of comparing the running settings with a freshly read file.
    public struct Reload: Sendable, Equatable {
        /// The settings to run with: the new file's, except what needs a restart.
        public var settings: NodeSettings
        /// What changed, one line each, in both languages.
        public var changes: [Localized]
        /// What changed in the file but waits for a restart.
        public var needsRestart: [Localized]
    }

    /// How `fresh` (the file read again, with the command line's flags laid over) differs from
    /// these running settings.
    public func reload(to fresh: NodeSettings) -> Reload {
        var next = fresh
        var changes: [Localized] = []
        var needsRestart: [Localized] = []
        if fresh.port != port {
            needsRestart.append(Localized(
                en: "port \(fresh.port) needs a restart; still on \(port)", id: "port \(fresh.port) perlu dijalankan ulang; masih di \(port)"))
            next.port = port
        }
        if fresh.networkName != networkName {
            needsRestart.append(Localized(
                en: "network '\(fresh.networkName)' needs a restart; still on '\(networkName)'",
                id: "jaringan '\(fresh.networkName)' perlu dijalankan ulang; masih di '\(networkName)'"))
            next.networkName = networkName
        }
        if fresh.web.port != web.port || fresh.web.enabled != web.enabled {
            needsRestart.append(Localized(
                en: "the board's web.port and web.enabled need a restart", id: "web.port dan web.enabled papan perlu dijalankan ulang"))
            next.web.port = web.port
            next.web.enabled = web.enabled
        }
        if fresh.web.posting != web.posting {
            changes.append(Localized(en: "board posting \(fresh.web.posting.rawValue)", id: "kiriman papan \(fresh.web.posting.rawValue)"))
        }
        if fresh.web.portal != web.portal {
            changes.append(Localized(en: "captive portal \(fresh.web.portal ? "on" : "off")", id: "portal tawanan \(fresh.web.portal ? "on" : "off")"))
        }
        if fresh.web.postsPerDay != web.postsPerDay || fresh.web.postsPerPhone != web.postsPerPhone {
            changes.append(Localized(
                en: "board limits: \(fresh.web.postsPerDay) posts a day, \(fresh.web.postsPerPhone) per phone",
                id: "batas papan: \(fresh.web.postsPerDay) kiriman sehari, \(fresh.web.postsPerPhone) per ponsel"))
        }
        let oldPeers = Set(peers), newPeers = Set(fresh.peers)
        for added in fresh.peers where !oldPeers.contains(added) {
            changes.append(Localized(en: "peer \(added) added", id: "peer \(added) ditambahkan"))
        }
        for removed in peers where !newPeers.contains(removed) {
            changes.append(Localized(en: "peer \(removed) removed", id: "peer \(removed) dihapus"))
        }
        changes += Self.channelChanges(from: channels, to: fresh.channels)
        for name in Set(channelQuotas.keys).union(fresh.channelQuotas.keys).sorted() where channelQuotas[name] != fresh.channelQuotas[name] {
            let quota = fresh.channelQuotas[name] ?? Quota.defaultQuota
            changes.append(Localized(
                en: "channel \(name): \(quota.countPerDayMax) posts and \(quota.bytesPerDayMax) bytes a day per author",
                id: "kanal \(name): \(quota.countPerDayMax) kiriman dan \(quota.bytesPerDayMax) byte sehari per penulis"))
        }
        if fresh.attachmentPolicy != attachmentPolicy {
            changes.append(Localized(
                en: "attachment limits, fetch policy or budgets (for attachments not yet fetched)",
                id: "batas, cara ambil atau anggaran lampiran (untuk lampiran yang belum diambil)"))
        }
        if fresh.quotaBytes != quotaBytes {
            changes.append(fresh.quotaBytes.map {
                Localized(en: "store quota \($0) bytes", id: "kuota simpanan \($0) byte")
            } ?? Localized(en: "store quota: none", id: "kuota simpanan: tanpa batas"))
        }
        let oldAuthorities = Set(authorities), newAuthorities = Set(fresh.authorities)
        for added in fresh.authorities where !oldAuthorities.contains(added) {
            changes.append(Localized(en: "authority \(added.short) trusted", id: "otoritas \(added.short) dipercaya"))
        }
        for removed in authorities where !newAuthorities.contains(removed) {
            changes.append(Localized(en: "authority \(removed.short) no longer in kabar.conf", id: "otoritas \(removed.short) tidak lagi di kabar.conf"))
        }
        if fresh.reportSchedule != reportSchedule || fresh.reportWindow != reportWindow || fresh.reportHoldings != reportHoldings {
            let report = fresh.reportSchedule
            changes.append(report.enabled
                ? Localized(
                    en: "hall reports every \(report.interval), \(report.delay) after news, at most \(report.bytesPerDayMax) bytes a day",
                    id: "laporan balai tiap \(report.interval), \(report.delay) setelah kabar baru, paling banyak \(report.bytesPerDayMax) byte sehari")
                : Localized(en: "hall reports off", id: "laporan balai mati"))
        }
        if fresh.logLevel != logLevel {
            changes.append(Localized(en: "log level \(fresh.logLevel)", id: "tingkat log \(fresh.logLevel)"))
        }
        if fresh.language != language {
            let name = fresh.language?.rawValue ?? "auto"
            changes.append(Localized(
                en: "language \(name) (for commands and the next REPL)", id: "bahasa \(name) (untuk perintah dan REPL berikutnya)"))
        }
        return Reload(settings: next, changes: changes, needsRestart: needsRestart)
    }

    private static func days(_ span: TimeSpan) -> Int64 { span.milliseconds / 86_400_000 }

    private static func channelChanges(from old: ChannelRules, to new: ChannelRules) -> [Localized] {
        var changes: [Localized] = []
        let names = Set(old.rules.keys).union(new.rules.keys).sorted()
        for name in names where old.rules[name] != new.rules[name] {
            let rule = new.rule(for: name)
            let access = rule.access.rawValue
            changes.append(Localized(
                en: "channel \(name): \(access), \(days(rule.defaultLifetime)) days (at most \(days(rule.maximumLifetime)))",
                id: "kanal \(name): \(access), \(days(rule.defaultLifetime)) hari (paling lama \(days(rule.maximumLifetime)))"))
        }
        if old.fallback != new.fallback {
            changes.append(Localized(en: "the rule for other channels changed", id: "aturan untuk kanal lain berubah"))
        }
        return changes
    }
}
