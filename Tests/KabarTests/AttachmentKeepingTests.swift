import Kabar
import Testing

/// The keeper's rule (Documentation/Attachments.md, "Keeping"): per channel the newest files
/// within its budget, then community before official, oldest first, until the share fits.
@Suite struct AttachmentKeepingTests {
    static func held(_ n: UInt8, _ channel: String, day: Int64, mb: Int64, official: Bool = false, pinned: Bool = false) -> AttachmentKeeping.Held {
        AttachmentKeeping.Held(
            root: ContentID(hashing: [n]), channel: channel, created: UnixTime(milliseconds: day * 86_400_000),
            bytes: mb * 1_000_000, official: official, pinned: pinned)
    }

    @Test func eachChannelKeepsItsNewestFilesWithinItsBudget() {
        var policy = AttachmentPolicy()
        policy.storeBytesMax = 100_000_000
        policy.channels["pasar"] = AttachmentPolicy.Channel(budgetBytes: 5_000_000)
        let files = [
            Self.held(1, "pasar", day: 1, mb: 2), Self.held(2, "pasar", day: 2, mb: 2), Self.held(3, "pasar", day: 3, mb: 2),
            Self.held(4, "warga", day: 1, mb: 2),
        ]
        let plan = AttachmentKeeping.plan(files, policy: policy)
        // pasar: days 3 and 2 fit 5 MB, day 1 does not; warga is far under its quarter.
        #expect(plan.kept == Set([files[1].root, files[2].root, files[3].root]))
        #expect(plan.dropped == [files[0].root])
        #expect(plan.channelBytes == ["pasar": 4_000_000, "warga": 2_000_000])
    }

    @Test func overTheShareCommunityGoesBeforeOfficialOldestFirst() {
        var policy = AttachmentPolicy()
        policy.storeBytesMax = 10_000_000
        policy.channels["warga"] = AttachmentPolicy.Channel(budgetBytes: 10_000_000)
        let files = [
            Self.held(1, "resmi", day: 1, mb: 4, official: true), Self.held(2, "resmi", day: 5, mb: 4, official: true),
            Self.held(3, "warga", day: 2, mb: 2), Self.held(4, "warga", day: 6, mb: 2),
        ]
        let plan = AttachmentKeeping.plan(files, policy: policy)
        // 12 MB over a 10 MB share: the oldest community file goes, and that is enough.
        #expect(plan.dropped == [files[2].root])
        #expect(plan.kept.count == 3)
        // A 5 MB share: no channel's budget is above it, so the official channel keeps its
        // newest file only; then both community files go before that one.
        policy.storeBytesMax = 5_000_000
        let tighter = AttachmentKeeping.plan(files, policy: policy)
        #expect(tighter.dropped == [files[0].root, files[2].root, files[3].root])
        #expect(tighter.kept == [files[1].root])
    }

    @Test func filesWaitingForReviewAreKeptWhateverTheBudgets() {
        var policy = AttachmentPolicy()
        policy.storeBytesMax = 1_000_000
        let files = [Self.held(1, "warga", day: 1, mb: 3, pinned: true), Self.held(2, "warga", day: 2, mb: 3)]
        let plan = AttachmentKeeping.plan(files, policy: policy)
        #expect(plan.kept == [files[0].root] && plan.dropped == [files[1].root])
    }

    /// A new file not yet fetched is counted whole (the keeper reserves its room): on a full
    /// channel it displaces the oldest file held, so the newest files win.
    @Test func aNewFileNotYetHereDisplacesTheOldest() {
        var policy = AttachmentPolicy()
        policy.channels["pasar"] = AttachmentPolicy.Channel(budgetBytes: 4_000_000)
        let held = [Self.held(1, "pasar", day: 1, mb: 2), Self.held(2, "pasar", day: 2, mb: 2)]
        let arriving = Self.held(3, "pasar", day: 3, mb: 2)
        let plan = AttachmentKeeping.plan(held + [arriving], policy: policy)
        #expect(plan.kept == [held[1].root, arriving.root] && plan.dropped == [held[0].root])
    }
}
