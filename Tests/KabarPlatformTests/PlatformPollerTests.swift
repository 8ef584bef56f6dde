import Glibc
import KabarPlatform
import Testing

@Suite struct PlatformPollerTests {
    @Test func wakesForAReadableDescriptor() throws {
        let (reader, writer) = try makePipe()
        defer { close(reader); close(writer) }
        var poller = Poller()
        poller.watch(reader, for: .readable)
        var byte: UInt8 = 1
        #expect(write(writer, &byte, 1) == 1)
        let ready = try poller.wait(timeoutMilliseconds: 1_000)
        #expect(ready == [PollReady(descriptor: reader, events: .readable)])
    }

    @Test func timesOutWhenNothingIsReady() throws {
        let (reader, writer) = try makePipe()
        defer { close(reader); close(writer) }
        var poller = Poller()
        poller.watch(reader, for: .readable)
        #expect(try poller.wait(until: MonotonicClock.now() + 3_000).isEmpty)
        #expect(try poller.wait(timeoutMilliseconds: 0).isEmpty)
    }

    @Test func reportsOnlyReadyDescriptorsInWatchOrder() throws {
        let (firstReader, firstWriter) = try makePipe()
        let (secondReader, secondWriter) = try makePipe()
        defer { [firstReader, firstWriter, secondReader, secondWriter].forEach { close($0) } }
        var poller = Poller()
        poller.watch(secondReader, for: .readable)
        poller.watch(firstReader, for: .readable)
        poller.watch(firstWriter, for: .writable)
        var byte: UInt8 = 1
        #expect(write(secondWriter, &byte, 1) == 1)
        let ready = try poller.wait(timeoutMilliseconds: 0)
        #expect(ready.map(\.descriptor) == [secondReader, firstWriter])
        poller.unwatch(secondReader)
        #expect(poller.descriptors == [firstReader, firstWriter])
    }

    @Test func hangUpIsReportedWhenTheWriterCloses() throws {
        let (reader, writer) = try makePipe()
        defer { close(reader) }
        var poller = Poller()
        poller.watch(reader, for: .readable)
        close(writer)
        let ready = try poller.wait(timeoutMilliseconds: 1_000)
        #expect(ready.first?.events.contains(.hangUp) == true)
    }

    @Test func timeoutRoundsUpToWholeMilliseconds() {
        #expect(Poller.timeoutMilliseconds(until: nil, now: 5) == -1)
        #expect(Poller.timeoutMilliseconds(until: 5, now: 5) == 0)
        #expect(Poller.timeoutMilliseconds(until: 4, now: 5) == 0)
        #expect(Poller.timeoutMilliseconds(until: 6, now: 5) == 1)
        #expect(Poller.timeoutMilliseconds(until: 1_000, now: 0) == 1)
        #expect(Poller.timeoutMilliseconds(until: 1_001, now: 0) == 2)
        #expect(Poller.timeoutMilliseconds(until: Int64.max, now: 0) == Int32.max)
        #expect(Poller.timeoutMilliseconds(until: Int64.max, now: -10) == Int32.max)
        #expect(Poller.timeoutMilliseconds(until: Int64.min, now: 10) == 0)
    }
}

@Suite struct PlatformClockTests {
    @Test func monotonicClockNeverGoesBack() {
        var previous = MonotonicClock.now()
        for _ in 0..<1_000 {
            let now = MonotonicClock.now()
            #expect(now >= previous)
            previous = now
        }
    }

    @Test func wallClockIsMillisecondsSinceTheEpoch() {
        // Any sane clock reads after 2020-01-01 and before 2200-01-01 in milliseconds; seconds or
        // microseconds would fall outside.
        let now = WallClock.now()
        #expect(now > 1_577_836_800_000)
        #expect(now < 7_258_118_400_000)
    }
}

/// A pipe whose ends are non-blocking.
func makePipe() throws -> (reader: Int32, writer: Int32) {
    var ends: [Int32] = [0, 0]
    guard pipe(&ends) == 0 else { throw SystemError("pipe") }
    for end in ends { _ = fcntl(end, F_SETFL, O_NONBLOCK) }
    return (ends[0], ends[1])
}
