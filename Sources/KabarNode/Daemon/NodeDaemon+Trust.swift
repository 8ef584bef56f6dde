import Kabar
import KabarPlatform

// The trust layer in the daemon: the policy installed at start and after every change to the
// authority or block lists, blocks applied at once, and the node's best time for new posts.
extension NodeDaemon {
    /// Reads the trust rules again (the settings it started with, plus the data folder's
    /// authority and block lists) and installs them over the store. A list that cannot be read
    /// is logged and left out, so the node still runs on the config's rules. Returns the error.
    @discardableResult
    public func reloadTrust() -> TrustListError? {
        var rules = TrustRules(
            authorities: Set(settings.authorities), channels: settings.channels, quotas: settings.channelQuotas)
        var problem: TrustListError?
        do {
            rules = try TrustOperations.rules(settings: settings, data: data)
        } catch {
            problem = error
            logger.error("trust lists not used: \(error.localizedMessage.en)")
        }
        withNode { node, now in
            node.installTrust(TrustPolicy(rules: rules), at: now)
            return ((), node.tick(at: now))
        }
        logger.info("trust rules installed: \(rules.authorities.count) authorities, \(rules.blocked.count) blocked keys")
        return problem
    }

    /// After `key` was added to the block list: installs the new rules and drops everything
    /// the store holds by `key`, with tombstones.
    public func applyBlock(_ key: AuthorKey) {
        reloadTrust()
        withNode { node, now in
            node.dropBulletins(by: key)
            return ((), node.tick(at: now))
        }
        flushStore()
    }

    /// The node's best estimate of the time now: the wall clock, corrected by the peers'
    /// median when the node judged its own clock plainly wrong. New posts are dated by it.
    public func bestTime() -> UnixTime {
        TrustOperations.bestTime(wall: clock.now().wall, clock: node.clock)
    }
}
