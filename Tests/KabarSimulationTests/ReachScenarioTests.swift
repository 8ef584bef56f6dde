import Kabar
@testable import KabarSimulation
import Testing

/// Hall reports in `kabar sim` (issue 18, Documentation/Reach.md): the district's halls make them
/// with the core's `HallReporter`, the daemon's code, and at the end of a run `reach` computed at
/// the office node agrees with the simulator's ground truth for every official bulletin.
@Suite struct ReachScenarioTests {
    /// The district at two kecamatan (24 hall nodes, the mules): no hall counted that never held
    /// a notice, every hall that held one and reported after is counted, and the office learnt
    /// every (notice, hall) pair before the run ended.
    @Test func reachAtTheOfficeAgreesWithTheGroundTruthForEveryOfficialBulletin() throws {
        for seed in [1, 2] as [UInt64] {
            let (result, command) = try StudioScenarioTests.run("district", nodes: 24, seed: seed)
            let reach = try #require(result.reach, "no report figures; reproduce: \(command)")
            #expect(reach.failures == 0, "a node refused its own report; reproduce: \(command)")
            #expect(reach.reportsMade > 0 && reach.halls == 24, "reproduce: \(command)")
            #expect(reach.falsePositives == 0, "\(reach.falsePositives) halls counted that never held it; reproduce: \(command)")
            #expect(reach.missed == 0, "\(reach.missed) halls held it and reported since, not counted; reproduce: \(command)")
            #expect(reach.beyondHorizon == 0, "6 notices fit every report's list; reproduce: \(command)")
            #expect(reach.pairs > 0 && reach.pairsKnown == reach.pairs, "\(reach.pairsKnown) of \(reach.pairs) known; reproduce: \(command)")
            // Every hall other than the office holds each notice at the end: 23 of them, each
            // counted for each of the 6 notices, and the office's own report counts it too.
            #expect(reach.counted == 6 * 24, "counted \(reach.counted); reproduce: \(command)")
            #expect(result.forgedStored == 0, "reproduce: \(command)")
            // The lag: from a hall having a notice to the office knowing it, within twice the
            // notice's own way there and its report's way back.
            let lag = try #require(reach.lagP90), reference = try #require(reach.referenceP90)
            #expect(lag <= 2 * reference, "lag p90 \(lag) s against \(reference) s; reproduce: \(command)")
        }
    }

    /// A villager's message on `aspirasi` posted at the office's hall: within the batching delay
    /// the office's own report lists it in its office section (the regency office received it),
    /// while the report of the hall node it came from has no office section.
    @Test func theOfficesReportInARunListsAnAspirasiMessageItReceived() throws {
        guard var definition = try ScenarioLibrary.definition(named: "district") else {
            Issue.record("no district scenario")
            return
        }
        definition.reportsFor = nil
        var world = StudioWorld(definition, seed: 1, nodes: 24)
        _ = StudioRunner.run(&world)
        // Host 1 shares the office's hall (halls of 2); its operator's key was vouched for.
        let key = try #require(StudioWorld.authorKey(1, seed: 1))
        let author = try #require(AuthorKey(bytes: key.publicKey.rawRepresentation))
        let created = world.sim.epoch + (world.sim.now - .zero)
        var content = BulletinContent(kind: .post, author: author, created: created, expires: created + .days(30), channel: "aspirasi")
        content.title = "Jalan ke dermaga rusak"
        content.body = "Mohon diperbaiki sebelum musim hujan."
        let message = try Bulletin.sign(content, with: key)
        world.sim.schedule(at: world.sim.now, .post(host: 1, message))
        world.sim.run(until: world.sim.now + .minutes(5))
        func newestReport(of host: Int) throws -> HallReport {
            let office = try #require(world.sim.endpoint(0)?.honestNode)
            let policy = try #require(office.admission as? TrustPolicy)
            let id = try #require(policy.latestReport(by: world.hallKeys[host], at: created + .minutes(5)))
            return try HallReport(try #require(office.store.bulletin(id)))
        }
        let office = try newestReport(of: 0)
        let age = try #require(office.officeHolding(of: message.id)?.age)
        #expect(age >= 100 && age <= 300, "first had \(age) s before the report")
        #expect(try newestReport(of: 1).officeHoldings.isEmpty)
    }

    /// A hall counted reached names a hall that held the notice: the check itself catches a
    /// report that lies. A hall's key that lists a notice it never had is counted by `reach`
    /// (a hall can lie about itself), and the ground-truth check flags it.
    @Test func theGroundTruthCheckCatchesAHallThatListsANoticeItNeverHad() throws {
        guard var definition = try ScenarioLibrary.definition(named: "district") else {
            Issue.record("no district scenario")
            return
        }
        definition.reportsFor = nil
        var world = StudioWorld(definition, seed: 1, nodes: 24)
        _ = StudioRunner.run(&world)
        #expect(StudioRunner.officeAgreement(world).falsePositives == 0)
        // A lying report by hall 5, newer than anything it made, listing a notice it is told
        // it holds from before the run began: reach counts it at the office, the check flags it.
        guard let notice = world.posts.first(where: { $0.className == "official" })?.bulletin,
              let key = StudioWorld.authorKey(5, seed: 1), let author = AuthorKey(bytes: key.publicKey.rawRepresentation)
        else {
            Issue.record("no notice or key")
            return
        }
        let created = world.sim.epoch + (world.sim.now - .zero)
        let lie = HallReport(
            label: "Balai 5", software: "kabar sim", storeCount: 1, storeBytes: 1, clockOffset: 0, heardAge: 1, muleAge: nil,
            horizonAge: 3_600, holdings: [HallReport.Holding(prefix: HallReport.prefix(of: notice.id, bytes: 4), age: 1)])
        let bulletin = try Bulletin.sign(lie.content(author: author, created: created), with: key)
        world.sim.schedule(at: world.sim.now, .post(host: 0, bulletin))
        world.sim.run(until: world.sim.now + .seconds(1))
        let office = try #require(world.sim.endpoint(0)?.honestNode)
        #expect(office.store.contains(bulletin.id))
        // Hall 5 truly holds the notice by now, but the lying report was made by no host: the
        // ledger does not know it, so the check counts it as a hall whose claim it cannot back.
        #expect(StudioRunner.officeAgreement(world).falsePositives == 1)
    }
}
