import Foundation
import Kabar
@testable import KabarSimulation
import Testing

/// `kabar sim`'s scenarios at reduced sizes: full delivery to every node the limit reaches, the
/// stretch, redundancy and idle targets, and nothing forged stored. Every failure message names
/// the `kabar sim ... --seed N` command that reproduces it.
@Suite struct StudioScenarioTests {
    /// Runs `name` at `nodes` with `seed`; returns the result and the reproduction command.
    static func run(_ name: String, nodes: Int?, seed: UInt64 = 1, duration: TimeSpan? = nil) throws -> (StudioResult, String) {
        guard var definition = try ScenarioLibrary.definition(named: name) else {
            Issue.record("no scenario \(name)")
            throw ScenarioFileError(file: name, line: 0, message: Localized(verbatim: "missing"))
        }
        // A test checks reports until the office knows the reach; a whole day's bytes
        // (`reports for=24h`) are the command's to measure.
        definition.reportsFor = nil
        var world = StudioWorld(definition, seed: seed, nodes: nodes, duration: duration)
        let result = StudioRunner.run(&world)
        var command = "kabar sim \(name) --seed \(seed)"
        if let nodes { command += " --nodes \(nodes)" }
        if let duration { command += " --duration \(duration.microseconds / 1_000_000)s" }
        #expect(result.metrics.drops.oversize == 0 && result.metrics.tickLoopsCut == 0, "node bug; reproduce: \(command)")
        return (result, command)
    }

    static func expectTargets(_ result: StudioResult, _ command: String, stretch: Double? = nil) {
        #expect(result.converged, "not converged; reproduce: \(command)")
        #expect(result.all.deliveryRatio == 1, "delivery \(result.all.deliveryRatio); reproduce: \(command)")
        #expect(result.all.redundancy <= 0.5, "redundancy \(result.all.redundancy); reproduce: \(command)")
        #expect(result.idleBytesPerNodePerSecond <= 200, "idle \(result.idleBytesPerNodePerSecond) B/node/s; reproduce: \(command)")
        #expect(result.forgedStored == 0, "\(result.forgedStored) hosts stored forgeries; reproduce: \(command)")
        if let stretch { #expect(result.all.stretchP99 <= stretch, "stretch p99 \(result.all.stretchP99); reproduce: \(command)") }
    }

    /// The hall: 15% broadcast loss, yet every node has each post within 1.5 times the 1 s floor.
    @Test func hallDeliversEveryPostWithinTheStretchTarget() throws {
        for seed in [1, 2, 3, 4] as [UInt64] {
            let (result, command) = try Self.run("hall", nodes: nil, seed: seed)
            Self.expectTargets(result, command, stretch: 1.5)
        }
    }

    /// The district at a few kecamatan: mules carry news between unlinked villages close to the limit.
    @Test func districtTracksThePhysicalLimit() throws {
        let (result, command) = try Self.run("district", nodes: 24, seed: 3)
        Self.expectTargets(result, command, stretch: 1.5)
        #expect((result.all.limit[100] ?? 0) > 60, "mules should make the limit minutes long; reproduce: \(command)")
    }

    /// The river: one boat joins a line of villages.
    @Test func riverBoatCarriesEveryPost() throws {
        let (result, command) = try Self.run("river", nodes: 10, seed: 4)
        Self.expectTargets(result, command)
    }

    /// Churn: nodes lose power and lazy writes; everyone still converges.
    @Test func churnConvergesAfterPowerCuts() throws {
        let (result, command) = try Self.run("churn", nodes: 24, seed: 5)
        Self.expectTargets(result, command)
        #expect(result.metrics.powerCuts > 0, "reproduce: \(command)")
    }

    /// A partition and its heal: both sides converge after the heal.
    @Test func partitionHealConverges() throws {
        let (result, command) = try Self.run("partition-heal", nodes: 24, seed: 6)
        Self.expectTargets(result, command)
    }

    /// Attackers flood garbage and forgeries: nothing forged is stored, honest delivery completes.
    @Test func floodPlantsNothing() throws {
        let (result, command) = try Self.run("flood", nodes: 16, seed: 7)
        Self.expectTargets(result, command)
        #expect(result.attackers == 3, "reproduce: \(command)")
    }

    /// The geometric mesh at 300 nodes.
    @Test func scaleMeshConvergesAtReducedSize() throws {
        let (result, command) = try Self.run("scale", nodes: 300, seed: 8)
        Self.expectTargets(result, command)
    }

    /// The swarm: each seed draws its own loss, partition, restarts, clock skew and attacker; the
    /// invariants hold for every one.
    @Test func swarmOfSeedsKeepsTheInvariants() throws {
        for seed in 1...30 as ClosedRange<UInt64> {
            let (result, command) = try Self.run("swarm", nodes: nil, seed: 100 + seed)
            #expect(result.forgedStored == 0, "forgeries stored; faults \(result.drawnFaults); reproduce: \(command)")
            #expect(result.converged && result.all.deliveryRatio == 1,
                    "delivery \(result.all.deliveryRatio); faults \(result.drawnFaults); reproduce: \(command)")
        }
    }

    /// The same seed gives the same run.
    @Test func aSeedReplaysTheSameRun() throws {
        let first = try Self.run("hall", nodes: 8, seed: 9).0
        let second = try Self.run("hall", nodes: 8, seed: 9).0
        #expect(first.digest == second.digest)
        #expect(first.deliveryDelays == second.deliveryDelays)
    }
}

/// The scenario files, their embedded copies and the parser.
@Suite struct ScenarioFileTests {
    static var folder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Simulation/scenarios")
    }

    /// The copies compiled into `kabar` equal the files (run Scripts/embed-scenarios.sh if not).
    @Test func embeddedCopiesEqualTheFiles() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".scenario") }
        // Sorted by name ("district" before "district-full"), as the library lists them.
        let names = files.map { String($0.dropLast(".scenario".count)) }.sorted()
        #expect(names == ScenarioLibrary.names, "run Scripts/embed-scenarios.sh")
        for name in names {
            let file = name + ".scenario"
            let text = try String(contentsOf: Self.folder.appendingPathComponent(file), encoding: .utf8)
            #expect(ScenarioLibrary.text(named: name) == text, "\(file) differs from its embedded copy: run Scripts/embed-scenarios.sh")
        }
        for required in ["hall", "district", "river", "churn", "partition-heal", "flood", "scale"] {
            #expect(names.contains(required))
        }
    }

    /// Every file parses and says what it is in its first comment line.
    @Test func everyScenarioParsesAndDescribesItself() throws {
        for name in ScenarioLibrary.names {
            let definition = try ScenarioLibrary.definition(named: name)
            #expect(definition?.summary.first?.hasPrefix("\(name):") == true, "\(name) needs a `# \(name): ...` line")
        }
    }

    /// Mistakes are reported with file and line, and what to do.
    @Test func mistakesNameTheFileAndLine() {
        let cases: [(String, Int, String)] = [
            ("nodes 3\ntopology lan\nposts market\nfrobnicate 3\n", 4, "unknown keyword frobnicate"),
            ("nodes 3\nlan broadcast-loss=150%\nposts market\n", 2, "broadcast-loss=150%"),
            ("nodes 3\nposts market count=x\n", 2, "count=x"),
            ("nodes 3\nposts market spacing=5 \n", 2, "spacing=5"),
            ("nodes 3\nposts market colour=red\n", 2, "unknown option colour="),
            ("nodes 3\nmules plane\nposts market\n", 2, "boat or motorbike"),
            ("nodes 3\nchurn window=5m..1m\nposts market\n", 2, "runs backwards"),
            ("topology lan\nposts market\n", 0, "no `nodes N` line"),
        ]
        for (text, line, fragment) in cases {
            do {
                _ = try ScenarioFile.parse(text, file: "bad.scenario", name: "bad")
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.line == line && error.description.hasPrefix("bad.scenario:\(line): "), "\(error)")
                #expect(error.description.contains(fragment), "\(error)")
            }
        }
    }
}

/// The earliest-arrival limit on small hand-made plans.
@Suite struct ContactPlanTests {
    /// A mule that visits A then B carries A's news to B only from its arrival at B; one that
    /// visits B first cannot carry it at all before the horizon.
    @Test func aMuleCarriesNewsOnlyForwardInTime() {
        var plan = ContactPlan()
        for _ in 0..<3 { plan.addHost() }
        plan.addLAN(.ideal)
        plan.addLAN(.ideal)
        plan.addPresence(host: 0, lan: 0, start: 0, end: .max)
        plan.addPresence(host: 1, lan: 1, start: 0, end: .max)
        plan.addPresence(host: 2, lan: 0, start: 100, end: 200)
        plan.addPresence(host: 2, lan: 1, start: 500, end: 600)
        plan.finish()
        let arrival = plan.earliestArrival(origin: 0, start: 50, bytes: 500, horizon: 10_000)
        #expect(arrival == [50, 500, 100])
        let late = plan.earliestArrival(origin: 0, start: 300, bytes: 500, horizon: 10_000)
        #expect(late[1] == .max && late[2] == .max)
        let reverse = plan.earliestArrival(origin: 1, start: 0, bytes: 500, horizon: 10_000)
        #expect(reverse[2] == 500 && reverse[0] == .max)
    }

    /// A link adds serialisation and latency, and waits out a cut and a power-off.
    @Test func aLinkAddsItsDelayAndWaitsOutCuts() {
        var plan = ContactPlan()
        for _ in 0..<2 { plan.addHost() }
        plan.addLink(0, 1, LinkConfiguration(latency: .milliseconds(5), jitter: .zero, loss: 0.5, bandwidth: .megabitsPerSecond(1)))
        plan.addCut(Partition(links: [LinkID(index: 0)]), start: 0, end: 1_000_000)
        plan.addDown(host: 1, start: 1_000_000, end: 2_000_000)
        plan.finish()
        // 1000 bytes at 1 Mbit/s is 8 ms, plus 5 ms; the link is unusable until t = 2 s.
        #expect(plan.earliestArrival(origin: 0, start: 0, bytes: 1_000, horizon: .max)[1] == 2_000_000 + 13_000)
    }
}
