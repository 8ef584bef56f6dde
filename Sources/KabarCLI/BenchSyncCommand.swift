import Kabar

/// `kabar bench sync`: reconciles two in-memory sets of 100,000 items that differ in 0 to
/// 1,000 items, recent or scattered, and prints round trips, bytes and time per case.
enum BenchSyncCommand: Command {
    static let spec = CommandSpec(
        path: ["bench", "sync"],
        summary: Localized(
            en: "benchmark set reconciliation (round trips, bytes per difference)",
            id: "uji kinerja rekonsiliasi himpunan (bolak-balik, byte per selisih)"),
        options: [
            .json,
            .value(
                "--seeds", "K",
                help: Localized(
                    en: "repeat each case with K seeds and print mean and worst (default 1)",
                    id: "ulangi tiap kasus dengan K benih, cetak rerata dan terburuk (bawaan 1)")),
            .value(
                "-n", "N",
                help: Localized(en: "items per set (default 100000)", id: "butir per himpunan (bawaan 100000)")),
        ],
        discussion: Localized(
            en: "Two sets of n = 100,000 items differ in d = 0, 1, 10, 100, 1000 items: the newest (recent, missing on the initiator) or random ones (scattered, half missing on each side); then bulk: an empty set against n, and n against n with 1%, 10% and 50% differences, scattered. Bytes count every reconciliation payload both ways, want and have lists included, gossip headers and bulletins not.",
            id: "Dua himpunan n = 100.000 butir berbeda d = 0, 1, 10, 100, 1000 butir: yang terbaru (recent, hilang di pemrakarsa) atau acak (scattered, separuh hilang di tiap sisi); lalu bulk: himpunan kosong melawan n, dan n melawan n dengan selisih 1%, 10% dan 50%, acak. Byte menghitung semua muatan rekonsiliasi dua arah, termasuk daftar mau dan punya, tanpa header gosip dan buletin."))

    /// One measured case.
    struct Case {
        var n: Int
        var d: Int
        var layout: String
        var roundTrips: Int
        var bytes: Int
        var milliseconds: Double
        var correct: Bool
        /// Differences the session found, and whether it found them all (a session that stops
        /// at its limit reports what it found; the next one continues).
        var found = 0
        var complete = true
        /// With several seeds: the largest byte count (`bytes` is then the mean, `roundTrips` the worst).
        var worstBytes = 0

        var bytesPerDifference: Double { d == 0 ? 0 : Double(bytes) / Double(d) }
    }

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let seeds = try arguments.integer("--seeds", in: 1...1_000) ?? 1
        let count = try arguments.integer("-n", in: 2_000...1_000_000) ?? 100_000
        let base = makeItems(count: count, seed: 20_261_129)
        var cases: [Case] = []
        for layout in ["recent", "scattered"] {
            for d in [0, 1, 10, 100, 1_000] {
                var runs: [Case] = []
                for seed in 0..<seeds { runs.append(try measure(base: base, d: d, layout: layout, seed: UInt64(seed))) }
                var mean = runs[0]
                mean.roundTrips = runs.map(\.roundTrips).max() ?? 0
                mean.bytes = runs.map(\.bytes).reduce(0, +) / seeds
                mean.milliseconds = runs.map(\.milliseconds).reduce(0, +) / Double(seeds)
                mean.correct = runs.allSatisfy(\.correct)
                mean.worstBytes = runs.map(\.bytes).max() ?? 0
                cases.append(mean)
            }
        }
        // Bulk: an empty node meeting a full one (d = n), and two full ones that differ in 1%,
        // 10% and 50% of their items, scattered, half missing on each side.
        for d in [count, count / 100, count / 10, count / 2] {
            cases.append(try measure(base: base, d: d, layout: "bulk", seed: 0))
        }
        if arguments.flag("--json") {
            context.print(json(cases))
        } else {
            context.print(table(cases, context))
        }
        return cases.allSatisfy(\.correct) ? 0 : 1
    }

    /// `count` items with ids from a seeded PRNG and creation times over 30 days, sorted.
    static func makeItems(count: Int, seed: UInt64) -> [ReconciliationItem] {
        var prng = PRNG(seed: seed)
        let start: Int64 = 1_790_000_000_000
        let span: Int64 = 30 * 86_400_000
        var items: [ReconciliationItem] = []
        items.reserveCapacity(count)
        for _ in 0..<count {
            let id = BulletinID(words: (prng.next(), prng.next(), prng.next(), prng.next()))
            let created = start + Int64(prng.int(below: Int(span)))
            items.append(ReconciliationItem(created: UnixTime(milliseconds: created), id: id))
        }
        return items.sorted()
    }

    static func measure(base: [ReconciliationItem], d: Int, layout: String, seed: UInt64) throws -> Case {
        var missingOnInitiator = Set<Int>()
        var missingOnResponder = Set<Int>()
        if layout == "recent" || d == base.count {
            missingOnInitiator = Set((base.count - d)..<base.count)
        } else {
            var prng = PRNG(seed: UInt64(d) &* 7_919 &+ 17 &+ seed &* 1_000_003)
            var chosen = Set<Int>()
            var order: [Int] = []
            while order.count < d {
                let index = prng.int(below: base.count)
                if chosen.insert(index).inserted { order.append(index) }
            }
            missingOnInitiator = Set(order.prefix(d / 2))
            missingOnResponder = Set(order.dropFirst(d / 2))
        }
        let initiatorSet = ReconciliationSet(items: base.indices.filter { !missingOnInitiator.contains($0) }.map { base[$0] })
        let responderSet = ReconciliationSet(items: base.indices.filter { !missingOnResponder.contains($0) }.map { base[$0] })
        let clock = ContinuousClock()
        let started = clock.now
        var initiator = ReconciliationInitiator(
            set: initiatorSet, salt: 0x5EED_0000 &+ UInt64(d) &+ seed << 32, peerCount: responderSet.count)
        var responder = ReconciliationResponder(set: responderSet)
        let run = ReconciliationLoopback.run(initiator: &initiator, responder: &responder)
        let elapsed = started.duration(to: clock.now)
        guard let outcome = run.outcome else {
            throw CLIError.failed(Localized(
                en: "reconciliation failed for d = \(d) \(layout): \(run.error.map { "\($0)" } ?? "no answer")",
                id: "rekonsiliasi gagal untuk d = \(d) \(layout): \(run.error.map { "\($0)" } ?? "tidak ada jawaban")"))
        }
        let expectedWeLack = missingOnInitiator.map { base[$0].id }.sorted()
        let expectedPeerLacks = missingOnResponder.map { base[$0].id }.sorted()
        let milliseconds = Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
        // Where one side holds nothing in a part, the outcome names the range (give all, or the
        // initiator pushing the part whole) instead of every id in it.
        let weLack = outcome.weLack + outcome.weLackRanges.flatMap { responderSet.items(in: $0).map(\.id) }
        let peerLacks = outcome.peerLacks + outcome.peerLacksRanges.flatMap { initiatorSet.items(in: $0).map(\.id) }
        return Case(
            n: base.count, d: d, layout: layout, roundTrips: outcome.roundTrips,
            bytes: outcome.bytesSent + outcome.bytesReceived, milliseconds: milliseconds,
            correct: Set(weLack).isSubset(of: expectedWeLack) && Set(peerLacks).isSubset(of: expectedPeerLacks)
                && (!outcome.complete || (weLack.sorted() == expectedWeLack && peerLacks.sorted() == expectedPeerLacks)),
            found: weLack.count + peerLacks.count, complete: outcome.complete)
    }

    static func json(_ cases: [Case]) -> String {
        let objects = cases.map { item in
            let perDifference = item.d == 0 ? "0" : "\((item.bytesPerDifference * 10).rounded() / 10)"
            return "{\"n\": \(item.n), \"d\": \(item.d), \"layout\": \"\(item.layout)\", \"round_trips\": \(item.roundTrips), "
                + "\"bytes\": \(item.bytes), \"bytes_per_difference\": \(perDifference), "
                + "\"found\": \(item.found), \"complete\": \(item.complete), \"correct\": \(item.correct), \"wall_s\": \((item.milliseconds / 10).rounded() / 100)}"
        }
        return "[\n  " + objects.joined(separator: ",\n  ") + "\n]"
    }

    static func table(_ cases: [Case], _ context: CommandContext) -> String {
        let header = context.text(Localized(
            en: "      n      d  layout     round trips     bytes  bytes/diff   time ms  correct  worst bytes",
            id: "      n      d  susunan    bolak-balik      byte  byte/selisih waktu ms  benar    byte terburuk"))
        var lines = [header]
        for item in cases {
            let perDifference = String(Int((item.bytesPerDifference).rounded()))
            let time = String(Int(item.milliseconds.rounded()))
            lines.append(
                pad(String(item.n), 7) + pad(String(item.d), 7) + "  " + item.layout.padding(9) + pad(String(item.roundTrips), 13)
                    + pad(String(item.bytes), 10) + pad(perDifference, 12) + pad(time, 10) + "  "
                    + (item.correct ? "yes" : "NO ") + (item.worstBytes > item.bytes ? pad(String(item.worstBytes), 13) : ""))
        }
        return lines.joined(separator: "\n")
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        self + String(repeating: " ", count: max(0, width - count))
    }
}
