import Foundation
import Kabar
import KabarCrypto
@testable import KabarNode
import KabarPlatform
import Testing

/// The real store over a simulated disk that loses power (Documentation/Store.md, "Faults"):
/// thousands of crash points, each losing what was never synced as a seed draws; a failing
/// fdatasync; bit rot; a misdirected write. `Scripts/store-crash-soak.sh` runs the same tests
/// with more crash points and other seeds (`KABAR_CRASH_POINTS`, `KABAR_CRASH_SEED`).
@Suite struct StoreFaultTests {
    static let folder = "/sim/store"
    static let epoch: Int64 = 1_800_000_000_000

    /// Signed once: a pool the workloads draw from (bodies of 0 to ~900 bytes, two channels).
    static let pool: [Bulletin] = {
        let key = try! Ed25519.PrivateKey(seed: [UInt8](repeating: 41, count: 32))
        let author = AuthorKey(bytes: key.publicKey.rawRepresentation)!
        var prng = PRNG(seed: 99)
        return (0..<160).map { number in
            let created = UnixTime(milliseconds: epoch + Int64(number) * 1_000)
            var content = BulletinContent(
                kind: .post, author: author, created: created, expires: created + .days(30), channel: number % 5 == 0 ? "resmi" : "warga")
            content.title = "Kabar \(number)"
            content.body = String(repeating: "abcdefghij", count: prng.int(below: 90))
            return try! Bulletin.sign(content, with: key)
        }
    }()

    static func options(_ disk: SimulatedDisk) -> FileStore.Options {
        var options = FileStore.Options()
        options.disk = disk
        // Small segments and a small quota: rollovers, evictions and compactions happen often.
        options.segmentBytesMax = 4_096
        options.quotaBytes = 24_000
        return options
    }

    /// What a workload was told was saved: inserted with `.immediate`, or lazily and then
    /// flushed, and not since evicted or removed.
    struct Told {
        var saved: Set<BulletinID> = []
        var steps = 0
    }

    /// Inserts, flushes, removals, compactions and clean restarts as `seed` draws, until `steps`
    /// are done or the power is cut.
    static func workload(_ disk: SimulatedDisk, seed: UInt64, steps: Int) -> Told {
        var told = Told()
        var prng = PRNG(seed: seed)
        var lazy: [BulletinID] = []
        guard var store = try? FileStore(directory: folder, options: options(disk)) else { return told }
        let now = UnixTime(milliseconds: epoch + 200_000)
        for _ in 0..<steps {
            let bulletin = pool[prng.int(below: pool.count)]
            do {
                switch prng.int(below: 20) {
                case 0..<12:
                    if try store.insert(bulletin, durability: .immediate) == .added { told.saved.insert(bulletin.id) }
                    try store.enforceQuota(now: now)
                case 12..<15:
                    if try store.insert(bulletin, durability: .lazy) == .added { lazy.append(bulletin.id) }
                    try store.enforceQuota(now: now)
                case 15, 16:
                    try store.flush()
                    told.saved.formUnion(lazy)
                    lazy = []
                case 17:
                    // A retraction: gone from what must survive (a crash may bring it back
                    // until the tombstone is synced, which is allowed).
                    if let id = told.saved.sorted().first {
                        try store.markRemoved(id, until: now + .days(60))
                        told.saved.remove(id)
                    }
                case 18:
                    try store.compact(now: now)
                default:
                    try store.close()
                    store = try FileStore(directory: folder, options: options(disk))
                    lazy = []
                }
            } catch {
                if disk.isCut {
                    // Evicted for the quota just before the cut (the compaction that drops
                    // them was under way): gone by the store's choice, not lost.
                    told.saved.subtract(store.takeEvictions())
                    return told
                }
                // Any other failure (a failed sync) leaves what it took back unsaved.
                lazy = []
                told.saved.subtract(store.takeLost())
            }
            let evicted = store.takeEvictions()
            told.saved.subtract(evicted)
            lazy.removeAll { evicted.contains($0) }
            told.steps += 1
        }
        return told
    }

    /// Crash points: every operation of short workloads, then evenly spread ones of longer
    /// workloads, each seed its own; `KABAR_CRASH_POINTS` (the soak) asks for more.
    @Test func everyBulletinReportedSavedSurvivesEveryCrash() throws {
        let environment = ProcessInfo.processInfo.environment
        let points = environment["KABAR_CRASH_POINTS"].flatMap(Int.init) ?? 2_000
        let firstSeed = environment["KABAR_CRASH_SEED"].flatMap(UInt64.init) ?? 1
        var crashes = 0, saved = 0, lost = 0, worstOpenRatio = 0.0
        var seed = firstSeed
        while crashes < points {
            let steps = 30 + Int(seed % 4) * 20
            let dry = SimulatedDisk(seed: 0)
            _ = Self.workload(dry, seed: seed, steps: steps)
            let total = dry.operations
            let stride = max(1, total / 300)
            for point in Swift.stride(from: 0, to: total, by: stride) where crashes < points {
                let disk = SimulatedDisk(seed: seed &* 1_000_003 &+ UInt64(point))
                disk.cut(afterOperations: point)
                let told = Self.workload(disk, seed: seed, steps: steps)
                disk.crash()
                disk.resetCounters()
                let store: FileStore
                do {
                    store = try FileStore(directory: Self.folder, options: Self.options(disk))
                } catch {
                    Issue.record("the store did not open after a crash at operation \(point) of seed \(seed): \(error)")
                    continue
                }
                let missing = told.saved.filter { store.bulletin($0) == nil }
                #expect(missing.isEmpty, "seed \(seed), crash at operation \(point) of \(total): \(missing.count) of \(told.saved.count) saved bulletins lost")
                lost += missing.count
                saved += told.saved.count
                let crashRead = disk.bytesRead
                try store.close()
                disk.resetCounters()
                let clean = try FileStore(directory: Self.folder, options: Self.options(disk))
                let cleanRead = max(disk.bytesRead, 1)
                try clean.close()
                // The cost of an open after a crash, against a clean open of what it left: the
                // bytes read (a timing would decide nothing on a noisy machine). The ratio is
                // reported where the store is not tiny (a few header bytes would make any ratio).
                if cleanRead >= 16_384 { worstOpenRatio = max(worstOpenRatio, Double(crashRead) / Double(cleanRead)) }
                #expect(crashRead <= 2 * cleanRead + 8_192, "seed \(seed), crash at \(point): open read \(crashRead) bytes, a clean open \(cleanRead)")
                crashes += 1
            }
            seed += 1
        }
        print("store crashes: \(crashes) crash points over seeds \(firstSeed)..<\(seed), \(saved) bulletins reported saved at the cuts, \(lost) lost; the worst open after a crash read \(String(format: "%.2f", worstOpenRatio))x the bytes of a clean open (stores of 16 KB and more)")
        #expect(lost == 0)
    }

    /// A failed fdatasync is final: the post is not saved, nothing of it is found after a crash
    /// or a reopen, and the same post then saves once. When even taking it back fails, the
    /// store refuses writes until it is opened again.
    @Test func aFailedSyncTakesThePostBack() throws {
        let disk = SimulatedDisk(seed: 7)
        var store = try FileStore(directory: Self.folder, options: Self.options(disk))
        let first = Self.pool[1], second = Self.pool[2]
        #expect(try store.insert(first, durability: .immediate) == .added)
        disk.failSync = 1
        #expect(throws: StoreError.self) { try store.insert(second, durability: .immediate) }
        #expect(!store.contains(second.id) && store.takeLost() == [second.id])
        // Reads never show it, and a retry saves it once.
        #expect(try store.insert(second, durability: .immediate) == .added)
        disk.crash()
        store = try FileStore(directory: Self.folder, options: Self.options(disk))
        #expect(store.contains(first.id) && store.contains(second.id) && store.count == 2)

        // The take-back fails too: no write until the store is opened again.
        let third = Self.pool[3], fourth = Self.pool[4]
        disk.failSync = 2
        do {
            _ = try store.insert(third, durability: .immediate)
            Issue.record("a post was saved though its sync failed")
        } catch let error as StoreError {
            guard case .syncFailed(_, _, let final) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(final && error.message.en.contains("restarts"))
        }
        do {
            _ = try store.insert(fourth, durability: .immediate)
            Issue.record("a write was taken after a sync failed for good")
        } catch let error as StoreError {
            guard case .diskFailed = error else {
                Issue.record("\(error)")
                return
            }
        }
        disk.crash()
        store = try FileStore(directory: Self.folder, options: Self.options(disk))
        #expect(!store.contains(third.id) && !store.contains(fourth.id) && store.count == 2)
    }

    /// A segment that fills syncs before the next one starts: when that sync fails, the lazy
    /// inserts it held are taken back from the index too, not left pointing at cut bytes.
    @Test func aFailedSyncAtARolloverTakesBackTheLazyInserts() throws {
        let disk = SimulatedDisk(seed: 9)
        let store = try FileStore(directory: Self.folder, options: Self.options(disk))
        var pending: [BulletinID] = []
        var failure: (any Error)?
        disk.failSync = 1
        for bulletin in Self.pool[20..<120] {
            do {
                if try store.insert(bulletin, durability: .lazy) == .added { pending.append(bulletin.id) }
            } catch {
                failure = error
                break
            }
        }
        #expect(failure != nil, "no rollover in 100 inserts")
        let lost = Set(store.takeLost())
        #expect(!lost.isEmpty && lost.isSubset(of: Set(pending)))
        #expect(lost.allSatisfy { !store.contains($0) })
        // What is still listed reads back.
        for id in pending where store.contains(id) { #expect(store.bulletin(id) != nil) }
    }

    /// A byte flipped on the card in a synced record loses that record only, and the open
    /// says so; a misdirected write loses the records it overwrote and itself, no more.
    @Test func damageLosesOnlyTheDamagedRecords() throws {
        var rotted = 0
        for seed in UInt64(1)...60 {
            let disk = SimulatedDisk(seed: seed)
            let told = Self.workload(disk, seed: seed, steps: 40)
            guard let flipped = disk.rot(under: Self.folder), flipped.path.hasSuffix(".log") else { continue }
            disk.crash()
            let store = try FileStore(directory: Self.folder, options: Self.options(disk))
            let missing = told.saved.filter { store.bulletin($0) == nil }
            #expect(missing.count <= 1, "seed \(seed): one flipped byte lost \(missing.count) bulletins")
            if !missing.isEmpty { #expect(!store.recovery.isClean || store.readFailures > 0, "seed \(seed): a loss the open did not report") }
            // The operator is told in words where (`kabar status`, the daemon's log).
            if !store.recovery.isClean { #expect(store.recovery.damage?.en.contains("segment") == true) }
            // A bad stretch is rewritten away at the first expiry pass: the next open is clean.
            if !store.recovery.skipped.isEmpty {
                #expect(store.repairPending)
                _ = try store.removeExpired(now: UnixTime(milliseconds: Self.epoch))
                try store.close()
                let repaired = try FileStore(directory: Self.folder, options: Self.options(disk))
                #expect(repaired.recovery.skipped.isEmpty && !repaired.repairPending, "seed \(seed): \(repaired.recovery)")
                try repaired.close()
            }
            rotted += 1
        }
        #expect(rotted > 30)

        for seed in UInt64(1)...30 {
            let disk = SimulatedDisk(seed: seed)
            var store = try FileStore(directory: Self.folder, options: Self.options(disk))
            for bulletin in Self.pool.prefix(8) { _ = try store.insert(bulletin, durability: .immediate) }
            disk.misdirectNextWrite = -Int(seed % 7 + 1) * 97
            _ = try store.insert(Self.pool[8], durability: .immediate)
            disk.crash()
            store = try FileStore(directory: Self.folder, options: Self.options(disk))
            let missing = Self.pool.prefix(9).filter { store.bulletin($0.id) == nil }
            #expect(missing.count <= 3, "seed \(seed): a misdirected write lost \(missing.count) bulletins")
            #expect(!missing.isEmpty == !store.recovery.isClean || store.readFailures > 0, "seed \(seed): \(missing.count) lost, report \(store.recovery)")
        }
    }
}
