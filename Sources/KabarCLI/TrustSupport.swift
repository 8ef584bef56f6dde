import Kabar
import KabarNode
import KabarPlatform

/// What the trust commands (and `post`, `import`) share: the time to date new bulletins by,
/// the rules, and the trust policy when a command works on the store itself.
enum TrustSupport {
    /// The daemon the command runs inside, if any.
    static func daemon(_ context: CommandContext) -> NodeDaemon<FileStore>? {
        context.node as? NodeDaemon<FileStore>
    }

    /// When to date a new bulletin: inside a daemon, its best estimate of the time (the peers'
    /// median when its own clock is plainly wrong); otherwise the wall clock, unless that reads
    /// before the build date (a Pi after a power cut), which nothing here can correct.
    static func now(_ context: CommandContext) throws -> UnixTime {
        if let daemon = daemon(context) { return daemon.bestTime() }
        let wall = UnixTime(milliseconds: WallClock.now())
        guard wall >= NodeConfiguration.defaultEarliestPlausibleTime else {
            throw CLIError.failed(Localized(
                en: "this computer's clock reads before Kabar was built, so it is wrong: set the date (date -s), or start the node ('kabar run'), which takes the time from its peers",
                id: "jam komputer ini sebelum Kabar dibuat, jadi salah: atur tanggal (date -s), atau jalankan node ('kabar run') yang mengambil waktu dari peer-nya"))
        }
        return wall
    }

    /// The settings of the node: the running daemon's, or the data folder's `kabar.conf`.
    static func settings(_ arguments: ParsedArguments, _ context: CommandContext) throws -> NodeSettings {
        if let daemon = daemon(context) { return daemon.settings }
        let data = CommandSupport.dataDirectory(arguments, context)
        do {
            return try ConfigFile.load(from: data)
        } catch {
            throw CLIError.badInput(error.localizedMessage)
        }
    }

    /// The date rules for new bulletins (the config's channel table).
    static func bulletinPolicy(_ arguments: ParsedArguments, _ context: CommandContext) throws -> BulletinPolicy {
        BulletinPolicy(channels: try settings(arguments, context).channels)
    }

    /// The trust policy to admit with when the command works on the store itself, rebuilt
    /// from it; nil inside a daemon, whose node admits with its own installed policy.
    static func policy(
        _ arguments: ParsedArguments, _ context: CommandContext, store: inout CommandStore, now: UnixTime
    ) throws -> TrustPolicy? {
        guard daemon(context) == nil else { return nil }
        let data = CommandSupport.dataDirectory(arguments, context)
        let rules = try CommandSupport.failing { try TrustOperations.rules(settings: try settings(arguments, context), data: data) }
        return try CommandSupport.failing { try TrustOperations.policy(rules: rules, store: &store, now: now) }
    }

    /// A public key typed as 64 hex digits.
    static func key(_ text: String) throws -> AuthorKey {
        guard let key = AuthorKey(hex: text.trimmingSpaces) else {
            throw CLIError.usage(Localized(
                en: "KEY is a public key of 64 hex characters (see 'kabar id'), not '\(text)'",
                id: "KEY adalah kunci publik 64 karakter hex (lihat 'kabar id'), bukan '\(text)'"))
        }
        return key
    }

    /// The bulletin named by a full id or a prefix of 8 or more hex characters.
    static func find(_ text: String, in store: CommandStore) throws -> Bulletin {
        do {
            return try BulletinOperations.find(text, in: store)
        } catch let error as IDPrefixError {
            switch error {
            case .tooShort, .notHex: throw CLIError.badInput(error.message)
            case .notFound, .ambiguous: throw CLIError.failed(error.message)
            }
        }
    }

    /// Signs with the identity in the data folder and stores `make`'s bulletin through the
    /// trust rules; prints its id; returns the ids it removed.
    static func signAndSubmit(
        _ arguments: ParsedArguments, _ context: CommandContext,
        _ make: (Identity, UnixTime, BulletinPolicy, CommandStore) throws -> Bulletin
    ) throws -> (Bulletin, [BulletinID]) {
        let identity = try CommandSupport.loadIdentity(arguments, context)
        let now = try Self.now(context)
        let policy = try bulletinPolicy(arguments, context)
        var store = try CommandSupport.openStore(arguments, context)
        defer { try? store.close() }
        var trust = try self.policy(arguments, context, store: &store, now: now)
        let bulletin = try CommandSupport.failing { try make(identity, now, policy, store) }
        let removed = try CommandSupport.failing {
            try TrustOperations.submit(bulletin, into: &store, trust: &trust, now: now)
        }
        context.print(bulletin.id.hex)
        return (bulletin, removed)
    }
}
